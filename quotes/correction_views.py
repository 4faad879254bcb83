"""Corrections where the newsroom reads: reassign, reject, fix spans, add quotes, label stances,
merge speakers, and the History pages. Each view binds a form, calls one service and goes back to
the article: a redirect when the form posted normally (no JS), the fresh page for htmx, which swaps
in its workspace.
"""
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quotes import forms, selectors, services, views
from quotes.models import Article, Quote, Speaker, SpeakerAlias, SpeakerMerge, Stance
from quotes.permissions import ability_required

AUTOCOMPLETE_LIMIT = 10


def _back_to_article(request: HttpRequest, article: Article, anchor: str) -> HttpResponse:
    """Without JS, redirect to the article page; for htmx, render it now (it swaps in the workspace,
    whose messages tell how the correction went)."""
    if request.headers.get("HX-Request"):
        response = views.article_page(request, article)
        response["HX-Replace-Url"] = article.get_absolute_url()  # not the form's address
        return response
    return redirect(f"{article.get_absolute_url()}#{anchor}")


def _back_to_quote(request: HttpRequest, quote: Quote) -> HttpResponse:
    return _back_to_article(request, quote.article, f"quote-{quote.pk}")


def _report_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = "" if field == "__all__" else f"{form.fields[field].label or field.replace('_', ' ')}: "
        for error in errors:
            messages.error(request, f"{label}{error}")


def _correct(request: HttpRequest, correction, success: str) -> None:
    """Run one correction service; its refusal (CorrectionError) or `success` becomes the message."""
    try:
        correction()
    except services.CorrectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)


def _quote(pk: int) -> Quote:
    return get_object_or_404(Quote.objects.select_related("article", "speaker"), pk=pk)


@require_POST
@ability_required("correct")
def quote_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin attributes the quote to a known speaker, a new one, or nobody."""
    quote = _quote(pk)
    form = forms.ReassignForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return _back_to_quote(request, quote)
    data = form.cleaned_data
    try:
        if data["new_speaker_name"].strip():
            services.quote_reassign_to_new_speaker(
                quote=quote, name=data["new_speaker_name"], role=data["new_speaker_role"], by=request.user,
                reason=data["reason"], make_alias=data["make_alias"],
            )
        else:
            services.quote_reassign(
                quote=quote, speaker=data["speaker"], by=request.user, reason=data["reason"],
                make_alias=data["make_alias"],
            )
    except services.CorrectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Quote #{quote.pk} is now attributed to {quote.speaker_name or 'nobody'}.")
    return _back_to_quote(request, quote)


@require_POST
@ability_required("correct")
def quote_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """"Not a quote": hidden everywhere, kept for the record, restorable."""
    quote = _quote(pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    services.quote_reject(quote=quote, by=request.user, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, f"Quote #{quote.pk} was rejected as not a quote; restore it from the list below.")
    return _back_to_article(request, quote.article, "rejected-quotes")


@require_POST
@ability_required("correct")
def quote_restore(request: HttpRequest, pk: int) -> HttpResponse:
    quote = _quote(pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    services.quote_restore(quote=quote, by=request.user, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, f"Quote #{quote.pk} was restored.")
    return _back_to_quote(request, quote)


@require_POST
@ability_required("correct")
def quote_respan(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin fixes where the quote starts and ends."""
    quote = _quote(pk)
    form = forms.SpanForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return _back_to_quote(request, quote)
    data = form.cleaned_data
    _correct(
        request,
        lambda: services.quote_respan(
            quote=quote, start=data["start"], end=data["end"], by=request.user, reason=data["reason"]
        ),
        f"The span of quote #{quote.pk} was fixed.",
    )
    return _back_to_quote(request, quote)


@require_POST
@ability_required("correct")
def quote_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin adds a quote the extractor missed, by selecting its text on the article page."""
    article = get_object_or_404(Article, pk=pk)
    form = forms.AddQuoteForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return _back_to_article(request, article, "add-quote-panel")
    data = form.cleaned_data
    try:
        with transaction.atomic():
            speaker = data["speaker"] or services.speaker_create(
                name=data["new_speaker_name"], role=data["new_speaker_role"], by=request.user, reason=data["reason"]
            )
            quote = services.quote_add(
                article=article, start=data["start"], end=data["end"], speaker=speaker, by=request.user,
                is_direct=data["is_direct"], reason=data["reason"],
            )
    except services.CorrectionError as error:
        messages.error(request, str(error))
        return _back_to_article(request, article, "add-quote-panel")
    messages.success(request, f"Quote #{quote.pk} was added for {speaker.name}.")
    return _back_to_quote(request, quote)


@require_POST
@ability_required("set_stance")
def quote_stance(request: HttpRequest, pk: int) -> HttpResponse:
    """An editor sets the quote's stance on a topic (also one the model has not classified yet)."""
    quote = _quote(pk)
    form = forms.QuoteStanceForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return _back_to_quote(request, quote)
    data = form.cleaned_data
    services.quote_stance_label(
        quote=quote, topic=data["topic"], label=data["label"], by=request.user,
        reason=data["reason"] or "labelled on the page",
    )
    messages.success(request, f"Stance on {data['topic']} set to {data['label']}.")
    return _back_to_quote(request, quote)


@require_safe
@ability_required("read")
def speaker_search(request: HttpRequest) -> HttpResponse:
    """Autocomplete: at most ten speakers by name or alias, as JSON or as <option>s for htmx."""
    speakers = selectors.speaker_search(query=request.GET.get("q", "") or request.GET.get("speaker", ""),
                                        limit=AUTOCOMPLETE_LIMIT)
    if "application/json" in request.headers.get("Accept", "") or request.GET.get("format") == "json":
        return JsonResponse(
            {"results": [{"slug": s.slug, "name": s.name, "role": s.role, "quotes": s.quote_count} for s in speakers]}
        )
    return render(request, "quotes/_speaker_options.html", {"speakers": speakers})


@require_POST
@ability_required("correct")
def speaker_update(request: HttpRequest, slug: str) -> HttpResponse:
    """An admin corrects a speaker's name, role or organisation (their address stays)."""
    speaker = get_object_or_404(Speaker, slug=slug)
    form = forms.SpeakerUpdateForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return redirect(speaker)
    try:
        services.speaker_update(speaker=speaker, by=request.user, **form.cleaned_data)
    except services.CorrectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{speaker.name} was updated.")  # the name as corrected
    return redirect(speaker)


@require_POST
@ability_required("correct")
def speaker_alias_add(request: HttpRequest, slug: str) -> HttpResponse:
    speaker = get_object_or_404(Speaker, slug=slug)
    form = forms.AliasForm(request.POST)
    if not form.is_valid():
        _report_errors(request, form)
        return redirect(speaker)
    _correct(
        request,
        lambda: services.speaker_alias_add(speaker=speaker, by=request.user, **form.cleaned_data),
        f"“{form.cleaned_data['alias']}” now also names {speaker.name}.",
    )
    return redirect(speaker)


@require_POST
@ability_required("correct")
def speaker_alias_remove(request: HttpRequest, pk: int) -> HttpResponse:
    alias = get_object_or_404(SpeakerAlias.objects.select_related("speaker"), pk=pk)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    services.speaker_alias_remove(alias=alias, by=request.user, reason=form.cleaned_data.get("reason", ""))
    messages.success(request, f"“{alias.alias}” no longer names {alias.speaker.name}.")
    return redirect(alias.speaker)


# --- History ----------------------------------------------------------------------


@require_safe
@ability_required("read")
def quote_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to the quote and its stances, with author and reason; readable after merges."""
    changes = selectors.quote_history(quote_id=pk)
    quote = Quote.objects.select_related("article", "speaker").filter(pk=pk).first()
    if quote is None and not changes:
        raise Http404("No such quote, and no history of one.")
    return render(
        request, "quotes/history.html",
        {"title": f"History of quote #{pk}", "quote": quote, "changes": changes},
    )


@require_safe
@ability_required("read")
def speaker_history(request: HttpRequest, slug: str) -> HttpResponse:
    """Every change to the speaker, their aliases and attributions, and the merges they took part in."""
    changes = selectors.speaker_history(slug=slug)
    speaker = Speaker.objects.filter(slug=slug).first()
    if speaker is None and not changes:
        raise Http404("No such speaker, and no history of one.")
    return render(
        request, "quotes/history.html",
        {"title": f"History of {speaker.name if speaker else slug}", "speaker": speaker, "changes": changes},
    )


HISTORY_MODELS = {"quote": Quote, "speaker": Speaker, "stance": Stance}


def _redirect_next(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
@ability_required("correct")
def history_revert(request: HttpRequest, kind: str, history_id: int) -> HttpResponse:
    """An admin sets one recorded change back."""
    if kind not in HISTORY_MODELS:
        raise Http404("Nothing of that kind keeps a history.")
    record = get_object_or_404(HISTORY_MODELS[kind].history.all(), history_id=history_id)
    form = forms.ReasonForm(request.POST)
    form.is_valid()
    try:
        services.history_revert(record=record, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except services.CorrectionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Change #{history_id} was reverted.")
    return _redirect_next(request, "/")


# --- Merges -----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@ability_required("merge_speakers")
def speaker_merge(request: HttpRequest) -> HttpResponse:
    """Pick the speaker to keep, see what moves, confirm; the merge can be undone from History."""
    data = request.POST if request.method == "POST" else request.GET
    slugs = [slug for value in data.getlist("speakers") for slug in value.split(",") if slug.strip()]
    speakers = list(Speaker.objects.filter(slug__in=[slug.strip() for slug in slugs]).order_by("name"))
    target = next((speaker for speaker in speakers if speaker.slug == data.get("keep")), None)
    sources = [speaker for speaker in speakers if speaker != target] if target else []
    if request.method == "POST":
        if target is None or not sources or not data.get("confirm"):
            messages.error(request, "Choose the speaker to keep and at least one other, then confirm.")
        else:
            with transaction.atomic():
                for source in sources:
                    services.speaker_merge(source=source, target=target, by=request.user)
            names = ", ".join(source.name for source in sources)
            messages.success(request, f"{names} merged into {target.name}. Undo it from this history page.")
            return redirect("quotes:speaker_history", target.slug)
    return render(
        request, "quotes/speaker_merge.html",
        {"speakers": speakers, "target": target,
         "previews": [selectors.speaker_merge_preview(source=source, target=target) for source in sources]},
    )


@require_POST
@ability_required("merge_speakers")
def speaker_merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = get_object_or_404(SpeakerMerge, pk=pk)
    try:
        source = services.speaker_merge_undo(merge=merge, by=request.user)
    except services.CorrectionError as error:
        messages.error(request, str(error))
        return _redirect_next(request, "/")
    messages.success(request, f"The merge was undone: {source.name} is back with their quotes and aliases.")
    return redirect("quotes:speaker_history", source.slug)
