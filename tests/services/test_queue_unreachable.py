import pytest

from quotes import services
from quotes.models import Article


@pytest.mark.django_db
def test_an_unreachable_broker_leaves_the_article_saved_and_queued(monkeypatch, django_capture_on_commit_callbacks):
    from newsdesk.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    # Fresh connection pools for the bad url; monkeypatch puts the real ones back afterwards.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_ingest(text="“We are ready,” the envoy said.")
    article.refresh_from_db()  # the callbacks ran after article_ingest returned
    assert (article.status, article.queued_at) == (Article.Status.PENDING, None)  # saved, queued, truthfully
    assert article.is_stuck and "task queue is unreachable" in article.error
    assert article.body == "“We are ready,” the envoy said."  # nothing is lost: the sweep queues it again
