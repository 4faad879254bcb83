import csv
import io

import pytest
from django.urls import reverse

from quotes.models import Article, Stance
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def analyst(client_as):
    """These pages are read by a logged-in analyst (an editor's rights plus exports)."""
    return client_as("analyst").user


@pytest.fixture
def stances():
    """Two speakers in two articles: one for the talks, one against."""
    topic = TopicFactory()
    rubio = SpeakerFactory(name="Dana Holt", slug="dana-holt", role="Envoy")
    lavrov = SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov", role="Minister")
    favor = StanceFactory(
        topic=topic,
        quote=QuoteFactory(
            speaker=rubio, article=ArticleFactory(body="Intro.\n“A useful meeting,” Holt said.", outlet="a.example")
        ),
        label=Stance.Label.FAVOR,
    )
    against = StanceFactory(
        topic=topic,
        quote=QuoteFactory(
            speaker=lavrov, article=ArticleFactory(body="“Talks without us are void,” Petrov said.", outlet="b.example")
        ),
        label=Stance.Label.AGAINST,
    )
    return favor, against


def test_article_list_shows_articles_with_status_and_counts(client, stances):
    response = client.get(reverse("quotes:article_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert stances[0].quote.article.title in html
    assert "status-done" in html


def test_article_detail_highlights_quotes_with_speaker_and_stance(client, stances):
    quote = stances[0].quote
    response = client.get(quote.article.get_absolute_url())
    html = response.content.decode()
    assert f'id="mark-{quote.pk}"' in html
    assert "“A useful meeting,”" in html
    assert "Dana Holt" in html
    assert "stance-favor" in html


def test_article_detail_of_failed_article_shows_the_error_to_admins_a_summary_to_others(client_as):
    article = ArticleFactory(status=Article.Status.FAILED, error="RuntimeError: model missing")
    html = client_as("admin").get(article.get_absolute_url()).content.decode()
    assert "RuntimeError: model missing" in html
    assert reverse("quotes:article_retry", args=[article.pk]) in html
    html = client_as("editor").get(article.get_absolute_url()).content.decode()
    assert "Processing failed" in html and "RuntimeError" not in html  # exception text stays with admins
    assert reverse("quotes:article_retry", args=[article.pk]) in html


def test_retry_requeues_a_failed_article(client, monkeypatch, django_capture_on_commit_callbacks):
    from quotes import tasks

    queued = []
    monkeypatch.setattr(tasks.article_process, "delay", lambda article_id: queued.append(article_id))
    article = ArticleFactory(status=Article.Status.FAILED, error="boom")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("quotes:article_retry", args=[article.pk]))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.error) == (Article.Status.PENDING, "")
    assert queued == [article.pk]


def test_unknown_ids_are_404(client):
    assert client.get(reverse("quotes:article_detail", args=[999999])).status_code == 404
    assert client.get(reverse("quotes:speaker_detail", args=["nobody"])).status_code == 404
    assert client.post(reverse("quotes:article_retry", args=[999999])).status_code == 404


def test_speaker_page_shows_quotes_and_leaning(client, stances):
    speaker = stances[1].quote.speaker
    html = client.get(speaker.get_absolute_url()).content.decode()
    assert "Talks without us are void" in html
    assert "mostly <span class=\"stance stance-against\">against</span>" in html
    assert "A useful meeting" not in html


def test_quote_list_filters_by_stance_and_speaker(client, stances):
    url = reverse("quotes:quote_list")
    html = client.get(url, {"stance": "against"}).content.decode()
    assert "Talks without us are void" in html
    assert "A useful meeting" not in html
    html = client.get(url, {"speaker": "dana-holt"}).content.decode()
    assert "A useful meeting" in html
    assert "Talks without us are void" not in html


def test_csv_export_equals_the_filtered_screen(client, stances):
    client.force_login(UserFactory(role="analyst"))
    response = client.get(reverse("quotes:quote_export"), {"stance": "favor", "topic": stances[0].topic.slug})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["speaker"], row["stance"], row["outlet"]) for row in rows] == [("Dana Holt", "favor", "a.example")]


def test_add_article_form_ingests_pasted_text(client, monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    response = client.post(
        reverse("quotes:article_create"),
        {"text": "“We will meet again,” the envoy said.", "title": "Envoy speaks", "url": "https://x.example/1"},
    )
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    assert (article.title, article.outlet, article.status) == ("Envoy speaks", "x.example", Article.Status.PENDING)


def test_add_article_form_explains_refusals_and_keeps_the_input(client, monkeypatch):
    response = client.post(reverse("quotes:article_create"), {"text": "   ", "title": "Kept title"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Paste the article" in html
    assert 'value="Kept title"' in html
    assert not Article.objects.exists()


def test_add_article_form_refuses_an_unsupported_upload(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7 binary", content_type="application/pdf")
    response = client.post(reverse("quotes:article_create"), {"file": upload})
    assert response.status_code == 400
    assert "not a supported file type" in response.content.decode()


def test_editor_labels_a_stance_on_the_article_page(client_as, stances):
    client = client_as("editor")
    favor = stances[0]
    html = client.get(favor.quote.article.get_absolute_url()).content.decode()
    assert reverse("quotes:quote_stance", args=[favor.quote_id]) in html
    response = client.post(
        reverse("quotes:quote_stance", args=[favor.quote_id]), {"topic": favor.topic.slug, "label": "none"}
    )
    assert response.status_code == 302
    favor.refresh_from_db()
    assert (favor.label, favor.source, favor.model_label) == ("none", Stance.Source.HUMAN, "favor")
    assert favor.history.latest().history_user == client.user


def test_labelling_needs_a_login_and_a_valid_label(client, stances):
    favor = stances[0]
    url = reverse("quotes:stance_label", args=[favor.pk])
    client.logout()
    assert client.post(url, {"label": "none"})["Location"].startswith(reverse("login"))
    client.force_login(UserFactory(role="editor"))
    client.post(url, {"label": "maybe"})
    favor.refresh_from_db()
    assert (favor.label, favor.source) == ("favor", Stance.Source.MODEL)
    assert client.post(reverse("quotes:stance_label", args=[999999]), {"label": "none"}).status_code == 404


def test_topic_page_shows_who_stands_where(client, stances):
    topic = stances[0].topic
    assert topic.name in client.get(reverse("quotes:topic_list")).content.decode()
    html = client.get(topic.get_absolute_url()).content.decode()
    html = html[html.index('id="topic-speakers"'):]  # the ranking's table (the chart above names them too)
    holt = html.index("Dana Holt")
    petrov = html.index("Ivan Petrov")
    assert html.index("stance-favor", holt) < petrov  # Holt's row shows favor
    assert "stance-against" in html[petrov:]
    assert client.get(reverse("quotes:topic_detail", args=["no-such-topic"])).status_code == 404


def test_api_docs_are_served_without_a_cdn(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "//cdn" not in html


def test_refused_actions_are_403_and_change_nothing(client_as, stances, monkeypatch):
    from quotes import tasks

    queued = []
    monkeypatch.setattr(tasks.article_process, "delay", queued.append)
    favor = stances[0]
    editor = client_as("editor")
    assert editor.get(reverse("quotes:quote_export")).status_code == 403  # exports are the analysts'
    outsider = client_as(None)  # logged in, but in no role
    assert outsider.get(reverse("quotes:article_list")).status_code == 403
    assert outsider.post(reverse("quotes:stance_label", args=[favor.pk]), {"label": "none"}).status_code == 403
    article = favor.quote.article
    assert outsider.post(reverse("quotes:article_retry", args=[article.pk])).status_code == 403
    assert outsider.post(reverse("quotes:article_create"), {"text": "“Hi,” he said."}).status_code == 403
    favor.refresh_from_db()
    article.refresh_from_db()
    assert (favor.label, favor.source, article.status, queued) == ("favor", Stance.Source.MODEL, "done", [])
    assert Article.objects.count() == 2
