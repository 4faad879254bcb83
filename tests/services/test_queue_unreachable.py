import pytest

from quotes import services
from quotes.models import Article


@pytest.mark.django_db
def test_an_unreachable_broker_is_recorded_on_the_article(monkeypatch, django_capture_on_commit_callbacks):
    from newsdesk.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    # Fresh connection pools for the bad url; monkeypatch puts the real ones back afterwards.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_ingest(text="“We are ready,” the envoy said.")
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "task queue is unreachable" in article.error
    assert article.body == "“We are ready,” the envoy said."  # nothing is lost: retry once the broker is back
