"""Turning what users hand us (bytes, HTML, pasted text) into clean article text.

Pure functions, no Django: the form, the upload and the `ingest` command share them.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup


class UnreadableInput(ValueError):
    """The input cannot be turned into article text; the message says why, for a person."""


@dataclass(frozen=True)
class ParsedDocument:
    text: str
    title: str = ""
    url: str = ""
    published_at: datetime | None = None


# A trailing "Source : https://..." line, as news clippings often carry. It is matched on one
# line of a bounded tail, with no two neighbouring parts able to take the same characters, so
# the match is linear in the tail (the old pattern on the whole text backtracked quadratically).
SOURCE_LINE_TAIL = 2000
_SOURCE_LINE = re.compile(r"[ \t]*Source[ \t]*:[ \t]*(?P<url>https?://\S+)", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_bytes(data: bytes) -> str:
    """Decode an uploaded file: UTF-8 (with or without BOM), UTF-16 (with BOM, or plainly
    UTF-16 by its zero bytes), else Windows-1252 (which reads Latin-1 text the same).

    Binary files (images, PDFs, archives) are refused rather than turned into mojibake.
    """
    if data.startswith(b"%PDF-"):
        raise UnreadableInput("The file is a PDF, not text; copy its text into a .txt file or paste it.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UnreadableInput("The file looks like UTF-16 but cannot be decoded.") from error
    elif (encoding := _bomless_utf16(data)) is not None:
        text = data.decode(encoding)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as error:
                raise UnreadableInput(
                    "The file is neither UTF-8 nor Windows-1252 text; save it as UTF-8 and try again."
                ) from error
    if _CONTROL_CHARS.search(text):
        raise UnreadableInput("The file contains binary data, not text.")
    return text


def _bomless_utf16(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the zero bytes fall on every other byte, as in UTF-16 text
    of Latin script without a BOM; None otherwise (binary data has its zeros anywhere)."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2 or b"\x00" not in sample:
        return None
    halves = (("utf-16-le", sample[1::2], sample[0::2]), ("utf-16-be", sample[0::2], sample[1::2]))
    for encoding, zeros, others in halves:
        if zeros.count(0) >= len(zeros) * 0.9 and b"\x00" not in others:
            try:
                data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def normalize_text(text: str) -> str:
    """Unify line endings and Unicode composition; offsets are taken on the result."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def split_source_line(text: str) -> tuple[str, str]:
    """Split a trailing `Source : URL` line off the text: (text without it, url or "").

    Only the last line counts, and only when it starts within the last SOURCE_LINE_TAIL
    characters: the time taken never depends on how long the text is.
    """
    end = len(text.rstrip())
    line_start = text.rfind("\n", max(0, end - SOURCE_LINE_TAIL), end)
    if line_start == -1:
        return text, ""
    match = _SOURCE_LINE.fullmatch(text, line_start + 1, end)
    if not match:
        return text, ""
    return text[:line_start].rstrip(), match.group("url")


def web_url(value: str | None) -> str:
    """The url when it is an http(s) address with a host, else "": a `javascript:` or `data:`
    link found in an uploaded page must never become a link on ours."""
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
        return value if parts.scheme.lower() in ("http", "https") and parts.hostname else ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""


def content_hash(text: str) -> str:
    """Same words, same hash: whitespace differences do not make a new article."""
    canonical = " ".join(text.split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def outlet_from_url(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


# Elements whose text is never part of the article.
_BOILERPLATE = ["script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form"]
_BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "td"]


def html_to_document(html: str) -> ParsedDocument:
    """Article text and metadata from an HTML page (lenient with broken markup)."""
    soup = BeautifulSoup(html, "lxml")
    title = _meta(soup, "og:title") or (soup.title.get_text(" ", strip=True) if soup.title else "")
    url = _meta(soup, "og:url") or _canonical_link(soup)
    published_at = _parse_datetime(_meta(soup, "article:published_time"))
    for tag in soup(_BOILERPLATE):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    paragraphs = []
    for block in root.find_all(_BLOCKS):
        if block.find(_BLOCKS):  # a container of blocks: its children are taken one by one
            continue
        paragraph = " ".join(block.get_text(" ", strip=True).split())
        if paragraph:
            paragraphs.append(paragraph)
    if not paragraphs:  # no block markup at all: take the visible text
        paragraphs = [line for line in (" ".join(s.split()) for s in root.get_text("\n").splitlines()) if line]
    if title and paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return ParsedDocument(text="\n".join(paragraphs), title=title, url=url, published_at=published_at)


def _meta(soup: BeautifulSoup, prop: str) -> str:
    tag = soup.find("meta", attrs={"property": prop}) or soup.find("meta", attrs={"name": prop})
    return (tag.get("content") or "").strip() if tag else ""


def _canonical_link(soup: BeautifulSoup) -> str:
    tag = soup.find("link", rel="canonical")
    return (tag.get("href") or "").strip() if tag else ""


def _parse_datetime(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def paragraph_around(text: str, start: int, end: int, max_chars: int = 600) -> str:
    """The paragraph holding text[start:end], trimmed around the span when it is long."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end == -1 else para_end
    if para_end - para_start > max_chars:
        margin = max(0, (max_chars - (end - start)) // 2)
        para_start = max(para_start, start - margin)
        para_end = min(para_end, end + margin)
    return text[para_start:para_end].strip()
