"""The reads: querysets and view-models the pages, the export and the admin share."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import chain, zip_longest

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils.functional import cached_property

from quotes.filters import ArticleFilter, QuoteFilter
from quotes.models import Article, Quote, QuoteFlag, Speaker, SpeakerAlias, SpeakerMerge, Stance, Topic
from quotes.services import normalize_name
from quotes.stance.selection import margin_uncertainty, rank_for_labelling

# A list counts its rows up to this many: past it, "10,000+" (and pages up to the 10,000th row).
COUNT_CAP = 10_000


class BoundedPaginator(Paginator):
    """A Paginator whose count stops at `cap`: it counts at most cap + 1 rows in one bounded query
    (`SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)`, without the ORDER BY), so a filter that
    matches 100,000 rows costs no more to count than one that matches 10,001. Past the cap, `count`
    is `cap`, `capped` is true, the labels read "10,000+" and the pages reach the first `cap` rows
    (so their OFFSET stays bounded too); narrower filters or the export reach the rest."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, cache_as: str = "", **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        self.cache_as = cache_as

    @cached_property
    def _rows_counted(self) -> int:
        """The bounded count; with `cache_as`, cached under the data stamp (see `_cached`), so paging
        through the same filters, or coming back to them, counts once."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows)
        count = lambda: rows.order_by().values("pk")[: self.cap + 1].count()  # noqa: E731
        return _cached(f"count:{self.cap}:{self.cache_as}", count) if self.cache_as else count()

    @cached_property
    def count(self) -> int:
        return min(self._rows_counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._rows_counted > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.capped else str(self.count)

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages:,}+" if self.capped else str(self.num_pages)


def quote_queryset() -> QuerySet[Quote]:
    """Quotes with what the pages, the export and the API show; newest articles first.

    Rows, speakers, articles (without their body) and stances come in a fixed number of
    queries whatever the number of rows. The stances' topics are prefetched, not joined: a page
    of 100 stances then builds one Topic per topic (without its trained stance head, a blob),
    not one per stance; the quote's search vector, which nothing shows, is not loaded."""
    return (
        Quote.objects.visible()
        .select_related("speaker", "article")
        .defer("article__body", "search_vector")
        .prefetch_related("stances", Prefetch("stances__topic", queryset=Topic.objects.defer("stance_head")))
        .order_by("-article__published_at", "article_id", "start")
    )


def quote_list(*, data: dict | None = None) -> tuple[QuoteFilter, QuerySet[Quote]]:
    """Quotes filtered by the analyst's criteria (the same FilterSet the API uses)."""
    quote_filter = QuoteFilter(data or {}, queryset=quote_queryset())  # bound: cleaned_data, errors
    return quote_filter, quote_filter.qs


def _count_per_article(quotes: QuerySet[Quote]) -> Subquery:
    """A correlated count: PostgreSQL evaluates it for the rows of the page only (after the LIMIT)."""
    return Coalesce(
        Subquery(quotes.filter(article=OuterRef("pk")).order_by().values("article").annotate(n=Count("*")).values("n")),
        0, output_field=IntegerField(),
    )


def article_list() -> QuerySet[Article]:
    """Articles with how many (shown) quotes and speakers each holds, newest first.

    The counts are correlated subqueries: on a page they run for its rows only (PostgreSQL
    evaluates them after the LIMIT), and sorting by quotes counts through the quote(article) index.
    """
    shown = Quote.objects.visible().filter(article=OuterRef("pk")).order_by().values("article")
    return Article.objects.annotate(
        quote_count=Coalesce(Subquery(shown.annotate(n=Count("pk")).values("n")), 0),
        speaker_count=Coalesce(
            Subquery(shown.filter(speaker__isnull=False).annotate(n=Count("speaker", distinct=True)).values("n")), 0
        ),
    ).defer("body").order_by("-published_at", "-created_at", "-pk")


def article_search(*, data: dict | None = None) -> tuple[ArticleFilter, QuerySet[Article]]:
    """Articles filtered and sorted by the article list's criteria; an invalid value yields none."""
    article_filter = ArticleFilter(data or None, queryset=article_list())
    valid = not article_filter.is_bound or article_filter.is_valid()
    return article_filter, article_filter.qs if valid else Article.objects.none()


# The article list counts at most this many matches ("1,000+"): a text search checks each counted
# article's body, so its count costs in proportion to what it counts.
ARTICLE_COUNT_CAP = 1_000


def article_outlets(*, limit: int = 500) -> list[str]:
    """The outlets articles came from (for the filter's suggestions), most articles first; kept a
    minute in the cache (a GROUP BY over every article: 14 ms at 10,000 of them)."""
    return cache.get_or_set(f"newsdesk:article-outlets:{limit}", lambda: list(
        Article.objects.exclude(outlet="").values_list("outlet", flat=True).annotate(n=Count("pk"))
        .order_by("-n", "outlet")[:limit]
    ), 60)


def article_quotes(*, article: Article) -> list[Quote]:
    return list(quote_queryset().filter(article=article))


def article_rejected_quotes(*, article: Article) -> list[Quote]:
    """The article's quotes a human rejected as "not a quote" (shown to those who may restore them)."""
    return list(article.quotes.filter(is_rejected=True).select_related("speaker").order_by("start"))


@dataclass(frozen=True)
class BodySegment:
    """A run of the article body: plain text, or a quote to highlight; `start` is its offset in the body."""

    text: str
    quote: Quote | None = None
    paragraph_break: bool = False
    start: int = 0


def article_body_segments(*, article: Article, quotes: list[Quote]) -> list[BodySegment]:
    """Split the body into paragraphs of plain and quoted runs (overlapping quotes: first wins)."""
    segments: list[BodySegment] = []
    position = 0
    for quote in sorted(quotes, key=lambda q: (q.start, -q.end)):
        if quote.start < position:
            continue
        segments.extend(_plain_segments(article.body[position : quote.start], position))
        segments.append(BodySegment(text=article.body[quote.start : quote.end], quote=quote, start=quote.start))
        position = quote.end
    segments.extend(_plain_segments(article.body[position:], position))
    return segments


def _plain_segments(text: str, offset: int) -> list[BodySegment]:
    segments = []
    for index, piece in enumerate(text.split("\n")):
        if index:
            segments.append(BodySegment(text="", paragraph_break=True, start=offset))
            offset += 1
        if piece:
            segments.append(BodySegment(text=piece, start=offset))
        offset += len(piece)
    return segments


# --- Aggregates that cost a scan at scale: cached, keyed by the newest change -----------


def _data_stamp() -> str:
    """Changes whenever a quote, stance or speaker is saved: their max(updated_at) (indexed), in one
    query, not three (a page asks once per cached figure it shows)."""
    quote = connection.ops.quote_name
    maxima = ", ".join(
        f"(SELECT MAX({quote('updated_at')}) FROM {quote(model._meta.db_table)})" for model in (Quote, Stance, Speaker)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {maxima}")
        stamps = cursor.fetchone()
    # isoformat (SQLite's cursor gives the stored text): no spaces, which some cache backends refuse in keys.
    return "-".join(str(stamp).replace(" ", "T") if stamp else "0" for stamp in stamps)


def _cached(name: str, compute):
    """`compute()`, cached for NEWSDESK["SUMMARY_CACHE_SECONDS"] under the data stamp: an edit
    shows at once; a change that bypasses updated_at (a deletion, a bulk update) within the TTL."""
    key = f"newsdesk:{name}:{_data_stamp()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.NEWSDESK["SUMMARY_CACHE_SECONDS"])
    return value


def _speaker_counts() -> list[tuple[int, int, int, bool]]:
    """(speaker id, quotes, articles, unnamed) of every quoted speaker, most quoted first."""
    rows = (
        Quote.objects.visible().filter(speaker__isnull=False).values("speaker", "speaker__name", "speaker__article")
        .annotate(quotes=Count("pk"), articles=Count("article", distinct=True))
        .order_by("-quotes", "speaker__name", "speaker")
    )
    return [(row["speaker"], row["quotes"], row["articles"], row["speaker__article"] is not None) for row in rows]


# `speaker_list(kind=ALL_KINDS)`: unnamed speakers too
ALL_KINDS = "all"


def speaker_list(*, search: str = "", kind: str = "") -> list[tuple[int, int, int, bool]]:
    """Quoted speakers, most quoted first, with their quote and article counts (cached); the
    speakers' own rows are loaded by the page (`speaker_page`). By default the named ones only
    (an unnamed speaker, 'a senior official', is its article's); `kind` keeps one kind (unnamed
    ones included), ALL_KINDS every speaker."""
    counts = _cached("speaker-counts", _speaker_counts)
    if not kind:
        counts = [row for row in counts if not row[3]]
    if kind == ALL_KINDS:
        kind = ""
    if search or kind:
        speakers = Speaker.objects.all()
        if search:
            speakers = speakers.filter(Q(name__icontains=search) | Q(aliases__alias__icontains=search))
        if kind:
            speakers = speakers.filter(kind=kind)
        matching = set(speakers.values_list("pk", flat=True))
        counts = [row for row in counts if row[0] in matching]
    return counts


def speaker_page(*, search: str = "", kind: str = "", number, per_page: int) -> Page:
    """One page of `speaker_list`, as Speakers carrying their counts."""
    page = Paginator(speaker_list(search=search, kind=kind), per_page).get_page(number)
    speakers = Speaker.objects.in_bulk([speaker_id for speaker_id, *_ in page.object_list])
    page.object_list = [
        _with_counts(speakers[speaker_id], quotes, articles)
        for speaker_id, quotes, articles, _unnamed in page.object_list
        if speaker_id in speakers
    ]
    return page


def _with_counts(speaker: Speaker, quotes: int, articles: int) -> Speaker:
    speaker.quote_count, speaker.article_count = quotes, articles
    return speaker


def speaker_quotes_page(*, speaker: Speaker, number, per_page: int) -> Page:
    """A page of the speaker's quotes, newest article first, so the page groups them by article."""
    _, quotes = quote_list(data={"speaker": speaker.slug})
    return BoundedPaginator(quotes, per_page, cache_as=f"speaker:{speaker.pk}").get_page(number)


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
    def net(self) -> int:
        """Favor minus against: where the speaker's quotes lean on the topic, and how far."""
        return self.favor - self.against

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


def _summary_counts(speaker_id: int | None, topic_id: int | None) -> list[tuple[int, int, int, int, int]]:
    """(topic id, speaker id, favor, against, none), most quoted first, then by topic and speaker name."""
    stances = Stance.objects.filter(quote__speaker__isnull=False, quote__is_rejected=False)
    if speaker_id is not None:
        stances = stances.filter(quote__speaker=speaker_id)
    else:  # who stands where: named speakers (an unnamed one, 'a senior official', speaks in one article)
        stances = stances.filter(quote__speaker__article__isnull=True)
    if topic_id is not None:
        stances = stances.filter(topic=topic_id)
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for row in stances.values("topic", "quote__speaker", "label").annotate(count=Count("id")).order_by():
        counts[(row["topic"], row["quote__speaker"])][row["label"]] += row["count"]
    topic_names = dict(Topic.objects.filter(pk__in={t for t, _ in counts}).values_list("pk", "name"))
    speaker_names = dict(Speaker.objects.filter(pk__in={s for _, s in counts}).values_list("pk", "name"))
    rows = [(t, s, c["favor"], c["against"], c["none"]) for (t, s), c in counts.items()]
    return sorted(rows, key=lambda r: (-(r[2] + r[3] + r[4]), topic_names[r[0]], speaker_names[r[1]], r[1]))


def _summaries(rows) -> list[StanceSummary]:
    topics = Topic.objects.in_bulk({row[0] for row in rows})
    speakers = Speaker.objects.in_bulk({row[1] for row in rows})
    return [
        StanceSummary(topic=topics[t], speaker=speakers[s], favor=favor, against=against, none=none)
        for t, s, favor, against, none in rows
        if t in topics and s in speakers
    ]


def stance_summaries(*, speaker: Speaker | None = None, topic: Topic | None = None) -> list[StanceSummary]:
    """Effective stance counts per (topic, speaker), most quoted first (counts cached, see `_cached`)."""
    speaker_id, topic_id = getattr(speaker, "pk", None), getattr(topic, "pk", None)
    rows = _cached(f"summaries:{speaker_id}:{topic_id}", lambda: _summary_counts(speaker_id, topic_id))
    return _summaries(rows)


def topic_summary_page(*, topic: Topic, number, per_page: int) -> Page:
    """One page of a topic's speakers with their stance counts, most quoted first."""
    rows = _cached(f"summaries:None:{topic.pk}", lambda: _summary_counts(None, topic.pk))
    page = Paginator(rows, per_page).get_page(number)
    page.object_list = _summaries(page.object_list)
    return page


RANKINGS = {"net": "net stance (favor − against)", "volume": "volume (quotes with a stance)"}


@dataclass(frozen=True)
class RankedSummary:
    """A speaker's place in a topic's ranking; speakers level on the ranked figure share a rank."""

    summary: StanceSummary
    rank: int
    tied: bool

    @property
    def rank_label(self) -> str:
        return f"={self.rank}" if self.tied else str(self.rank)


def _ranked(rows: list[tuple], by: str) -> list[tuple[int, bool, tuple]]:
    """(rank, tied, row) in ranking order: competition ranking ("1, =2, =2, 4") on the figure ranked
    by, the other figure ordering speakers within a tie (then the name, as the rows come)."""
    def net(row):
        return row[2] - row[3]

    def total(row):
        return row[2] + row[3] + row[4]

    first, second = (net, total) if by == "net" else (total, net)
    ordered = sorted(rows, key=lambda row: (-first(row), -second(row)))  # stable: names keep their order
    figures = Counter(first(row) for row in ordered)
    ranked, rank = [], 0
    for position, row in enumerate(ordered, start=1):
        if position == 1 or first(row) != first(ordered[position - 2]):
            rank = position
        ranked.append((rank, figures[first(row)] > 1, row))
    return ranked


def topic_ranking_page(*, topic: Topic, by: str = "net", number, per_page: int) -> Page:
    """One page of a topic's speakers ranked by net stance (favor − against; volume orders a tie)
    or by volume (net orders a tie), as RankedSummary; the ranks run over every speaker, not the page.
    The counts are `_summary_counts`' (cached); ranking them costs no query."""
    if by not in RANKINGS:
        raise ValueError(f"Unknown ranking {by!r}; use one of {', '.join(RANKINGS)}.")
    rows = _cached(f"summaries:None:{topic.pk}", lambda: _summary_counts(None, topic.pk))
    page = Paginator(_ranked(rows, by), per_page).get_page(number)
    summaries = _summaries([row for _, _, row in page.object_list])
    by_key = {(summary.topic.pk, summary.speaker.pk): summary for summary in summaries}
    page.object_list = [
        RankedSummary(summary=by_key[(row[0], row[1])], rank=rank, tied=tied)
        for rank, tied, row in page.object_list if (row[0], row[1]) in by_key
    ]
    return page


# --- Stance over time (the speaker page) ---------------------------------------------

WEEKLY_UP_TO_DAYS = 182  # a speaker quoted over up to half a year is charted per week, else per month


@dataclass(frozen=True)
class StanceBucket:
    """One week or month of a speaker's stances on a topic, from `start` to `end` (dates, inclusive)."""

    start: object
    end: object
    favor: int = 0
    against: int = 0
    none: int = 0

    @property
    def total(self) -> int:
        return self.favor + self.against + self.none

    @property
    def net(self) -> int:
        return self.favor - self.against


@dataclass(frozen=True)
class StanceTimeline:
    """A speaker's stances on one topic, bucket by bucket, oldest first (every bucket of the span)."""

    topic: Topic
    unit: str  # "week" or "month"
    buckets: list[StanceBucket]

    @property
    def peak(self) -> int:
        """The highest favor or against count of a bucket (the chart's scale; at least 1)."""
        return max([1, *(max(bucket.favor, bucket.against) for bucket in self.buckets)])

    @property
    def peak_none(self) -> int:
        return max([1, *(bucket.none for bucket in self.buckets)])

    @property
    def total(self) -> int:
        return sum(bucket.total for bucket in self.buckets)


def _timeline_counts(speaker_id: int) -> list[tuple[int, str, object, int]]:
    """(topic id, label, publication day, stances) of the speaker's shown quotes on active topics:
    one GROUP BY for every topic (the speaker's quotes by the (speaker, is_rejected) index)."""
    rows = (
        Stance.objects.filter(quote__speaker=speaker_id, quote__is_rejected=False, topic__is_active=True,
                              quote__article__published_at__isnull=False)
        .annotate(day=TruncDate("quote__article__published_at"))
        .order_by().values_list("topic_id", "label", "day").annotate(n=Count("pk"))
    )
    return list(rows)


def _bucket_start(day, unit: str):
    return day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)


def _next_bucket(start, unit: str):
    if unit == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def _timeline_buckets(speaker_id: int) -> tuple[str, list, dict[tuple[int, object], tuple[int, int, int]]]:
    """(unit, bucket starts, {(topic id, bucket start): (favor, against, none)}) of the speaker's
    stances: the span's unit, every bucket of it, and the counts of those that hold any."""
    rows = _timeline_counts(speaker_id)
    if not rows:
        return "week", [], {}
    days = [day for _, _, day, _ in rows]
    unit = "week" if (max(days) - min(days)).days <= WEEKLY_UP_TO_DAYS else "month"
    counts: dict[tuple[int, object], Counter] = defaultdict(Counter)
    for topic_id, label, day, n in rows:
        counts[(topic_id, _bucket_start(day, unit))][label] += n
    starts, start, last = [], _bucket_start(min(days), unit), _bucket_start(max(days), unit)
    while start <= last:
        starts.append(start)
        start = _next_bucket(start, unit)
    labels = Stance.Label.values
    return unit, starts, {key: tuple(counter[label] for label in labels) for key, counter in counts.items()}


def speaker_stance_timelines(*, speaker: Speaker) -> list[StanceTimeline]:
    """Per active topic the speaker spoke on, their stances per week (a span up to
    WEEKLY_UP_TO_DAYS) or per month, over the same span for every topic, by the article's
    publication date. One aggregate query for all topics and buckets; its buckets are cached
    (see `_cached`), not its rows (a speaker quoted on 1,000 days has thousands)."""
    unit, starts, counts = _cached(f"timeline-buckets:{speaker.pk}", lambda: _timeline_buckets(speaker.pk))
    if not starts:
        return []
    topics = Topic.objects.defer("stance_head").in_bulk({topic_id for topic_id, _ in counts})
    empty = (0,) * len(Stance.Label.values)
    return [
        StanceTimeline(topic=topic, unit=unit, buckets=[
            StanceBucket(start=start, end=_next_bucket(start, unit) - timedelta(days=1),
                         **dict(zip(Stance.Label.values, counts.get((topic.pk, start), empty), strict=True)))
            for start in starts
        ])
        for topic in sorted(topics.values(), key=lambda topic: topic.name)
    ]


def topic_list() -> QuerySet[Topic]:
    shown = Q(stances__quote__is_rejected=False)
    return Topic.objects.annotate(
        quote_count=Count("stances", filter=shown, distinct=True),
        speaker_count=Count("stances__quote__speaker", filter=shown, distinct=True),
    ).order_by("-is_active", "name")


def speaker_search(*, query: str, limit: int = 10) -> list[Speaker]:
    """Speakers a word of whose name or of an alias starts with `query` ("hol" finds Dana Holt and
    Holt), most quoted first, at most `limit` (for autocomplete).

    Two queries whatever the number of speakers: the candidates' ids, a UNION of prefix matches
    (`UPPER(name) LIKE 'HOL%'` or `'% HOL%'`, the alias's normalized form alike, the slug), each
    branch served on PostgreSQL by a trigram GIN index (migration 0011) or the slug's; then the
    candidates with their quotes counted by a correlated subquery on the (speaker, is_rejected)
    index, the most quoted `limit` of them.
    """
    query = " ".join(query.split())[:100]
    key = normalize_name(query)
    if not query:
        return []
    branches = [Speaker.objects.filter(Q(name__istartswith=query) | Q(name__icontains=f" {query}"))
                .order_by().values("pk")]
    if key:  # a name in letters normalize_name drops (e.g. not Latin) is matched by its name alone
        by_alias = SpeakerAlias.objects.filter(Q(normalized__startswith=key) | Q(normalized__contains=f" {key}"))
        by_slug = Speaker.objects.filter(slug__startswith=key.replace(" ", "-"))
        branches += [by_alias.order_by().values("speaker_id"), by_slug.order_by().values("pk")]
    candidates = [row["pk"] for row in branches[0].union(*branches[1:])]
    if not candidates:
        return []
    shown = Quote.objects.visible().filter(speaker=OuterRef("pk")).order_by().values("speaker")
    return list(
        Speaker.objects.filter(pk__in=candidates)
        .annotate(quote_count=Coalesce(Subquery(shown.annotate(n=Count("pk")).values("n")), 0))
        .order_by("-quote_count", "name", "pk")[:limit]
    )


@dataclass(frozen=True)
class MergePreview:
    """What folding `source` into `target` moves and changes, shown before the admin confirms."""

    source: Speaker
    target: Speaker
    quotes: list[Quote]
    aliases_moving: list[str]
    aliases_known: list[str]  # the target already carries these; the source's copies go
    fields_filled: dict[str, str]  # the target's empty fields that take the source's value


def speaker_merge_preview(*, source: Speaker, target: Speaker) -> MergePreview:
    known = set(target.aliases.values_list("normalized", flat=True))
    aliases = list(source.aliases.all())
    return MergePreview(
        source=source,
        target=target,
        quotes=list(source.quotes.select_related("article").order_by("article_id", "start")),
        aliases_moving=[alias.alias for alias in aliases if alias.normalized not in known],
        aliases_known=[alias.alias for alias in aliases if alias.normalized in known],
        fields_filled={
            field: getattr(source, field)
            for field in ("role", "organisation", "country")
            if getattr(source, field) and not getattr(target, field)
        },
    )


# --- History ----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One recorded change, as the History pages list it: who, when, why, before -> after."""

    when: object
    who: object  # the user, or None for the system (re-processing)
    reason: str
    subject: str
    action: str  # "created", "changed", "deleted", "merged"
    fields: list[tuple[str, str, str]]  # (field, before, after)
    record: object = None  # the history row, for revert
    merge: object = None  # a SpeakerMerge, for undo

    @property
    def kind(self) -> str:
        return self.record.instance_type._meta.model_name if self.record is not None else "merge"

    @property
    def revertible(self) -> bool:
        return self.kind in REVERTIBLE_KINDS and self.action == "changed" and bool(self.fields)


REVERTIBLE_KINDS = {"quote", "speaker", "stance"}  # the models services.history_revert sets back


_HIDDEN_FIELDS = {"id", "article", "slug", "normalized", "quote", "topic"}


def _speaker_names(ids: set) -> dict:
    """Names for speaker ids, also of speakers merged away or deleted since (from their history)."""
    names = {pk: name for pk, name in Speaker.objects.filter(pk__in=ids).values_list("pk", "name")}
    for pk, name in Speaker.history.filter(id__in=ids - names.keys()).order_by("history_date").values_list(
        "id", "name"
    ):
        names[pk] = f"{name} (merged or deleted)"
    return names


def _changes(records: list, subject, names: dict) -> list[Change]:
    """Changes of one model's history rows, each diffed against the same object's row before it."""
    changes, last = [], {}
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        object_id = getattr(record, record.instance_type._meta.pk.attname)
        previous = last.get(object_id)
        last[object_id] = record
        action = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
        fields = []
        if previous is not None and action == "changed":
            fields = [
                (c.field.replace("_", " "), _shown(c.field, c.old, names), _shown(c.field, c.new, names))
                for c in record.diff_against(previous).changes
                if c.field not in _HIDDEN_FIELDS
            ]
            if not fields:
                continue  # a save that changed nothing a person reads
        changes.append(
            Change(
                when=record.history_date, who=record.history_user, reason=record.history_change_reason or "",
                subject=subject(record), action=action, fields=fields, record=record,
            )
        )
    return changes


def _shown(field: str, value, names: dict) -> str:
    if field == "speaker":
        return names.get(value, "—") if value else "nobody"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if isinstance(value, str) and len(value) > 120:
        return value[:117] + "…"
    return "—" if value in ("", None) else str(value)


def quote_history(*, quote_id: int) -> list[Change]:
    """Every change to a quote and its stances, newest first; readable after merges and deletions."""
    quote_records = list(Quote.history.filter(id=quote_id).select_related("history_user"))
    stance_records = list(
        Stance.history.filter(quote_id=quote_id).select_related("history_user", "topic")
    )
    names = _speaker_names({r.speaker_id for r in quote_records if r.speaker_id})
    topics = Topic.objects.in_bulk({r.topic_id for r in stance_records})
    changes = _changes(quote_records, lambda r: f"Quote #{quote_id}", names) + _changes(
        stance_records, lambda r: f"Stance on {topics[r.topic_id] if r.topic_id in topics else 'a topic'}", names
    )
    return sorted(changes, key=lambda c: c.when, reverse=True)


def speaker_history(*, slug: str) -> list[Change]:
    """Every change to a speaker, their aliases, the quotes attributed to or from them, and merges."""
    speaker_ids = set(Speaker.history.filter(slug=slug).values_list("id", flat=True))
    speaker_ids |= set(Speaker.objects.filter(slug=slug).values_list("pk", flat=True))
    speaker_records = list(Speaker.history.filter(id__in=speaker_ids).select_related("history_user"))
    alias_records = list(SpeakerAlias.history.filter(speaker_id__in=speaker_ids).select_related("history_user"))
    quote_ids = set(Quote.history.filter(speaker_id__in=speaker_ids).values_list("id", flat=True))
    quote_records = list(Quote.history.filter(id__in=quote_ids).select_related("history_user"))
    names = _speaker_names(speaker_ids | {r.speaker_id for r in quote_records if r.speaker_id})
    quote_changes = [  # changes to their quotes, and quotes attributed to or away from them
        change
        for change in _changes(quote_records, lambda r: f"Quote #{r.id}", names)
        if change.record.speaker_id in speaker_ids or any(field == "speaker" for field, _, _ in change.fields)
    ]
    merges = (
        SpeakerMerge.objects.filter(Q(source_slug=slug) | Q(target_id__in=speaker_ids))
        .select_related("merged_by", "undone_by")
    )
    merge_changes = [
        Change(
            when=merge.merged_at, who=merge.merged_by, reason=str(merge), subject="Merge", action="merged",
            fields=[("quotes moved", "", str(len(merge.previous_rows["quotes"])))], merge=merge,
        )
        for merge in merges
    ]
    changes = (
        _changes(speaker_records, lambda r: "Speaker", names)
        + _changes(alias_records, lambda r: f"Alias “{r.alias}”", names)
        + quote_changes
        + merge_changes
    )
    return sorted(changes, key=lambda c: c.when, reverse=True)


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
    return Quote.objects.visible().filter(~Exists(open_flag))


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
    sources = _review_sources(topic)
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


def review_queue_counts(*, topic: Topic | None = None) -> ReviewQueue:
    """The review queue's exact size per kind, without loading its items."""
    return ReviewQueue(counts={name: source.count() for name, source in _review_sources(topic).items()})


def _review_sources(topic: Topic | None) -> dict[str, QuerySet]:
    threshold = settings.NEWSDESK["REVIEW_MIN_CONFIDENCE"]
    attributions = _unchecked_attributions()
    return {
        "flag": QuoteFlag.objects.filter(resolved_at=None)
        .select_related("quote__speaker", "quote__article", "by")
        .defer("quote__article__body")
        .order_by("created_at", "pk"),
        "unattributed": attributions.filter(speaker=None).order_by("-article__published_at", "article", "start"),
        "low_confidence": attributions.filter(speaker__isnull=False, attribution_confidence__lt=threshold)
        .order_by("attribution_confidence", "-article__published_at", "article", "start"),
        "stance": _uncertain_stances(topic),
    }


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
        Prefetch("quotes", queryset=Quote.objects.visible().select_related("speaker").order_by("start", "end")),
        "quotes__speaker__aliases",
    ).order_by("reviewed_at", "pk")


def human_stance_labels(*, topic: Topic | None = None) -> QuerySet[Stance]:
    """Stances a person labelled, with what the stance model reads for each."""
    stances = Stance.objects.filter(source=Stance.Source.HUMAN, quote__is_rejected=False)
    if topic is not None:
        stances = stances.filter(topic=topic)
    return stances.select_related("topic", "quote__speaker", "quote__article").order_by("topic__slug", "quote_id")


# --- Exports ----------------------------------------------------------------------

EXPORT_QUOTE_FIELDS = {
    "quote_id": "pk", "article_id": "article_id", "article_title": "article__title", "article_url": "article__url",
    "outlet": "article__outlet", "published_at": "article__published_at", "speaker": "speaker__name",
    "speaker_role": "speaker__role", "speaker_mention": "speaker_mention", "quote": "text", "direct": "is_direct",
    "cue": "cue", "attribution_confidence": "attribution_confidence",
}
EXPORT_STANCE_FIELDS = {
    "topic": "topic__name", "stance": "label", "stance_source": "source", "stance_favor": "score_favor",
    "stance_against": "score_against", "stance_none": "score_none", "model_version": "model_version",
}
EXPORT_COLUMNS = [*EXPORT_QUOTE_FIELDS, *EXPORT_STANCE_FIELDS]
EXPORT_CHUNK = 2000


def quote_export_chunks(*, quotes: QuerySet[Quote], topic: Topic | None = None):
    """The quotes as rows of EXPORT_COLUMNS values, in the screen's order, a list per chunk: one row
    per quote and stance (only the filtered topic's stance when there is one; one row without a
    stance when none). Rows come through a server-side cursor, the stances in one query per chunk,
    so memory stays bounded whatever the number of rows."""
    rows = quotes.prefetch_related(None).values_list(*EXPORT_QUOTE_FIELDS.values())
    chunk = []
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield _export_chunk(chunk, topic)
            chunk = []
    if chunk:
        yield _export_chunk(chunk, topic)


def _stances_of(quote_ids: list[int]) -> QuerySet[Stance]:
    """The stances of these quotes. On PostgreSQL one array parameter (`quote_id = ANY(%s)`): an IN
    of 2,000 placeholders cost the driver more to bind than the database to answer."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Stance._meta.db_table)
        return Stance.objects.filter(RawSQL(f'{table}."quote_id" = ANY(%s)', (quote_ids,), output_field=BooleanField()))
    return Stance.objects.filter(quote_id__in=quote_ids)


def _export_chunk(chunk: list[tuple], topic: Topic | None) -> list[tuple]:
    stances = _stances_of([row[0] for row in chunk])
    if topic is not None:
        stances = stances.filter(topic=topic)
    by_quote = defaultdict(list)
    for quote_id, *stance in stances.order_by("quote_id", "topic__name").values_list(
        "quote_id", *EXPORT_STANCE_FIELDS.values()
    ):
        by_quote[quote_id].append(tuple(stance))
    empty = (None,) * len(EXPORT_STANCE_FIELDS)
    return [row + stance for row in chunk for stance in by_quote.get(row[0]) or [empty]]


# --- Dashboard --------------------------------------------------------------------

WEEK = timedelta(days=7)
TREND_WEEKS = 8
# The dashboard's costly figures (each scans every quote or stance of a week, or all of them)
# are kept this long in Django's cache; the articles-by-status counts are always live.
DASHBOARD_CACHE_SECONDS = 60


def _dashboard_cached(name: str, compute):
    """`compute()`, kept DASHBOARD_CACHE_SECONDS (not under the data stamp: these figures may lag a minute)."""
    return cache.get_or_set(f"newsdesk:dashboard:{name}", compute, DASHBOARD_CACHE_SECONDS)


def article_status_counts() -> dict[str, int]:
    """How many articles are in each processing status (one GROUP BY on the status index)."""
    counts = dict(Article.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Article.Status.values}


def review_queue_size() -> int:
    """The review queue's size (cached: its counts scan every quote and stance)."""
    return _dashboard_cached("review-queue-size", lambda: review_queue_counts().size)


def _quotes_published(since, until) -> QuerySet[Quote]:
    """Shown quotes of articles published in [since, until) (by the article's published_at index)."""
    return Quote.objects.visible().filter(article__published_at__gte=since, article__published_at__lt=until)


def quotes_this_week(*, now) -> int:
    """Shown quotes of articles published in the last 7 days (cached)."""
    return _dashboard_cached("quotes-this-week", lambda: _quotes_published(now - WEEK, now).count())


def top_speakers_this_week(*, now, limit: int = 10) -> list[dict]:
    """The most-quoted named speakers in articles published in the last 7 days: name, slug, count (cached)."""
    return _dashboard_cached("top-speakers", lambda: list(
        _quotes_published(now - WEEK, now).filter(speaker__isnull=False, speaker__article__isnull=True).order_by()
        .values("speaker__name", "speaker__slug").annotate(count=Count("pk"))
        .order_by("-count", "speaker__name")[:limit]
    ))


@dataclass(frozen=True)
class StanceWeek:
    """One week of a topic's effective stances (the week ends at `until`)."""

    until: object
    favor: int = 0
    against: int = 0
    none: int = 0

    @property
    def total(self) -> int:
        return self.favor + self.against + self.none

    @property
    def net(self) -> int:
        """Favor minus against, in percent of the week's stances (0 when there are none)."""
        return round(100 * (self.favor - self.against) / self.total) if self.total else 0

    def share(self, label: str) -> int:
        return round(100 * getattr(self, label) / self.total) if self.total else 0


@dataclass(frozen=True)
class TopicBalance:
    """A topic's favor / against / none, week by week, oldest first; the last week is this one."""

    topic: Topic
    weeks: list[StanceWeek]

    @property
    def this_week(self) -> StanceWeek:
        return self.weeks[-1]

    @property
    def previous_week(self) -> StanceWeek:
        return self.weeks[-2]

    @property
    def trend(self) -> int:
        """How the net stance moved from the previous week to this one, in percentage points."""
        return self.this_week.net - self.previous_week.net

    @property
    def peak(self) -> int:
        return max(week.total for week in self.weeks) or 1


def topic_balances(*, now, weeks: int = TREND_WEEKS) -> list[TopicBalance]:
    """Per active topic, its stances week by week (cached; see `_topic_balances`)."""
    return _dashboard_cached(f"topic-balances-{weeks}", lambda: _topic_balances(now, weeks))


def _topic_balances(now, weeks: int) -> list[TopicBalance]:
    """Per active topic, its stances in articles published in each of the last `weeks` weeks.

    One GROUP BY over the weeks' stances, reached through the article's published_at index; the
    week is counted back from `now` (week 0 is the last 7 days), so it is the same on every database.
    """
    topics = list(Topic.objects.filter(is_active=True))
    since = now - weeks * WEEK
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    rows = (
        Stance.objects.filter(topic__in=topics, quote__is_rejected=False, quote__article__published_at__gte=since,
                              quote__article__published_at__lt=now)
        .order_by().values_list("topic_id", "label", "quote__article__published_at")
    )
    # Few articles a week carry many quotes: group by article date in the database, bucket here.
    for topic_id, label, published, n in rows.annotate(n=Count("pk")):
        week = min(int((now - published) / WEEK), weeks - 1)
        counts[(topic_id, week)][label] += n
    return [
        TopicBalance(
            topic=topic,
            weeks=[
                StanceWeek(until=now - week * WEEK, **{label: counts[(topic.pk, week)][label]
                                                        for label in Stance.Label.values})
                for week in reversed(range(weeks))
            ],
        )
        for topic in topics
    ]
