"""Server-rendered pages: bind a form or filter, call a selector or service, render.

Every view names the ability it needs (quotes.permissions); reads answer GET and HEAD only.
"""
import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from quotes import selectors, services
from quotes.forms import ArticleForm
from quotes.models import Article, Speaker, Stance, Topic
from quotes.permissions import ability_required

PAGE_SIZE = 50


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
            messages.success(request, f"“{article}” was received; its quotes appear as soon as it is processed.")
            return redirect(article)
    return render(request, "quotes/article_form.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
@ability_required("read")
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article with every quote highlighted, its speaker and stance, and the processing status."""
    article = get_object_or_404(Article, pk=pk)
    quotes = selectors.article_quotes(article=article)
    return render(
        request,
        "quotes/article_detail.html",
        {
            "article": article,
            "quotes": quotes,
            "segments": selectors.article_body_segments(article=article, quotes=quotes),
        },
    )


@require_POST
@ability_required("retry")
def article_retry(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    services.article_retry(article=article, by=request.user)
    messages.info(request, "Processing starts again.")
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
