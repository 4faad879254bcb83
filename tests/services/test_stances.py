"""Stance verbs with the real model (it is small): batching, human labels, learning from corrections."""
import pytest

from quotes import services
from quotes.models import Stance, Topic
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db

SAYINGS = [
    ("“These talks are the best chance for peace in years,”", "favor"),
    ("“We fully support the negotiations and hope they continue,”", "favor"),
    ("“The talks are a betrayal and must stop now,”", "against"),
    ("“Any deal made at these talks will be worthless,”", "against"),
    ("“The delegations will meet again on Thursday at noon,”", "none"),
    ("“Our football team won the cup last night,”", "none"),
]


@pytest.fixture
def quotes_on_topic():
    speaker = SpeakerFactory(name="Lena Brandt", slug="lena-brandt")
    quotes = []
    for index, (text, _) in enumerate(SAYINGS):
        article = ArticleFactory(body=f"Report {index}.\n{text} Brandt said.")
        quotes.append(QuoteFactory(article=article, speaker=speaker))
    return quotes


@pytest.fixture
def no_retrain(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda *args, **kwargs: None)


def test_classify_records_one_stance_per_quote_and_topic(topic, quotes_on_topic):
    other = Topic.objects.create(name="Tariffs", slug="tariffs", description="raising tariffs on imports")
    services.stances_classify(quotes=quotes_on_topic, topics=[topic, other])
    services.stances_classify(quotes=quotes_on_topic, topics=[topic, other])
    assert Stance.objects.count() == 2 * len(quotes_on_topic)
    for record in Stance.objects.all():
        assert record.label in Stance.Label.values and record.model_version
        assert record.score_favor + record.score_against + record.score_none == pytest.approx(1, abs=1e-4)
    # What is stored for each quote and topic is the model's own reading of that quote on that topic
    # (the model's quality is tests/stance's business).
    from quotes.stance import get_model

    for record in Stance.objects.select_related("quote", "topic"):
        expected = get_model().predict([services._stance_input(record.quote, record.topic)])[0]
        assert (record.label, record.model_label) == (expected.label, expected.label)
        assert record.score_favor == pytest.approx(expected.scores["favor"], abs=1e-6)


def test_classify_keeps_not_about_the_topic_apart_from_neutral(topic, quotes_on_topic):
    from quotes.stance import get_model

    services.stances_classify(quotes=quotes_on_topic, topics=[topic])
    records = list(Stance.objects.filter(topic=topic).select_related("quote"))
    assert {record.relevance for record in records} <= set(Stance.Relevance.values)
    for record in records:
        # What is stored is the model's own reading, and only a none can be off the topic.
        result = get_model().predict([services._stance_input(record.quote, topic)])[0]
        assert record.relevance == result.relevance
        if record.model_label != "none":
            assert record.relevance == Stance.Relevance.ON_TOPIC
    # The same quotes on a topic none of them is about: all none, all stored as off the topic.
    unrelated = Topic.objects.create(name="Sugar tax", slug="sugar-tax", description="a tax on sugary drinks")
    services.stances_classify(quotes=quotes_on_topic[:4], topics=[unrelated])
    assert {(r.label, r.relevance) for r in Stance.objects.filter(topic=unrelated)} == {("none", "off_topic")}


def test_a_human_label_survives_reclassification(topic, quotes_on_topic, no_retrain, admin_user):
    services.stances_classify(quotes=quotes_on_topic, topics=[topic])
    record = Stance.objects.get(quote=quotes_on_topic[0], topic=topic)
    model_label = record.model_label
    human_label = "favor" if model_label != "favor" else "against"  # a person overrules the model
    services.stance_label(stance_record=record, label=human_label, by=admin_user, reason="sarcasm")
    services.stances_classify(quotes=quotes_on_topic, topics=[topic])
    record.refresh_from_db()
    assert (record.label, record.source) == (human_label, Stance.Source.HUMAN)
    assert record.model_label == model_label


def test_retraining_fits_a_topic_head_and_reclassifies_only_model_labels(
    topic, quotes_on_topic, no_retrain, settings, admin_user
):
    settings.NEWSDESK = {**settings.NEWSDESK, "MIN_LABELS_TO_RETRAIN": 4}
    services.stances_classify(quotes=quotes_on_topic, topics=[topic])
    base_version = Stance.objects.first().model_version
    labelled = quotes_on_topic[:4]
    for quote, (_, label) in zip(labelled, SAYINGS[:4], strict=True):
        services.stance_label(stance_record=quote.stances.get(topic=topic), label=label, by=admin_user)

    assert services.topic_retrain(topic=topic) is True
    topic.refresh_from_db()
    assert topic.stance_head and topic.stance_head_labels == 4
    assert topic.stance_model_version.startswith(base_version) and topic.stance_model_version != base_version
    model_rows = Stance.objects.filter(topic=topic, source=Stance.Source.MODEL)
    assert model_rows.count() == 2
    assert all(row.model_version != base_version for row in model_rows)
    human = {row.quote_id: row.label for row in Stance.objects.filter(source=Stance.Source.HUMAN)}
    assert human == {quote.pk: label for quote, (_, label) in zip(labelled, SAYINGS[:4], strict=True)}
    assert services.topic_retrain(topic=topic) is False  # no new labels: nothing to do


def test_a_head_from_an_earlier_base_falls_back_to_the_shared_model(topic, quotes_on_topic, tmp_path):
    import torch

    stale = tmp_path / "stale.pt"
    torch.save({"format": "newsdesk-stance-head/1", "head": {}}, stale)
    topic.stance_head = stale.read_bytes()
    topic.stance_model_version = "minilm-l6+lora-1999.01.01.deadbeef00+head-0"
    topic.save()
    services.stances_classify(quotes=quotes_on_topic, topics=[topic])
    versions = set(Stance.objects.filter(topic=topic).values_list("model_version", flat=True))
    assert len(versions) == 1 and "+head-" not in versions.pop()
