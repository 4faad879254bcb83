import pytest
from django.contrib.auth.models import Permission

from quotes.models import Article, Stance
from tests.factories import QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_broker(monkeypatch):
    from quotes import tasks

    queued = []
    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: queued.append(article_id))
    return queued


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "change_stance"]))
    client.force_login(user)
    return user


@pytest.fixture
def stances():
    topic = TopicFactory()
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    favor = StanceFactory(topic=topic, quote=QuoteFactory(speaker=holt), label=Stance.Label.FAVOR,
                          relevance=Stance.Relevance.ON_TOPIC)
    against = StanceFactory(topic=topic, label=Stance.Label.AGAINST)
    return favor, against


def test_quotes_are_filtered_like_the_page(client, stances):
    favor, _ = stances
    body = client.get("/api/quotes/", {"stance": "favor", "topic": favor.topic.slug}).json()
    assert body["count"] == 1
    quote = body["results"][0]
    assert (quote["speaker"], quote["speaker_name"]) == ("dana-holt", "Dana Holt")
    assert quote["stances"][0]["label"] == "favor"
    assert set(quote["stances"][0]["scores"]) == {"favor", "against", "none"}
    assert quote["stances"][0]["relevance"] == "on_topic"


def test_a_none_says_whether_the_quote_is_about_the_topic(client):
    off = StanceFactory(label=Stance.Label.NONE, model_label=Stance.Label.NONE, relevance=Stance.Relevance.OFF_TOPIC)
    body = client.get(f"/api/quotes/{off.quote.pk}/").json()
    assert [(s["label"], s["relevance"]) for s in body["stances"]] == [("none", "off_topic")]


def test_unknown_ids_are_404(client):
    assert client.get("/api/quotes/999999/").status_code == 404
    assert client.get("/api/speakers/nobody/").status_code == 404


def test_ingesting_needs_permission(client, no_broker):
    response = client.post("/api/articles/", {"text": "“Yes,” she said."}, content_type="application/json")
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_editor_ingests_an_article(client, editor, no_broker):
    response = client.post(
        "/api/articles/", {"text": "“Yes,” she said.", "url": "https://e.example/x"}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    article = Article.objects.get()
    assert response.json()["status"] == "pending" and no_broker == [article.pk]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ('{"text": "   "}', "no text"),
        ('{"text": ', "JSON parse error"),
        ('{"title": "no text field"}', "required"),
    ],
)
def test_bad_articles_get_a_clear_400(client, editor, no_broker, payload, message):
    response = client.post("/api/articles/", payload, content_type="application/json")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_editor_labels_a_stance(client, editor, stances):
    favor, _ = stances
    response = client.patch(f"/api/stances/{favor.pk}/", {"label": "against"}, content_type="application/json")
    assert response.status_code == 200
    favor.refresh_from_db()
    assert (favor.label, favor.source, favor.model_label) == ("against", "human", "favor")
    bad = client.patch(f"/api/stances/{favor.pk}/", {"label": "maybe"}, content_type="application/json")
    assert bad.status_code == 400


def test_schema_describes_the_api(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert {"/api/quotes/", "/api/articles/", "/api/stances/{id}/"} <= set(response.json()["paths"])
