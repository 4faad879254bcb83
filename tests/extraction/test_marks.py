"""Quote-mark pairing, without the parser."""

from __future__ import annotations

from quotes.extraction.marks import find_quoted_spans


def quoted_texts(text: str) -> list[str]:
    return [text[span.start : span.end] for span in find_quoted_spans(text)]


def test_curly_and_straight_quotes_pair_up() -> None:
    text = 'The mayor said “we will rebuild” and later added "the bridge opens in May."'
    assert quoted_texts(text) == ["“we will rebuild”", '"the bridge opens in May."']


def test_guillemets_and_low_nine_marks() -> None:
    text = "«Nous restons» dit-il. „Wir bleiben“ sagte sie."
    assert quoted_texts(text) == ["«Nous restons»", "„Wir bleiben“"]


def test_doubled_apostrophes_count_as_quote_marks() -> None:
    text = "''The budget is late,'' the treasurer said."
    assert quoted_texts(text) == ["''The budget is late,''"]


def test_apostrophes_inside_words_are_not_quotes() -> None:
    text = "She didn’t say the farmers’ union was ‘finished’ at all."
    assert quoted_texts(text) == ["‘finished’"]


def test_unclosed_quote_runs_to_the_end_of_its_paragraph() -> None:
    text = "He said “the vote is tomorrow and nobody knows\nThe next paragraph is narration."
    spans = find_quoted_spans(text)
    assert len(spans) == 1
    assert not spans[0].closed
    assert text[spans[0].start : spans[0].end] == "“the vote is tomorrow and nobody knows"


def test_multi_paragraph_quote_reopens_without_closing() -> None:
    text = "“First part of the speech\n“Second part of the speech.”"
    spans = find_quoted_spans(text)
    assert [span.continued_from_previous for span in spans] == [False, True]


def test_mistyped_closing_mark_still_closes() -> None:
    text = "“The plan is dead,“ said the senator."
    assert quoted_texts(text) == ["“The plan is dead,“"]


def test_text_without_quotes_has_no_spans() -> None:
    assert find_quoted_spans("Nothing quoted here, just narration.") == []


def test_attribute_values_of_markup_tags_are_not_quotes() -> None:
    text = '<post id="9" author="@harbourwatch" when="2016-01-02">“The ferry is late again,” he wrote.</post>'
    assert quoted_texts(text) == ["“The ferry is late again,”"]


def test_closing_mark_at_a_paragraph_start_opens_a_quote() -> None:
    text = "Intro.\n”We will stay,” she said."
    assert quoted_texts(text) == ["”We will stay,”"]


def test_inner_quote_with_the_same_marks_stays_inside() -> None:
    text = "“I would rather live in what he calls “chaos” than stay here.” ― Ada Roe"
    assert quoted_texts(text) == ["“I would rather live in what he calls “chaos” than stay here.”"]


def test_curly_quote_inside_an_unclosed_straight_quote_stays_inside() -> None:
    # a quoted transcript paragraph that the next paragraph re-opens, holding a curly-quoted title
    text = '"HOLM: But, as “The Harbour Gazette” wrote, the ferry is late again.\n"BRANDT: It is not."'
    assert quoted_texts(text)[0] == '"HOLM: But, as “The Harbour Gazette” wrote, the ferry is late again.'
