"""Odd input never crashes the engine."""

from __future__ import annotations

from quotes.extraction import EXTRACTOR_VERSION, QuoteExtractor, get_extractor


def test_empty_and_blank_texts_give_empty_extractions(extractor: QuoteExtractor) -> None:
    for text in ("", "   \n\n  "):
        extraction = extractor.extract(text)
        assert extraction.quotes == []
        assert extraction.speakers == {}


def test_text_without_quotes_or_cues(extractor: QuoteExtractor) -> None:
    assert extractor.extract("Rain fell on the hills. The river rose slowly.").quotes == []


def test_odd_unicode_and_stray_marks(extractor: QuoteExtractor) -> None:
    text = '“ ” " « \u200b\ufeff\ud83d ok » ’’ „ 🙂 \x00 \u202e said: “'
    extraction = extractor.extract(text)
    for quote in extraction.quotes:
        assert 0 <= quote.start <= quote.end <= len(text)


def test_very_long_text_is_parsed_in_chunks(extractor: QuoteExtractor) -> None:
    paragraph = "“The dam holds,” engineer Sofia Rossi said. The water kept rising all night.\n"
    text = paragraph * 3500  # ~280,000 characters, over the chunk size
    extraction = extractor.extract(text)
    assert len(extraction.quotes) == 3500
    last = extraction.quotes[-1]
    assert text[last.start : last.end] == last.text


def test_extract_many_keeps_order_and_handles_empty_items(extractor: QuoteExtractor) -> None:
    texts = ["“One,” said Ana Silva, a teacher.", "", "No quotes here."]
    results = list(extractor.extract_many(texts, batch_size=2))
    assert len(results) == 3
    assert results[0].quotes and results[0].quotes[0].speaker == "Ana Silva"
    assert results[1].quotes == [] and results[2].quotes == []


def test_get_extractor_caches_per_process() -> None:
    assert get_extractor() is get_extractor()
    assert EXTRACTOR_VERSION.startswith("rules-")


# Every quote mark Unicode lists (Pi/Pf and the ASCII/CJK/prime ones), in pairs, alone and reversed.
QUOTE_MARKS = [
    '"', "'", "`", "´", "\u2018", "\u2019", "\u201a", "\u201b", "\u201c", "\u201d", "\u201e", "\u201f",
    "\u00ab", "\u00bb", "\u2039", "\u203a", "\u300c", "\u300d", "\u300e", "\u300f", "\u301d", "\u301e",
    "\u301f", "\uff02", "\uff07", "\u2032", "\u2033", "\u275b", "\u275c", "\u275d", "\u275e", "\u2e42",
]


def _marked_texts():
    """Balanced, unbalanced, nested, doubled and dangling marks around a quote and a cue."""
    for open_mark in QUOTE_MARKS:
        for close_mark in QUOTE_MARKS[::3]:
            yield f"{open_mark}We will talk,{close_mark} said Ana Silva, a diplomat."
        yield f"{open_mark}Nobody closes this, said Ana Silva.\nNext paragraph {open_mark}{open_mark}."
        yield f"Ana Silva said {open_mark * 3}{open_mark}\n{open_mark}"
        yield f"{open_mark}Outer {QUOTE_MARKS[(QUOTE_MARKS.index(open_mark) + 5) % len(QUOTE_MARKS)]}inner"
        yield f"“{open_mark}”, said he. ”Reversed,“ she said. {open_mark}"
    yield "".join(QUOTE_MARKS) + " said Ana Silva. " + "".join(reversed(QUOTE_MARKS))
    yield "“" * 500 + " she said " + "”" * 499


def test_every_kind_of_quote_mark_and_unbalanced_marks_never_crash(extractor: QuoteExtractor) -> None:
    texts = list(_marked_texts())
    assert len(texts) > 400
    for text, extraction in zip(texts, extractor.extract_many(texts, batch_size=64), strict=True):
        for quote in extraction.quotes:
            assert 0 <= quote.start <= quote.end <= len(text), text
            assert quote.text.strip(), text
