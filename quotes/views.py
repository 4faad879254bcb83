"""Server-rendered pages: bind a form or filter, call a selector or service, render.

Every view names the ability it needs (quotes.permissions); reads answer GET and HEAD only.
"""
import csv
import hashlib
import io
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quotes import selectors, services
from quotes.forms import ArticleForm, QuoteFlagForm
from quotes.models import Article, Quote, QuoteFlag, Speaker, Stance, Topic, TopicBackfill
from quotes.permissions import ability_required, can

PAGE_SIZE = 50
SUGGESTIONS = 10  # speakers the explorer suggests at most
REVIEW_PAGE_SIZE = 20


@require_safe
@ability_required("read")
def dashboard(request: HttpRequest) -> HttpResponse:
    """The newsroom at a glance: articles by status, the review queue, this week's quotes and
    speakers, and where each active topic stands this week against the weeks before."""
    now = timezone.now()
    return render(
        request,
        "quotes/dashboard.html",
        {
            **_dashboard_counts(now),
            "top_speakers": selectors.top_speakers_this_week(now=now),
            "balances": selectors.topic_balances(now=now),
        },
    )


@require_safe
@ability_required("read")
def dashboard_counts(request: HttpRequest) -> HttpResponse:
    """The dashboard's counts, which it polls with htmx (by status live; the rest cached a minute)."""
    return render(request, "quotes/_dashboard_counts.html", _dashboard_counts(timezone.now()))


def _dashboard_counts(now) -> dict:
    status_counts = selectors.article_status_counts()
    return {
        "statuses": [(value, label, status_counts[value]) for value, label in Article.Status.choices],
        "article_total": sum(status_counts.values()),
        "review_size": selectors.review_queue_size(),
        "quotes_this_week": selectors.quotes_this_week(now=now),
    }


ARTICLE_COLUMNS = [("title", "Title"), ("outlet", "Outlet"), ("published", "Published"), ("quotes", "Quotes"),
                   ("status", "Status")]


@require_safe
@ability_required("read")
def article_list(request: HttpRequest) -> HttpResponse:
    """Articles searched (title, outlet, body), filtered (outlet, dates, status) and sorted; an
    invalid value is a 400 with the page and what is wrong, never every article."""
    article_filter, articles = selectors.article_search(data=request.GET)
    page = selectors.BoundedPaginator(articles, PAGE_SIZE, cap=selectors.ARTICLE_COUNT_CAP).get_page(
        request.GET.get("page"))
    sort = (article_filter.form.cleaned_data.get("sort") if article_filter.is_bound else "") or "-published"
    unsorted = _without(request.GET, "page", "sort")
    return render(
        request,
        "quotes/article_list.html",
        {
            "filter": article_filter,
            "page": page,
            "query": _without(request.GET, "page"),
            "columns": [_sort_column(key, label, sort, unsorted) for key, label in ARTICLE_COLUMNS],
            "outlets": selectors.article_outlets(),
            "problems": [
                f"{_filter_label(article_filter, name)} “{request.GET.get(name, '')}”: {error}"
                for name, errors in article_filter.errors.items() for error in errors
            ],
        },
        status=400 if article_filter.errors else 200,
    )


def _filter_label(filterset, name: str) -> str:
    return filterset.filters[name].label if name in filterset.filters else "Filters"


def _without(params, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _sort_column(key: str, label: str, sort: str, query: str) -> dict:
    """A sortable column head: its link toggles the order and keeps every filter."""
    current = sort.lstrip("-") == key
    descending = current and sort.startswith("-")
    next_sort = key if descending or not current else f"-{key}"
    return {
        "key": key,
        "label": label,
        "url": f"?{query}&sort={next_sort}" if query else f"?sort={next_sort}",
        "aria_sort": ("descending" if descending else "ascending") if current else "none",
    }


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
    topics = list(Topic.objects.filter(is_active=True))
    asked = request.GET.get("topic", "")
    shown_topic = next((topic for topic in topics if topic.slug == asked), topics[0] if topics else None)
    return render(
        request,
        "quotes/article_detail.html",
        {
            "article": article,
            "quotes": quotes,
            "segments": selectors.article_body_segments(article=article, quotes=quotes),
            "topics": topics,
            "shown_topic": shown_topic,  # the highlights are coloured by the stance on this topic
            "unknown_topic": asked if asked and (shown_topic is None or shown_topic.slug != asked) else "",
            "rejected_quotes": selectors.article_rejected_quotes(article=article) if can_correct else [],
            "stance_labels": Stance.Label.choices,
            "correcting": int(correcting) if correcting.isdigit() else None,
        },
    )


@require_safe
@ability_required("read")
def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The article's processing status, polled by its page with htmx while it is pending or
    processing; once it is done (or failed), the whole workspace is sent in its place, quotes and all."""
    article = get_object_or_404(Article.objects.defer("body"), pk=pk)
    if article.is_busy:
        return render(request, "quotes/_article_status.html", {"article": article})
    response = article_page(request, Article.objects.get(pk=pk))
    response["HX-Retarget"] = "#article-workspace"
    response["HX-Reselect"] = "#article-workspace"
    response["HX-Reswap"] = "outerHTML"
    return response


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
    """Everyone named who is quoted, most quoted first; `kind` keeps one kind of speaker (unnamed
    ones too: 'a senior official'), `kind=all` every speaker."""
    search = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in (*Speaker.Kind.values, selectors.ALL_KINDS) else ""
    page = selectors.speaker_page(search=search, kind=kind, number=request.GET.get("page"), per_page=PAGE_SIZE)
    return render(
        request, "quotes/speaker_list.html",
        {
            "page": page, "search": search, "kind": kind, "kinds": Speaker.Kind.choices,
            "query": urlencode({key: value for key, value in {"q": search, "kind": kind}.items() if value}),
        },
    )


@require_safe
@ability_required("read")
def speaker_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A speaker's quotes (a page of them, grouped by article), where they stand on each topic, and
    their stance over time on each active topic (per week or month, one query for all topics)."""
    speaker = get_object_or_404(Speaker, slug=slug)
    page = selectors.speaker_quotes_page(speaker=speaker, number=request.GET.get("page"), per_page=PAGE_SIZE)
    return render(
        request,
        "quotes/speaker_detail.html",
        {
            "speaker": speaker,
            "page": page,
            "aliases": speaker.aliases.exclude(alias=speaker.name),
            "summaries": selectors.stance_summaries(speaker=speaker),
            "timelines": selectors.speaker_stance_timelines(speaker=speaker),
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
    """Where they stand on one topic: speakers ranked by net stance (favor − against; volume orders
    a tie) or by volume (`?rank=volume`), ties shown as ties, a chart and the table of its numbers,
    each linked to the explorer. An unknown ranking is a 400 that says so (and ranks by net stance)."""
    topic = get_object_or_404(Topic, slug=slug)
    by = request.GET.get("rank", "") or "net"
    problem = "" if by in selectors.RANKINGS else (
        f"There is no ranking “{by}”; choose {' or '.join(selectors.RANKINGS)}. Ranked by net stance.")
    by = by if not problem else "net"
    page = selectors.topic_ranking_page(topic=topic, by=by, number=request.GET.get("page"), per_page=PAGE_SIZE)
    return render(
        request, "quotes/topic_detail.html", {
            "topic": topic, "page": page, "ranked": page.object_list, "by": by, "problem": problem,
            "rankings": selectors.RANKINGS, "query": _filled(request.GET, "page"),
            "backfill": TopicBackfill.objects.filter(topic=topic).first(),  # the progress panel
        },
        status=400 if problem else 200,
    )


@require_safe
@ability_required("read")
def quote_list(request: HttpRequest) -> HttpResponse:
    """Quotes filtered by speaker, topic, stance, outlet, date, kind, confidence and text; an invalid
    value gives the page with its message (400), never silently every quote.

    htmx asks for the explorer region alone (filters and results) of the same URL and swaps it in
    place; its pushed URL is the state without empty fields. A full load renders the same region."""
    quote_filter, quotes = selectors.quote_list(data=request.GET)
    invalid = quote_filter.is_bound and not quote_filter.is_valid()
    # The count is cached per filter state (not page or sort) under the data stamp.
    state = _filled(request.GET, "page", "sort")
    count_key = "" if invalid else "explorer:" + hashlib.sha256(state.encode()).hexdigest()
    page = selectors.BoundedPaginator(quotes.none() if invalid else quotes, PAGE_SIZE, cache_as=count_key).get_page(
        request.GET.get("page"))
    for name, form_field in quote_filter.form.fields.items():
        if name != "speaker":  # the speaker applies on a suggestion or Enter, not on every keystroke's change
            form_field.widget.attrs["class"] = "explorer-auto"
    query = _filled(request.GET, "page")
    path = reverse("quotes:quote_list")
    headers = request.headers
    partial = headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != "true"
    response = render(
        request,
        "quotes/_quote_explorer.html" if partial else "quotes/quote_list.html",
        {
            "filter": quote_filter,
            "page": page,
            "query": query,
            "chosen_speaker": None if invalid else quote_filter.form.cleaned_data.get("speaker"),
            "problems": [
                f"{_filter_label(quote_filter, name)} “{request.GET.get(name, '')}”: {error}"
                for name, errors in quote_filter.errors.items() for error in errors
            ] if invalid else [],
            "previous_url": _page_url(path, query, page.previous_page_number()) if page.has_previous() else "",
            "next_url": _page_url(path, query, page.next_page_number()) if page.has_next() else "",
        },
        status=400 if invalid else 200,
    )
    if partial:
        state = _filled(request.GET)
        response["HX-Push-Url"] = f"{path}?{state}" if state else path
    patch_vary_headers(response, ["HX-Request"])  # the region and the page never share a cache entry
    return response


def _filled(params, *without: str) -> str:
    """The query string without empty fields (and without the names given)."""
    return urlencode([(name, value) for name, values in params.lists() if name not in without
                      for value in values if value.strip()])


def _page_url(path: str, query: str, number: int) -> str:
    return f"{path}?{query}&page={number}" if query else f"{path}?page={number}"


@require_safe
@ability_required("read")
def speaker_suggest(request: HttpRequest) -> HttpResponse:
    """The explorer's speaker autocomplete: at most ten speakers a word of whose name or alias starts
    with what was typed, most quoted first; HTML suggestions for htmx, or JSON with `format=json`."""
    query = " ".join((request.GET.get("speaker", "") or request.GET.get("q", "")).split())[:100]
    speakers = selectors.speaker_search(query=query, limit=SUGGESTIONS)
    if request.GET.get("format") == "json" or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"results": [
            {"slug": s.slug, "name": s.name, "role": s.role, "quotes": s.quote_count} for s in speakers
        ]})
    return render(request, "quotes/_speaker_suggestions.html", {"speakers": speakers, "query": query})


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell a spreadsheet would run as a formula is written as text (a leading ')."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _export(request: HttpRequest, render_chunk, header: str, content_type: str, filename: str):
    """The screen's quotes (same filters, same order), streamed a chunk of rows at a time;
    invalid filters are a 400, never everything."""
    quote_filter, quotes = selectors.quote_list(data=request.GET)
    if not quote_filter.is_valid():
        return HttpResponse(json.dumps(quote_filter.errors), status=400, content_type="application/json")
    chunks = selectors.quote_export_chunks(quotes=quotes, topic=quote_filter.form.cleaned_data.get("topic"))

    def parts():
        yield header
        for chunk in chunks:
            yield render_chunk(chunk)

    response = StreamingHttpResponse(parts(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Cells a person or a feed wrote (text): the ones a spreadsheet might run as formulas.
_TEXT_CELLS = [index for index, column in enumerate(selectors.EXPORT_COLUMNS) if column in (
    "article_title", "article_url", "outlet", "speaker", "speaker_role", "speaker_mention", "quote", "cue",
    "topic", "stance", "stance_source", "model_version",
)]
_DATE_CELL = selectors.EXPORT_COLUMNS.index("published_at")


def _csv_lines(rows) -> str:
    cells = []
    for row in rows:
        row = list(row)
        for index in _TEXT_CELLS:
            row[index] = spreadsheet_safe(row[index])
        if row[_DATE_CELL] is not None:
            row[_DATE_CELL] = row[_DATE_CELL].isoformat()
        cells.append(row)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(cells)  # None is written as an empty cell
    return buffer.getvalue()


@require_safe
@ability_required("export")
def quote_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered quotes as CSV: one row per quote and topic stance, formula-safe."""
    return _export(
        request, _csv_lines, ",".join(selectors.EXPORT_COLUMNS) + "\r\n", "text/csv; charset=utf-8",
        "newsdesk-quotes.csv",
    )


@require_safe
@ability_required("export")
def quote_export_json(request: HttpRequest) -> StreamingHttpResponse:
    """The same rows as JSON Lines: one JSON object per line (values as stored, not formula-escaped)."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)

    def lines(rows) -> str:
        return "".join(encoder.encode(dict(zip(selectors.EXPORT_COLUMNS, row, strict=True))) + "\n" for row in rows)

    return _export(request, lines, "", "application/x-ndjson; charset=utf-8", "newsdesk-quotes.jsonl")


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
