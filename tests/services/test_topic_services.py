"""The topic verbs: only analysts and admins, recorded in the topic's history, each (re)starting
or stopping the topic's backfill (tasks stubbed: no broker in unit tests)."""
import pytest
from django.core.exceptions import PermissionDenied

from quotes import services
from quotes.models import Topic, TopicBackfill
from tests.factories import QuoteFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """The backfill batches the services queue: (topic_id, run, after)."""
    from quotes import tasks

    calls = []
    monkeypatch.setattr(tasks.topic_backfill, "delay_on_commit", lambda *args: calls.append(args))
    return calls


@pytest.fixture
def analyst():
    return UserFactory(role="analyst")


@pytest.mark.parametrize("role", ["editor", None])
def test_editors_and_users_without_a_role_may_not_manage_topics(role, queued):
    user = UserFactory(role=role)
    topic = TopicFactory()
    topics = Topic.objects.count()
    with pytest.raises(PermissionDenied):
        services.topic_create(name="Tariffs", description="raising tariffs on imports", by=user)
    with pytest.raises(PermissionDenied):
        services.topic_update(topic=topic, description="something else", by=user)
    with pytest.raises(PermissionDenied):
        services.topic_set_active(topic=topic, active=False, by=user)
    topic.refresh_from_db()
    assert Topic.objects.count() == topics and topic.is_active and topic.description.startswith("the U.S.")
    assert not queued


@pytest.mark.parametrize("by", [None, "anonymous"])
def test_nobody_and_anonymous_may_not_create_a_topic(by, queued):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.topic_create(name="Tariffs", description="tariffs", by=AnonymousUser() if by else None)
    assert not Topic.objects.filter(name="Tariffs").exists() and not queued


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_creating_a_topic_records_who_and_starts_its_backfill(role, queued):
    user = UserFactory(role=role)
    quotes = [QuoteFactory() for _ in range(3)]
    topic = services.topic_create(name="  Import   tariffs ", description=" raising tariffs on imports ", by=user)
    assert (topic.name, topic.slug, topic.description, topic.is_active) == (
        "Import tariffs", "import-tariffs", "raising tariffs on imports", True,
    )
    record = topic.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", user, "topic created")
    backfill = topic.backfill
    assert (backfill.state, backfill.done, backfill.total, backfill.run) == ("pending", 0, 3, 1)
    assert backfill.last_quote_id == max(quote.pk for quote in quotes)
    assert queued == [(topic.pk, 1, 0)]


def test_a_name_is_required_and_unique_and_the_slug_is_free(analyst, queued):
    services.topic_create(name="Tariffs", description="tariffs", by=analyst)
    with pytest.raises(services.TopicError, match="already a topic named") as refused:
        services.topic_create(name="tariffs", description="other", by=analyst)
    assert refused.value.field == "name"
    with pytest.raises(services.TopicError, match="needs a name"):
        services.topic_create(name="   ", description="tariffs", by=analyst)
    with pytest.raises(services.TopicError, match="what the stance model reads") as refused:
        services.topic_create(name="Trade", description=" \n ", by=analyst)
    assert refused.value.field == "description"
    # A different name with the same slug, and a name that is a page address, get free slugs.
    assert services.topic_create(name="Tariffs!", description="tariffs", by=analyst).slug == "tariffs-2"
    assert services.topic_create(name="New", description="new things", by=analyst).slug == "new-2"
    assert Topic.objects.filter(description__in=["tariffs", "new things"]).count() == 3


def test_a_new_description_recomputes_stances_a_new_name_does_not(analyst, queued):
    topic = services.topic_create(name="Tariffs", description="tariffs", by=analyst)
    services.topic_update(topic=topic, name="Trade tariffs", by=analyst, reason="clearer")
    assert topic.backfill.run == 1 and len(queued) == 1
    assert Topic.objects.get(pk=topic.pk).slug == "tariffs"  # the address stays
    services.topic_update(topic=topic, description="raising tariffs on imported goods", by=analyst)
    topic.backfill.refresh_from_db()
    assert topic.backfill.run == 2 and queued[-1] == (topic.pk, 2, 0)
    changes = list(topic.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert changes == [("topic created", analyst.pk), ("clearer", analyst.pk), ("topic edited", analyst.pk)]
    services.topic_update(topic=topic, description="raising tariffs on imported goods", by=analyst)
    assert topic.history.count() == 3 and len(queued) == 2  # no change, nothing recorded or queued


def test_deactivating_stops_the_backfill_and_reactivating_starts_a_new_run(analyst, queued):
    topic = services.topic_create(name="Tariffs", description="tariffs", by=analyst)
    services.topic_set_active(topic=topic, active=False, by=analyst)
    topic.backfill.refresh_from_db()
    assert not Topic.objects.get(pk=topic.pk).is_active and topic.backfill.state == TopicBackfill.State.STOPPED
    services.topic_update(topic=topic, description="other", by=analyst)  # inactive: nothing to compute
    assert len(queued) == 1
    services.topic_set_active(topic=topic, active=True, by=analyst)
    topic.backfill.refresh_from_db()
    assert (topic.backfill.state, topic.backfill.run) == ("pending", 2) and len(queued) == 2
    reasons = list(topic.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-1] == "topic reactivated" and "topic deactivated" in reasons


def test_only_a_failed_backfill_can_be_retried_and_it_continues_from_its_cursor(analyst, queued):
    topic = services.topic_create(name="Tariffs", description="tariffs", by=analyst)
    with pytest.raises(services.TopicError):
        services.topic_backfill_retry(topic=topic, by=analyst)
    TopicBackfill.objects.filter(topic=topic).update(cursor=41, done=7)
    services.topic_backfill_mark_failed(topic_id=topic.pk, error="RuntimeError: out of memory")
    assert TopicBackfill.objects.get(topic=topic).error == "RuntimeError: out of memory"
    with pytest.raises(PermissionDenied):
        services.topic_backfill_retry(topic=topic, by=UserFactory(role="editor"))
    backfill = services.topic_backfill_retry(topic=topic, by=analyst)
    assert (backfill.state, backfill.error, backfill.done) == ("running", "", 7)
    assert queued[-1] == (topic.pk, 1, 41)
