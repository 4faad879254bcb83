"""The learned finder of reported speech: content spans (and their cue) that the rules did not find.

A small spaCy tagger (trained by ``training/reported_speech.py`` on PolNeAR train, see
``models/reported_speech/MODEL_CARD.md``) scores every token of the engine's parse with one of
``O`` (outside), ``B`` (opens reported content), ``I`` (inside it), ``Q`` (a cue word) and ``IQ``
(a cue word inside an outer content). The scores are read here; nothing is written into the
document, so the rules see the parse they always saw.

A content span opens at a ``B`` token and runs while the tokens stay inside content, within
one paragraph. Its cue is the nearest cue word of its sentence (before the span, else after),
failing that the word the span's clause hangs from in the parse. The speaker token comes from
the parse, as for the rules: the subject of a cue verb, the possessor of a cue noun ("his claim
that …"), the agent of a noun ("a warning from X"), or the subject of the verb a cue noun is the
object of ("X issued a warning that …"). Spans without a speaker token are dropped.

Rules keep priority: a learned span is added only where no rule attribution covers the same
words (word overlap below ``MAX_OVERLAP_WITH_RULES``) and no rule used its cue. Every span this
module adds carries ``method = "learned"`` and a confidence in (0, 1].
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy
from spacy.tokens import Token

from .candidates import Attribution
from .context import DocumentContext
from .conventions import Convention
from .cues import is_cue_token, speaker_token_for_cue, trim_tokens
from .sentences import sentence_of
from .subjects import according_to_source, names_a_time, nearest_subject

METHOD_RULES = "rules"
METHOD_LEARNED = "learned"
ARTIFACT = Path(__file__).resolve().parent / "models" / "reported_speech"
# NEWSDESK_LEARNED_SPANS=0 turns the finder off everywhere (the engine is then the rules alone).
ENABLE_ENV_VARIABLE = "NEWSDESK_LEARNED_SPANS"
# another trained artifact (a folder written by train_attribution) instead of the committed one
MODEL_ENV_VARIABLE = "NEWSDESK_LEARNED_SPANS_MODEL"

# Decoding thresholds, chosen on PolNeAR dev (see the model card); the model is trained on train only.
MIN_OPEN = 0.3  # probability that a token opens reported content
MIN_INSIDE = 0.2  # a span runs while tokens are inside content with this probability
MIN_CUE = 0.5  # a token is a cue word
MIN_CONFIDENCE = 0.5  # spans below this are not proposed
MAX_OVERLAP_WITH_RULES = 0.3  # word overlap with a rule attribution above which the rules have it
MIN_TOKENS = 3
# Decoding: extend each decoded span's end to the right edge of its clause in the parse (see
# ``clause_end``). A decoding change of its own, measured on and off on PolNeAR dev (model card).
EXTEND_TO_CLAUSE_END = True
_DOUBLE_MARKS = '\u201c\u201d"'
_CUE_POS = ("VERB", "AUX", "NOUN", "PROPN")
_AGENT_PREPOSITIONS = ("by", "from", "of")
# where a clause-end extension stops: quote marks, closing brackets, clause-closing punctuation
_EXTENSION_STOPS = frozenset("\"\u201c\u201d\u2018\u2019'`()[]{};:!?.\u2014\u2013") | {"--", "''", "``"}
# children of the content head that are clauses of their own (skipped when they hold a cue)
_CLAUSE_DEPS = frozenset({"conj", "ccomp", "advcl", "parataxis", "relcl", "acl", "xcomp", "csubj"})


@dataclass(frozen=True)
class ProposedSpan:
    """A content span as the model proposes it: token range, cue token, confidence."""

    start: int
    end: int
    cue: Token | None
    cue_text: str
    confidence: float


class ReportedSpeechFinder:
    """Loads the tagger once; ``find`` proposes reported-speech attributions for one document."""

    extend_to_clause_end: bool = EXTEND_TO_CLAUSE_END

    def __init__(
        self,
        path: str | Path = ARTIFACT,
        min_open: float = MIN_OPEN,
        min_inside: float = MIN_INSIDE,
        min_cue: float = MIN_CUE,
        min_confidence: float = MIN_CONFIDENCE,
        max_overlap_with_rules: float = MAX_OVERLAP_WITH_RULES,
        extend_to_clause_end: bool = EXTEND_TO_CLAUSE_END,
    ) -> None:
        self.min_open, self.min_inside, self.min_cue = min_open, min_inside, min_cue
        self.extend_to_clause_end = extend_to_clause_end
        self.min_confidence, self.max_overlap_with_rules = min_confidence, max_overlap_with_rules
        from spacy.util import load_config, load_model_from_config

        # the artifact holds the config and the tagger's weights only (no vocab strings, no tokenizer)
        nlp = load_model_from_config(load_config(Path(path) / "config.cfg"), auto_fill=True, validate=False)
        tagger = nlp.get_pipe("tagger")
        tagger.from_disk(Path(path) / "tagger", exclude=["vocab"])
        self.model = tagger.model
        self.labels = tuple(tagger.labels)
        index = {label: number for number, label in enumerate(self.labels)}
        self._open = [index["B"]]
        self._inside = [index[label] for label in ("B", "I", "IQ") if label in index]
        self._cue = [index[label] for label in ("Q", "IQ") if label in index]
        self.path = Path(path)

    # ------------------------------------------------------------ scores

    def probabilities(self, doc) -> numpy.ndarray:
        """(tokens, labels) probabilities of one parsed document."""
        return self.probabilities_many([doc])[0]

    def probabilities_many(self, docs: list) -> list[numpy.ndarray]:
        """``probabilities`` of several documents from one ``predict`` call (the extractor passes each
        parse batch). Each document's scores are the same numbers as from a call of its own: the
        tagger's window encoder pads between documents, and the normalisation is per document."""
        results: list[numpy.ndarray | None] = [None] * len(docs)
        filled = [number for number, doc in enumerate(docs) if len(doc)]
        scores = self.model.predict([docs[number] for number in filled]) if filled else []
        for number, doc_scores in zip(filled, scores, strict=True):
            results[number] = _normalised(numpy.asarray(doc_scores, dtype="f"))
        empty = numpy.zeros((0, len(self.labels)), dtype="f")
        return [empty if result is None else result for result in results]

    def propose(
        self, context: DocumentContext, convention: Convention, probabilities: numpy.ndarray | None = None
    ) -> list[ProposedSpan]:
        """Content spans with their cue, before any comparison with the rules (``probabilities``:
        the document's scores when already computed, e.g. by ``probabilities_many``)."""
        doc = context.doc
        if probabilities is None:
            probabilities = self.probabilities(doc)
        if not len(probabilities):
            return []
        opens = probabilities[:, self._open].sum(axis=1)
        inside = probabilities[:, self._inside].sum(axis=1)
        cue_scores = probabilities[:, self._cue].sum(axis=1)
        is_cue = cue_scores >= self.min_cue
        proposals = []
        for start in numpy.flatnonzero(opens >= self.min_open).tolist():
            paragraph = context.paragraph_of(doc[start].idx)
            end = start + 1
            while (
                end < len(doc)
                and inside[end] >= self.min_inside
                and not is_cue[end]
                and context.paragraph_of(doc[end].idx) == paragraph
            ):
                end += 1
            # the confidence is the model's, on the tokens it decoded (not on an extension)
            confidence = float(numpy.sqrt(opens[start] * inside[start:end].mean()))
            if self.extend_to_clause_end:
                end = clause_end(context, start, end, is_cue)
            first, last = trim_tokens(doc, start, end, keep_marker=convention.content_keeps_complementizer)
            if last - first < MIN_TOKENS:
                continue
            if confidence < self.min_confidence:
                continue
            cue = _cue_for(context, first, last, is_cue)
            if cue is None:
                continue
            proposals.append(ProposedSpan(first, last, cue, _cue_phrase(doc, cue, is_cue), confidence))
        return proposals

    # ------------------------------------------------------------ combination with the rules

    def find(
        self,
        context: DocumentContext,
        convention: Convention,
        rules: list[Attribution],
        probabilities: numpy.ndarray | None = None,
    ) -> list[Attribution]:
        """Learned attributions the rules did not find (rules keep priority), best first kept."""
        doc, text = context.doc, context.text
        taken_cues = {a.cue.i for a in rules if a.cue is not None}
        taken = [_char_ranges(a.spans) for a in rules]
        added: list[Attribution] = []
        for proposal in sorted(self.propose(context, convention, probabilities), key=lambda p: -p.confidence):
            if proposal.cue is not None and proposal.cue.i in taken_cues:
                continue
            char_start = doc[proposal.start].idx
            char_end = doc[proposal.end - 1].idx + len(doc[proposal.end - 1].text)
            if any(_overlap(char_start, char_end, other) > self.max_overlap_with_rules for other in taken):
                continue
            speaker = speaker_token_for_learned_cue(context, proposal.cue)
            if speaker is None or proposal.start <= speaker.i < proposal.end:
                continue
            # a quoted phrase inside the clause makes it a mixed quote where those are annotated;
            # elsewhere (newsdesk) the phrase is a quote of its own and the clause stays reported
            quoted = [q for q in context.quotes if char_start <= q.start and q.end <= char_end]
            if not convention.mixed_quotes:
                quoted, direct = [], False
            elif convention.direct_needs_double_marks:
                direct = any(text[q.start] in _DOUBLE_MARKS for q in quoted)
            else:
                direct = bool(quoted)
            added.append(
                Attribution(
                    [(char_start, char_end)],
                    direct,
                    cue=proposal.cue,
                    cue_text=proposal.cue_text,
                    speaker_token=speaker,
                    paragraph=context.paragraph_of(char_start),
                    quoted=quoted,
                    method=METHOD_LEARNED,
                    confidence=round(proposal.confidence, 3),
                )
            )
            taken.append([(char_start, char_end)])
            taken_cues.add(proposal.cue.i)
        return added


def clause_end(context: DocumentContext, start: int, end: int, is_cue: numpy.ndarray) -> int:
    """The end (exclusive) of the decoded span ``[start, end)`` moved right to the end of its clause.

    The clause is the subtree of the span's content head: the span token highest in the parse (or,
    when that hangs from a verb after the span that is not a cue, that verb). The end moves right
    over its subtree and stops before: the end of the sentence or the paragraph, a quote mark,
    closing punctuation (brackets, ';', ':', dashes, '.', '!', '?'), a cue word (the model's, or a
    reporting verb of the rules' lexicon), and a clause hanging from the head that holds a cue of
    its own ('..., and the mayor said ...'). A span already ending at such a mark, or holding a
    quoted phrase (a mixed quote: its marks set its bounds), stays as it is. It never moves left;
    the trailing coordinator before a stop ('and', 'but') is left out."""
    doc = context.doc
    if end <= start or end >= len(doc) or doc[end - 1].text in _EXTENSION_STOPS:
        return end  # a span that already ends at a quote mark or closing punctuation stays
    if any(context.in_quote[i] >= 0 for i in range(start, end)):
        return end  # a clause holding a quoted phrase is a mixed quote: its quote marks set its bounds
    head = _content_head(doc, start, end)
    if head is None:
        return end
    if (
        head.pos_ not in ("VERB", "AUX")
        and head.head.i >= end
        and head.head.pos_ in ("VERB", "AUX")
        and not is_cue[head.head.i]
        and not is_cue_token(head.head)
    ):
        head = head.head  # 'that the pier | could collapse ...': the clause is the verb's after the span
    limit = min(head.right_edge.i + 1, sentence_of(doc[end - 1]).end)
    if limit <= end:
        return end
    paragraph = context.paragraph_of(doc[start].idx)
    quote = context.in_quote[start]
    cued_branches: dict[int, bool] = {}
    stop = end
    while stop < limit:
        token = doc[stop]
        if (
            token.text in _EXTENSION_STOPS
            or "\n" in token.text
            or is_cue[stop]
            or is_cue_token(token)
            or context.in_quote[stop] != quote
            or context.paragraph_of(token.idx) != paragraph
        ):
            break
        branch = _branch_under(token, head)
        if branch is not None and branch.dep_ in _CLAUSE_DEPS:
            if branch.i not in cued_branches:
                cued_branches[branch.i] = any(
                    is_cue[i] or is_cue_token(doc[i]) for i in range(branch.left_edge.i, branch.right_edge.i + 1)
                )
            if cued_branches[branch.i]:
                break
        stop += 1
    while stop > end and (doc[stop - 1].dep_ == "cc" or doc[stop - 1].is_punct or doc[stop - 1].is_space):
        stop -= 1
    return stop


def _content_head(doc, start: int, end: int) -> Token | None:
    """The span token highest in the parse (fewest steps to the root; on a tie a verb, else the first)."""
    best, best_key = None, None
    for i in range(start, end):
        token, depth = doc[i], 0
        while token.head.i != token.i and depth <= len(doc):
            token, depth = token.head, depth + 1
        key = (depth, doc[i].pos_ not in ("VERB", "AUX"))
        if best_key is None or key < best_key:
            best, best_key = doc[i], key
    return best


def _branch_under(token: Token, head: Token) -> Token | None:
    """The child of ``head`` whose subtree holds ``token`` (None for ``head`` itself or outside it)."""
    child = token
    while child.head.i != child.i:
        if child.head.i == head.i:
            return child
        child = child.head
    return None


def _normalised(scores: numpy.ndarray) -> numpy.ndarray:
    """Row-normalised probabilities: the tagger may return unnormalised scores at inference."""
    if not numpy.allclose(scores.sum(axis=1), 1.0, atol=1e-3) or (scores < 0).any():
        scores = numpy.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
    return scores


def _char_ranges(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return list(spans)


def _overlap(start: int, end: int, others: list[tuple[int, int]]) -> float:
    """Characters shared with ``others`` over the longer of the two (the scorer's rule, on characters)."""
    shared = sum(max(0, min(end, b) - max(start, a)) for a, b in others)
    if not shared:
        return 0.0
    other_length = sum(b - a for a, b in others)
    return shared / max(end - start, other_length)


def _cue_for(context: DocumentContext, start: int, end: int, is_cue: numpy.ndarray) -> Token | None:
    """The cue of a content span: nearest cue word of its sentence before it, else after it, else the
    word its clause hangs from."""
    doc = context.doc
    sentence = sentence_of(doc[start])
    last_sentence = sentence_of(doc[end - 1])
    for position in range(start - 1, sentence.start - 1, -1):
        if is_cue[position] and context.in_quote[position] < 0:
            return _cue_head(doc, position, is_cue)
    for position in range(end, last_sentence.end):
        if is_cue[position] and context.in_quote[position] < 0:
            return _cue_head(doc, position, is_cue)
    root = next((doc[i] for i in range(start, end) if not (start <= doc[i].head.i < end)), None)
    if root is not None and root.head.i != root.i and root.head.pos_ in _CUE_POS:
        return root.head
    return None


def _cue_head(doc, position: int, is_cue: numpy.ndarray) -> Token:
    """In a run of cue words ('told reporters', 'according to'), the verb or noun that heads it."""
    first = position
    while first > 0 and is_cue[first - 1]:
        first -= 1
    last = position
    while last + 1 < len(doc) and is_cue[last + 1]:
        last += 1
    run = [doc[i] for i in range(first, last + 1)]
    return next((t for t in run if t.lower_ == "according"), None) or next(
        (t for t in run if t.pos_ in _CUE_POS), doc[position]
    )


def _cue_phrase(doc, cue: Token, is_cue: numpy.ndarray) -> str:
    first = last = cue.i
    if is_cue[cue.i]:
        while first > 0 and is_cue[first - 1]:
            first -= 1
        while last + 1 < len(doc) and is_cue[last + 1]:
            last += 1
    return doc[first : last + 1].text


def speaker_token_for_learned_cue(context: DocumentContext, cue: Token | None) -> Token | None:
    """Who a cue's content belongs to, from the parse (verb: subject; noun: possessor, agent, or the
    subject of the verb the noun is the object of)."""
    if cue is None:
        return None
    if cue.lower_ == "according":
        return according_to_source(cue)
    if cue.pos_ in ("VERB", "AUX"):
        return speaker_token_for_cue(context, cue)
    if cue.text == ":":
        # a headline 'Roe: The plan has failed'
        before = cue.doc[cue.i - 1] if cue.i > 0 else None
        if before is not None and before.pos_ in ("PROPN", "NOUN", "PRON") and context.in_quote[before.i] < 0:
            return before
        return None
    if cue.pos_ == "ADP" and cue.head.pos_ in ("VERB", "AUX"):
        # 'asked about the plan', 'spoke of a plot': the verb the preposition hangs from speaks
        return speaker_token_for_cue(context, cue.head)
    if cue.pos_ not in ("NOUN", "PROPN"):
        return None
    possessor = next((c for c in cue.children if c.dep_ == "poss"), None)
    if possessor is not None:
        return possessor
    for child in cue.children:
        if child.dep_ == "prep" and child.lower_ in _AGENT_PREPOSITIONS:
            agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            if agent is not None and agent.pos_ in ("PROPN", "NOUN", "PRON") and not names_a_time(agent):
                return agent
    head = cue.head
    if cue.dep_ in ("dobj", "attr", "nsubjpass", "pobj") and head.pos_ in ("VERB", "AUX"):
        if cue.dep_ == "pobj" and head.head.pos_ in ("VERB", "AUX"):
            head = head.head
        subject = nearest_subject(head)
        if subject is not None and context.in_quote[subject.i] < 0 and not names_a_time(subject):
            return subject
    return None


_finders: dict[str, ReportedSpeechFinder | None] = {}
_finders_lock = threading.Lock()


def learned_spans_enabled() -> bool:
    return os.environ.get(ENABLE_ENV_VARIABLE, "1").strip().lower() not in ("0", "false", "no", "off", "")


def get_finder(path: str | Path | None = None) -> ReportedSpeechFinder | None:
    """One finder per process and artifact; None when the artifact is missing."""
    path = path or os.environ.get(MODEL_ENV_VARIABLE) or ARTIFACT
    key = str(path)
    with _finders_lock:
        if key not in _finders:
            _finders[key] = ReportedSpeechFinder(path) if (Path(path) / "config.cfg").exists() else None
        return _finders[key]
