"""Speaker resolution: antecedents of pronouns, continuations (sentences written for these tests)."""

from __future__ import annotations

from quotes.extraction import QuoteExtractor
from quotes.extraction.results import Quote


def quote_with(quotes: list[Quote], words: str) -> Quote:
    return next(quote for quote in quotes if words in quote.text)


def test_a_place_in_subject_position_is_not_a_pronoun_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        "Mayor Tom Reilly toured the flooded district on Monday. "
        'Ohio approved emergency funds for the county last week. "We will rebuild every street," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "rebuild").speaker == "Tom Reilly"


def test_a_group_named_by_a_plural_proper_noun_is_not_a_pronoun_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        "Senator Paul Dorsey left the chamber early. Republicans rejected the draft on Tuesday. "
        '"This is not a serious offer from the other side," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "serious offer").speaker == "Paul Dorsey"


def test_an_acronym_is_not_a_pronoun_antecedent(extractor: QuoteExtractor) -> None:
    text = (
        "Judge Carl Mendes read the ruling aloud. NASA said the launch would slip to spring. "
        '"The court has heard enough about rockets," he said.'
    )
    assert quote_with(extractor.extract(text).quotes, "rockets").speaker == "Carl Mendes"


def test_continuation_after_a_split_quote_keeps_its_speaker(polnear_extractor: QuoteExtractor) -> None:
    text = (
        'Councillor Dana Whitby opened the hearing. "The bridge is late," Whitby said, '
        '"and it will cost far more than anyone promised."\n\n'
        '"We need a new plan for the river crossing and we need it soon."'
    )
    quotes = polnear_extractor.extract(text).quotes
    assert quote_with(quotes, "new plan").speaker == quote_with(quotes, "bridge").speaker
