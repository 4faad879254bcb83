"""Regression: an upload kept its text but dropped the URL and date typed beside it."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quotes.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)


@pytest.mark.parametrize("filename", ["talks.txt", "talks.html"])
def test_an_upload_keeps_the_url_and_date_given_with_it(client_as, filename):
    client = client_as("editor")
    upload = SimpleUploadedFile(filename, "“We will sign,” the premier said.".encode(), content_type="text/plain")
    response = client.post(reverse("quotes:article_create"), {
        "file": upload, "url": "https://news.example/talks", "published_at": "2025-02-18T09:30",
    })
    assert response.status_code == 302
    article = Article.objects.get()
    assert (article.url, article.outlet) == ("https://news.example/talks", "news.example")
    assert (article.published_at.year, article.published_at.month, article.published_at.day) == (2025, 2, 18)


def test_the_same_text_again_is_reported_as_already_stored(client_as):
    client = client_as("editor")
    text = "“We will sign,” the premier said."
    client.post(reverse("quotes:article_create"), {"text": text})
    response = client.post(reverse("quotes:article_create"), {"text": text}, follow=True)
    assert "already stored" in response.content.decode()
    assert Article.objects.count() == 1
