"""The whole path: ingest -> Redis -> celery worker (extraction, then stance) -> PostgreSQL -> page."""
import pytest
from django.db.models import Count

from quotes import services
from quotes.models import Article, Quote, Stance
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def _finished(article: Article) -> bool:
    article.refresh_from_db()
    return article.status in (Article.Status.DONE, Article.Status.FAILED)


def test_seed_article_is_processed_by_a_real_worker(workers, topic, seed_text, client_as):
    workers.start()
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: _finished(article), timeout=300, what="the worker to process the seed article")
    assert article.status == Article.Status.DONE, article.error

    direct = Quote.objects.filter(article=article, is_direct=True, speaker__isnull=False)
    assert direct.count() >= 15
    speakers = set(direct.values_list("speaker__name", flat=True))
    assert {"Marco Rubio", "Sergey Lavrov", "Volodymyr Zelenskyy"} <= speakers
    stances = Stance.objects.filter(quote__article=article, topic=topic)
    assert stances.count() == article.quotes.count()  # one stance per quote on the active topic
    assert not stances.filter(model_version="").exists()
    assert not Stance.objects.values("quote", "topic").annotate(n=Count("id")).filter(n__gt=1).exists()

    html = client_as("editor").get(article.get_absolute_url()).content.decode()
    for name in ("Marco Rubio", "Sergey Lavrov", "Volodymyr Zelenskyy"):
        assert name in html
    assert "stance-" in html


def test_reprocessing_keeps_quotes_and_human_corrections(workers, topic, seed_text, admin_user):
    workers.start()
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: _finished(article), timeout=300, what="first processing")
    quote = article.quotes.filter(speaker__isnull=False).first()
    quote_ids = set(article.quotes.values_list("pk", flat=True))
    services.quote_reassign(quote=quote, speaker=None, by=admin_user, reason="test: the source is unclear")
    human = services.stance_label(stance_record=quote.stances.get(topic=topic), label="against", by=admin_user)

    services.article_retry(article=article)
    wait_for(lambda: _finished(article), timeout=300, what="re-processing")
    assert article.status == Article.Status.DONE, article.error
    assert set(article.quotes.values_list("pk", flat=True)) == quote_ids
    quote.refresh_from_db()
    human.refresh_from_db()
    assert quote.speaker is None and quote.corrected_fields == ["speaker"]
    assert (human.label, human.source) == ("against", Stance.Source.HUMAN)
    assert human.model_label  # the model's own opinion is still recorded beside it


def test_a_failure_is_recorded_on_the_article_and_a_retry_recovers(workers, topic, seed_text):
    broken = workers.start(NEWSDESK_SPACY_PIPELINE="no_such_pipeline")
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: _finished(article), timeout=120, what="the failure to be recorded")
    assert article.status == Article.Status.FAILED
    assert "no_such_pipeline" in article.error
    assert not article.quotes.exists()

    workers.stop(broken)
    workers.start()  # a healthy worker takes over; the retry succeeds without re-ingesting
    services.article_retry(article=article)
    wait_for(lambda: _finished(article), timeout=300, what="the retried article to be processed")
    assert article.status == Article.Status.DONE, article.error
    assert article.quotes.exists()


def test_human_labels_retrain_the_topic_in_the_worker(workers, topic, seed_text, settings, admin_user):
    settings.NEWSDESK = {**settings.NEWSDESK, "RETRAIN_DELAY_SECONDS": 0}
    workers.start(NEWSDESK_MIN_LABELS_TO_RETRAIN="3")
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: _finished(article), timeout=300, what="the worker to process the seed article")
    base_version = Stance.objects.filter(topic=topic).first().model_version
    labelled = list(Stance.objects.filter(topic=topic).order_by("quote__start")[:3])
    for record, label in zip(labelled, ["favor", "against", "none"], strict=True):
        services.stance_label(stance_record=record, label=label, by=admin_user, reason="test label")

    def retrained() -> bool:  # the head is stored first, then its quotes re-classified in short chunks
        topic.refresh_from_db()
        return topic.stance_head_labels == 3 and not services.topic_stale_stances(topic).exists()

    wait_for(retrained, timeout=180, what="the worker to retrain the topic")
    model_rows = Stance.objects.filter(topic=topic, source=Stance.Source.MODEL)
    assert set(model_rows.values_list("model_version", flat=True)) == {topic.stance_model_version}
    assert topic.stance_model_version != base_version
    assert [r.label for r in Stance.objects.filter(pk__in=[r.pk for r in labelled]).order_by("quote__start")] == [
        "favor", "against", "none"
    ]
