"""The learned reported-speech finder: it loads, finds reported clauses the rules miss in sentences
written for these tests, marks what it adds, and turning it off gives the rules' output back."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest

from quotes.extraction import QuoteExtractor, quote_to_prediction
from quotes.extraction.extractor import get_extractor
from quotes.extraction.quotes import find_attributions
from quotes.extraction.spanfinder import (
    ARTIFACT,
    METHOD_LEARNED,
    METHOD_RULES,
    ReportedSpeechFinder,
    get_finder,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Written for these tests: noun cues and reporting verbs outside the rules' lexicon.
NOUN_CUE = "The minister's warning that prices would rise sharply next winter alarmed traders in the port."
NOUN_CUE_OBJECT = (
    "The harbour authority issued a warning that the eastern pier could collapse during the next storm."
)
TEXTS = [NOUN_CUE, NOUN_CUE_OBJECT]


@pytest.fixture(scope="module")
def finder() -> ReportedSpeechFinder:
    found = get_finder(ARTIFACT)
    assert found is not None, f"artifact missing under {ARTIFACT}"
    return found


@pytest.fixture(scope="module")
def rules_only() -> QuoteExtractor:
    return QuoteExtractor(convention="polnear", learned_spans=False)


def test_artifact_is_small_and_loads(finder: ReportedSpeechFinder) -> None:
    size = sum(f.stat().st_size for f in ARTIFACT.rglob("*") if f.is_file())
    assert size < 5_000_000
    assert {"O", "B", "I", "Q"} <= set(finder.labels)
    assert (ARTIFACT / "MODEL_CARD.md").exists()


def _learned(extractor: QuoteExtractor, text: str) -> list:
    return [q for q in extractor.extract(text).quotes if q.method == METHOD_LEARNED]


@pytest.mark.parametrize(
    ("text", "content", "speaker_word"),
    [
        (NOUN_CUE, "prices would rise sharply next winter", "minister"),
        (NOUN_CUE_OBJECT, "the eastern pier could collapse during the next storm", "authority"),
    ],
)
def test_finds_reported_clause_the_rules_miss(
    polnear_extractor: QuoteExtractor, rules_only: QuoteExtractor, text: str, content: str, speaker_word: str
) -> None:
    assert not any(content in q.text for q in rules_only.extract(text).quotes)
    learned = _learned(polnear_extractor, text)
    assert any(content in q.text for q in learned), [q.text for q in learned]
    quote = next(q for q in learned if content in q.text)
    assert quote.direct is False
    assert 0.0 < quote.confidence <= 1.0
    assert quote.speaker is not None and speaker_word in quote.speaker.lower()
    assert quote_to_prediction(quote)["method"] == METHOD_LEARNED


def test_rules_keep_priority(polnear_extractor: QuoteExtractor) -> None:
    """Where a rule fires the span is the rule's: nothing learned on top of it."""
    text = "The mayor said that the bridge would reopen in spring."
    quotes = polnear_extractor.extract(text).quotes
    assert [q.method for q in quotes] == [METHOD_RULES]


def _rule_quotes(extraction) -> list:
    return [q for q in extraction.quotes if q.method == METHOD_RULES]


def test_newsdesk_convention_runs_the_rules_alone_by_default(extractor: QuoteExtractor) -> None:
    assert extractor.finder is None


@pytest.mark.parametrize("convention", ["polnear", "newsdesk"])
def test_disabling_restores_the_rule_output(convention: str) -> None:
    with_finder = QuoteExtractor(convention=convention, learned_spans=True)
    without = QuoteExtractor(convention=convention, learned_spans=False)
    assert with_finder.finder is not None and without.finder is None
    texts = [*TEXTS, (FIXTURES / "riyadh-talks.txt").read_text(encoding="utf-8")]
    for text in texts:
        rules = without.extract(text)
        combined = with_finder.extract(text)
        assert _rule_quotes(combined) == rules.quotes
        assert all(q.method == METHOD_RULES for q in rules.quotes)
        for name, speaker in rules.speakers.items():
            # the same person; a learned quote may add the mention it was found by ('he') to the aliases
            found = combined.speakers[name]
            assert (found.role, found.kind, found.is_person) == (speaker.role, speaker.kind, speaker.is_person)
            assert set(speaker.aliases) <= set(found.aliases)


def test_batch_scores_equal_one_document_at_a_time(
    finder: ReportedSpeechFinder, rules_only: QuoteExtractor, polnear_extractor: QuoteExtractor
) -> None:
    """The extractor scores a parse batch in one call; every number matches a call per document,
    an empty document included, and so do the quotes."""
    texts = [*TEXTS, "", (FIXTURES / "riyadh-talks.txt").read_text(encoding="utf-8")]
    docs = list(rules_only.nlp.pipe(texts))
    batched = finder.probabilities_many(docs)
    assert len(batched) == len(docs)
    for doc, scores in zip(docs, batched, strict=True):
        assert scores.shape == (len(doc), len(finder.labels))
        assert numpy.array_equal(scores, finder.probabilities(doc))
    one_by_one = [polnear_extractor.extract(text) for text in texts]
    assert list(polnear_extractor.extract_many(texts, batch_size=3)) == one_by_one


def test_environment_switch_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_LEARNED_SPANS", "0")
    assert get_extractor(convention="polnear").finder is None


class _FixedScores(ReportedSpeechFinder):
    """The finder's decoding on scores given by the test (no model)."""

    def __init__(self, scores_for) -> None:
        self.labels = ("O", "B", "I", "Q")
        self._open, self._inside, self._cue = [1], [1, 2], [3]
        self.min_open = self.min_inside = self.min_cue = self.min_confidence = 0.5
        self.max_overlap_with_rules = 0.3
        self._scores_for = scores_for

    def probabilities(self, doc) -> numpy.ndarray:
        return self._scores_for(doc)


def _one_hot(doc, labels: dict[int, int]) -> numpy.ndarray:
    scores = numpy.zeros((len(doc), 4), dtype="f")
    scores[:, 0] = 1.0
    for position, label in labels.items():
        scores[position] = 0.0
        scores[position, label] = 1.0
    return scores


def test_decoding_cue_span_and_speaker(rules_only: QuoteExtractor) -> None:
    text = "Her forecast that the harvest would fail worried the farmers."
    doc = rules_only.nlp(text)
    words = [t.text for t in doc]
    cue, first, last = words.index("forecast"), words.index("the"), words.index("fail")

    def scores(doc):
        return _one_hot(doc, {cue: 3, first: 1, **{i: 2 for i in range(first + 1, last + 1)}})

    attributions, _context = find_attributions(doc, "polnear", text, finder=_FixedScores(scores))
    learned = [a for a in attributions if a.method == METHOD_LEARNED]
    assert len(learned) == 1
    assert text[learned[0].start : learned[0].end] == "the harvest would fail"
    assert learned[0].cue.text == "forecast"
    assert learned[0].speaker_token.text == "Her"
    assert learned[0].confidence == 1.0


def test_decoding_leaves_rule_spans_alone(rules_only: QuoteExtractor) -> None:
    text = "The mayor said that the bridge would reopen in spring."
    doc = rules_only.nlp(text)
    words = [t.text for t in doc]
    said, first = words.index("said"), words.index("the")

    def scores(doc):
        return _one_hot(doc, {said: 3, first: 1, **{i: 2 for i in range(first + 1, len(doc) - 1)}})

    attributions, _context = find_attributions(doc, "polnear", text, finder=_FixedScores(scores))
    assert [a.method for a in attributions] == [METHOD_RULES]
