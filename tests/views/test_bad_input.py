"""Issue 13, bad input over HTTP: every request that used to be a 500 (or Django's own page) is a
clear 400/404/413/414 with the app's message, on the pages and the API, and nothing is stored."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quotes.models import Article, Stance
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory

pytestmark = pytest.mark.django_db

TWENTY_MB = 20_000_000


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)


@pytest.fixture
def editor(client_as):
    return client_as("editor")


def _message(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["detail"]
    html = response.content.decode()
    assert 'class="brand"' in html and 'id="error-message"' in html  # the app's page, on base.html
    return html


# --- Sizes ----------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_from_its_content_length_without_being_read(editor, settings):
    """The body sent is one byte: reading the 20 MB the header announces would fail the request."""
    response = editor.generic(
        "POST", reverse("quotes:article_create"), b"x",
        content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=str(TWENTY_MB),
    )
    assert response.status_code == 413
    assert f"larger than {settings.MAX_REQUEST_BYTES:,} bytes" in _message(response)
    assert not Article.objects.exists()


def test_a_20_mb_paste_upload_and_api_post_get_413_and_the_apps_message(editor):
    text = "“Too long,” she said. " * (TWENTY_MB // 22)
    pasted = editor.post(reverse("quotes:article_create"), {"text": text})
    uploaded = editor.post(reverse("quotes:article_create"), {"file": SimpleUploadedFile("big.txt", text.encode())})
    posted = editor.post("/api/v1/articles/", json.dumps({"text": text}), content_type="application/json")
    for response in (pasted, uploaded, posted):
        assert response.status_code == 413
        assert "was not read" in _message(response)
    assert "request body" not in pasted.content.decode().lower()  # not Django's "request body too big"
    assert not Article.objects.exists()


def test_the_request_limit_is_a_setting(editor, settings):
    settings.MAX_REQUEST_BYTES = 1000
    assert editor.post(reverse("quotes:article_create"), {"text": "x" * 2000}).status_code == 413
    settings.MAX_REQUEST_BYTES = 10_000
    assert editor.post(reverse("quotes:article_create"), {"text": "“Fine,” he said."}).status_code == 302


def test_a_chunked_body_over_djangos_limit_is_a_413_too(editor, settings):
    """No Content-Length to refuse early: Django stops reading at DATA_UPLOAD_MAX_MEMORY_SIZE."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = editor.post(reverse("quotes:article_create"), {"text": "x" * 5000})
    assert response.status_code == 413
    assert "was not read" in _message(response)
    assert not Article.objects.exists()


def test_an_article_over_the_character_limit_is_a_400_with_the_limit(editor, settings):
    settings.NEWSDESK = {**settings.NEWSDESK, "MAX_ARTICLE_CHARS": 1000}
    response = editor.post(reverse("quotes:article_create"), {"text": "Words. " * 500})
    assert response.status_code == 400
    assert "the limit is 1,000" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n", "\u00a0\u2003"])
def test_empty_and_whitespace_only_text_is_a_400_with_a_message(editor, text):
    page = editor.post(reverse("quotes:article_create"), {"text": text})
    assert page.status_code == 400 and "Paste the article" in page.content.decode()
    upload = editor.post(reverse("quotes:article_create"), {"file": SimpleUploadedFile("blank.txt", text.encode())})
    assert upload.status_code == 400
    assert "has no text" in upload.content.decode() or "empty" in upload.content.decode()
    api = editor.post("/api/v1/articles/", {"text": text}, content_type="application/json")
    assert api.status_code == 400 and api.json()["text"]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "is a PDF"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
        ("archive.html", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00", "binary data"),
        ("talks.docx", b"PK\x03\x04", "not a supported file type"),
    ],
)
def test_binary_files_are_refused_clearly(editor, filename, data, message):
    response = editor.post(reverse("quotes:article_create"), {"file": SimpleUploadedFile(filename, data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig"])
def test_uploads_in_other_encodings_are_decoded(editor, encoding):
    body = "« Nous signerons », a déclaré la ministre à Genève."
    upload = SimpleUploadedFile("talks.txt", body.encode(encoding))
    assert editor.post(reverse("quotes:article_create"), {"file": upload}).status_code == 302
    assert Article.objects.get().body == body


# --- JSON -----------------------------------------------------------------------


def test_10000_deep_json_is_a_400_on_post_and_patch(editor):
    stance = StanceFactory()  # its quote's article is the only one
    deep = "[" * 10_000 + "]" * 10_000
    deep_in_field = '{"label": ' + deep + "}"
    for response in (
        editor.post("/api/v1/articles/", deep, content_type="application/json"),
        editor.post("/api/v1/articles/", '{"text": ' + deep + "}", content_type="application/json"),
        editor.patch(f"/api/v1/stances/{stance.pk}/", deep_in_field, content_type="application/json"),
        editor.patch(f"/api/v1/stances/{stance.pk}/", "{" * 10_000, content_type="application/json"),
    ):
        assert response.status_code == 400
        assert "nested more than" in response.json()["detail"]
    assert Article.objects.count() == 1
    stance.refresh_from_db()
    assert stance.source == Stance.Source.MODEL


def test_json_within_the_depth_limit_and_brackets_in_strings_are_fine(editor, settings):
    text = "“[[[[{{{{” said nobody, " + "[" * 100 + " twice."
    response = editor.post("/api/v1/articles/", json.dumps({"text": text}), content_type="application/json")
    assert response.status_code == 201
    from quotes.api_guards import json_depth_exceeds

    limit = settings.API_JSON_MAX_DEPTH
    assert not json_depth_exceeds(b"[" * limit + b"]" * limit, limit)
    assert json_depth_exceeds(b"[" * (limit + 1), limit)
    assert not json_depth_exceeds(b'"\\"[[[[' * 10_000, 3)  # an unclosed string: its brackets are text


@pytest.mark.parametrize("body", ['{"text": ', "{'text': 'single quotes'}", '{"text": NaN}', "\xff\xfe", "[1, 2,]"])
def test_malformed_json_is_a_400_with_the_parsers_message(editor, body):
    response = editor.post("/api/v1/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert not Article.objects.exists()


def test_nul_bytes_in_api_fields_are_a_400(editor):
    response = editor.post("/api/v1/articles/", {"text": "“Yes,” he said.\x00"}, content_type="application/json")
    assert response.status_code == 400 and "Null characters" in json.dumps(response.json())
    assert not Article.objects.exists()


# --- Query strings and addresses -------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/?q=%00", "/?status=%00", "/?q=a%00b&status=done", "/speakers/?q=%00", "/quotes/?speaker=%00",
        "/speakers/a%00b/", "/topics/a%00b/", "/api/v1/speakers/a%00b/", "/api/v1/quotes/?speaker=%00",
        "/api/v1/articles/?status=%00", "/api/v1/topics/%00/",
    ],
)
def test_nul_bytes_in_queries_and_slugs_are_a_400(editor, url):
    SpeakerFactory(slug="ab")
    response = editor.get(url)
    assert response.status_code == 400
    assert "NUL character" in _message(response)


@pytest.mark.parametrize("path", ["/", "/api/v1/quotes/"])
def test_5000_query_parameters_are_a_400_with_the_apps_message(editor, settings, path):
    query = "&".join(f"p{i}=1" for i in range(5000))
    response = editor.get(f"{path}?{query}")
    assert response.status_code == 400
    assert f"more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} parameters" in _message(response)


def test_5000_form_fields_are_a_400_with_the_apps_message(editor):
    fields = {f"p{i}": "1" for i in range(5000)}
    response = editor.post(reverse("quotes:article_create"), fields)
    assert response.status_code == 400
    assert "parameters; send fewer" in _message(response)


@pytest.mark.parametrize("path", ["/", "/quotes/", "/api/v1/quotes/"])
def test_a_50_kb_query_string_is_a_414_with_a_message(editor, path):
    response = editor.get(f"{path}?q={'x' * 50_000}")
    assert response.status_code == 414
    assert "the limit is" in _message(response)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/quotes/?published_after=tomorrowish", "published_after"),
        ("/api/v1/quotes/?published_after=99999-99-99", "published_after"),
        ("/api/v1/quotes/?stance=maybe", "stance"),
        ("/api/v1/quotes/?speaker=nobody-at-all", "speaker"),
        ("/api/v1/articles/?status=bogus", "status"),
    ],
)
def test_absurd_api_filter_values_are_a_400_naming_the_filter(editor, url, field):
    response = editor.get(url)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    "url",
    ["/?status=bogus", "/?page=99999999999999999999", "/?page=-5", "/quotes/?published_after=garbage",
     "/quotes/?stance=maybe&page=abc", "/review/?kind=zzz&topic=nope", "/speakers/?page=1e9"],
)
def test_absurd_page_filter_values_never_fail(client_as, url):
    assert client_as("admin").get(url).status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    ["/articles/999999/", "/articles/99999999999999999999999/", "/speakers/nobody/", "/topics/none/",
     "/quotes/999999/history/", "/api/v1/articles/999999/", "/api/v1/articles/99999999999999999999/",
     "/api/v1/speakers/nobody/", "/api/v1/quotes/999999/", "/no/such/page/", "/api/v1/nothing/"],
)
def test_unknown_ids_are_404_with_the_apps_message(client_as, url):
    response = client_as("admin").get(url)
    assert response.status_code == 404
    if not url.startswith("/api/"):
        assert "There is nothing at this address" in _message(response)


def test_unknown_ids_in_api_writes_are_404(editor):
    response = editor.patch("/api/v1/stances/999999/", {"label": "favor"}, content_type="application/json")
    assert response.status_code == 404
    assert editor.post("/api/v1/articles/999999/retry/").status_code == 404


# --- Errors never show exception text ---------------------------------------------


def test_a_server_error_shows_the_apps_page_and_no_exception_text(client_as, monkeypatch):
    from quotes import selectors

    def broken(**kwargs):
        raise RuntimeError("password=hunter2 at db.internal:5432")

    monkeypatch.setattr(selectors, "article_list", broken)
    client = client_as("editor")
    client.raise_request_exception = False
    response = client.get("/articles/")  # the article list (the dashboard took "/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "The server failed to answer" in html and 'class="brand"' in html
    assert "hunter2" not in html and "RuntimeError" not in html and "Traceback" not in html


def test_a_refusal_shows_the_apps_403_page(client_as):
    response = client_as(None).get("/")
    assert response.status_code == 403
    assert "Your role does not allow this" in _message(response)


def test_a_csrf_failure_shows_the_apps_403_page(client_as):
    client = client_as("editor", enforce_csrf=True)
    client.cookies.clear()
    client.force_login(client.user)
    response = client.post(reverse("quotes:article_create"), {"text": "“Hi,” he said."})
    assert response.status_code == 403
    assert "Reload the page" in _message(response)


def test_the_api_tells_a_non_admin_a_summary_of_a_failure_and_an_admin_the_detail(client_as):
    article = ArticleFactory(status=Article.Status.FAILED, error="OperationalError: connection to db.internal refused")
    editor_view = client_as("editor").get(f"/api/v1/articles/{article.pk}/").json()
    assert "db.internal" not in editor_view["error"] and "Processing failed" in editor_view["error"]
    assert "db.internal" in client_as("admin").get(f"/api/v1/articles/{article.pk}/").json()["error"]


# --- Script in the input ---------------------------------------------------------


def test_html_and_script_in_pasted_text_is_stored_as_text_and_shown_escaped(editor):
    text = ('<script>alert("x")</script> “<img src=x onerror=alert(1)>,” said <b onclick="alert(2)">Ann Lee</b>.\n'
            '<a href="javascript:alert(3)">link</a>')
    response = editor.post(reverse("quotes:article_create"), {"text": text})
    article = Article.objects.get()
    assert response.status_code == 302 and article.body == text  # stored as text, exactly
    html = editor.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_an_uploaded_pages_javascript_canonical_link_is_never_stored(editor):
    page = (b'<html><head><link rel="canonical" href="javascript:alert(1)">'
            b'<meta property="og:url" content="javascript:alert(2)"></head>'
            b"<body><p>\xe2\x80\x9cWe talked,\xe2\x80\x9d the envoy said.</p></body></html>")
    response = editor.post(reverse("quotes:article_create"), {"file": SimpleUploadedFile("page.html", page)})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.url == "" and article.outlet == ""
    assert "javascript:" not in editor.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi", "ftp://news.example/a"])
def test_a_typed_url_must_be_http_or_https(editor, url):
    api = editor.post("/api/v1/articles/", {"text": "“Hi,” he said.", "url": url}, content_type="application/json")
    assert api.status_code == 400
    page = editor.post(reverse("quotes:article_create"), {"text": "“Hi,” he said.", "url": url})
    assert page.status_code == 400
    assert not Article.objects.exists()


def test_a_stored_javascript_url_never_becomes_a_link(editor):
    article = ArticleFactory(url="javascript:alert(document.cookie)")  # as if stored before the check
    QuoteFactory(article=article)
    html = editor.get(article.get_absolute_url()).content.decode()
    assert "javascript:" not in html
