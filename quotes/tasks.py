"""Thin Celery tasks: load by id, call one service.

Every task may be delivered twice (acks_late: a worker killed mid-task gets its message back) or
run beside a duplicate: article runs claim their article by lease first and do nothing without
it; the rest are idempotent. A task never outlives its lease (time limits below), so Redis only
hands a message out again once its run is over.
"""
import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from kombu.exceptions import OperationalError as BrokerError

from quotes import services
from quotes.models import Article, Topic

logger = logging.getLogger(__name__)

# Worth another try: the database or broker was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)
LEASE_SECONDS = settings.NEWSDESK["LEASE_SECONDS"]


class QueuedTask(DjangoTask):
    """Retries transient errors with backoff; an unreachable broker never fails the caller."""

    acks_late = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 120  # a retry waits in the worker unacked: well under the visibility timeout
    retry_jitter = True
    max_retries = 5
    # The lease outlasts the run: a slow run stops itself (soft) or is stopped (hard) before it ends.
    soft_time_limit = max(LEASE_SECONDS - 30, LEASE_SECONDS * 0.9)
    time_limit = LEASE_SECONDS

    def apply_async(self, args=None, kwargs=None, **options):
        """Queue the task; None when the broker is unreachable (the sweep queues it again later)."""
        try:
            return super().apply_async(args, kwargs, **options)
        except BrokerError as error:
            logger.warning("%s%s not queued, the broker is unreachable: %s", self.name, tuple(args or ()), error)
            self.on_unqueued(args or (), kwargs or {}, error)
            return None

    def on_unqueued(self, args, kwargs, error) -> None:
        """What to record when the broker refused the task; the sweep finds it from the data alone."""


class ArticleTask(QueuedTask):
    """An article's step: a final failure is recorded on the article, if this run still holds it."""

    def on_unqueued(self, args, kwargs, error) -> None:
        services.article_unqueued(article_id=_article_id(args, kwargs))

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.article_mark_failed(
            article_id=_article_id(args, kwargs), error=f"{type(exc).__name__}: {exc}",
            lease=(kwargs or {}).get("lease") or task_id,
        )


def _article_id(args, kwargs) -> int:
    return args[0] if args else (kwargs or {}).get("article_id")


def _article_or_none(article_id: int) -> Article | None:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        logger.warning("Article %s no longer exists; nothing to do.", article_id)
    return article


@shared_task(base=ArticleTask, bind=True)
def article_process(self, article_id: int) -> None:
    if article := _article_or_none(article_id):
        services.article_process(article=article, lease=self.request.id)


@shared_task(base=ArticleTask)
def article_classify(article_id: int, lease: str | None = None) -> None:
    """With `lease`: the pipeline's stance step. Without: re-classify after a person changed a quote."""
    if article := _article_or_none(article_id):
        services.article_classify(article=article, lease=lease)


@shared_task(base=QueuedTask)
def topic_retrain(topic_id: int) -> None:
    if (topic := Topic.objects.filter(pk=topic_id).first()) and services.topic_retrain(
        topic=topic, reclassify_seconds=LEASE_SECONDS / 2
    ):
        topic_reclassify.delay(topic_id)  # what the time allowed not (a no-op when all is done)


@shared_task(base=QueuedTask)
def topic_reclassify(topic_id: int) -> None:
    """Re-classifies a topic's quotes with its new head; a long run goes on in a fresh task, so
    none outlives its lease."""
    if (topic := Topic.objects.filter(pk=topic_id).first()) and services.topic_reclassify(
        topic=topic, max_seconds=LEASE_SECONDS / 2
    ):
        topic_reclassify.delay(topic_id)


@shared_task(base=QueuedTask, autoretry_for=())
def pipeline_sweep() -> dict:
    """Celery beat's periodic sweep (see newsdesk/celery.py); a missed one is simply the next one."""
    return services.pipeline_sweep()


class TopicBackfillTask(DjangoTask):
    """One batch of a topic's backfill; retries transient errors, records a final failure on the backfill."""

    acks_late = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def apply_async(self, args=None, kwargs=None, **options):
        try:
            return super().apply_async(args, kwargs, **options)
        except BrokerError as error:
            services.topic_backfill_mark_failed(
                topic_id=args[0], error=f"The task queue is unreachable ({error}); retry once it is back."
            )
            return None

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        services.topic_backfill_mark_failed(topic_id=args[0], error=f"{type(exc).__name__}: {exc}")


@shared_task(base=TopicBackfillTask)
def topic_backfill(topic_id: int, run: int, after: int) -> None:
    services.topic_backfill_batch(topic_id=topic_id, run=run, after=after)


@worker_ready.connect
def resume_topic_backfills(**kwargs) -> None:
    """A worker that died mid-backfill took its batch with it: continue every unfinished one."""
    try:
        resumed = services.topic_backfills_resume()
        if resumed:
            logger.info("Resumed %d topic backfill(s).", resumed)
    finally:
        connections.close_all()  # this runs in the parent process: children must not share its connection
