"""The verbs of the domain. Views, admin, tasks and commands all write through here."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.text import slugify

from quotes import people
from quotes import text as textutils
from quotes.models import Article, Quote, QuoteFlag, Speaker, SpeakerAlias, SpeakerMerge, Stance, Topic, TopicBackfill
from quotes.permissions import can, require, require_unless_operator

if TYPE_CHECKING:  # the model packages load torch and spaCy: import them only where they run
    from quotes import extraction, stance

logger = logging.getLogger(__name__)

SUPPORTED_UPLOADS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}


class IngestError(ValueError):
    """The input was refused; the message says why, for the person who sent it."""


# --- Ingestion --------------------------------------------------------------------


def article_ingest(
    *,
    text: str,
    title: str | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
    outlet: str | None = None,
    by: AbstractBaseUser | None = None,
) -> Article:
    """Save an article as pending and enqueue its processing once the transaction commits.

    Re-ingesting the same text returns the article already stored, unchanged, with
    `already_stored` set. A trailing `Source : URL` line becomes the url when none is given.
    Raises IngestError for empty or oversize text and for a url that already belongs to a
    different text, PermissionDenied unless `by` may ingest (None: the operator). The article
    returned carries its state as stored: still `pending`, with no `queued_at` and the reason in
    `error`, when the queue could not be reached (the sweep queues it once the queue is back).
    Re-ingesting the text of a failed or stuck article queues it again.
    """
    require_unless_operator(by, "ingest")
    text = textutils.normalize_text(text or "")
    limit = settings.NEWSDESK["MAX_ARTICLE_CHARS"]
    if len(text) > limit:  # before any parsing, so an oversize paste costs nothing more
        raise IngestError(f"The article is {len(text):,} characters long; the limit is {limit:,}.")
    body, source_url = textutils.split_source_line(text)
    if not body:
        raise IngestError("The article has no text.")
    url = (url or "").strip()
    if url and not textutils.web_url(url):
        raise IngestError(f"The url must be an http:// or https:// address, not “{url[:100]}”.")
    url = url or source_url
    digest = textutils.content_hash(body)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing:
        if (existing.status == Article.Status.FAILED or existing.is_stuck) and (by is None or can(by, "retry")):
            article_retry(article=existing, by=by)  # sending it again is asking for another try
            existing.refresh_from_db()
        existing.already_stored = True
        return existing
    if url and Article.objects.filter(url=url).exists():
        raise IngestError(f"Another article with the url {url} is already stored.")
    if published_at and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at)
    with transaction.atomic():
        article = Article.objects.create(
            title=(title or "").strip()[:500] or _title_from_body(body),
            url=url,
            outlet=(outlet or "").strip() or textutils.outlet_from_url(url),
            published_at=published_at,
            body=body,
            content_hash=digest,
            queued_at=timezone.now(),
        )
        _enqueue_processing(article)
    article.refresh_from_db(fields=["status", "error", "queued_at"])  # an unreachable queue clears queued_at
    return article


def article_ingest_file(
    *, filename: str, data: bytes, title: str | None = None, url: str | None = None,
    published_at: datetime | None = None, by: AbstractBaseUser | None = None,
) -> Article:
    """Ingest an uploaded .txt or .html file (decoded leniently, refused when binary).

    A title, url or date given with the upload wins over the one found in the HTML.
    """
    require_unless_operator(by, "ingest")
    kind = SUPPORTED_UPLOADS.get(PurePath(filename).suffix.lower())
    if kind is None:
        allowed = ", ".join(sorted(SUPPORTED_UPLOADS))
        raise IngestError(f"“{filename}” is not a supported file type; use one of {allowed}.")
    limit = settings.NEWSDESK["MAX_UPLOAD_BYTES"]
    if len(data) > limit:
        raise IngestError(f"“{filename}” is {len(data):,} bytes; the limit is {limit:,}.")
    try:
        decoded = textutils.decode_bytes(data)
    except textutils.UnreadableInput as error:
        raise IngestError(f"“{filename}”: {error}") from error
    if kind == "html":
        document = textutils.html_to_document(decoded)
        return article_ingest(
            text=document.text,
            title=title or document.title,
            url=url or textutils.web_url(document.url),  # a page's own link is dropped unless http(s)
            published_at=published_at or document.published_at,
            by=by,
        )
    return article_ingest(text=decoded, title=title, url=url, published_at=published_at, by=by)


def _title_from_body(body: str) -> str:
    first_line = body.split("\n", 1)[0]
    return first_line if len(first_line) <= 120 else first_line[:117].rsplit(" ", 1)[0] + "…"


def _tasks():
    from quotes import tasks  # tasks import services: keep the cycle out of import time

    return tasks


def _enqueue_processing(article: Article) -> None:
    _tasks().article_process.delay_on_commit(article.pk)


# --- Processing -------------------------------------------------------------------


def _lease_seconds() -> int:
    return settings.NEWSDESK["LEASE_SECONDS"]


def article_claim(*, article_id: int, lease: str) -> bool:
    """Take the article for the run holding `lease`; False (touch nothing) when another run has it.

    One conditional UPDATE, so two runs can never both win: it moves the article from pending, or
    from processing whose lease expired (its run died) or is this run's own (a re-delivery of a
    task whose worker died), to processing under this lease. A run that keeps dying (worker killed,
    out of memory) fails the article after MAX_ATTEMPTS, instead of looping for ever.
    """
    now = timezone.now()
    takeable = Article.objects.filter(
        Q(status=Article.Status.PENDING)
        | Q(status=Article.Status.PROCESSING) & (Q(lease_expires_at__lt=now) | Q(lease_token=lease)),
        pk=article_id,
    )
    attempts = settings.NEWSDESK["MAX_ATTEMPTS"]
    if takeable.filter(attempts__lt=attempts).update(
        status=Article.Status.PROCESSING, lease_token=lease, lease_expires_at=now + timedelta(seconds=_lease_seconds()),
        attempts=F("attempts") + 1, error="",
    ):
        return True
    takeable.filter(attempts__gte=attempts).update(
        status=Article.Status.FAILED, lease_token="", lease_expires_at=None,
        error=f"Processing was interrupted {attempts} times (the worker stopped mid-way); retry to try again.",
    )
    return False


def _lease_lock(article_id: int, lease: str) -> bool:
    """Inside a transaction: whether the run still holds the article, locking the row until commit."""
    return (
        Article.objects.select_for_update()
        .filter(pk=article_id, status=Article.Status.PROCESSING, lease_token=lease)
        .exists()
    )


def article_process(*, article: Article, lease: str | None = None) -> bool:
    """Claim the article, extract quotes and speakers, store them, then hand the lease to stance.

    `lease` is the run's token (the task id; a fresh one when None). Returns False, having
    changed nothing, when another run holds the article or it is not waiting to be processed.
    Idempotent: quotes are matched by span, so re-running updates them in place, removes the
    ones the extractor no longer finds and never touches a field a human corrected.
    """
    from quotes import extraction

    lease = lease or uuid.uuid4().hex
    if not article_claim(article_id=article.pk, lease=lease):
        logger.info("Article %s: not claimed by run %s (another run has it, or it is not pending)", article.pk, lease)
        return False
    result = extraction.get_extractor(settings.NEWSDESK["SPACY_PIPELINE"]).extract(article.body)
    with transaction.atomic():
        if not _lease_lock(article.pk, lease):
            logger.info("Article %s: run %s lost its lease; its results are dropped", article.pk, lease)
            return False
        speakers = {
            key: speaker
            for key, found in result.speakers.items()
            if (speaker := speaker_resolve(found=found, article=article)) is not None
        }
        _quotes_store(article, result.quotes, speakers)
        # an unnamed speaker the article no longer quotes (nor a person kept on a quote) goes with it
        article.unnamed_speakers.filter(quotes__isnull=True).delete()
        stance_lease = uuid.uuid4().hex  # the stance task's id: it carries the claim on
        Article.objects.filter(pk=article.pk).update(
            extractor_version=extraction.EXTRACTOR_VERSION, lease_token=stance_lease,
            lease_expires_at=timezone.now() + timedelta(seconds=_lease_seconds()),
        )
        _tasks().article_classify.apply_async_on_commit(
            (article.pk,), {"lease": stance_lease}, task_id=stance_lease
        )
    return True


def _quotes_store(article: Article, found_quotes: Iterable[extraction.Quote], speakers: dict) -> None:
    """Store the extractor's quotes without losing anything a human decided.

    A found quote updates the stored quote with the same span. Failing that, an overlapping stored
    quote moves to the new span and carries its corrected speaker and stance labels with it, unless
    a person drew, fixed or rejected that stretch: then theirs stands and the found quote is dropped
    (a rejected quote is never re-created). Stored quotes that nobody worked on and that the
    extractor no longer finds are deleted.
    """
    from quotes import extraction

    stored = list(article.quotes.all())
    by_span = {(quote.start, quote.end): quote for quote in stored}
    found_quotes = list(found_quotes)
    # Same spans first, so a stored quote is never moved away from a span the extractor still finds.
    exact = [by_span.get((found.start, found.end)) for found in found_quotes]
    kept: set[int] = {quote.pk for quote in exact if quote is not None}
    for found, quote in zip(found_quotes, exact, strict=True):
        if quote is None:
            overlapping = [q for q in stored if q.start < found.end and found.start < q.end]
            if any(q.span_is_human or q.is_rejected for q in overlapping):
                continue  # a person owns this stretch of text
            movable = [q for q in overlapping if q.pk not in kept]
            quote = max(movable, key=lambda q: min(q.end, found.end) - max(q.start, found.start), default=None)
            quote = quote or Quote(article=article)
        values = {
            "start": found.start,
            "end": found.end,
            "text": article.body[found.start : found.end],
            "is_direct": found.direct,
            "cue": found.cue[:100],
            "speaker_mention": found.speaker_mention[:300],
            "attribution_confidence": min(1.0, max(0.0, found.confidence)),
        }
        if not quote.is_corrected(Quote.CorrectableField.SPEAKER):
            values["speaker"] = speakers.get(found.speaker)
        quote._change_reason = f"extractor {extraction.EXTRACTOR_VERSION}"
        _save_if_changed(quote, values)
        kept.add(quote.pk)
    (
        article.quotes.exclude(pk__in=kept)
        .filter(corrected_fields=[], is_rejected=False, origin=Quote.Origin.EXTRACTOR)
        .exclude(stances__source=Stance.Source.HUMAN)
        .delete()
    )


def article_classify(*, article: Article, lease: str | None = None) -> bool:
    """Classify every quote of the article on every active topic.

    With `lease` (the pipeline's second step), only while that run holds the article, and then
    the article is done; False when it does not. Without (a person changed a quote), only
    re-classifies, leaving an article that a run is processing to that run.
    One Stance per quote and topic; a human label is never overwritten (the model's opinion
    is still recorded beside it).
    """
    if lease is not None:
        renewed = Article.objects.filter(pk=article.pk, status=Article.Status.PROCESSING, lease_token=lease).update(
            lease_expires_at=timezone.now() + timedelta(seconds=_lease_seconds())
        )
        if not renewed:
            logger.info("Article %s: stance run %s holds no lease; nothing to do", article.pk, lease)
            return False
        still_mine = lambda: _lease_lock(article.pk, lease)  # noqa: E731
    elif Article.objects.filter(pk=article.pk, status=Article.Status.PROCESSING).exists():
        return False  # the run processing it classifies every quote once extraction is done
    else:
        still_mine = lambda: True  # noqa: E731
    quotes = list(article.quotes.visible().select_related("speaker"))
    topics = list(Topic.objects.filter(is_active=True))
    if not stances_classify(quotes=quotes, topics=topics, still_mine=still_mine):
        return False
    if lease is None:
        return True
    return bool(
        Article.objects.filter(pk=article.pk, status=Article.Status.PROCESSING, lease_token=lease).update(
            status=Article.Status.DONE, error="", processed_at=timezone.now(), lease_token="", lease_expires_at=None
        )
    )


def stances_classify(
    *, quotes: list[Quote], topics: list[Topic], still_mine: Callable[[], bool] = lambda: True
) -> bool:
    """Run the stance model on each (quote, topic) pair in batches and record the results.

    A topic with a head fitted on its human labels is classified with that head. The model runs
    outside any transaction; each topic's results are written in one short one, and only while
    `still_mine()` (called inside it) holds; False when it stopped holding.
    """
    if not quotes:
        return True
    for topic in topics:
        model = _stance_model_for(topic)
        inputs = [_stance_input(quote, topic) for quote in quotes]
        results = model.predict(inputs, batch_size=settings.NEWSDESK["STANCE_BATCH_SIZE"])
        with transaction.atomic():
            if not still_mine():
                return False
            for quote, result in zip(quotes, results, strict=True):
                _stance_record(quote, topic, result, model.model_version)
    return True


class StanceModelError(RuntimeError):
    """The stance model's weights cannot be loaded; the message says which file and why."""


def _stance_input(quote: Quote, topic: Topic) -> stance.StanceInput:
    from quotes import stance

    return stance.StanceInput(
        text=quote.text,
        topic=topic.description,
        context=textutils.paragraph_around(quote.article.body, quote.start, quote.end),
        speaker=quote.speaker.name if quote.speaker else quote.speaker_mention,
    )


def _stance_model_for(topic: Topic) -> stance.StanceModel:
    """The shared model, or the topic's own head (cached on disk by content, loaded once per process)."""
    from quotes import stance

    if not topic.stance_head:
        return _shared_stance_model()
    head = bytes(topic.stance_head)
    head_path = Path(settings.NEWSDESK["STANCE_HEAD_CACHE"]) / f"topic-{hashlib.sha256(head).hexdigest()[:16]}.pt"
    if not head_path.exists():
        head_path.parent.mkdir(parents=True, exist_ok=True)
        temporary = head_path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(head)
        temporary.replace(head_path)  # atomic: another worker never reads half a file
    try:
        return stance.get_model(head_path)
    except ValueError as error:
        # A head fitted on an earlier base model: classify with the shared model until the
        # topic is retrained, rather than fail every quote.
        logger.warning("Topic %s: %s; using the shared model", topic.slug, error)
        return _shared_stance_model()


def _shared_stance_model() -> stance.StanceModel:
    """The shared model (NEWSDESK_STANCE_HEAD or the shipped weights); StanceModelError when unreadable."""
    from quotes import stance

    path = settings.NEWSDESK["STANCE_HEAD"] or None
    try:
        return stance.get_model(path)
    except Exception as error:  # torch raises many kinds for a missing, truncated or foreign file
        where = path or "the shipped stance artifact"
        raise StanceModelError(
            f"The stance model weights ({where}) cannot be loaded: {type(error).__name__}: {error}. "
            "Fix NEWSDESK_STANCE_HEAD (or the file), then retry."
        ) from error


def topic_retrain(*, topic: Topic, force: bool = False, reclassify_seconds: float | None = None) -> bool:
    """Fit the topic's stance head on its human labels, then re-classify its other quotes.

    Stores the head on the topic with a new model version; human labels are never changed.
    Does nothing (returns False) when there are too few labels, or, unless forced, no new
    labels since the last fit. The fit runs outside any transaction; the head is stored in a
    short one, and the quotes are re-classified by `topic_reclassify` (for at most
    `reclassify_seconds`; the rest is left for it to finish).
    """
    from quotes import stance

    labelled = list(
        Stance.objects.filter(topic=topic, source=Stance.Source.HUMAN, quote__is_rejected=False).select_related(
            "quote__article", "quote__speaker"
        )
    )
    if len(labelled) < settings.NEWSDESK["MIN_LABELS_TO_RETRAIN"]:
        return False
    if len(labelled) == topic.stance_head_labels and not force:
        return False
    examples = [(_stance_input(record.quote, topic), record.label) for record in labelled]
    artifact = stance.train_head(examples, base=_shared_stance_model(), topic=topic.description)
    with tempfile.TemporaryDirectory() as directory:
        path = artifact.save(Path(directory) / "head.pt")
        topic.stance_head = path.read_bytes()
        topic.stance_model_version = artifact.model_version(path)
    topic.stance_head_labels = len(labelled)
    topic.save(update_fields=["stance_head", "stance_model_version", "stance_head_labels"])
    logger.info("Topic %s retrained on %d labels (%s)", topic.slug, len(labelled), topic.stance_model_version)
    topic_reclassify(topic=topic, max_seconds=reclassify_seconds)
    return True


def topic_stale_stances(topic: Topic):
    """The topic's model-labelled stances that an earlier head (not the topic's current one) gave."""
    return Stance.objects.filter(topic=topic, source=Stance.Source.MODEL, quote__is_rejected=False).exclude(
        model_version=topic.stance_model_version
    )


def topic_reclassify(*, topic: Topic, max_seconds: float | None = None, chunk: int = 256) -> int:
    """Re-classify, with the topic's current head, the quotes an earlier head labelled.

    A chunk at a time, each written in its own short transaction, so readers are never blocked
    and a run cut short keeps what it did; a newer head stops this run (the next one takes
    over). Returns how many are left: 0 unless `max_seconds` ran out or the head changed.
    """
    import time

    if not topic.stance_head:
        return 0
    started, version = time.monotonic(), topic.stance_model_version
    still_current = lambda: Topic.objects.select_for_update().filter(  # noqa: E731
        pk=topic.pk, stance_model_version=version
    ).exists()
    while ids := list(topic_stale_stances(topic).order_by("quote_id").values_list("quote_id", flat=True)[:chunk]):
        quotes = list(Quote.objects.filter(pk__in=ids).select_related("article", "speaker"))
        if not stances_classify(quotes=quotes, topics=[topic], still_mine=still_current):
            break
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            break
    return topic_stale_stances(topic).count()


def _stance_record(quote: Quote, topic: Topic, result: stance.StanceResult, model_version: str) -> None:
    values = {
        "model_label": result.label,
        "score_favor": result.scores["favor"],
        "score_against": result.scores["against"],
        "score_none": result.scores["none"],
        "relevance": result.relevance,
        "model_version": model_version,
    }
    # One write (and one history row) for a new stance.
    record, created = Stance.objects.get_or_create(quote=quote, topic=topic, defaults={"label": result.label, **values})
    if created:
        return
    if record.source == Stance.Source.MODEL:
        values["label"] = result.label
    _save_if_changed(record, values)


def _save_if_changed(instance, values: dict) -> None:
    """Save only new rows and real changes, so re-runs leave history and timestamps alone."""
    if instance.pk is None or any(getattr(instance, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()


def article_mark_failed(*, article_id: int, error: str, lease: str | None = None) -> None:
    """Record why processing failed, so the article page shows it and offers a retry.

    With `lease`, only while that run holds the article: a run that lost it fails nothing.
    """
    articles = Article.objects.filter(pk=article_id)
    if lease is not None:
        articles = articles.filter(lease_token=lease)
    articles.update(status=Article.Status.FAILED, error=error[:5000], lease_token="", lease_expires_at=None)


QUEUE_UNREACHABLE = "Queued: the task queue is unreachable; processing starts by itself once it is back."


def article_unqueued(*, article_id: int) -> None:
    """Its task could not reach the queue: it stays pending, says why, and the sweep queues it again."""
    Article.objects.filter(pk=article_id, status=Article.Status.PENDING).update(
        queued_at=None, error=QUEUE_UNREACHABLE
    )


def article_retry(*, article: Article, by: AbstractBaseUser | None = None) -> bool:
    """Process the article again from the start (after a failure, a stop, or a new extractor).

    False (nothing changes) while a run holds a live lease on it: that run is working.
    """
    require_unless_operator(by, "retry")
    live = Q(status=Article.Status.PROCESSING, lease_expires_at__gte=timezone.now())
    with transaction.atomic():
        if not Article.objects.filter(pk=article.pk).exclude(live).update(
            status=Article.Status.PENDING, error="", lease_token="", lease_expires_at=None, attempts=0,
            queued_at=timezone.now(),
        ):
            return False
        _enqueue_processing(article)
    return True


def pipeline_sweep() -> dict[str, int]:
    """Queue again whatever nobody is working on; Celery beat runs it every SWEEP_INTERVAL_SECONDS.

    Articles pending whose task never reached the queue, or was queued longer ago than
    SWEEP_PENDING_SECONDS; articles processing whose run's lease expired (its worker died);
    topics with new labels whose retrain never ran, and topics whose re-classification stopped.
    Duplicates are harmless: a run claims its article or does nothing. Topic backfills idle as
    long go on from their cursor (a stale batch is a no-op too).
    """
    now = timezone.now()
    quiet = now - timedelta(seconds=settings.NEWSDESK["SWEEP_PENDING_SECONDS"])
    stuck = Article.objects.filter(
        Q(status=Article.Status.PENDING) & (Q(queued_at__isnull=True) | Q(queued_at__lt=quiet))
        | Q(status=Article.Status.PROCESSING, lease_expires_at__lt=now)
    ).order_by("pk").values_list("pk", flat=True)[: settings.NEWSDESK["SWEEP_BATCH"]]
    figures = {"articles": 0, "retrains": 0, "reclassifications": 0, "backfills": 0}
    for article_id in stuck:
        Article.objects.filter(pk=article_id).update(queued_at=now)
        if _tasks().article_process.delay(article_id) is not None:
            figures["articles"] += 1
    human = Q(stances__source=Stance.Source.HUMAN, stances__quote__is_rejected=False)
    untrained = (
        Topic.objects.annotate(labels=Count("stances", filter=human), last=Max("stances__updated_at", filter=human))
        .filter(labels__gte=settings.NEWSDESK["MIN_LABELS_TO_RETRAIN"], last__lt=quiet)
        .exclude(labels=F("stance_head_labels"))
    )
    for topic_id in untrained.values_list("pk", flat=True):
        figures["retrains"] += _tasks().topic_retrain.delay(topic_id) is not None
    with_head = Topic.objects.exclude(stance_head=None).annotate(last=Max("stances__updated_at"))
    for topic in with_head.filter(last__lt=quiet):  # its re-classification stopped: nothing moved lately
        if topic_stale_stances(topic).exists():
            figures["reclassifications"] += _tasks().topic_reclassify.delay(topic.pk) is not None
    figures["backfills"] = topic_backfills_resume(idle_before=quiet)
    if any(figures.values()):
        logger.info("Sweep queued again: %s", figures)
    return figures


# --- Topics -----------------------------------------------------------------------
# An analyst's or admin's acts, recorded in the topic's history under their name. A new
# description (or a new or reactivated topic) means new stances for every existing quote:
# a backfill classifies them in the background, batch by batch (`topic_backfill_batch`).


class TopicError(ValueError):
    """A topic change was refused; the message says why, for the person who asked. `field` names
    the input at fault, for forms."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


TOPIC_SLUGS_RESERVED = frozenset({"new"})  # /topics/new/ is the creation page


def _topic_name_check(name: str, *, topic: Topic | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise TopicError("A topic needs a name.", field="name")
    if len(name) > Topic._meta.get_field("name").max_length:
        raise TopicError(
            f"A topic's name has at most {Topic._meta.get_field('name').max_length} characters.", field="name"
        )
    if Topic.objects.filter(name__iexact=name).exclude(pk=getattr(topic, "pk", None)).exists():
        raise TopicError(f"There is already a topic named “{name}”.", field="name")
    return name


def _topic_description_check(description: str) -> str:
    description = " ".join(description.split())
    if not description:
        raise TopicError("A topic needs a description: it is what the stance model reads.", field="description")
    return description


def topic_create(*, name: str, description: str, by: AbstractBaseUser, reason: str = "") -> Topic:
    """Create an active topic (slug from the name, unique) and start classifying every quote on it."""
    require(by, "manage_topics")
    name, description = _topic_name_check(name), _topic_description_check(description)
    with transaction.atomic():
        topic = Topic(
            name=name, description=description,
            slug=_unique_slug(name, model=Topic, reserved=TOPIC_SLUGS_RESERVED),
        )
        _save_recorded(topic, by=by, reason=reason or "topic created")
        _backfill_start(topic)
    return topic


def topic_update(
    *, topic: Topic, by: AbstractBaseUser, name: str | None = None, description: str | None = None,
    reason: str = "",
) -> Topic:
    """Rename or re-describe a topic (the slug, and so its address, stays).

    A new description changes what the model reads, so an active topic's quotes are classified
    again (human labels stay; the model's opinion beside them is refreshed).
    """
    require(by, "manage_topics")
    new_name = topic.name if name is None else _topic_name_check(name, topic=topic)
    new_description = topic.description if description is None else _topic_description_check(description)
    if (new_name, new_description) == (topic.name, topic.description):
        return topic
    redescribed = new_description != topic.description
    with transaction.atomic():
        topic.name, topic.description = new_name, new_description
        _save_recorded(topic, by=by, reason=reason or "topic edited")
        if redescribed and topic.is_active:
            _backfill_start(topic)
    return topic


def topic_set_active(*, topic: Topic, active: bool, by: AbstractBaseUser, reason: str = "") -> Topic:
    """Deactivate a topic (no quote is classified on it any more, a running backfill stops) or
    reactivate it (its quotes are classified again, to catch up with those it missed)."""
    require(by, "manage_topics")
    if topic.is_active == active:
        return topic
    with transaction.atomic():
        topic.is_active = active
        _save_recorded(topic, by=by, reason=reason or ("topic reactivated" if active else "topic deactivated"))
        if active:
            _backfill_start(topic)
        else:
            TopicBackfill.objects.filter(topic=topic, state__in=TopicBackfill.ACTIVE_STATES).update(
                state=TopicBackfill.State.STOPPED, updated_at=timezone.now()
            )
    return topic


def _backfill_start(topic: Topic) -> TopicBackfill:
    """A new run over every quote there is now; the first batch is queued once this commits."""
    quotes = Quote.objects.visible()
    backfill, _ = TopicBackfill.objects.select_for_update().get_or_create(topic=topic)
    backfill.run += 1
    backfill.state = TopicBackfill.State.PENDING
    backfill.done, backfill.cursor, backfill.error = 0, 0, ""
    backfill.total = quotes.count()
    backfill.last_quote_id = quotes.aggregate(last=models.Max("pk"))["last"] or 0
    backfill.started_at = timezone.now()
    backfill.save()
    _backfill_enqueue(backfill)
    return backfill


def _backfill_enqueue(backfill: TopicBackfill) -> None:
    _tasks().topic_backfill.delay_on_commit(backfill.topic_id, backfill.run, backfill.cursor)


def topic_backfill_batch(*, topic_id: int, run: int, after: int) -> None:
    """Classify the next batch of the topic's backfill run `run`, from quote id `after` on.

    Claims the batch under a row lock: unless the run is current, active and its cursor is
    still `after`, the batch was done (or stopped, or superseded) and this is a no-op. The
    stances and the advanced cursor commit together, then the next batch is queued, so a
    worker killed mid-batch leaves the cursor where it was and the batch is redone once.
    """
    with transaction.atomic():
        backfill = (
            TopicBackfill.objects.select_for_update().select_related("topic").filter(topic_id=topic_id).first()
        )
        if (
            backfill is None or backfill.run != run or backfill.cursor != after
            or not backfill.is_active or not backfill.topic.is_active
        ):
            return
        size = settings.NEWSDESK["TOPIC_BACKFILL_BATCH_SIZE"]
        batch = list(
            Quote.objects.visible()
            .filter(pk__gt=after, pk__lte=backfill.last_quote_id)
            .select_related("article", "speaker")
            .order_by("pk")[:size]
        )
        stances_classify(quotes=batch, topics=[backfill.topic])
        backfill.done += len(batch)
        backfill.cursor = batch[-1].pk if batch else backfill.last_quote_id
        finished = len(batch) < size or backfill.cursor >= backfill.last_quote_id
        backfill.state = TopicBackfill.State.DONE if finished else TopicBackfill.State.RUNNING
        # At the end, quotes rejected since the start no longer count.
        backfill.total = backfill.done if finished else max(backfill.total, backfill.done)
        backfill.save()
        if not finished:
            _backfill_enqueue(backfill)


def topic_backfill_mark_failed(*, topic_id: int, error: str) -> None:
    """Record why the backfill stopped, so the topic page shows it and offers a retry."""
    TopicBackfill.objects.filter(topic_id=topic_id, state__in=TopicBackfill.ACTIVE_STATES).update(
        state=TopicBackfill.State.FAILED, error=error[:5000], updated_at=timezone.now()
    )


def topic_backfill_retry(*, topic: Topic, by: AbstractBaseUser | None) -> TopicBackfill:
    """Continue a failed backfill from where it stopped (the batches done stay done)."""
    require_unless_operator(by, "manage_topics")
    with transaction.atomic():
        backfill = TopicBackfill.objects.select_for_update().get(topic=topic)
        if backfill.state != TopicBackfill.State.FAILED or not topic.is_active:
            raise TopicError("Only a failed backfill of an active topic can be retried.")
        backfill.state, backfill.error = TopicBackfill.State.RUNNING, ""
        backfill.save(update_fields=["state", "error", "updated_at"])
        _backfill_enqueue(backfill)
    return backfill


def topic_backfills_resume(*, idle_before=None) -> int:
    """Queue the next batch of every unfinished backfill again (a worker starting up calls this:
    a worker that died took its batch with it; the sweep, for those idle since `idle_before`).
    Duplicates of a live chain are no-ops."""
    backfills = TopicBackfill.objects.filter(state__in=TopicBackfill.ACTIVE_STATES, topic__is_active=True)
    if idle_before is not None:
        backfills = backfills.filter(updated_at__lt=idle_before)
    backfills = list(backfills)
    for backfill in backfills:
        _tasks().topic_backfill.delay(backfill.topic_id, backfill.run, backfill.cursor)
    return len(backfills)


# --- Speakers ---------------------------------------------------------------------


def normalize_name(name: str) -> str:
    """Comparable form of a name: lower case, no accents, punctuation or possessive."""
    return " ".join(slugify(name.removesuffix("’s").removesuffix("'s")).split("-"))


def speaker_resolve(*, found: extraction.Speaker, article: Article | None = None) -> Speaker | None:
    """The Speaker for a speaker found in an article, created when new; None when it cannot be kept.

    Its kind is the engine's (`found.kind`). An unnamed speaker ("a senior official", "the
    workers") is a speaker of `article` alone: found again in that article it is the same one,
    in another article never (without an article it is not kept: None).

    A multi-word name matches a stored speaker carrying the same full name as an alias, else the
    one stored person whose name is a variant of it ("Donald Trump" finds "Donald J. Trump", never
    "Donald Trump Jr."; quotes.people). A lone surname ("Trump", "Mr. Trump") matches only when
    exactly one stored person has it (of several, a gendered title may pick one); one that two
    people have resolves to nobody (the mention is kept for a human), so two people who share a
    surname are never merged, nor a third one created, without evidence.
    """
    kind = found.kind if found.kind in Speaker.Kind.values else Speaker.Kind.PERSON
    if not normalize_name(found.name):
        return None
    if _is_unnamed(found):
        return _unnamed_speaker(found, kind, article) if article is not None else None
    key = normalize_name(found.name)
    named = Speaker.objects.filter(article__isnull=True)
    person_name = people.parse_person_name(found.name) if kind == Speaker.Kind.PERSON else None
    for _ in range(3):  # another article's run may create the same speaker at the same moment
        if person_name is not None and person_name.is_surname_only:
            candidates = _people_with_surname(person_name.last, _title_gender(found, person_name))
            # no person has it: an organisation written the same way ('Apple') still is that one
            candidates = candidates or list(named.filter(aliases__normalized=key).distinct().order_by("pk")[:2])
        else:
            candidates = list(named.filter(aliases__normalized=key).distinct().order_by("pk")[:2])
            if not candidates and person_name is not None:
                candidates = _people_named_alike(person_name)
        if len(candidates) > 1 and (person_name is not None or " " not in key):
            return None
        speaker = candidates[0] if candidates else None
        if speaker is not None:
            break
        try:
            with transaction.atomic():  # a savepoint: a slug taken meanwhile fails only this insert
                speaker = Speaker.objects.create(
                    name=found.name[:200], slug=_unique_slug(found.name), role=found.role[:300],
                    is_person=found.is_person, kind=kind,
                )
                _alias_remember(speaker, found.name)
            break
        except IntegrityError:
            continue  # look again: the other run's speaker (and its aliases) are committed now
    else:
        raise IntegrityError(f"Could not store the speaker {found.name!r}: its address kept being taken.")
    if found.role and not speaker.role:
        speaker.role = found.role[:300]
        speaker.save(update_fields=["role", "updated_at"])
    for alias in {found.name, *found.aliases}:
        _alias_remember(speaker, alias)
    return speaker


def _stored_people_sharing(surname: str):
    """Named people one of whose names may end in `surname` (a broad query, narrowed in Python)."""
    return (
        Speaker.objects.filter(article__isnull=True, kind=Speaker.Kind.PERSON)
        .filter(
            Q(aliases__normalized=surname)
            | Q(aliases__normalized__endswith=f" {surname}")
            | Q(aliases__normalized__contains=f" {surname} ")
        )
        .distinct()
        .order_by("pk")
        .prefetch_related("aliases")
    )


def _names_of(speaker: Speaker) -> list[people.PersonName]:
    written = [speaker.name, *(alias.alias for alias in speaker.aliases.all())]
    return [parsed for name in written if (parsed := people.parse_person_name(name)) is not None]


def _people_with_surname(surname: str, gender: str = "") -> list[Speaker]:
    """Stored people who have this surname; of several, those a gendered title points to when
    that leaves one ('Mr. Brennan' beside Walter and Ellen Brennan)."""
    found = [s for s in _stored_people_sharing(surname) if any(n.last == surname for n in _names_of(s))]
    if len(found) > 1 and gender:
        of_gender = [
            s for s in found if any(people.first_name_gender(n) == gender for n in _names_of(s) if n.last == surname)
        ]
        if len(of_gender) == 1:
            return of_gender
    return found


def _people_named_alike(name: people.PersonName) -> list[Speaker]:
    """Stored people with a full name that is a variant of `name` ('Donald Trump' ~ 'Donald J. Trump')."""
    return [
        s for s in _stored_people_sharing(name.last) if any(people.same_person(name, n) for n in _names_of(s))
    ]


def _title_gender(found: extraction.Speaker, name: people.PersonName) -> str:
    """The gender a title tells in the name or one of its written forms ('Mr. Trump'), else ''."""
    if name.title_gender:
        return name.title_gender
    genders = {
        parsed.title_gender
        for alias in found.aliases
        if (parsed := people.parse_person_name(alias)) is not None and parsed.last == name.last
    } - {""}
    return genders.pop() if len(genders) == 1 else ""


def _unnamed_speaker(found: extraction.Speaker, kind: str, article: Article) -> Speaker:
    """The article's own speaker for an unnamed source, the same one each time the article is processed."""
    name = " ".join(found.name.split())[:200]
    speaker = Speaker.objects.filter(article=article, name=name).order_by("pk").first()
    if speaker is None:
        speaker = Speaker.objects.create(
            name=name, slug=_unique_slug(name), role=found.role[:300], is_person=found.is_person, kind=kind,
            article=article,
        )
    return speaker


def _alias_remember(speaker: Speaker, alias: str, *, by=None, reason: str = "") -> SpeakerAlias | None:
    """Remember a way the speaker is written; pronouns and lower-case nominals are not names (None)."""
    from quotes.extraction.lexicon import PERSONAL_PRONOUNS

    normalized = normalize_name(alias)
    if not (normalized and alias.strip()[:1].isupper() and normalized not in PERSONAL_PRONOUNS):
        return None
    record = SpeakerAlias.objects.filter(speaker=speaker, normalized=normalized).first()
    if record is None:
        record = SpeakerAlias(speaker=speaker, normalized=normalized, alias=alias.strip()[:300])
        try:
            with transaction.atomic():  # a savepoint: another run may add the same alias meanwhile
                _save_recorded(record, by=by, reason=reason or "alias added")
        except IntegrityError:
            record = SpeakerAlias.objects.get(speaker=speaker, normalized=normalized)
    return record


def _is_anonymous(name: str) -> bool:
    """"a senior official", "officials": nobody we can track across articles."""
    return not name or not name.strip()[:1].isupper() or name.split(" ", 1)[0] in {"A", "An", "Some"}


def _is_unnamed(found: extraction.Speaker) -> bool:
    """A speaker the engine found no name for: described ('a senior official') or written as a
    common noun ('the workers', 'the network')."""
    return found.kind == Speaker.Kind.DESCRIPTION or _is_anonymous(found.name)


def _unique_slug(name: str, *, model=Speaker, reserved: frozenset = frozenset()) -> str:
    """A free slug for `model` from the name; `reserved` words are page addresses (topics/new/)."""
    max_length = model._meta.get_field("slug").max_length
    base = slugify(name)[: max_length - 6] or model._meta.model_name
    slug, counter = base, 2
    while slug in reserved or model.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


# --- Corrections ------------------------------------------------------------------
# Human acts: each requires its ability (by=None is refused: unlike ingest or retry, a correction
# is a person's judgement and is recorded under their name), runs in one transaction and is
# recorded in django-simple-history with who, when, before -> after and the reason.


class CorrectionError(ValueError):
    """A correction was refused; the message says why, for the person who asked."""


def _save_recorded(instance, *, by, reason: str) -> None:
    instance._history_user = by
    instance._change_reason = reason
    instance.save()


def _delete_recorded(instance, *, by, reason: str) -> None:
    instance._history_user = by
    instance._change_reason = reason
    instance.delete()


def _quote_save(quote: Quote, *, by, reason: str, corrected: str | None = None) -> None:
    if corrected and not quote.is_corrected(corrected):
        quote.corrected_fields = [*quote.corrected_fields, corrected]
    _save_recorded(quote, by=by, reason=reason)


def _enqueue_classify(article: Article) -> None:
    _tasks().article_classify.delay_on_commit(article.pk)


def quote_reassign(
    *, quote: Quote, speaker: Speaker | None, by: AbstractBaseUser, reason: str = "", make_alias: bool = False
) -> Quote:
    """Attribute the quote to another speaker (or to nobody) and lock that correction.

    The mention becomes an alias of the new speaker only when asked (`make_alias`), never
    silently: a wrong surname left as an alias would attract the next article's quotes.
    """
    require(by, "correct")
    with transaction.atomic():
        quote.speaker = speaker
        _quote_save(quote, by=by, reason=reason or "speaker corrected", corrected=Quote.CorrectableField.SPEAKER)
        if make_alias and speaker is not None and quote.speaker_mention:
            speaker_alias_add(speaker=speaker, alias=quote.speaker_mention, by=by, reason=reason)
    return quote


def quote_reassign_to_new_speaker(
    *, quote: Quote, name: str, by: AbstractBaseUser, role: str = "", organisation: str = "",
    reason: str = "", make_alias: bool = False,
) -> Quote:
    """Create a speaker the newsroom did not know yet and attribute the quote to them."""
    with transaction.atomic():
        speaker = speaker_create(name=name, role=role, organisation=organisation, by=by, reason=reason)
        return quote_reassign(quote=quote, speaker=speaker, by=by, reason=reason, make_alias=make_alias)


def quote_reject(*, quote: Quote, by: AbstractBaseUser, reason: str = "") -> Quote:
    """Mark the quote "not a quote": kept (restorable), hidden everywhere, never re-created.

    Its open flags are resolved: the admin has dealt with the quote.
    """
    require(by, "correct")
    with transaction.atomic():
        if not quote.is_rejected:
            quote.is_rejected = True
            _quote_save(quote, by=by, reason=reason or "not a quote")
        for flag in quote.flags.filter(resolved_at=None):
            flag_resolve(flag=flag, by=by, resolution=reason or "rejected as not a quote")
    return quote


def quote_restore(*, quote: Quote, by: AbstractBaseUser, reason: str = "") -> Quote:
    """Undo a rejection: the quote shows again everywhere."""
    require(by, "correct")
    with transaction.atomic():
        if quote.is_rejected:
            quote.is_rejected = False
            _quote_save(quote, by=by, reason=reason or "restored")
            _enqueue_classify(quote.article)
    return quote


def quote_span_check(*, article: Article, start: int, end: int, quote: Quote | None = None) -> tuple[int, int]:
    """The span trimmed of surrounding blanks; CorrectionError when it is empty, off the text or taken."""
    body = article.body
    if not (0 <= start < end <= len(body)):
        raise CorrectionError(f"A span must lie within the article (0 to {len(body)}) and not be empty.")
    start += len(body[start:end]) - len(body[start:end].lstrip())
    end -= len(body[start:end]) - len(body[start:end].rstrip())
    if start >= end:
        raise CorrectionError("The selection holds no text.")
    others = article.quotes.exclude(pk=quote.pk) if quote else article.quotes.all()
    same = others.filter(start=start, end=end).first()
    if same is not None and same.is_rejected:
        raise CorrectionError(f"Quote #{same.pk} has this span and was rejected as not a quote; restore it instead.")
    clash = same or others.visible().filter(start__lt=end, end__gt=start).first()
    if clash is not None:
        raise CorrectionError(f"The span overlaps quote #{clash.pk} (“{clash.text[:40]}”); fix that quote instead.")
    return start, end


def quote_add(
    *, article: Article, start: int, end: int, speaker: Speaker | None, by: AbstractBaseUser,
    is_direct: bool = True, reason: str = "",
) -> Quote:
    """Add a quote the extractor missed; re-processing keeps it and its speaker as they are."""
    require(by, "correct")
    with transaction.atomic():
        start, end = quote_span_check(article=article, start=start, end=end)
        quote = Quote(
            article=article, start=start, end=end, text=article.body[start:end], speaker=speaker,
            speaker_mention=speaker.name[:300] if speaker else "", is_direct=is_direct,
            attribution_confidence=1.0, origin=Quote.Origin.HUMAN,
            corrected_fields=[Quote.CorrectableField.SPEAKER, Quote.CorrectableField.SPAN],
        )
        _save_recorded(quote, by=by, reason=reason or "quote added")
        _enqueue_classify(article)
    return quote


def quote_respan(*, quote: Quote, start: int, end: int, by: AbstractBaseUser, reason: str = "") -> Quote:
    """Fix where the quote starts and ends; re-processing keeps the fixed span."""
    require(by, "correct")
    with transaction.atomic():
        quote.start, quote.end = quote_span_check(article=quote.article, start=start, end=end, quote=quote)
        quote.text = quote.article.body[quote.start : quote.end]
        _quote_save(quote, by=by, reason=reason or "span fixed", corrected=Quote.CorrectableField.SPAN)
        _enqueue_classify(quote.article)  # the model reads the new text; human labels stay
    return quote


def stance_label(*, stance_record: Stance, label: str, by: AbstractBaseUser, reason: str = "") -> Stance:
    """Set a human stance label and schedule the topic's retraining.

    The model's later runs keep the label and only update their own fields. PermissionDenied
    unless `by` may set stances: a label is a person's judgement, so `by=None` is refused too.
    """
    require(by, "set_stance")
    if label not in Stance.Label.values:
        raise ValueError(f"Unknown stance {label!r}; use one of {', '.join(Stance.Label.values)}.")
    with transaction.atomic():
        stance_record.label = label
        stance_record.source = Stance.Source.HUMAN
        _save_recorded(stance_record, by=by, reason=reason or "stance labelled")
        # Labels often come in a burst: one retrain a little later covers them all.
        _tasks().topic_retrain.apply_async_on_commit(
            (stance_record.topic_id,), countdown=settings.NEWSDESK["RETRAIN_DELAY_SECONDS"]
        )
    return stance_record


def quote_stance_label(*, quote: Quote, topic: Topic, label: str, by: AbstractBaseUser, reason: str = "") -> Stance:
    """Label the quote on a topic, also one the model has not classified it on yet."""
    record = Stance.objects.filter(quote=quote, topic=topic).first() or Stance(quote=quote, topic=topic)
    return stance_label(stance_record=record, label=label, by=by, reason=reason)


def speaker_create(
    *, name: str, by: AbstractBaseUser, role: str = "", organisation: str = "", is_person: bool = True,
    kind: str = Speaker.Kind.PERSON, reason: str = "",
) -> Speaker:
    """A speaker the extractor did not know, written by a person; their name is their first alias."""
    require(by, "correct")
    name = " ".join(name.split())
    if not name:
        raise CorrectionError("A new speaker needs a name.")
    if kind not in Speaker.Kind.values:
        raise CorrectionError(f"Unknown kind {kind!r}; use one of {', '.join(Speaker.Kind.values)}.")
    with transaction.atomic():
        speaker = Speaker(
            name=name[:200], slug=_unique_slug(name), role=role.strip()[:300],
            organisation=organisation.strip()[:200], is_person=is_person, kind=kind,
        )
        _save_recorded(speaker, by=by, reason=reason or "speaker created")
        _alias_remember(speaker, name, by=by, reason="the speaker's name")
    return speaker


def speaker_update(
    *, speaker: Speaker, by: AbstractBaseUser, name: str | None = None, role: str | None = None,
    organisation: str | None = None, kind: str | None = None, reason: str = "",
) -> Speaker:
    """Correct a speaker's name, role, organisation or kind (the slug, and so their address, stays)."""
    require(by, "correct")
    changes = {
        field: " ".join(value.split())
        for field, value in {"name": name, "role": role, "organisation": organisation, "kind": kind}.items()
        if value is not None
    }
    if "name" in changes and not changes["name"]:
        raise CorrectionError("A speaker needs a name.")
    if "kind" in changes and changes["kind"] not in Speaker.Kind.values:
        raise CorrectionError(f"Unknown kind {kind!r}; use one of {', '.join(Speaker.Kind.values)}.")
    with transaction.atomic():
        for field, value in changes.items():
            setattr(speaker, field, value)
        _save_recorded(speaker, by=by, reason=reason or "speaker corrected")
        if "name" in changes:
            _alias_remember(speaker, changes["name"], by=by, reason="the speaker's name")
    return speaker


def speaker_alias_add(*, speaker: Speaker, alias: str, by: AbstractBaseUser, reason: str = "") -> SpeakerAlias:
    """A person teaches the resolver another way the speaker is written."""
    require(by, "correct")
    with transaction.atomic():
        record = _alias_remember(speaker, alias, by=by, reason=reason or "alias added")
    if record is None:
        raise CorrectionError(f"“{alias}” is not a name (a pronoun, or not capitalised).")
    return record


def speaker_alias_remove(*, alias: SpeakerAlias, by: AbstractBaseUser, reason: str = "") -> None:
    """Forget a way the speaker is written; their quotes stay theirs."""
    require(by, "correct")
    with transaction.atomic():
        _delete_recorded(alias, by=by, reason=reason or "alias removed")


# --- Merges -----------------------------------------------------------------------


def _row(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _instance(model, row: dict):
    """The model instance a stored row describes (JSON gave strings for dates)."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return model(**{name: fields[name].to_python(value) for name, value in row.items()})


def speaker_merge(*, source: Speaker, target: Speaker, by: AbstractBaseUser, reason: str = "") -> SpeakerMerge:
    """Fold `source` into `target`, which the admin picked to keep; what moves is the preview's.

    The quotes and aliases move over, empty fields of the target take the source's values,
    then the source is deleted. The previous rows are stored on the SpeakerMerge for undo; moved
    quotes count as human-corrected, so re-processing does not split them again.
    """
    from quotes import selectors

    require(by, "merge_speakers")
    if source.pk == target.pk:
        raise CorrectionError("A speaker cannot be merged into itself.")
    reason = reason or f"merged {source.name} into {target.name}"
    with transaction.atomic():
        # The rows as stored (not as the caller's copies hold them), locked until the merge is done.
        source = Speaker.objects.select_for_update().get(pk=source.pk)
        target = Speaker.objects.select_for_update().get(pk=target.pk)
        preview = selectors.speaker_merge_preview(source=source, target=target)
        merge = SpeakerMerge.objects.create(
            source_name=source.name, source_slug=source.slug, target=target, target_name=target.name,
            merged_by=by,
            previous_rows={
                "source": _row(source),
                "aliases": [_row(alias) for alias in source.aliases.all()],
                "quotes": [_row(quote) for quote in preview.quotes],
                "target": _row(target),
            },
        )
        for quote in preview.quotes:
            quote.speaker = target
            _quote_save(quote, by=by, reason=reason, corrected=Quote.CorrectableField.SPEAKER)
        for alias in source.aliases.all():
            if alias.alias in preview.aliases_moving:
                alias.speaker = target
                _save_recorded(alias, by=by, reason=reason)
            else:
                _delete_recorded(alias, by=by, reason=f"{reason} (the target already has it)")
        if preview.fields_filled:
            for field, value in preview.fields_filled.items():
                setattr(target, field, value)
            _save_recorded(target, by=by, reason=reason)
        _delete_recorded(source, by=by, reason=reason)
    logger.info("Speaker %s merged into %s by %s", merge.source_name, target.name, by)
    return merge


def speaker_merge_undo(*, merge: SpeakerMerge, by: AbstractBaseUser, reason: str = "") -> Speaker:
    """Restore the rows the merge changed, exactly: the source speaker (same id and slug), its
    aliases, its quotes' attribution and correction marks, and the target's fields.

    A quote corrected again since the merge keeps that later correction.
    """
    require(by, "merge_speakers")
    if merge.undone_at:
        raise CorrectionError("This merge was already undone.")
    rows = merge.previous_rows
    reason = reason or f"undid the merge of {merge.source_name} into {merge.target_name}"
    with transaction.atomic():
        source = _instance(Speaker, rows["source"])
        if Speaker.objects.filter(Q(pk=source.pk) | Q(slug=source.slug)).exists():
            raise CorrectionError(f"A speaker with the address {source.slug} exists again; undo is not possible.")
        stamps = {"created_at": source.created_at, "updated_at": source.updated_at}  # save() stamps anew
        source._history_user, source._change_reason = by, reason
        source.save(force_insert=True)
        for alias_row in rows["aliases"]:
            alias = SpeakerAlias.objects.filter(pk=alias_row["id"]).first() or _instance(SpeakerAlias, alias_row)
            alias.speaker_id = source.pk
            _save_recorded(alias, by=by, reason=reason)
        for quote_row in rows["quotes"]:
            quote = Quote.objects.filter(pk=quote_row["id"], speaker_id=merge.target_id).first()
            if quote is None:
                continue
            quote.speaker_id, quote.corrected_fields = source.pk, quote_row["corrected_fields"]
            _save_recorded(quote, by=by, reason=reason)
            Quote.objects.filter(pk=quote.pk).update(updated_at=_instance(Quote, quote_row).updated_at)
        if merge.target is not None:
            before = _instance(Speaker, rows["target"])
            for field in ("role", "organisation", "country"):
                setattr(merge.target, field, getattr(before, field))
            _save_recorded(merge.target, by=by, reason=reason)
            Speaker.objects.filter(pk=merge.target_id).update(updated_at=before.updated_at)
        Speaker.objects.filter(pk=source.pk).update(**stamps)
        merge.undone_by, merge.undone_at = by, timezone.now()
        merge.save(update_fields=["undone_by", "undone_at"])
    return source


# --- History ----------------------------------------------------------------------

# What "revert" may set back, per model: the fields people correct.
REVERTIBLE_FIELDS = {
    Quote: ("speaker", "text", "start", "end", "is_direct", "corrected_fields", "is_rejected"),
    Speaker: ("name", "role", "organisation", "country", "is_person", "kind"),
    Stance: ("label", "source"),
}


def history_revert(*, record, by: AbstractBaseUser, reason: str = "") -> models.Model:
    """Set back the fields one recorded change touched to their values just before it.

    `record` is a history row of a Quote, Speaker or Stance. Later changes to other fields stay.
    """
    require(by, "correct")
    model = record.instance_type
    previous = record.prev_record
    if model not in REVERTIBLE_FIELDS or previous is None:
        raise CorrectionError("Only a change to an existing quote, speaker or stance can be reverted.")
    fields = [c.field for c in record.diff_against(previous).changes if c.field in REVERTIBLE_FIELDS[model]]
    if not fields:
        raise CorrectionError("This change touched nothing that can be reverted.")
    with transaction.atomic():
        instance = model.objects.select_for_update().filter(pk=getattr(record, model._meta.pk.attname)).first()
        if instance is None:
            raise CorrectionError(f"The {model._meta.verbose_name} no longer exists.")
        for field in fields:
            attname = model._meta.get_field(field).attname
            setattr(instance, attname, getattr(previous, attname))
        if model is Quote and {"start", "end"} & set(fields):
            try:  # the old span may have been taken since, by a respan or an added quote
                quote_span_check(article=instance.article, start=instance.start, end=instance.end, quote=instance)
            except CorrectionError as error:
                raise CorrectionError(f"This change cannot be reverted: {error}") from error
        if "speaker" in fields and instance.speaker_id and not Speaker.objects.filter(pk=instance.speaker_id).exists():
            raise CorrectionError("The earlier speaker no longer exists (merged or deleted); reassign instead.")
        _save_recorded(instance, by=by, reason=reason or f"reverted change #{record.history_id}")
    return instance


# --- Review -----------------------------------------------------------------------


def quote_flag(*, quote: Quote, kind: str, note: str = "", by: AbstractBaseUser) -> QuoteFlag:
    """An editor says a quote looks wrong; it waits in the review queue for an admin.

    Flagging the same quote for the same reason twice keeps one open flag (the later note
    is added to it).
    """
    require(by, "flag_quote")
    if kind not in QuoteFlag.Kind.values:
        raise ValueError(f"Unknown flag {kind!r}; use one of {', '.join(QuoteFlag.Kind.values)}.")
    note = note.strip()
    with transaction.atomic():
        flag = QuoteFlag.objects.select_for_update().filter(quote=quote, kind=kind, resolved_at=None).first()
        if flag is None:
            return QuoteFlag.objects.create(quote=quote, kind=kind, note=note, by=by)
        if note and note not in flag.note:
            flag.note = f"{flag.note}\n{note}".strip()
            flag.save(update_fields=["note"])
    return flag


def flag_resolve(*, flag: QuoteFlag, by: AbstractBaseUser, resolution: str = "") -> QuoteFlag:
    """An admin has dealt with a flag (corrected the quote, or found it right): it closes."""
    require(by, "correct")
    if not flag.is_open:
        raise ValueError("This flag is already resolved.")
    flag.resolved_at = timezone.now()
    flag.resolved_by = by
    flag.resolution = resolution.strip()
    flag.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return flag


def quote_review(*, quote: Quote, by: AbstractBaseUser, reason: str = "") -> Quote:
    """An admin accepts the quote's span and speaker as they stand: it leaves the review queue.

    Accepting is a human decision like a correction: the speaker is locked, so re-processing
    keeps the quote and its speaker (and lets no overlapping new quote replace it).
    """
    require(by, "correct")
    quote.reviewed_at = timezone.now()
    quote.reviewed_by = by
    if not quote.is_corrected(Quote.CorrectableField.SPEAKER):
        quote.corrected_fields = [*quote.corrected_fields, Quote.CorrectableField.SPEAKER]
    quote._change_reason = reason or "attribution accepted"
    quote._history_user = by
    quote.save(update_fields=["reviewed_at", "reviewed_by", "corrected_fields", "updated_at"])
    return quote


def article_review(*, article: Article, by: AbstractBaseUser) -> Article:
    """An admin vouches for every quote of the article (spans, speakers, none missing).

    A reviewed article is gold: `export_gold` writes it for scoring the extractor.
    """
    require(by, "correct")
    if article.status != Article.Status.DONE:
        raise ValueError("Only a processed article can be marked reviewed.")
    if QuoteFlag.objects.filter(quote__article=article, resolved_at=None).exists():
        raise ValueError("Resolve the article's open flags before marking it reviewed.")
    Article.objects.filter(pk=article.pk).update(reviewed_at=timezone.now(), reviewed_by=by)
    article.refresh_from_db(fields=["reviewed_at", "reviewed_by"])
    return article


# --- Corrections become data -------------------------------------------------------


def gold_document(*, article: Article) -> dict:
    """A reviewed article in the seed gold format (`tests/fixtures/*.gold.json`) with its text,
    as read by `evaluate_attribution` and `../shared/bench/score_attribution.py`."""
    quotes = list(article.quotes.all())
    speakers = {quote.speaker for quote in quotes if quote.speaker is not None}
    return {
        "id": f"article-{article.pk}",
        "title": article.title,
        "source_url": article.url,
        "reviewed_at": article.reviewed_at.isoformat() if article.reviewed_at else None,
        "text": article.body,
        "speakers": {
            speaker.name: {
                "aliases": sorted(alias.alias for alias in speaker.aliases.all() if alias.alias != speaker.name),
                "role": speaker.role,
                "country": speaker.country,
            }
            for speaker in sorted(speakers, key=lambda speaker: speaker.name)
        },
        "quotes": [
            {
                "start": quote.start,
                "end": quote.end,
                "text": article.body[quote.start : quote.end],
                "speaker": quote.speaker.name if quote.speaker else None,
                "direct": quote.is_direct,
            }
            for quote in quotes
        ],
    }


def stance_gold_row(*, stance_record: Stance) -> dict:
    """A human stance label as a row of `evaluate_stance`'s gold: what the model reads, and the label."""
    quote, topic = stance_record.quote, stance_record.topic
    item = _stance_input(quote, topic)
    return {
        "id": f"quote-{quote.pk}-{topic.slug}",
        "text": item.text,
        "context": item.context,
        "speaker": item.speaker,
        "topic": item.topic,
        "topic_slug": topic.slug,
        "stance": stance_record.label,
        "article_id": quote.article_id,
        "quote_id": quote.pk,
    }
