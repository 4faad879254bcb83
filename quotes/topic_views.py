"""Topics are the analyst's: create one, edit what the model reads, (de)activate it, and watch
its stances being computed for every existing quote (the progress partial, polled by htmx)."""
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quotes import forms, services
from quotes.models import Topic, TopicBackfill
from quotes.permissions import ability_required


@require_http_methods(["GET", "POST"])
@ability_required("manage_topics")
def topic_create(request: HttpRequest) -> HttpResponse:
    """A new topic; its stances are then computed in the background."""
    form = forms.TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (topic := form.save(by=request.user)):
        messages.success(request, f"Topic “{topic.name}” created; its stances are being computed.")
        return redirect(topic)
    return render(request, "quotes/topic_form.html", {"form": form, "topic": None}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@ability_required("manage_topics")
def topic_update(request: HttpRequest, slug: str) -> HttpResponse:
    """Rename a topic or change the description the model reads."""
    topic = get_object_or_404(Topic, slug=slug)
    initial = {"name": topic.name, "description": topic.description}
    form = forms.TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and form.save(by=request.user, topic=topic):
        messages.success(request, f"Topic “{topic.name}” saved.")
        return redirect(topic)
    return render(request, "quotes/topic_form.html", {"form": form, "topic": topic}, status=400 if form.errors else 200)


@require_POST
@ability_required("manage_topics")
def topic_set_active(request: HttpRequest, slug: str) -> HttpResponse:
    """Deactivate (stop classifying) or reactivate (classify every quote again) a topic."""
    topic = get_object_or_404(Topic, slug=slug)
    active = request.POST.get("active") == "1"
    services.topic_set_active(topic=topic, active=active, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, f"Topic “{topic.name}” {'reactivated' if active else 'deactivated'}.")
    return redirect(topic)


@require_POST
@ability_required("manage_topics")
def topic_backfill_retry(request: HttpRequest, slug: str) -> HttpResponse:
    """Continue a failed backfill from where it stopped."""
    topic = get_object_or_404(Topic, slug=slug)
    try:
        services.topic_backfill_retry(topic=topic, by=request.user)
        messages.success(request, "Computing the topic's stances again, from where it stopped.")
    except services.TopicError as error:
        messages.error(request, str(error))
    except TopicBackfill.DoesNotExist:
        messages.error(request, "This topic's stances were never computed in the background: nothing to retry.")
    return redirect(topic)


@require_safe
@ability_required("read")
def topic_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """The progress panel alone: htmx polls it while the backfill runs (the panel stops polling once done)."""
    topic = get_object_or_404(Topic, slug=slug)
    backfill = TopicBackfill.objects.filter(topic=topic).first()
    return render(request, "quotes/_topic_progress.html", {"topic": topic, "backfill": backfill})
