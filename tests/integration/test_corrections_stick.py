"""Human corrections survive re-processing by a real worker, also when the new extraction moves a span."""
import pytest

from quotes import services
from quotes.models import Article, Quote, Stance
from tests.factories import UserFactory
from tests.integration.conftest import wait_for

pytestmark = pytest.mark.integration


def _finished(article: Article) -> bool:
    article.refresh_from_db()
    return article.status in (Article.Status.DONE, Article.Status.FAILED)


def _quiet_paragraph(article: Article) -> tuple[int, int]:
    """The span of a paragraph no quote touches: where an admin adds one the extractor missed."""
    position = 0
    for paragraph in article.body.split("\n"):
        start, end = position, position + len(paragraph)
        position = end + 1
        if len(paragraph) > 40 and not article.quotes.filter(start__lt=end, end__gt=start).exists():
            return start, end
    pytest.fail("the seed article has no paragraph without quotes")


def test_corrections_survive_reprocessing_with_a_changed_span(workers, topic, seed_text):
    admin = UserFactory(role="admin")
    workers.start()
    article = services.article_ingest(text=seed_text)
    wait_for(lambda: _finished(article), timeout=300, what="first processing")
    assert article.status == Article.Status.DONE, article.error
    labelled, reassigned, rejected, respanned = list(article.quotes.filter(speaker__isnull=False).order_by("start")[:4])
    extractor_span = (labelled.start, labelled.end)
    services.stance_label(stance_record=labelled.stances.get(topic=topic), label="against", by=admin)
    # What an older extractor stored: the same quote, its span starting one character later.
    Quote.objects.filter(pk=labelled.pk).update(start=labelled.start + 1, text=labelled.text[1:])
    Article.objects.filter(pk=article.pk).update(extractor_version="older")
    other_speaker = article.quotes.exclude(speaker=reassigned.speaker).exclude(speaker=None).first().speaker
    services.quote_reassign(quote=reassigned, speaker=other_speaker, by=admin, reason="test: wrong speaker")
    services.quote_reject(quote=rejected, by=admin, reason="test: not a quote")
    services.quote_respan(quote=respanned, start=respanned.start + 1, end=respanned.end - 1, by=admin)
    start, end = _quiet_paragraph(article)
    added = services.quote_add(article=article, start=start, end=end, speaker=None, by=admin, is_direct=False)
    fixed_span = (respanned.start, respanned.end)

    services.article_retry(article=article)
    # The fixes above queued re-classifications too: wait for the extractor's run, then its stances.
    wait_for(lambda: _finished(article) and article.extractor_version != "older", timeout=300, what="re-processing")
    assert article.status == Article.Status.DONE, article.error

    labelled.refresh_from_db()
    assert (labelled.start, labelled.end) == extractor_span  # the new span, carried the human label
    human = labelled.stances.get(topic=topic)
    assert (human.label, human.source) == ("against", Stance.Source.HUMAN) and human.model_label
    reassigned.refresh_from_db()
    assert reassigned.speaker == other_speaker
    rejected.refresh_from_db()
    assert rejected.is_rejected
    respanned.refresh_from_db()
    assert (respanned.start, respanned.end) == fixed_span
    added.refresh_from_db()
    assert (added.start, added.end, added.origin) == (start, end, Quote.Origin.HUMAN)
    assert added.stances.filter(topic=topic).exists()  # classified like any other quote
    for human_quote in (rejected, respanned, added):  # nothing re-created over what a person owns
        overlapping = article.quotes.visible().filter(start__lt=human_quote.end, end__gt=human_quote.start)
        assert set(overlapping.values_list("pk", flat=True)) <= {human_quote.pk}
