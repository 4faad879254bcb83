"""The verbs of the domain. Views, admin, tasks and commands all write through here."""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from quotes import text as textutils
from quotes.models import Article, Quote, Speaker, SpeakerAlias, Stance, Topic

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
) -> Article:
    """Save an article as pending and enqueue its processing once the transaction commits.

    Re-ingesting the same text returns the article already stored, unchanged. A trailing
    `Source : URL` line becomes the url when none is given. Raises IngestError for empty or
    oversize text and for a url that already belongs to a different text.
    """
    body, source_url = textutils.split_source_line(textutils.normalize_text(text or ""))
    if not body:
        raise IngestError("The article has no text.")
    limit = settings.NEWSDESK["MAX_ARTICLE_CHARS"]
    if len(body) > limit:
        raise IngestError(f"The article is {len(body):,} characters long; the limit is {limit:,}.")
    url = (url or "").strip() or source_url
    digest = textutils.content_hash(body)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing:
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
        )
        _enqueue_processing(article)
    return article


def article_ingest_file(*, filename: str, data: bytes, title: str | None = None) -> Article:
    """Ingest an uploaded .txt or .html file (decoded leniently, refused when binary)."""
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
            url=document.url,
            published_at=document.published_at,
        )
    return article_ingest(text=decoded, title=title)


def _title_from_body(body: str) -> str:
    first_line = body.split("\n", 1)[0]
    return first_line if len(first_line) <= 120 else first_line[:117].rsplit(" ", 1)[0] + "…"


def _tasks():
    from quotes import tasks  # tasks import services: keep the cycle out of import time

    return tasks


def _enqueue_processing(article: Article) -> None:
    _tasks().article_process.delay_on_commit(article.pk)


# --- Processing -------------------------------------------------------------------


def article_process(*, article: Article) -> None:
    """Extract quotes and speakers from the article and store them, then enqueue stance.

    Idempotent: quotes are matched by span, so re-running updates them in place, removes the
    ones the extractor no longer finds and never touches a field a human corrected.
    """
    from quotes import extraction

    Article.objects.filter(pk=article.pk).update(status=Article.Status.PROCESSING, error="")
    result = extraction.get_extractor(settings.NEWSDESK["SPACY_PIPELINE"]).extract(article.body)
    with transaction.atomic():
        speakers = {
            key: speaker
            for key, found in result.speakers.items()
            if (speaker := speaker_resolve(found=found)) is not None
        }
        _quotes_store(article, result.quotes, speakers)
        Article.objects.filter(pk=article.pk).update(extractor_version=extraction.EXTRACTOR_VERSION)
        _tasks().article_classify.delay_on_commit(article.pk)


def _quotes_store(article: Article, found_quotes: Iterable[extraction.Quote], speakers: dict) -> None:
    existing = {(quote.start, quote.end): quote for quote in article.quotes.all()}
    corrected = [quote for quote in existing.values() if quote.corrected_fields]
    kept: set[int] = set()
    for found in found_quotes:
        quote = existing.get((found.start, found.end))
        if quote is None and any(q.start < found.end and found.start < q.end for q in corrected):
            continue  # a human has corrected an overlapping quote: theirs stands
        quote = quote or Quote(article=article, start=found.start, end=found.end)
        values = {
            "text": article.body[found.start : found.end],
            "is_direct": found.direct,
            "cue": found.cue[:100],
            "speaker_mention": found.speaker_mention[:300],
            "attribution_confidence": min(1.0, max(0.0, found.confidence)),
        }
        if not quote.is_corrected(Quote.CorrectableField.SPEAKER):
            values["speaker"] = speakers.get(found.speaker)
        _save_if_changed(quote, values)
        kept.add(quote.pk)
    article.quotes.exclude(pk__in=kept).filter(corrected_fields=[]).delete()


def article_classify(*, article: Article) -> None:
    """Classify every quote of the article on every active topic and mark the article done.

    One Stance per quote and topic; a human label is never overwritten (the model's opinion
    is still recorded beside it).
    """
    quotes = list(article.quotes.select_related("speaker"))
    topics = list(Topic.objects.filter(is_active=True))
    stances_classify(quotes=quotes, topics=topics)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.DONE, error="", processed_at=timezone.now()
    )


def stances_classify(*, quotes: list[Quote], topics: list[Topic]) -> None:
    """Run the stance model on each (quote, topic) pair in batches and record the results.

    A topic with a head fitted on its human labels is classified with that head.
    """
    if not quotes:
        return
    for topic in topics:
        model = _stance_model_for(topic)
        inputs = [_stance_input(quote, topic) for quote in quotes]
        results = model.predict(inputs, batch_size=settings.NEWSDESK["STANCE_BATCH_SIZE"])
        with transaction.atomic():
            for quote, result in zip(quotes, results, strict=True):
                _stance_record(quote, topic, result, model.model_version)


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

    head_path = settings.NEWSDESK["STANCE_HEAD"] or None
    if topic.stance_head:
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
        return stance.get_model(settings.NEWSDESK["STANCE_HEAD"] or None)


def topic_retrain(*, topic: Topic, force: bool = False) -> bool:
    """Fit the topic's stance head on its human labels, then re-classify its other quotes.

    Stores the head on the topic with a new model version; human labels are never changed.
    Does nothing (returns False) when there are too few labels, or, unless forced, no new
    labels since the last fit.
    """
    from quotes import stance

    labelled = list(
        Stance.objects.filter(topic=topic, source=Stance.Source.HUMAN).select_related(
            "quote__article", "quote__speaker"
        )
    )
    if len(labelled) < settings.NEWSDESK["MIN_LABELS_TO_RETRAIN"]:
        return False
    if len(labelled) == topic.stance_head_labels and not force:
        return False
    examples = [(_stance_input(record.quote, topic), record.label) for record in labelled]
    artifact = stance.train_head(examples, base=stance.get_model(settings.NEWSDESK["STANCE_HEAD"] or None),
                                 topic=topic.description)
    with tempfile.TemporaryDirectory() as directory:
        path = artifact.save(Path(directory) / "head.pt")
        topic.stance_head = path.read_bytes()
        topic.stance_model_version = artifact.model_version(path)
    topic.stance_head_labels = len(labelled)
    quotes = list(
        Quote.objects.filter(stances__topic=topic, stances__source=Stance.Source.MODEL).select_related(
            "article", "speaker"
        )
    )
    with transaction.atomic():  # readers see the new head and its predictions together
        topic.save(update_fields=["stance_head", "stance_model_version", "stance_head_labels"])
        stances_classify(quotes=quotes, topics=[topic])
    logger.info("Topic %s retrained on %d labels (%s)", topic.slug, len(labelled), topic.stance_model_version)
    return True


def _stance_record(quote: Quote, topic: Topic, result: stance.StanceResult, model_version: str) -> None:
    record, _ = Stance.objects.get_or_create(quote=quote, topic=topic, defaults={"label": result.label})
    values = {
        "model_label": result.label,
        "score_favor": result.scores["favor"],
        "score_against": result.scores["against"],
        "score_none": result.scores["none"],
        "relevance": result.relevance,
        "model_version": model_version,
    }
    if record.source == Stance.Source.MODEL:
        values["label"] = result.label
    _save_if_changed(record, values)


def _save_if_changed(instance, values: dict) -> None:
    """Save only new rows and real changes, so re-runs leave history and timestamps alone."""
    if instance.pk is None or any(getattr(instance, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(instance, name, value)
        instance.save()


def article_mark_failed(*, article_id: int, error: str) -> None:
    """Record why processing failed, so the article page shows it and offers a retry."""
    Article.objects.filter(pk=article_id).update(status=Article.Status.FAILED, error=error[:5000])


def article_retry(*, article: Article) -> None:
    """Process the article again from the start (after a failure, or a new extractor)."""
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PENDING, error="")
        _enqueue_processing(article)


# --- Speakers ---------------------------------------------------------------------


def normalize_name(name: str) -> str:
    """Comparable form of a name: lower case, no accents, punctuation or possessive."""
    return " ".join(slugify(name.removesuffix("’s").removesuffix("'s")).split("-"))


def speaker_resolve(*, found: extraction.Speaker) -> Speaker | None:
    """The Speaker for a speaker found in an article, created when new; None when anonymous.

    A multi-word name matches a stored speaker carrying the same full name as an alias. A lone
    surname matches only when exactly one stored speaker carries it, so two people who share
    a surname are never merged without evidence.
    """
    if _is_anonymous(found.name):
        return None
    key = normalize_name(found.name)
    if not key:
        return None
    candidates = list(Speaker.objects.filter(aliases__normalized=key).distinct()[:2])
    if " " not in key and len(candidates) > 1:
        candidates = []
    speaker = candidates[0] if candidates else None
    if speaker is None:
        speaker = Speaker.objects.create(
            name=found.name[:200],
            slug=_unique_slug(found.name),
            role=found.role[:300],
            is_person=found.is_person,
        )
    elif found.role and not speaker.role:
        speaker.role = found.role[:300]
        speaker.save(update_fields=["role", "updated_at"])
    for alias in {found.name, *found.aliases}:
        speaker_alias_add(speaker=speaker, alias=alias)
    return speaker


def speaker_alias_add(*, speaker: Speaker, alias: str) -> None:
    """Remember a way the speaker is written; pronouns and lower-case nominals are not names."""
    from quotes.extraction.lexicon import PERSONAL_PRONOUNS

    normalized = normalize_name(alias)
    if normalized and alias.strip()[:1].isupper() and normalized not in PERSONAL_PRONOUNS:
        SpeakerAlias.objects.get_or_create(
            speaker=speaker, normalized=normalized, defaults={"alias": alias[:300]}
        )


def _is_anonymous(name: str) -> bool:
    """"a senior official", "officials": nobody we can track across articles."""
    return not name or not name.strip()[:1].isupper() or name.split(" ", 1)[0] in {"A", "An", "Some"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "speaker"
    slug, counter = base, 2
    while Speaker.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


# --- Corrections ------------------------------------------------------------------


def quote_reassign(
    *, quote: Quote, speaker: Speaker | None, by: AbstractBaseUser | None = None, reason: str = ""
) -> Quote:
    """Attribute the quote to another speaker (or to nobody) and lock that correction.

    Records who and why in the quote's history; re-processing never overrides it.
    """
    with transaction.atomic():
        quote.speaker = speaker
        if not quote.is_corrected(Quote.CorrectableField.SPEAKER):
            quote.corrected_fields = [*quote.corrected_fields, Quote.CorrectableField.SPEAKER]
        quote._change_reason = reason or "speaker corrected"
        quote._history_user = by
        quote.save()
        if speaker is not None and quote.speaker_mention:
            speaker_alias_add(speaker=speaker, alias=quote.speaker_mention)
    return quote


def stance_label(
    *, stance_record: Stance, label: str, by: AbstractBaseUser | None = None, reason: str = ""
) -> Stance:
    """Set a human stance label and schedule the topic's retraining.

    The model's later runs keep the label and only update their own fields.
    """
    if label not in Stance.Label.values:
        raise ValueError(f"Unknown stance {label!r}; use one of {', '.join(Stance.Label.values)}.")
    with transaction.atomic():
        stance_record.label = label
        stance_record.source = Stance.Source.HUMAN
        stance_record._change_reason = reason or "stance labelled"
        stance_record._history_user = by
        stance_record.save()
        # Labels often come in a burst: one retrain a little later covers them all.
        _tasks().topic_retrain.apply_async_on_commit(
            (stance_record.topic_id,), countdown=settings.NEWSDESK["RETRAIN_DELAY_SECONDS"]
        )
    return stance_record


def speaker_merge(*, source: Speaker, target: Speaker, by: AbstractBaseUser | None = None) -> Speaker:
    """Fold `source` into `target`: its quotes and aliases move over, then it is deleted.

    Moved quotes count as human-corrected, so re-processing does not split them again.
    """
    if source.pk == target.pk:
        raise ValueError("A speaker cannot be merged into itself.")
    with transaction.atomic():
        for quote in source.quotes.all():
            quote_reassign(quote=quote, speaker=target, by=by, reason=f"merged from {source.name}")
        for alias in source.aliases.all():
            speaker_alias_add(speaker=target, alias=alias.alias)
        if not target.role and source.role:
            target.role = source.role
            target.save(update_fields=["role", "updated_at"])
        source.delete()
    logger.info("Speaker %s merged into %s by %s", source.name, target.name, by)
    return target
