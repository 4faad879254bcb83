import pytest
from django.db import IntegrityError, transaction

from quotes.models import Stance
from tests.factories import ArticleFactory, QuoteFactory, StanceFactory

pytestmark = pytest.mark.django_db


def test_article_url_is_unique_only_when_given():
    ArticleFactory(url="")
    ArticleFactory(url="")
    ArticleFactory(url="https://e.example/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://e.example/a")


def test_quote_span_must_not_be_empty_and_confidence_in_range():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(article=article, start=5, end=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteFactory(article=article, attribution_confidence=1.5)


def test_one_stance_per_quote_and_topic():
    stance = StanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        StanceFactory(quote=stance.quote, topic=stance.topic, label=Stance.Label.AGAINST)


def test_default_topic_is_created_by_migration():
    from quotes.models import Topic

    topic = Topic.objects.get(slug="us-russia-ukraine-talks")
    assert topic.is_active
    assert "Ukraine" in topic.description
