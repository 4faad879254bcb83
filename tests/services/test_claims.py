"""Claim by lease and the sweep, without a broker (the real processes: tests/integration/test_faults.py)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from quotes import services
from quotes.models import Article
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Envoys met on Monday.\n“We expect results,” Foreign Minister Anna Kowalska said."


@pytest.fixture
def queued(monkeypatch):
    from quotes import tasks

    sent = []
    monkeypatch.setattr(tasks.article_process, "delay", lambda article_id: sent.append(article_id) or object())
    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: sent.append(article_id))
    monkeypatch.setattr(tasks.article_classify, "apply_async_on_commit", lambda *args, **kwargs: None)
    return sent


def _expire(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_one_claim_wins_a_second_run_does_nothing_and_its_own_redelivery_resumes():
    article = ArticleFactory(status=Article.Status.PENDING)
    assert services.article_claim(article_id=article.pk, lease="run-a") is True
    assert services.article_claim(article_id=article.pk, lease="run-b") is False  # a live lease: no-op
    assert services.article_claim(article_id=article.pk, lease="run-a") is True  # its worker died: same task
    article.refresh_from_db()
    assert (article.status, article.lease_token, article.attempts) == ("processing", "run-a", 2)
    _expire(article)
    assert services.article_claim(article_id=article.pk, lease="run-b") is True  # the dead run's lease lapsed


def test_finished_articles_are_never_claimed():
    for status in (Article.Status.DONE, Article.Status.FAILED):
        article = ArticleFactory(status=status)
        assert services.article_claim(article_id=article.pk, lease="late") is False
        article.refresh_from_db()
        assert article.status == status


def test_a_run_that_keeps_dying_fails_the_article_after_max_attempts(settings):
    settings.NEWSDESK = {**settings.NEWSDESK, "MAX_ATTEMPTS": 2}
    article = ArticleFactory(status=Article.Status.PENDING)
    assert services.article_claim(article_id=article.pk, lease="run") is True
    assert services.article_claim(article_id=article.pk, lease="run") is True
    assert services.article_claim(article_id=article.pk, lease="run") is False
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED and "interrupted 2 times" in article.error


def test_a_duplicate_run_changes_nothing_and_a_stale_stance_run_neither(queued):
    article = services.article_ingest(text=BODY)
    assert services.article_process(article=article, lease="first") is True
    quotes = list(article.quotes.values_list("pk", "start", "end"))
    assert quotes
    assert services.article_process(article=article, lease="second") is False
    assert services.article_classify(article=article, lease="first") is False  # handed on to stance already
    article.refresh_from_db()
    assert article.status == Article.Status.PROCESSING and article.lease_token not in ("first", "second")
    assert list(article.quotes.values_list("pk", "start", "end")) == quotes
    assert services.article_classify(article=article, lease=article.lease_token) is True  # the handed-on lease
    article.refresh_from_db()
    assert (article.status, article.lease_token, article.lease_expires_at) == ("done", "", None)


def test_the_sweep_requeues_what_nobody_works_on_and_leaves_live_runs(queued, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.NEWSDESK["SWEEP_PENDING_SECONDS"] + 1)
    unqueued = ArticleFactory(status=Article.Status.PENDING, queued_at=None)
    waited = ArticleFactory(status=Article.Status.PENDING, queued_at=long_ago)
    fresh = ArticleFactory(status=Article.Status.PENDING, queued_at=timezone.now())
    dead = ArticleFactory(status=Article.Status.PROCESSING, lease_token="x", lease_expires_at=timezone.now())
    live = ArticleFactory(status=Article.Status.PROCESSING, lease_token="y",
                          lease_expires_at=timezone.now() + timedelta(minutes=5))
    ArticleFactory(status=Article.Status.DONE)
    assert services.pipeline_sweep()["articles"] == 3
    assert sorted(queued) == sorted([unqueued.pk, waited.pk, dead.pk])
    assert fresh.pk not in queued and live.pk not in queued
    unqueued.refresh_from_db()
    assert unqueued.queued_at is not None


def test_retry_leaves_a_live_run_alone_and_takes_over_a_dead_one(queued):
    editor = UserFactory(role="editor")
    article = ArticleFactory(status=Article.Status.PROCESSING, lease_token="run",
                             lease_expires_at=timezone.now() + timedelta(minutes=5))
    assert services.article_retry(article=article, by=editor) is False
    _expire(article)
    assert services.article_retry(article=article, by=editor) is True
    article.refresh_from_db()
    assert (article.status, article.lease_token, article.attempts) == ("pending", "", 0)


def test_reingesting_the_text_of_a_failed_article_queues_it_again(queued):
    article = services.article_ingest(text=BODY)
    services.article_mark_failed(article_id=article.pk, error="boom")
    again = services.article_ingest(text=BODY)
    assert again.pk == article.pk and again.already_stored and again.status == Article.Status.PENDING
    assert queued == [article.pk, article.pk]


def test_a_stuck_article_page_offers_retry(client_as):
    article = ArticleFactory(status=Article.Status.PROCESSING, lease_token="gone",
                             lease_expires_at=timezone.now() - timedelta(seconds=1))
    html = client_as("editor").get(article.get_absolute_url()).content.decode()
    assert "Processing stopped" in html and "Retry now" in html


@pytest.mark.django_db(transaction=True)  # the enqueue runs on commit, as in production
def test_a_stance_label_with_the_broker_down_commits_and_does_not_raise(monkeypatch):
    from newsdesk.celery import app
    from tests.factories import StanceFactory

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    record = StanceFactory()
    services.stance_label(stance_record=record, label="against", by=UserFactory(role="editor"))
    record.refresh_from_db()
    assert (record.label, record.source) == ("against", "human")  # the sweep retrains the topic later
