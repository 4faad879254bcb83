import io

import pytest
from django.core.management import call_command
from django.test import Client

from quotes.models import Article, Stance
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_broker(monkeypatch):
    from quotes import tasks

    queued = []
    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: queued.append(article_id))
    return queued


@pytest.fixture
def editor(client_as):
    return client_as("editor").user


@pytest.fixture
def stances():
    topic = TopicFactory()
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    favor = StanceFactory(topic=topic, quote=QuoteFactory(speaker=holt), label=Stance.Label.FAVOR,
                          relevance=Stance.Relevance.ON_TOPIC)
    against = StanceFactory(topic=topic, label=Stance.Label.AGAINST)
    return favor, against


def test_quotes_are_filtered_like_the_page(client, editor, stances):
    favor, _ = stances
    body = client.get("/api/v1/quotes/", {"stance": "favor", "topic": favor.topic.slug}).json()
    assert body["count"] == 1
    quote = body["results"][0]
    assert (quote["speaker"], quote["speaker_name"]) == ("dana-holt", "Dana Holt")
    assert quote["stances"][0]["label"] == "favor"
    assert set(quote["stances"][0]["scores"]) == {"favor", "against", "none"}
    assert quote["stances"][0]["relevance"] == "on_topic"


def test_a_none_says_whether_the_quote_is_about_the_topic(client, editor):
    off = StanceFactory(label=Stance.Label.NONE, model_label=Stance.Label.NONE, relevance=Stance.Relevance.OFF_TOPIC)
    body = client.get(f"/api/v1/quotes/{off.quote.pk}/").json()
    assert [(s["label"], s["relevance"]) for s in body["stances"]] == [("none", "off_topic")]


def test_unknown_ids_are_404(client, editor):
    assert client.get("/api/v1/quotes/999999/").status_code == 404
    assert client.get("/api/v1/speakers/nobody/").status_code == 404


def test_anonymous_requests_get_401_everywhere_reads_included(client, stances, no_broker):
    stance = stances[0]
    for path in ["/api/v1/", "/api/v1/quotes/", f"/api/v1/quotes/{stance.quote_id}/", "/api/v1/articles/",
                 "/api/v1/speakers/", "/api/v1/topics/", "/api/v1/schema/", "/api/v1/docs/"]:
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == "Token"
    assert client.post("/api/v1/articles/", {"text": "“Yes,” she said."}, content_type="application/json"
                       ).status_code == 401
    assert client.patch(f"/api/v1/stances/{stance.pk}/", {"label": "none"}, content_type="application/json"
                        ).status_code == 401
    assert not Article.objects.filter(body__contains="Yes").exists() and no_broker == []
    stance.refresh_from_db()
    assert stance.source == Stance.Source.MODEL


def test_a_user_without_a_role_is_refused_403(client_as, stances, no_broker):
    client = client_as(None)
    assert client.get("/api/v1/quotes/").status_code == 403
    assert client.post("/api/v1/articles/", {"text": "“Yes,” she said."}, content_type="application/json"
                       ).status_code == 403
    assert no_broker == []


def test_a_token_reads_and_writes_without_a_session_or_csrf(client_as, stances, no_broker):
    analyst = client_as("analyst").user
    out = io.StringIO()
    call_command("create_token", analyst.username, stdout=out)
    scripted = Client(enforce_csrf_checks=True, headers={"Authorization": f"Token {out.getvalue().strip()}"})
    assert scripted.get("/api/v1/quotes/").json()["count"] == 2
    response = scripted.post("/api/v1/articles/", {"text": "“Yes,” she said."}, content_type="application/json")
    assert response.status_code == 201 and no_broker == [response.json()["id"]]
    forged = Client(headers={"Authorization": "Token not-a-real-key"})
    assert forged.get("/api/v1/quotes/").status_code == 401


def test_session_writes_need_the_csrf_token(client_as, stances):
    favor = stances[0]
    browser = client_as("editor", enforce_csrf=True)
    without_token = Client(enforce_csrf_checks=True)
    without_token.force_login(browser.user)
    url = f"/api/v1/stances/{favor.pk}/"
    refused = without_token.patch(url, {"label": "none"}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert browser.patch(url, {"label": "none"}, content_type="application/json").status_code == 200
    favor.refresh_from_db()
    assert (favor.label, favor.source) == ("none", Stance.Source.HUMAN)


def test_the_unversioned_api_root_points_to_v1(client, editor):
    response = client.get("/api/")
    assert (response.status_code, response["Location"]) == (301, "/api/v1/")
    assert client.get("/api/quotes/").status_code == 404


def test_retry_queues_the_article_again(client, editor, no_broker):
    article = ArticleFactory(status=Article.Status.FAILED, error="boom")
    response = client.post(f"/api/v1/articles/{article.pk}/retry/")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert no_broker == [article.pk]


def test_editor_ingests_an_article(client, editor, no_broker):
    response = client.post(
        "/api/v1/articles/", {"text": "“Yes,” she said.", "url": "https://e.example/x"}, content_type="application/json"
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
    response = client.post("/api/v1/articles/", payload, content_type="application/json")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_editor_labels_a_stance(client, editor, stances):
    favor, _ = stances
    response = client.patch(f"/api/v1/stances/{favor.pk}/", {"label": "against"}, content_type="application/json")
    assert response.status_code == 200
    favor.refresh_from_db()
    assert (favor.label, favor.source, favor.model_label) == ("against", "human", "favor")
    bad = client.patch(f"/api/v1/stances/{favor.pk}/", {"label": "maybe"}, content_type="application/json")
    assert bad.status_code == 400


def test_schema_describes_the_api(client, editor):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert {"/api/v1/quotes/", "/api/v1/articles/", "/api/v1/stances/{id}/"} <= set(response.json()["paths"])


def test_each_user_is_throttled_at_the_configured_rate(client, editor, monkeypatch):
    from django.conf import settings
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

    assert UserRateThrottle().get_rate() == settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"]
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    cache.clear()
    assert [client.get("/api/v1/topics/").status_code for _ in range(3)] == [200, 200, 429]
    cache.clear()
