"""Thin Celery tasks: load by id, call one service. Services are idempotent, hence acks_late."""
import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError, connections
from kombu.exceptions import OperationalError as BrokerError

from quotes import services
from quotes.models import Article, Topic

logger = logging.getLogger(__name__)

# Worth another try: the database or broker was briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerError, ConnectionError, TimeoutError)


class ArticleTask(DjangoTask):
    """Retries transient errors with backoff; any final failure is recorded on the article."""

    acks_late = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 2
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def apply_async(self, args=None, kwargs=None, **options):
        """Queue the task; when the broker is unreachable, say so on the article instead of raising."""
        try:
            return super().apply_async(args, kwargs, **options)
        except BrokerError as error:
            article_id = args[0] if args else (kwargs or {}).get("article_id")
            services.article_mark_failed(
                article_id=article_id, error=f"The task queue is unreachable ({error}); retry once it is back."
            )
            return None

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        article_id = args[0] if args else kwargs.get("article_id")
        services.article_mark_failed(article_id=article_id, error=f"{type(exc).__name__}: {exc}")


def _article_or_none(article_id: int) -> Article | None:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        logger.warning("Article %s no longer exists; nothing to do.", article_id)
    return article


@shared_task(base=ArticleTask)
def article_process(article_id: int) -> None:
    if article := _article_or_none(article_id):
        services.article_process(article=article)


@shared_task(base=ArticleTask)
def article_classify(article_id: int) -> None:
    if article := _article_or_none(article_id):
        services.article_classify(article=article)


@shared_task(acks_late=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=2, retry_jitter=True, max_retries=5)
def topic_retrain(topic_id: int) -> None:
    if topic := Topic.objects.filter(pk=topic_id).first():
        services.topic_retrain(topic=topic)


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
