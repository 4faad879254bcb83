"""The topic pages of analysts and admins: create, edit, (de)activate, and the progress panel."""
import pytest
from django.urls import reverse
from django.utils import timezone

from quotes.models import Topic, TopicBackfill
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    from quotes import tasks

    calls = []
    monkeypatch.setattr(tasks.topic_backfill, "delay_on_commit", lambda *args: calls.append(args))
    return calls


def test_an_analyst_creates_a_topic_and_lands_on_its_page_with_the_progress_panel(client_as, queued):
    client = client_as("analyst")
    assert 'href="/topics/new/"' in client.get(reverse("quotes:topic_list")).content.decode()
    response = client.post(reverse("quotes:topic_create"),
                           {"name": "Import tariffs", "description": "raising tariffs on imports"}, follow=True)
    topic = Topic.objects.get(name="Import tariffs")
    assert response.redirect_chain[-1][0] == topic.get_absolute_url()
    html = response.content.decode()
    assert "Topic “Import tariffs” created" in html
    assert 'id="topic-progress"' in html and 'hx-trigger="every 2s"' in html
    assert f'hx-get="{reverse("quotes:topic_progress", args=[topic.slug])}"' in html
    assert "vendor/htmx/htmx.min.js" in html and "<script>" not in html  # no inline script
    assert queued == [(topic.pk, 1, 0)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "description": "tariffs"}, "name", "This field is required."),
        ({"name": "Tariffs", "description": "  "}, "description", "This field is required."),
        ({"name": "u.s.–russia talks on ukraine", "description": "talks"}, "name", "There is already a topic named"),
    ],
)
def test_the_create_form_says_what_is_wrong_and_keeps_the_input(client_as, data, field, message, queued):
    TopicFactory()
    topics = Topic.objects.count()
    response = client_as("admin").post(reverse("quotes:topic_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "has-error" in html
    assert response.context["form"].errors[field]
    assert Topic.objects.count() == topics and not queued
    if data["name"]:
        assert f'value="{data["name"]}"' in html


def test_editors_see_no_controls_and_may_not_create(client_as):
    topic = TopicFactory()
    client = client_as("editor")
    html = client.get(topic.get_absolute_url()).content.decode()
    assert 'id="topic-controls"' not in html and "/topics/new/" not in client.get("/topics/").content.decode()
    assert client.get(reverse("quotes:topic_create")).status_code == 403
    assert client.post(reverse("quotes:topic_set_active", args=[topic.slug]), {"active": "0"}).status_code == 403
    assert Topic.objects.get(pk=topic.pk).is_active


def test_an_analyst_edits_the_description_and_deactivates_and_reactivates(client_as, queued):
    client = client_as("analyst")
    topic = TopicFactory()
    assert client.get(reverse("quotes:topic_update", args=[topic.slug])).context["form"]["description"].value() == (
        topic.description
    )
    client.post(reverse("quotes:topic_update", args=[topic.slug]), {"name": topic.name, "description": "the talks"})
    assert Topic.objects.get(pk=topic.pk).description == "the talks" and len(queued) == 1
    response = client.post(reverse("quotes:topic_set_active", args=[topic.slug]), {"active": "0"}, follow=True)
    html = response.content.decode()
    assert not Topic.objects.get(pk=topic.pk).is_active
    assert "Reactivate" in html and 'data-state="stopped"' in html and 'hx-trigger' not in html
    client.post(reverse("quotes:topic_set_active", args=[topic.slug]), {"active": "1"})
    assert Topic.objects.get(pk=topic.pk).is_active and len(queued) == 2


def test_the_progress_partial_shows_done_total_and_eta_then_stops_polling(client_as):
    client = client_as("editor")  # anyone who reads sees the progress
    topic = TopicFactory()
    url = reverse("quotes:topic_progress", args=[topic.slug])
    assert client.get(url).content.decode().strip() == ""  # never backfilled: no panel
    backfill = TopicBackfill.objects.create(topic=topic, state="running", done=25, total=100)
    TopicBackfill.objects.filter(pk=backfill.pk).update(
        started_at=timezone.now() - timezone.timedelta(seconds=50)
    )
    html = client.get(url).content.decode()
    assert "<strong>25</strong> / 100 quotes" in html
    assert "about 0:02:30 left" in html  # 25 quotes in 50 s: 75 more take 150 s
    assert 'hx-trigger="every 2s"' in html and "<html" not in html
    TopicBackfill.objects.filter(pk=backfill.pk).update(state="done", done=100)
    html = client.get(url).content.decode()
    assert "<strong>100</strong> / 100" in html and "hx-trigger" not in html and "Done" in html


def test_a_failed_backfill_shows_its_error_and_a_retry_button(client_as, queued):
    topic = TopicFactory()
    TopicBackfill.objects.create(topic=topic, state="failed", done=6, total=9, cursor=12, run=3,
                                 error="RuntimeError: out of memory")
    retry = reverse("quotes:topic_backfill_retry", args=[topic.slug])
    html = client_as("editor").get(topic.get_absolute_url()).content.decode()
    assert "It failed: RuntimeError: out of memory" in html and retry not in html
    client = client_as("analyst")
    assert retry in client.get(topic.get_absolute_url()).content.decode()
    response = client.post(retry, follow=True)
    assert "from where it stopped" in response.content.decode()
    backfill = TopicBackfill.objects.get(topic=topic)
    assert (backfill.state, backfill.error) == ("running", "") and queued == [(topic.pk, 3, 12)]
    response = client.post(retry, follow=True)  # nothing failed now: a clear message, no 500
    assert "Only a failed backfill" in response.content.decode()
