import json

import pytest
from django.core.management import CommandError, call_command

from quotes.models import Stance
from tests.factories import ArticleFactory, QuoteFactory, StanceFactory

pytestmark = pytest.mark.django_db

LABELLED = [
    ("“Tariffs protect our workers and we need them now,”", "favor"),
    ("“Higher tariffs will ruin small importers,”", "against"),
    ("“The committee meets on Friday to discuss the schedule,”", "none"),
]


def test_retrain_topic_from_its_human_labels(topic, settings, capsys, monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda *args, **kwargs: None)
    settings.NEWSDESK = {**settings.NEWSDESK, "MIN_LABELS_TO_RETRAIN": 3}
    for text, label in LABELLED:
        quote = QuoteFactory(article=ArticleFactory(body=f"{text} the senator said."))
        StanceFactory(quote=quote, topic=topic, label=label, source=Stance.Source.HUMAN)
    unlabelled = StanceFactory(topic=topic, model_version="old")

    call_command("train_stance", topic=topic.slug)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    topic.refresh_from_db()
    unlabelled.refresh_from_db()
    assert figures["labels"] == 3 and figures["reclassified"] == 1
    assert figures["model_version"] == topic.stance_model_version == unlabelled.model_version


def test_retrain_topic_explains_what_is_missing(topic):
    with pytest.raises(CommandError, match="No topic"):
        call_command("train_stance", topic="no-such-topic")
    with pytest.raises(CommandError, match="0 human label"):
        call_command("train_stance", topic=topic.slug)
