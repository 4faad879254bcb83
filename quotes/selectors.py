"""The reads: querysets and view-models the pages, the export and the admin share."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain, zip_longest

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest

from quotes.filters import QuoteFilter
from quotes.models import Article, Quote, QuoteFlag, Speaker, Stance, Topic
from quotes.stance.selection import margin_uncertainty, rank_for_labelling


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


# --- Review queue -----------------------------------------------------------------

REVIEW_KINDS = {
    "flag": "Flagged by an editor",
    "unattributed": "Unattributed",
    "low_confidence": "Low attribution confidence",
    "stance": "Uncertain stance",
}


@dataclass(frozen=True)
class ReviewItem:
    """One thing for a person to check: a flag, a quote's attribution, or a quote's stance."""

    kind: str
    quote: Quote
    flag: QuoteFlag | None = None
    stance: Stance | None = None
    uncertainty: float | None = None

    @property
    def dom_id(self) -> str:
        target = self.flag or self.stance or self.quote
        return f"review-{self.kind}-{target.pk}"

    @property
    def kind_label(self) -> str:
        return REVIEW_KINDS[self.kind]


@dataclass
class ReviewQueue:
    """The queue's size per kind (exact) and its first items in working order (bounded)."""

    counts: dict[str, int]
    items: list[ReviewItem] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(self.counts.values())


def _quotes_in_review() -> QuerySet[Quote]:
    """Quotes a person may still need to look at: not waiting on an open flag."""
    open_flag = QuoteFlag.objects.filter(quote=OuterRef("pk"), resolved_at=None)
    return Quote.objects.filter(~Exists(open_flag))


def _unchecked_attributions() -> QuerySet[Quote]:
    """Quotes whose attribution no person has accepted or corrected."""
    return (
        _quotes_in_review()
        .filter(reviewed_at=None, corrected_fields=[])
        .select_related("speaker", "article")
        .defer("article__body")
    )


def review_queue(*, kind: str = "", topic: Topic | None = None, limit: int = 200) -> ReviewQueue:
    """What most needs a human, in working order: editors' flags, unattributed quotes, quotes
    below `NEWSDESK_REVIEW_MIN_CONFIDENCE`, then per active topic the model-labelled stances it
    is least sure of (most uncertain first, spread across speakers and articles, topics
    interleaved). `kind` keeps one of REVIEW_KINDS; at most `limit` items of each kind are
    loaded, while the counts are exact.
    """
    if kind and kind not in REVIEW_KINDS:
        raise ValueError(f"Unknown review kind {kind!r}; use one of {', '.join(REVIEW_KINDS)}.")
    threshold = settings.NEWSDESK["REVIEW_MIN_CONFIDENCE"]
    attributions = _unchecked_attributions()
    sources = {
        "flag": QuoteFlag.objects.filter(resolved_at=None)
        .select_related("quote__speaker", "quote__article", "by")
        .defer("quote__article__body")
        .order_by("created_at", "pk"),
        "unattributed": attributions.filter(speaker=None).order_by("-article__published_at", "article", "start"),
        "low_confidence": attributions.filter(speaker__isnull=False, attribution_confidence__lt=threshold)
        .order_by("attribution_confidence", "-article__published_at", "article", "start"),
        "stance": _uncertain_stances(topic),
    }
    queue = ReviewQueue(counts={name: source.count() for name, source in sources.items()})
    for name in REVIEW_KINDS:
        if kind and name != kind:
            continue
        if name == "flag":
            queue.items += [ReviewItem(kind=name, quote=flag.quote, flag=flag) for flag in sources[name][:limit]]
        elif name == "stance":
            queue.items += _stance_items(sources[name], limit)
        else:
            queue.items += [ReviewItem(kind=name, quote=quote) for quote in sources[name][:limit]]
    return queue


def _uncertain_stances(topic: Topic | None) -> QuerySet[Stance]:
    """Model-labelled stances on active topics whose likeliest label scores below
    `NEWSDESK_REVIEW_STANCE_MAX_CONFIDENCE`, least confident first."""
    stances = (
        Stance.objects.filter(source=Stance.Source.MODEL, topic__is_active=True, quote__in=_quotes_in_review())
        .annotate(top_score=Greatest("score_favor", "score_against", "score_none"))
        .filter(top_score__lt=settings.NEWSDESK["REVIEW_STANCE_MAX_CONFIDENCE"])
    )
    if topic is not None:
        stances = stances.filter(topic=topic)
    return stances.order_by("top_score", "pk")


def _stance_items(stances: QuerySet[Stance], limit: int) -> list[ReviewItem]:
    """Per topic: the `limit` least confident, ranked for the most learning per label."""
    per_topic: dict[int, list[Stance]] = defaultdict(list)
    for topic_id in stances.values_list("topic", flat=True).distinct().order_by("topic"):
        per_topic[topic_id] = list(
            stances.filter(topic_id=topic_id)
            .select_related("topic", "quote__speaker", "quote__article")
            .defer("quote__article__body")[:limit]
        )
    ranked = []
    for pool in per_topic.values():
        order = rank_for_labelling(
            [_stance_scores(record) for record in pool],
            [(record.quote.speaker_id, record.quote.article_id) for record in pool],
        )
        ranked.append([pool[index] for index in order])
    # Topics take turns, so a big topic does not hide the others.
    interleaved = [record for record in chain.from_iterable(zip_longest(*ranked)) if record is not None]
    return [
        ReviewItem(kind="stance", quote=record.quote, stance=record, uncertainty=_uncertainty(record))
        for record in interleaved[:limit]
    ]


def _stance_scores(record: Stance) -> dict[str, float]:
    return {"favor": record.score_favor, "against": record.score_against, "none": record.score_none}


def _uncertainty(record: Stance) -> float:
    return margin_uncertainty(_stance_scores(record))


def gold_articles(*, since=None) -> QuerySet[Article]:
    """Articles a person vouched for (every quote checked), oldest review first."""
    articles = Article.objects.filter(reviewed_at__isnull=False)
    if since is not None:
        articles = articles.filter(reviewed_at__gte=since)
    return articles.prefetch_related(
        Prefetch("quotes", queryset=Quote.objects.select_related("speaker").order_by("start", "end")),
        "quotes__speaker__aliases",
    ).order_by("reviewed_at", "pk")


def human_stance_labels(*, topic: Topic | None = None) -> QuerySet[Stance]:
    """Stances a person labelled, with what the stance model reads for each."""
    stances = Stance.objects.filter(source=Stance.Source.HUMAN)
    if topic is not None:
        stances = stances.filter(topic=topic)
    return stances.select_related("topic", "quote__speaker", "quote__article").order_by("topic__slug", "quote_id")
