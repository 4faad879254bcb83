import pytest

from quotes import text


def test_decode_bytes_reads_utf8_with_and_without_bom():
    assert text.decode_bytes("Kyiv “talks”".encode()) == "Kyiv “talks”"
    assert text.decode_bytes(b"\xef\xbb\xbfHello") == "Hello"


def test_decode_bytes_reads_utf16_with_bom():
    assert text.decode_bytes("Zelenskyy said".encode("utf-16")) == "Zelenskyy said"


def test_decode_bytes_falls_back_to_windows_1252():
    assert text.decode_bytes("“café” – said".encode("cp1252")) == "“café” – said"


def test_decode_bytes_refuses_binary_data():
    with pytest.raises(text.UnreadableInput, match="binary"):
        text.decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_split_source_line_takes_the_trailing_url():
    body, url = text.split_source_line("First line.\nSecond line.\nSource : https://news.example/a-b")
    assert body == "First line.\nSecond line."
    assert url == "https://news.example/a-b"


def test_split_source_line_leaves_other_text_alone():
    assert text.split_source_line("The source said nothing.") == ("The source said nothing.", "")


def test_content_hash_ignores_whitespace_differences():
    assert text.content_hash("A  b\nc ") == text.content_hash("A b c")
    assert text.content_hash("A b c") != text.content_hash("A b d")


def test_outlet_from_url_drops_www():
    assert text.outlet_from_url("https://www.nbcnews.com/news/x") == "nbcnews.com"
    assert text.outlet_from_url("") == ""


def test_html_to_document_keeps_paragraphs_and_drops_boilerplate():
    html = """<html><head><title>Talks in Riyadh</title>
      <meta property="article:published_time" content="2025-02-18T10:00:00Z">
      <link rel="canonical" href="https://news.example/riyadh"></head>
      <body><nav>Home | World</nav><script>var x = 1;</script>
      <article><h1>Talks in Riyadh</h1><p>“We will talk,” the <b>minister</b> said.</p>
      <p>Second paragraph.</p></article><footer>© News</footer></body></html>"""
    document = text.html_to_document(html)
    assert document.text == "“We will talk,” the minister said.\nSecond paragraph."
    assert document.title == "Talks in Riyadh"
    assert document.url == "https://news.example/riyadh"
    assert document.published_at.year == 2025


def test_html_to_document_survives_broken_markup():
    document = text.html_to_document("<p>Unclosed <b>bold<p>Next <div>para")
    assert "Unclosed bold" in document.text
    assert "Next" in document.text


def test_paragraph_around_returns_the_enclosing_paragraph():
    body = "First paragraph.\nHe said “yes” today.\nThird."
    start = body.index("“")
    assert text.paragraph_around(body, start, start + 5) == "He said “yes” today."


def test_paragraph_around_trims_long_paragraphs_around_the_span():
    body = "x " * 1000 + "“target”" + " y" * 1000
    start = body.index("“")
    context = text.paragraph_around(body, start, start + 8, max_chars=100)
    assert "“target”" in context
    assert len(context) <= 100
