import pytest

from quotes import services
from quotes.models import Article

TEXT = "“We are ready to talk,” the foreign minister said on Monday.\nOfficials met in Geneva."


@pytest.fixture
def enqueued(monkeypatch):
    """The processing tasks that ingestion enqueues (stubbed: no broker in unit tests)."""
    calls = []
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: calls.append(article_id))
    return calls


@pytest.mark.django_db
def test_ingest_saves_a_pending_article_and_enqueues_it(enqueued):
    article = services.article_ingest(text=TEXT, url="https://www.example.org/news/1")
    assert article.status == Article.Status.PENDING
    assert article.outlet == "example.org"
    assert article.title.startswith("“We are ready to talk,”")
    assert enqueued == [article.pk]


@pytest.mark.django_db
def test_ingest_same_text_twice_returns_the_stored_article(enqueued):
    first = services.article_ingest(text=TEXT)
    second = services.article_ingest(text=TEXT.replace("\n", "\r\n") + "  ")
    assert first.pk == second.pk
    assert Article.objects.count() == 1
    assert enqueued == [first.pk]


@pytest.mark.django_db
def test_ingest_takes_the_url_from_a_trailing_source_line(enqueued, seed_text):
    article = services.article_ingest(text=seed_text)
    assert article.url.startswith("https://www.nbcnews.com/")
    assert article.outlet == "nbcnews.com"
    assert "Source :" not in article.body
    assert seed_text.startswith(article.body)  # offsets into the body equal offsets into the file


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   \n\t  ", None])
def test_ingest_refuses_empty_text(enqueued, text):
    with pytest.raises(services.IngestError, match="no text"):
        services.article_ingest(text=text)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_ingest_refuses_oversize_text(enqueued, settings):
    settings.NEWSDESK = {**settings.NEWSDESK, "MAX_ARTICLE_CHARS": 50}
    with pytest.raises(services.IngestError, match="limit is 50"):
        services.article_ingest(text="word " * 20)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_ingest_refuses_a_known_url_with_different_text(enqueued):
    services.article_ingest(text=TEXT, url="https://example.org/a")
    with pytest.raises(services.IngestError, match="already stored"):
        services.article_ingest(text="Another text entirely.", url="https://example.org/a")
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_ingest_file_reads_html(enqueued):
    html = "<html><head><title>Summit</title></head><body><p>“No deal,” she said.</p></body></html>".encode()
    article = services.article_ingest_file(filename="summit.HTML", data=html)
    assert article.title == "Summit"
    assert article.body == "“No deal,” she said."


@pytest.mark.django_db
def test_ingest_file_reads_windows_1252_text(enqueued):
    article = services.article_ingest_file(filename="old.txt", data="“Très bien,” he said.".encode("cp1252"))
    assert article.body == "“Très bien,” he said."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.4", "not a supported file type"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        ("bad.txt", b"\x81\x8d\x8f\x90\x9d", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_ingest_file_refuses_unreadable_input_with_a_clear_message(enqueued, filename, data, message):
    with pytest.raises(services.IngestError, match=message):
        services.article_ingest_file(filename=filename, data=data)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_oversize_text_is_refused_before_the_source_line_is_parsed(enqueued, settings, monkeypatch):
    """Issue 13: the quadratic Source-line match ran on the whole text before the length check."""
    from quotes import text as textutils

    settings.NEWSDESK = {**settings.NEWSDESK, "MAX_ARTICLE_CHARS": 1000}
    parsed = []
    monkeypatch.setattr(textutils, "split_source_line", lambda text: parsed.append(text) or (text, ""))
    with pytest.raises(services.IngestError, match="the limit is 1,000"):
        services.article_ingest(text="Body.\nSource: http://x" + " " * 5000 + "y")
    assert parsed == [] and not Article.objects.exists()


@pytest.mark.django_db
def test_the_issues_pathological_source_line_is_ingested_quickly(enqueued):
    import time

    started = time.perf_counter()
    article = services.article_ingest(text="“We met,” she said.\nSource: http://x" + " " * 100_000 + "y")
    assert time.perf_counter() - started < 5  # 30 s and a killed worker before; milliseconds now
    assert article.url == "" and article.body.endswith("y")


@pytest.mark.django_db
def test_an_ingested_source_line_must_be_http_and_a_typed_url_is_checked(enqueued):
    article = services.article_ingest(text="“Yes,” he said.\nSource : https://news.example/yes")
    assert (article.url, article.body) == ("https://news.example/yes", "“Yes,” he said.")
    with pytest.raises(services.IngestError, match="http:// or https://"):
        services.article_ingest(text="“No,” he said.", url="javascript:alert(1)")
    kept = services.article_ingest(text="“Maybe,” he said.\nSource: javascript:alert(1)")
    assert kept.url == "" and kept.body.endswith("javascript:alert(1)")
