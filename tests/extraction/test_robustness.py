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
