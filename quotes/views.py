"""Server-rendered pages: bind a form or filter, call a selector or service, render.

Every view names the ability it needs (quotes.permissions); reads answer GET and HEAD only.
"""
import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quotes import selectors, services
from quotes.forms import ArticleForm, QuoteFlagForm
from quotes.models import Article, Quote, QuoteFlag, Speaker, Stance, Topic
from quotes.permissions import ability_required, can

PAGE_SIZE = 50
REVIEW_PAGE_SIZE = 20


@require_safe
@ability_required("read")
def article_list(request: HttpRequest) -> HttpResponse:
    """Every article with its processing status and how many quotes it holds."""
    search, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    articles = selectors.article_list(search=search, status=status)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quotes/article_list.html",
        {"page": page, "search": search, "status": status, "statuses": Article.Status.choices},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@ability_required("ingest")
def article_create(request: HttpRequest) -> HttpResponse:
    """Paste or upload an article; it is processed in the background."""
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        article = form.save(by=request.user)
        if article is not None:
            if article.already_stored:
                messages.info(request, f"This text is already stored as “{article}” ({article.get_status_display()}).")
            elif article.is_stuck:  # saved, but the task queue is unreachable: say so, not "received"
                messages.warning(request, f"“{article}” is saved and queued: the task queue is unreachable right "
                                          "now; processing starts by itself once it is back.")
            else:
                messages.success(request, f"“{article}” was received; its quotes appear as soon as it is processed.")
            return redirect(article)
    return render(request, "quotes/article_form.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
@ability_required("read")
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article with every quote highlighted, its speaker and stance, and the processing status."""
    return article_page(request, get_object_or_404(Article, pk=pk))


def article_page(request: HttpRequest, article: Article) -> HttpResponse:
    """The article page itself; the correction views answer htmx with it after a POST."""
    quotes = selectors.article_quotes(article=article)
    can_correct = can(request.user, "correct")  # only then are the rejected quotes listed, to restore
    correcting = request.GET.get("correct", "")  # the review queue's "reassign" opens that quote's form
    return render(
        request,
        "quotes/article_detail.html",
        {
            "article": article,
            "quotes": quotes,
            "segments": selectors.article_body_segments(article=article, quotes=quotes),
            "topics": Topic.objects.filter(is_active=True),
            "rejected_quotes": selectors.article_rejected_quotes(article=article) if can_correct else [],
            "stance_labels": Stance.Label.choices,
            "correcting": int(correcting) if correcting.isdigit() else None,
        },
    )


@require_POST
@ability_required("retry")
def article_retry(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    if services.article_retry(article=article, by=request.user):
        messages.info(request, "Processing starts again.")
    else:
        messages.info(request, "It is being processed right now.")
    return redirect(article)


@require_POST
@ability_required("set_stance")
def stance_label(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor sets the stance of a quote; the model never overrides it."""
    stance_record = get_object_or_404(Stance.objects.select_related("quote__article"), pk=pk)
    label = request.POST.get("label", "")
    if label not in Stance.Label.values:
        messages.error(request, f"“{label}” is not a stance; choose favor, against or none.")
    else:
        services.stance_label(stance_record=stance_record, label=label, by=request.user, reason="labelled on the page")
        messages.success(request, f"Stance set to {label}.")
    return redirect(f"{stance_record.quote.article.get_absolute_url()}#quote-{stance_record.quote_id}")


@require_safe
@ability_required("read")
def speaker_list(request: HttpRequest) -> HttpResponse:
    """Everyone quoted, most quoted first."""
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.speaker_list(search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quotes/speaker_list.html", {"page": page, "search": search})


@require_safe
@ability_required("read")
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A speaker's quotes and where they stand on each topic."""
    speaker = get_object_or_404(Speaker, slug=slug)
    _, quotes = selectors.quote_list(data={"speaker": speaker.slug})
    return render(
        request,
        "quotes/speaker_detail.html",
        {
            "speaker": speaker,
            "quotes": quotes,
            "aliases": speaker.aliases.exclude(alias=speaker.name),
            "summaries": selectors.stance_summaries(speaker=speaker),
        },
    )


@require_safe
@ability_required("read")
def topic_list(request: HttpRequest) -> HttpResponse:
    """The topics speakers take a stance on."""
    return render(request, "quotes/topic_list.html", {"topics": selectors.topic_list()})


@require_safe
@ability_required("read")
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Who stands where on one topic: every speaker's favor / against / none."""
    topic = get_object_or_404(Topic, slug=slug)
    return render(
        request, "quotes/topic_detail.html", {"topic": topic, "summaries": selectors.stance_summaries(topic=topic)}
    )


@require_safe
@ability_required("read")
def quote_list(request: HttpRequest) -> HttpResponse:
    """Quotes filtered by speaker, topic, stance, outlet and date, for analysts."""
    quote_filter, quotes = selectors.quote_list(data=request.GET)
    page = Paginator(quotes, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quotes/quote_list.html",
        {"filter": quote_filter, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


EXPORT_COLUMNS = [
    "quote_id", "article_id", "article_title", "article_url", "outlet", "published_at", "speaker",
    "speaker_role", "speaker_mention", "quote", "direct", "cue", "attribution_confidence", "topic",
    "stance", "stance_source", "stance_favor", "stance_against", "stance_none", "model_version",
]


@require_safe
@ability_required("export")
def quote_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered quotes as CSV: one row per quote and topic stance."""
    _, quotes = selectors.quote_list(data=request.GET)
    topic_slug = request.GET.get("topic", "")
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(EXPORT_COLUMNS)
        for quote in quotes.iterator(chunk_size=500):
            stances = [s for s in quote.stances.all() if not topic_slug or s.topic.slug == topic_slug] or [None]
            for stance in stances:
                yield writer.writerow(_export_row(quote, stance))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsdesk-quotes.csv"'
    return response


def _export_row(quote, stance) -> list:
    article, speaker = quote.article, quote.speaker
    return [
        quote.pk, article.pk, article.title, article.url, article.outlet,
        article.published_at.isoformat() if article.published_at else "",
        speaker.name if speaker else "", speaker.role if speaker else "", quote.speaker_mention,
        quote.text, quote.is_direct, quote.cue, round(quote.attribution_confidence, 3),
        stance.topic.name if stance else "", stance.label if stance else "",
        stance.source if stance else "",
        *([round(stance.score_favor, 4), round(stance.score_against, 4), round(stance.score_none, 4)]
          if stance else ["", "", ""]),
        stance.model_version if stance else "",
    ]


# --- Review queue -----------------------------------------------------------------


@require_safe
@ability_required("set_stance")
def review_queue(request: HttpRequest) -> HttpResponse:
    """What most needs a human: flags, unattributed and doubtful quotes, uncertain stances."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.REVIEW_KINDS else ""
    topic = Topic.objects.filter(slug=request.GET.get("topic", "")).first()
    queue = selectors.review_queue(kind=kind, topic=topic)
    page = Paginator(queue.items, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quotes/review_queue.html",
        {
            "queue": queue,
            "page": page,
            "kind": kind,
            "topic": topic,
            "kinds": selectors.REVIEW_KINDS,
            "query": query.urlencode(),
        },
    )


@require_POST
@ability_required("set_stance")
def review_stance(request: HttpRequest, pk: int) -> HttpResponse:
    """Label a stance from the queue (accepting the model's label labels it too)."""
    stance_record = get_object_or_404(Stance, pk=pk)
    label = request.POST.get("label", "")
    if label not in Stance.Label.values:
        return _review_done(request, f"“{label}” is not a stance; choose favor, against or none.", status=400)
    services.stance_label(stance_record=stance_record, label=label, by=request.user, reason="labelled in review")
    return _review_done(request, f"Stance on {stance_record.topic.name} set to {label}.")


@require_POST
@ability_required("correct")
def review_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The quote's span and speaker are right as they stand."""
    services.quote_review(quote=get_object_or_404(Quote, pk=pk), by=request.user, reason="accepted in review")
    return _review_done(request, "Attribution accepted.")


@require_POST
@ability_required("correct")
def review_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """"Not a quote" from the queue: rejected (restorable on the article page), its flags resolved."""
    services.quote_reject(quote=get_object_or_404(Quote, pk=pk), by=request.user, reason="not a quote (review queue)")
    return _review_done(request, "Rejected as not a quote; it can be restored on the article page.")


@require_POST
@ability_required("correct")
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(QuoteFlag, pk=pk, resolved_at=None)
    services.flag_resolve(flag=flag, by=request.user, resolution=request.POST.get("resolution", ""))
    return _review_done(request, "Flag resolved.")


@require_POST
@ability_required("flag_quote")
def quote_flag(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor flags a quote as wrongly attributed, not a quote, or otherwise wrong."""
    quote = get_object_or_404(Quote, pk=pk)
    form = QuoteFlagForm(request.POST)
    if not form.is_valid():
        return _review_done(request, " ".join(form.errors.get("kind", ["Choose what is wrong."])), status=400)
    flag = services.quote_flag(quote=quote, by=request.user, **form.cleaned_data)
    return _review_done(request, f"Flagged: {flag.get_kind_display().lower()}. An admin will look at it.")


@require_POST
@ability_required("correct")
def article_review(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin vouches for all of an article's quotes: it joins the extractor's gold."""
    article = get_object_or_404(Article, pk=pk)
    try:
        services.article_review(article=article, by=request.user)
    except ValueError as error:
        return _review_done(request, str(error), status=400)
    return _review_done(request, "Article marked reviewed: its quotes are now gold.")


def _review_done(request: HttpRequest, message: str, status: int = 200) -> HttpResponse:
    """htmx swaps the item for the outcome; without JavaScript, back to where the form was."""
    if request.headers.get("HX-Request") == "true":
        return render(request, "quotes/_done.html", {"message": message, "failed": status >= 400}, status=status)
    (messages.error if status >= 400 else messages.success)(request, message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "quotes:review_queue"
    return redirect(target)
