"""Regressions: `ingest` counted a duplicate as ingested, and printed "pending" for an article
it had just marked failed (the queue was unreachable); now such an article stays queued and says so."""
import pytest
from django.core.management import call_command

from quotes.models import Article


@pytest.mark.django_db
def test_a_reingested_duplicate_is_reported_as_already_stored(tmp_path, capsys, monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    (tmp_path / "one.txt").write_text("“We will sign,” the premier said.", encoding="utf-8")
    call_command("ingest", str(tmp_path / "one.txt"))
    capsys.readouterr()
    call_command("ingest", str(tmp_path / "one.txt"))
    out = capsys.readouterr().out
    assert "0 ingested, 1 already stored, 0 refused" in out
    assert "already stored (pending)" in out
    assert Article.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # the enqueue runs on commit, as in production
def test_ingest_prints_queued_for_an_article_whose_queue_is_unreachable(tmp_path, capsys, monkeypatch):
    from newsdesk.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    (tmp_path / "one.txt").write_text("“We will sign,” the premier said.", encoding="utf-8")
    call_command("ingest", str(tmp_path / "one.txt"))  # exits 0: the article is saved and will be processed
    line = next(line for line in capsys.readouterr().out.splitlines() if "one.txt" in line)
    assert "Queued: the task queue is unreachable" in line and "failed" not in line
    article = Article.objects.get()
    assert (article.status, article.queued_at) == (Article.Status.PENDING, None)  # the sweep's to queue
