"""A topic's backfill end to end with eager Celery and the real stance model: every batch runs
the real task, which queues the next once its batch commits."""
import pytest
from django.db.models import Count

from quotes import services, tasks
from quotes.models import Article, Stance, TopicBackfill
from tests.factories import ArticleFactory, QuoteFactory, UserFactory

pytestmark = pytest.mark.django_db

SAYINGS = [
    "“Tariffs on imports protect our workers,”",
    "“These tariffs will ruin our farmers,”",
    "“The committee meets on Tuesday,”",
    "“Higher tariffs are exactly what we need,”",
    "“Nobody wins a trade war,”",
    "“Our team won the match,”",
    "“We oppose every new tariff,”",
]


@pytest.fixture
def eager(settings):
    from newsdesk.celery import app

    settings.NEWSDESK = {**settings.NEWSDESK, "TOPIC_BACKFILL_BATCH_SIZE": 3}
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def quotes():
    return [QuoteFactory(article=ArticleFactory(body=f"Trade report {n}.\n{text} the senator said."))
            for n, text in enumerate(SAYINGS)]


@pytest.fixture
def analyst():
    return UserFactory(role="analyst")


def test_every_quote_gets_a_stance_and_human_labels_are_kept(
    eager, quotes, analyst, django_capture_on_commit_callbacks
):
    first = services.topic_create(name="Tariffs", description="raising tariffs on imports", by=analyst)
    # (the first run's batches were never queued: the test transaction does not commit)
    human = services.quote_stance_label(quote=quotes[2], topic=first, label="against", by=analyst)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.topic_update(topic=first, description="raising tariffs on imported goods", by=analyst)
    backfill = TopicBackfill.objects.get(topic=first)
    assert len(callbacks) >= 3  # 7 quotes in batches of 3: one task per batch, each queuing the next
    assert (backfill.state, backfill.done, backfill.total) == ("done", len(quotes), len(quotes))
    stances = Stance.objects.filter(topic=first)
    assert stances.count() == len(quotes)
    assert not stances.values("quote").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not stances.filter(model_version="").exists()
    human.refresh_from_db()
    assert (human.label, human.source) == ("against", Stance.Source.HUMAN)
    assert human.model_label  # the model's opinion beside it, refreshed


def test_deactivating_mid_way_stops_the_backfill(eager, quotes, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        topic = services.topic_create(name="Tariffs", description="raising tariffs on imports", by=analyst)
    with django_capture_on_commit_callbacks(execute=False) as next_batch:
        callbacks[0]()  # the first batch (3 quotes) runs; it queues the second
    assert len(next_batch) == 1
    services.topic_set_active(topic=topic, active=False, by=analyst)
    with django_capture_on_commit_callbacks(execute=True) as after:
        next_batch[0]()  # a no-op now
    backfill = TopicBackfill.objects.get(topic=topic)
    assert (backfill.state, backfill.done) == ("stopped", 3) and not after
    assert Stance.objects.filter(topic=topic).count() == 3
    # New articles skip the inactive topic too.
    article = quotes[-1].article
    services.article_classify(article=article)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DONE
    assert not Stance.objects.filter(topic=topic, quote=quotes[-1]).exists()


def test_a_stale_or_repeated_batch_is_a_no_op(eager, quotes, analyst, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(name="Tariffs", description="raising tariffs on imports", by=analyst)
    history = Stance.history.filter(topic=topic).count()
    backfill = TopicBackfill.objects.get(topic=topic)
    tasks.topic_backfill.delay(topic.pk, backfill.run, 0)  # a redelivered first batch
    tasks.topic_backfill.delay(topic.pk, backfill.run - 1, backfill.cursor)  # an earlier run
    assert Stance.history.filter(topic=topic).count() == history == len(quotes)
    assert TopicBackfill.objects.get(topic=topic).done == len(quotes)


def test_a_failing_batch_is_recorded_and_a_retry_finishes(eager, quotes, analyst, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    real = services.stances_classify
    calls = []

    def fail_on_second_batch(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("the model broke")
        return real(**kwargs)

    monkeypatch.setattr(services, "stances_classify", fail_on_second_batch)
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(name="Tariffs", description="raising tariffs on imports", by=analyst)
    backfill = TopicBackfill.objects.get(topic=topic)
    assert (backfill.state, backfill.done) == ("failed", 3)
    assert "ValueError: the model broke" in backfill.error
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_backfill_retry(topic=topic, by=analyst)
    backfill.refresh_from_db()
    assert (backfill.state, backfill.done, backfill.error) == ("done", len(quotes), "")
    assert Stance.objects.filter(topic=topic).count() == len(quotes)
