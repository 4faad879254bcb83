"""The reads: querysets and view-models the pages, the export and the admin share."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from quotes.filters import QuoteFilter
from quotes.models import Article, Quote, Speaker, Stance, Topic


def quote_queryset() -> QuerySet[Quote]:
    """Quotes with what the pages, the export and the API show; newest articles first."""
    return Quote.objects.select_related("speaker", "article").prefetch_related(
        Prefetch("stances", queryset=Stance.objects.select_related("topic"))
    ).order_by("-article__published_at", "article_id", "start")


def quote_list(*, data: dict | None = None) -> tuple[QuoteFilter, QuerySet[Quote]]:
    """Quotes filtered by the analyst's criteria (the same FilterSet the API uses)."""
    quote_filter = QuoteFilter(data or None, queryset=quote_queryset())
    return quote_filter, quote_filter.qs


def article_list(*, search: str = "", status: str = "") -> QuerySet[Article]:
    articles = Article.objects.annotate(
        quote_count=Count("quotes", distinct=True),
        speaker_count=Count("quotes__speaker", distinct=True),
    ).defer("body")
    if search:
        articles = articles.filter(Q(title__icontains=search) | Q(outlet__icontains=search))
    if status:
        articles = articles.filter(status=status)
    return articles.order_by("-published_at", "-created_at", "-pk")


def article_quotes(*, article: Article) -> list[Quote]:
    return list(quote_queryset().filter(article=article))


@dataclass(frozen=True)
class BodySegment:
    """A run of the article body: plain text, or a quote to highlight."""

    text: str
    quote: Quote | None = None
    paragraph_break: bool = False


def article_body_segments(*, article: Article, quotes: list[Quote]) -> list[BodySegment]:
    """Split the body into paragraphs of plain and quoted runs (overlapping quotes: first wins)."""
    segments: list[BodySegment] = []
    position = 0
    for quote in sorted(quotes, key=lambda q: (q.start, -q.end)):
        if quote.start < position:
            continue
        segments.extend(_plain_segments(article.body[position : quote.start]))
        segments.append(BodySegment(text=article.body[quote.start : quote.end], quote=quote))
        position = quote.end
    segments.extend(_plain_segments(article.body[position:]))
    return segments


def _plain_segments(text: str) -> list[BodySegment]:
    pieces = text.split("\n")
    segments = []
    for index, piece in enumerate(pieces):
        if index:
            segments.append(BodySegment(text="", paragraph_break=True))
        if piece:
            segments.append(BodySegment(text=piece))
    return segments


def speaker_list(*, search: str = "") -> QuerySet[Speaker]:
    speakers = Speaker.objects.annotate(
        quote_count=Count("quotes", distinct=True),
        article_count=Count("quotes__article", distinct=True),
    ).filter(quote_count__gt=0)
    if search:
        speakers = speakers.filter(Q(name__icontains=search) | Q(aliases__alias__icontains=search)).distinct()
    return speakers.order_by("-quote_count", "name", "pk")


@dataclass(frozen=True)
class StanceSummary:
    """How many of a speaker's quotes favor, oppose or say nothing on a topic."""

    topic: Topic
    speaker: Speaker
    favor: int
    against: int
    none: int

    @property
    def total(self) -> int:
        return self.favor + self.against + self.none

    @property
    def leaning(self) -> str:
        """The speaker's prevailing stance on the topic ("none" when it is a tie)."""
        if self.favor > self.against and self.favor >= self.none:
            return Stance.Label.FAVOR
        if self.against > self.favor and self.against >= self.none:
            return Stance.Label.AGAINST
        return Stance.Label.NONE

    def _share(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def favor_share(self) -> int:
        return self._share(self.favor)

    @property
    def against_share(self) -> int:
        return self._share(self.against)

    @property
    def none_share(self) -> int:
        return self._share(self.none)


def stance_summaries(*, speaker: Speaker | None = None, topic: Topic | None = None) -> list[StanceSummary]:
    """Effective stance counts per (topic, speaker), most quoted first."""
    stances = Stance.objects.filter(quote__speaker__isnull=False)
    if speaker is not None:
        stances = stances.filter(quote__speaker=speaker)
    if topic is not None:
        stances = stances.filter(topic=topic)
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for row in stances.values("topic", "quote__speaker", "label").annotate(count=Count("id")):
        counts[(row["topic"], row["quote__speaker"])][row["label"]] += row["count"]
    topics = Topic.objects.in_bulk({topic_id for topic_id, _ in counts})
    speakers = Speaker.objects.in_bulk({speaker_id for _, speaker_id in counts})
    summaries = [
        StanceSummary(
            topic=topics[topic_id],
            speaker=speakers[speaker_id],
            favor=by_label["favor"],
            against=by_label["against"],
            none=by_label["none"],
        )
        for (topic_id, speaker_id), by_label in counts.items()
    ]
    return sorted(summaries, key=lambda summary: (-summary.total, summary.topic.name, summary.speaker.name))


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        quote_count=Count("stances", distinct=True),
        speaker_count=Count("stances__quote__speaker", distinct=True),
    ).order_by("-is_active", "name")
