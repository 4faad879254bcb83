"""The cheap pipeline parts stand in for the spaCy components they replace."""

from __future__ import annotations

import spacy

from quotes.extraction import QuoteExtractor
from quotes.extraction.extractor import DEFAULT_PIPELINE, load_pipeline
from quotes.extraction.names import name_like_spans

SAMPLE = (
    "The committee, which met on Tuesday, said it is not ready. Sen. Ray Oduya has argued that "
    "the plan won't work, and Mayor Helena Brandt's office didn't respond."
)


def test_pos_lookup_matches_the_attribute_ruler_on_verbs_nouns_and_auxiliaries() -> None:
    reference = spacy.load(DEFAULT_PIPELINE, exclude=["lemmatizer", "ner"])(SAMPLE)
    ours = load_pipeline(DEFAULT_PIPELINE)(SAMPLE)
    assert "attribute_ruler" not in load_pipeline(DEFAULT_PIPELINE).pipe_names
    checked = {"VERB", "AUX", "NOUN", "PROPN", "PART", "ADJ", "PUNCT"}
    for expected, actual in zip(reference, ours, strict=True):
        if expected.pos_ in checked:
            assert actual.pos_ == expected.pos_, (expected.text, expected.pos_, actual.pos_)


def test_names_are_found_without_ner() -> None:
    doc = load_pipeline(DEFAULT_PIPELINE)(
        "Sen. Ray Oduya met Helena Brandt and officials of the Foreign Ministry. Oduya said little."
    )
    names = {span.text for span in name_like_spans(doc)}
    assert {"Ray Oduya", "Oduya"} <= names
    assert not any("Ministry" in name for name in names)


def test_extractor_with_and_without_ner_agree_on_a_named_speaker(extractor: QuoteExtractor) -> None:
    text = "“We will appeal,” said Ray Oduya, a senator. “The ruling is wrong.”"
    with_ner = QuoteExtractor(use_ner=True)
    expected = ["Ray Oduya", "Ray Oduya"]
    assert [q.speaker for q in extractor.extract(text).quotes] == expected
    assert [q.speaker for q in with_ner.extract(text).quotes] == expected
