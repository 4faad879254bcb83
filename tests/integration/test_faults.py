"""Worker faults against real processes: PostgreSQL, Redis and `celery worker` (docs/RELIABILITY.md).

Each test ends with the article `done` exactly once and the same quotes and stances as a clean
run, or failed with a clear error that a retry clears. Workers run with a short lease and sweep.
"""
import os
import shutil
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from quotes import extraction, services
from quotes.models import Article, Quote, Speaker, Stance, Topic
from tests.integration.conftest import wait_for
from tests.integration.faulty_app import POISON_MARKER

pytestmark = pytest.mark.integration

# A short lease (the tasks' time limit: a cold child loading both models on a busy machine needs
# about a minute) and a fast sweep, so a dead run is taken over in two minutes, not five.
FAST = {"NEWSDESK_LEASE_SECONDS": "120", "NEWSDESK_SWEEP_INTERVAL_SECONDS": "2", "NEWSDESK_SWEEP_PENDING_SECONDS": "5"}

OTHER_ARTICLE = (
    "Trade ministers met in Lisbon on Tuesday.\n"
    "“We will not accept new tariffs,” said Portuguese Economy Minister Ana Ferreira.\n"
    "“The talks go on,” Ferreira added, before leaving for Madrid."
)


def _settled(article: Article) -> bool:
    article.refresh_from_db()
    return article.status in (Article.Status.DONE, Article.Status.FAILED)


def _children(process) -> list[int]:
    path = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    return [int(pid) for pid in path.read_text().split()] if path.exists() else []


def _assert_done_like_a_clean_run(article: Article) -> None:
    """Done once, with as many quotes as the extractor finds and one stance per quote and topic."""
    article.refresh_from_db()
    assert article.status == Article.Status.DONE, article.error
    assert (article.lease_token, article.error) == ("", "")
    found = extraction.get_extractor(settings.NEWSDESK["SPACY_PIPELINE"]).extract(article.body)
    assert article.quotes.count() == len(found.quotes) > 0
    topics = Topic.objects.filter(is_active=True).count()
    assert Stance.objects.filter(quote__article=article).count() == len(found.quotes) * topics
    assert not Quote.objects.values("article", "start", "end").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not Stance.objects.values("quote", "topic").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_a_worker_child_killed_mid_article_is_redelivered_and_finishes_once(workers, topic, seed_text):
    worker = workers.start(**FAST)
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: Article.objects.filter(pk=article.pk, status="processing").exists(), 120, "the claim")
    (child,) = _children(worker)
    os.kill(child, signal.SIGKILL)
    wait_for(lambda: _settled(article), 240, "the redelivered task to finish the article")
    _assert_done_like_a_clean_run(article)
    assert article.attempts == 2  # the killed run, then its message delivered again to a new child


def test_a_whole_worker_killed_mid_article_is_swept_to_a_new_worker(workers, topic, seed_text):
    worker = workers.start(**FAST)
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: Article.objects.filter(pk=article.pk, status="processing").exists(), 120, "the claim")
    children = _children(worker)
    for pid in [worker.pid, *children]:  # main process and child: nothing acks, nothing requeues
        os.kill(pid, signal.SIGKILL)
    worker.wait()
    article.refresh_from_db()
    assert article.status == Article.Status.PROCESSING and article.is_stuck is False

    workers.start(beat=True, **FAST)  # the sweep takes over once the dead run's lease expired
    wait_for(lambda: _settled(article), 300, "the sweep and a new worker to finish the article")
    _assert_done_like_a_clean_run(article)
    assert article.attempts == 2


def test_with_redis_down_the_article_is_saved_queued_and_swept_once_redis_is_back(
    workers, topic, seed_text, client_as, monkeypatch
):
    from newsdesk.celery import app

    with monkeypatch.context() as down:
        down.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1
        down.setattr(app, "_pool", None)
        down.setattr(app.amqp, "_producer_pool", None)
        editor = client_as("editor")
        response = editor.post("/articles/new/", {"text": seed_text}, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        assert "saved and queued" in html and "was received" not in html and "Processing failed" not in html
        article = Article.objects.get()
        assert (article.status, article.queued_at) == (Article.Status.PENDING, None)
        assert "Retry now" in html  # stuck: a person may push it, but need not
        response = editor.post("/api/v1/articles/", {"text": OTHER_ARTICLE}, content_type="application/json")
        assert (response.status_code, response.json()["status"]) == (201, "pending")
        assert response.json()["error"].startswith("Queued: the task queue is unreachable")
    other = Article.objects.get(pk=response.json()["id"])

    workers.start(beat=True, **FAST)  # Redis is back: nobody retries, the sweep does
    wait_for(lambda: _settled(article) and _settled(other), 300, "the sweep to finish both articles")
    _assert_done_like_a_clean_run(article)
    _assert_done_like_a_clean_run(other)


def test_a_dropped_database_connection_is_retried_and_the_article_finishes(workers, topic, seed_text):
    workers.start(**FAST)
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: Article.objects.filter(pk=article.pk, status="processing").exists(), 120, "the claim")
    with connection.cursor() as cursor:  # the worker's connections, not the server: others share it
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchall(), "the worker held no connection to terminate"
    wait_for(lambda: _settled(article), 300, "the retried task to finish the article")
    _assert_done_like_a_clean_run(article)


def test_corrupt_model_weights_fail_articles_clearly_and_a_retry_after_the_fix_finishes(
    workers, topic, seed_text, tmp_path
):
    weights = tmp_path / "stance.pt"
    weights.write_bytes(b"not a torch file")
    workers.start(NEWSDESK_STANCE_HEAD=str(weights), **FAST)
    articles = [services.article_ingest(text=seed_text), services.article_ingest(text=OTHER_ARTICLE)]
    wait_for(lambda: all(_settled(article) for article in articles), 240, "both articles to fail")
    for article in articles:
        assert article.status == Article.Status.FAILED
        assert "stance model weights" in article.error and str(weights) in article.error
        assert article.quotes.exists()  # extraction's work is kept; stance is what failed

    from quotes.stance.model import DEFAULT_ARTIFACT

    shutil.copyfile(DEFAULT_ARTIFACT, weights)  # the fix; the same worker reads it on the retry
    for article in articles:
        assert services.article_retry(article=article)
    wait_for(lambda: all(_settled(article) for article in articles), 300, "the retries to finish")
    for article in articles:
        _assert_done_like_a_clean_run(article)


def test_a_poison_article_fails_alone_and_the_rest_of_a_bulk_ingest_proceeds(workers, topic, seed_text, tmp_path):
    from django.core.management import call_command

    workers.start(app_module="tests.integration.faulty_app", **FAST)
    folder = tmp_path / "bulk"
    folder.mkdir()
    (folder / "a.txt").write_text(seed_text, encoding="utf-8")
    (folder / "b.txt").write_text(f"{OTHER_ARTICLE}\n{POISON_MARKER}", encoding="utf-8")
    (folder / "c.txt").write_text(OTHER_ARTICLE.replace("Lisbon", "Porto"), encoding="utf-8")
    call_command("ingest", str(folder))
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) == 3
    wait_for(lambda: all(_settled(article) for article in articles), 300, "the bulk ingest to settle")
    poison = next(article for article in articles if POISON_MARKER in article.body)
    assert poison.status == Article.Status.FAILED and "extractor crashed" in poison.error
    for article in articles:
        if article != poison:
            _assert_done_like_a_clean_run(article)


def test_two_tasks_for_one_article_at_once_one_works_and_one_is_a_no_op(workers, topic, seed_text, monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)  # we send them
    same_speaker = OTHER_ARTICLE.replace("Lisbon", "Porto")  # a new speaker two runs meet at once
    articles = [services.article_ingest(text=text) for text in (seed_text, OTHER_ARTICLE, same_speaker)]
    workers.start()  # the default lease: two workers loading the models at once on two cores are slow
    workers.start()
    for article in articles:
        tasks.article_process.delay(article.pk)
        tasks.article_process.delay(article.pk)
    wait_for(lambda: all(_settled(article) for article in articles), 300, "the articles to finish")
    for article in articles:
        _assert_done_like_a_clean_run(article)
        assert article.attempts == 1  # one run claimed it; the other did nothing
    assert not Speaker.objects.values("slug").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not Speaker.objects.values("name").annotate(n=Count("id")).filter(n__gt=1).exists()
    logs = "".join(process.log_path.read_text() for process in workers.processes)
    assert "IntegrityError" not in logs and "not claimed by run" in logs
