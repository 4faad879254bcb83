"""The learned finder's clause-end extension (``spanfinder.clause_end``), on parses written out by
hand (no spaCy model, no trained tagger): a decoded span that stops inside its clause is moved to
the clause's end, and no further than a quote mark, closing punctuation or a clause with its own cue.
The sentences are written for these tests."""

from __future__ import annotations

import numpy
import pytest

from quotes.extraction.conventions import convention_named
from quotes.extraction.spanfinder import ReportedSpeechFinder, clause_end
from tests.extraction.handbuilt import hand_built

# 'the old dam might fail during' is decoded; the clause runs to 'rain'
DAM = "The agency's warning that the old dam might fail during heavy rain worried farmers."
DAM_ROWS = """
The DET DT det 1
agency NOUN NN poss 3
's PART POS case 1
warning NOUN NN nsubj 13
that SCONJ IN mark 9
the DET DT det 7
old ADJ JJ amod 7
dam NOUN NN nsubj 9
might AUX MD aux 9
fail VERB VB acl 3
during ADP IN prep 9
heavy ADJ JJ amod 12
rain NOUN NN pobj 10
worried VERB VBD ROOT 13
farmers NOUN NNS dobj 13
. PUNCT . punct 13
"""

# a clause with its own cue ('the union said ...') hangs from the content head 'rise'
FARES = "The board's forecast that fares would rise in March, but the union said they would fall, was widely shared."
FARES_ROWS = """
The DET DT det 1
board NOUN NN poss 3
's PART POS case 1
forecast NOUN NN nsubjpass 21
that SCONJ IN mark 7
fares NOUN NNS nsubj 7
would AUX MD aux 7
rise VERB VB acl 3
in ADP IN prep 7
March PROPN NNP pobj 8
, PUNCT , punct 7
but CCONJ CC cc 7
the DET DT det 13
union NOUN NN nsubj 14
said VERB VBD conj 7
they PRON PRP nsubj 17
would AUX MD aux 17
fall VERB VB ccomp 14
, PUNCT , punct 3
was AUX VBD auxpass 21
widely ADV RB advmod 21
shared VERB VBN ROOT 21
. PUNCT . punct 21
"""

# the clause's subtree holds a quoted phrase: the extension stops at its opening mark
PLANT = "Their promise that the plant would reopen soon \u201cwith new owners\u201d cheered workers."
PLANT_ROWS = """
Their PRON PRP$ poss 1
promise NOUN NN nsubj 13
that SCONJ IN mark 6
the DET DT det 4
plant NOUN NN nsubj 6
would AUX MD aux 6
reopen VERB VB acl 1
soon ADV RB advmod 6
\u201c PUNCT `` punct 6
with ADP IN prep 6
new ADJ JJ amod 11
owners NOUN NNS pobj 9
\u201d PUNCT '' punct 6
cheered VERB VBD ROOT 13
workers NOUN NNS dobj 13
. PUNCT . punct 13
"""

# the decoded span is only the subject: the clause is the verb's after it
BUS = "Her note that the night bus would stop at midnight on Fridays upset students."
BUS_ROWS = """
Her PRON PRP$ poss 1
note NOUN NN nsubj 13
that SCONJ IN mark 7
the DET DT det 5
night NOUN NN compound 5
bus NOUN NN nsubj 7
would AUX MD aux 7
stop VERB VB acl 1
at ADP IN prep 7
midnight NOUN NN pobj 8
on ADP IN prep 7
Fridays PROPN NNPS pobj 10
upset VERB VBD ROOT 12
students NOUN NNS dobj 12
. PUNCT . punct 12
"""


def _words(context) -> list[str]:
    return [t.text for t in context.doc]


def _cues(context, *words: str) -> numpy.ndarray:
    flags = numpy.zeros(len(context.doc), dtype=bool)
    for word in words:
        flags[_words(context).index(word)] = True
    return flags


def _text(context, start: int, end: int) -> str:
    return context.doc[start:end].text


def test_extends_to_the_end_of_the_clause() -> None:
    context = hand_built(DAM, DAM_ROWS)
    words = _words(context)
    start, end = words.index("the"), words.index("heavy")
    stop = clause_end(context, start, end, _cues(context, "warning"))
    assert _text(context, start, stop) == "the old dam might fail during heavy rain"


def test_never_moves_left_nor_past_a_complete_clause() -> None:
    context = hand_built(DAM, DAM_ROWS)
    words = _words(context)
    start, end = words.index("the"), words.index("worried")
    assert clause_end(context, start, end, _cues(context, "warning")) == end


@pytest.mark.parametrize("cue_words", [("forecast", "said"), ("forecast",)])
def test_stops_before_a_following_clause_with_its_own_cue(cue_words: tuple[str, ...]) -> None:
    """The tagger's cue ('said' scored as a cue) or the rules' reporting verb (not scored) both stop it."""
    context = hand_built(FARES, FARES_ROWS)
    words = _words(context)
    start, end = words.index("fares"), words.index("in")
    stop = clause_end(context, start, end, _cues(context, *cue_words))
    assert _text(context, start, stop) == "fares would rise in March"


def test_stops_at_a_quote_mark() -> None:
    context = hand_built(PLANT, PLANT_ROWS)
    words = _words(context)
    start, end = words.index("the"), words.index("soon")
    stop = clause_end(context, start, end, _cues(context, "promise"))
    assert _text(context, start, stop) == "the plant would reopen soon"


def test_a_subject_span_takes_its_verbs_clause() -> None:
    context = hand_built(BUS, BUS_ROWS)
    words = _words(context)
    start, end = words.index("the"), words.index("would")
    stop = clause_end(context, start, end, _cues(context, "note"))
    assert _text(context, start, stop) == "the night bus would stop at midnight on Fridays"


class _FixedScores(ReportedSpeechFinder):
    """The finder's decoding on scores written by the test (no model)."""

    def __init__(self, scores: numpy.ndarray, extend: bool) -> None:
        self.labels = ("O", "B", "I", "Q")
        self._open, self._inside, self._cue = [1], [1, 2], [3]
        self.min_open = self.min_inside = self.min_cue = self.min_confidence = 0.5
        self.max_overlap_with_rules = 0.3
        self.extend_to_clause_end = extend
        self._scores = scores

    def probabilities(self, doc) -> numpy.ndarray:
        return self._scores


@pytest.mark.parametrize(
    ("extend", "expected"),
    [(False, "the old dam might fail during"), (True, "the old dam might fail during heavy rain")],
)
def test_the_flag_switches_the_extension(extend: bool, expected: str) -> None:
    context = hand_built(DAM, DAM_ROWS)
    words = _words(context)
    scores = numpy.zeros((len(words), 4), dtype="f")
    scores[:, 0] = 1.0
    labels = {words.index("warning"): 3, words.index("the"): 1}
    labels.update({i: 2 for i in range(words.index("the") + 1, words.index("heavy"))})
    for position, label in labels.items():
        scores[position] = 0.0
        scores[position, label] = 1.0
    proposals = _FixedScores(scores, extend).propose(context, convention_named("polnear"), scores)
    assert [_text(context, p.start, p.end) for p in proposals] == [expected]
    # the confidence is the model's on the decoded tokens, the same with or without the extension
    assert proposals[0].confidence == 1.0
    assert proposals[0].cue.text == "warning"


# the decoded span ends at a closing quote mark; the clause goes on after it
SOON = "Their promise that the plant would reopen \u201csoon\u201d with new owners cheered workers."
SOON_ROWS = """
Their PRON PRP$ poss 1
promise NOUN NN nsubj 13
that SCONJ IN mark 6
the DET DT det 4
plant NOUN NN nsubj 6
would AUX MD aux 6
reopen VERB VB acl 1
\u201c PUNCT `` punct 6
soon ADV RB advmod 6
\u201d PUNCT '' punct 6
with ADP IN prep 6
new ADJ JJ amod 12
owners NOUN NNS pobj 10
cheered VERB VBD ROOT 13
workers NOUN NNS dobj 13
. PUNCT . punct 13
"""


def test_a_span_ending_at_a_closing_quote_mark_stays() -> None:
    context = hand_built(SOON, SOON_ROWS)
    words = _words(context)
    start, end = words.index("the"), words.index("\u201d") + 1
    assert clause_end(context, start, end, _cues(context, "promise")) == end


# 'that' is the object of the verb after the decoded span, level with its subject 'pier'
PIER = "The port board gave a warning that the old pier would sink during a flood."
PIER_ROWS = """
The DET DT det 2
port NOUN NN compound 2
board NOUN NN nsubj 3
gave VERB VBD ROOT 3
a DET DT det 5
warning NOUN NN dobj 3
that PRON WDT dobj 11
the DET DT det 9
old ADJ JJ amod 9
pier NOUN NN nsubj 11
would AUX MD aux 11
sink VERB VB acl 5
during ADP IN prep 11
a DET DT det 14
flood NOUN NN pobj 12
. PUNCT . punct 3
"""


def test_a_span_cut_before_its_verb_takes_the_verbs_clause() -> None:
    context = hand_built(PIER, PIER_ROWS)
    words = _words(context)
    start, end = words.index("that"), words.index("would")
    stop = clause_end(context, start, end, _cues(context, "warning"))
    assert _text(context, start, stop) == "that the old pier would sink during a flood"


def test_a_span_holding_a_quoted_phrase_stays() -> None:
    """A mixed quote: its quote marks, not the parse, set where it ends."""
    context = hand_built(SOON, SOON_ROWS)
    words = _words(context)
    start, end = words.index("the"), words.index("new")
    assert clause_end(context, start, end, _cues(context, "promise")) == end
