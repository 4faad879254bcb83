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


def test_split_source_line_is_linear_on_the_issues_pathological_input():
    """Issue 13: "\\nSource: http://x" + N spaces + "y" backtracked in O(N²) (100 KB held a worker 30 s)."""
    import time

    for tail in (" " * 100_000 + "y", "\t " * 50_000 + "y", " " * 100_000):
        pathological = "Body.\nSource: http://x" + tail
        started = time.perf_counter()
        body, url = text.split_source_line(pathological)
        assert time.perf_counter() - started < 1.0  # it took tens of seconds before; now microseconds
        assert url in ("", "http://x")


def test_split_source_line_reads_only_the_last_line_of_a_bounded_tail():
    assert text.split_source_line("A.\nsource:https://a.example/x  \n\n") == ("A.", "https://a.example/x")
    assert text.split_source_line("A.\nSource : https://a.example/x\nMore text.") == (
        "A.\nSource : https://a.example/x\nMore text.", "")
    far = "A.\nSource: https://a.example/" + "x" * text.SOURCE_LINE_TAIL
    assert text.split_source_line(far) == (far, "")  # a line that long is no source line
    assert text.split_source_line("Source: https://a.example/x") == ("Source: https://a.example/x", "")


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("https://news.example/a", True), ("http://news.example", True), (" HTTPS://News.example/a ", True),
        ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False), ("vbscript:x", False), ("ftp://news.example/a", False),
        ("//news.example/a", False), ("https://", False), ("http://[::1", False), ("", False), (None, False),
    ],
)
def test_web_url_keeps_only_http_and_https_addresses(value, kept):
    assert text.web_url(value) == ((value or "").strip() if kept else "")


def test_decode_bytes_refuses_a_pdf_named_txt_with_a_clear_message():
    with pytest.raises(text.UnreadableInput, match="PDF"):
        text.decode_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_decode_bytes_reads_latin1_and_windows_1252(encoding):
    assert text.decode_bytes("Le ministre a déclaré: « Ça suffit. »".encode(encoding)) == (
        "Le ministre a déclaré: « Ça suffit. »")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_bytes_reads_utf16_with_or_without_bom(encoding):
    assert text.decode_bytes("“Peace,” she said in Kyiv.".encode(encoding)) == "“Peace,” she said in Kyiv."


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03binary\xff\xfe", b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        bytes(range(256)), b"\x7fELF\x02\x01\x01\x00",
    ],
)
def test_decode_bytes_refuses_other_binary_files(data):
    with pytest.raises(text.UnreadableInput):
        text.decode_bytes(data)


def test_html_to_document_keeps_script_out_and_reports_urls_as_found():
    html = """<html><head><link rel="canonical" href="javascript:alert(1)">
    <meta property="og:url" content="javascript:alert(2)"><script>alert(3)</script></head>
    <body><p onclick="alert(4)">Text with <a href="javascript:alert(5)">a link</a>
    &lt;script&gt;alert(6)&lt;/script&gt;</p></body></html>"""
    document = text.html_to_document(html)
    assert "alert(3)" not in document.text and "onclick" not in document.text
    assert document.text == "Text with a link <script>alert(6)</script>"  # text, escaped when shown
    assert text.web_url(document.url) == ""
