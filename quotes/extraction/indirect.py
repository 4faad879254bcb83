"""Reported speech: a cue word in the parse, the clause it reports, and the token naming its speaker."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .candidates import Attribution
from .context import DocumentContext
from .conventions import Convention
from .cues import governed_quote_range, is_cue_token, is_negated, said_by_nobody, speaker_token_for_cue, trim_tokens
from .lexicon import CUE_FORMS, INFINITIVE_CUES, OBJECT_FORMS, SUBJECT_DEPS
from .sentences import positions_of_words, sentence_of
from .subjects import according_to_source, subject_of_cue

# Words that can open an indirect attribution: only these tokens are examined.
_INDIRECT_TRIGGERS = frozenset(CUE_FORMS) | frozenset(OBJECT_FORMS) | {"according"}

# Adverbial clauses after a comma that leave the reported content ("…, although he did not say when").
_DETACHED_ADVCL_MARKERS = {"although", "though", "while", "as", "after", "before", "when", "since", "even"}


def _complement_range(complement: Token) -> tuple[int, int]:
    """Token range of a reported clause, without detached trailing adverbials or 'according to'."""
    end = complement.right_edge.i + 1
    for child in complement.rights:
        detached = child.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lower_ in _DETACHED_ADVCL_MARKERS for c in child.children
        )
        according = child.dep_ == "prep" and child.lower_ == "according"
        if detached or according:
            cut = child.left_edge.i
            previous = complement.doc[cut - 1] if cut > 0 else None
            if according or (previous is not None and previous.text == ","):
                end = min(end, cut)
    return complement.left_edge.i, end


def _split_coordinated(complement: Token, start: int, end: int) -> list[tuple[int, int]]:
    """'said that A and that B' -> two contents."""
    for child in complement.rights:
        if (
            child.dep_ == "conj"
            and child.i < end
            and any(c.dep_ in ("mark", "nsubj", "nsubjpass") for c in child.children)
        ):
            cc_start = child.left_edge.i
            previous = cc_start - 1
            while previous > start and complement.doc[previous].dep_ in ("cc", "punct"):
                previous -= 1
            return [(start, previous + 1), (cc_start, min(end, child.right_edge.i + 1))]
    return [(start, end)]


def _clause_before_comma(doc: Doc, noun: Token) -> tuple[int, int] | None:
    """For '<clause>, <noun phrase> <cue>' the clause right before the comma."""
    start, _end = noun.left_edge.i, noun.i
    comma = start - 1
    if comma <= sentence_of(noun).start or doc[comma].text != ",":
        return None
    anchor = doc[comma - 1]
    clause_head = next((t for t in [anchor, *anchor.ancestors] if t.pos_ in ("VERB", "AUX")), None)
    if clause_head is None:
        return None
    return max(clause_head.left_edge.i, sentence_of(noun).start), comma


def _sentence_has_cue(context: DocumentContext, sentence: Span, besides: Token) -> bool:
    return any(
        token.i != besides.i
        and context.in_quote[token.i] < 0
        and is_cue_token(token)
        and not is_negated(token)
        and subject_of_cue(token) is not None
        for token in sentence
    )


def _within_paragraph(context: DocumentContext, cue: Token, start: int, end: int) -> tuple[int, int]:
    """Reported content stays in its cue's paragraph (the parser may run a sentence over a break)."""
    paragraph = context.paragraph_of(cue.idx)
    doc = context.doc
    while start < end and context.paragraph_of(doc[start].idx) < paragraph:
        start += 1
    while end > start and context.paragraph_of(doc[end - 1].idx) > paragraph:
        end -= 1
    return start, end


# ---------------------------------------------------------------- the finders


@dataclass(frozen=True)
class Reported:
    """What a cue reports: token ranges of the content, the token naming the speaker, the cue as written."""

    ranges: list[tuple[int, int]]
    speaker: Token
    cue_text: str


def _longest(*ranges: tuple[int, int]) -> tuple[int, int]:
    return max(ranges, key=lambda r: r[1] - r[0])


def according_to(context: DocumentContext, convention: Convention, token: Token) -> Reported | None:
    """'According to Y, the plan failed': the rest of the sentence is Y's (unless a cue there has its own subject)."""
    if token.lower_ != "according":
        return None
    speaker = according_to_source(token)
    sentence = sentence_of(token)
    if speaker is None or _sentence_has_cue(context, sentence, token):
        return None  # "X said …, according to Y": X is the speaker
    before = (sentence.start, token.left_edge.i)
    after = (token.right_edge.i + 1, sentence.end)
    return Reported([_longest(before, after)], speaker, "according to")


# The content of a reporting verb; each returns token ranges, [] for "this is it, but nothing to
# report", or None when it does not apply. Tried in order.


def clausal_complement(context: DocumentContext, convention: Convention, cue: Token) -> list[tuple[int, int]] | None:
    """'said (that) the plan failed', 'vowed to fight'."""
    complement = next((c for c in cue.children if c.dep_ == "ccomp"), None)
    if complement is None and CUE_FORMS.get(cue.lower_) in INFINITIVE_CUES:
        complement = next((c for c in cue.children if c.dep_ == "xcomp"), None)
    if complement is None:
        return None
    start, end = _complement_range(complement)
    if start <= cue.i < end:
        return []
    return _split_coordinated(complement, start, end) if convention.split_coordinated_content else [(start, end)]


def quoted_object(context: DocumentContext, convention: Convention, cue: Token) -> list[tuple[int, int]] | None:
    """'calls her "a fascist"', 'accused X of "overreach"': the object carrying a quote (a mixed quote)."""
    if not convention.mixed_quotes:
        return None
    governed = governed_quote_range(context, cue)
    return [governed] if governed is not None else None


def parataxis_host(context: DocumentContext, convention: Convention, cue: Token) -> list[tuple[int, int]] | None:
    """'The plan, she said, has failed': the clause the cue interrupts."""
    if not (cue.dep_ == "parataxis" and cue.head.pos_ in ("VERB", "AUX") and cue.lower_ not in OBJECT_FORMS):
        return None
    head = cue.head
    return [_longest((head.left_edge.i, cue.left_edge.i), (cue.right_edge.i + 1, head.right_edge.i + 1))]


def clause_before_relative(
    context: DocumentContext, convention: Convention, cue: Token
) -> list[tuple[int, int]] | None:
    """'…, a spokesman confirmed.' misparsed as a reduced relative clause: the clause before the comma.
    A relative clause with a subject of its own ('Roe, a diplomat who advises the bank, said') is none."""
    if not (cue.dep_ in ("acl", "relcl") and cue.head.pos_ in ("NOUN", "PROPN")):
        return None
    if any(child.dep_ in SUBJECT_DEPS for child in cue.children):
        return []
    clause = _clause_before_comma(context.doc, cue.head)
    return [clause] if clause is not None else []


REPORTED_CONTENT_FINDERS = (clausal_complement, quoted_object, parataxis_host, clause_before_relative)


# 'asked to be identified only by …', 'asked that his name not be used': a source's terms, no speech
_REQUEST_FORMS = frozenset({"ask", "asks", "asked", "asking", "request", "requests", "requested", "requesting"})
_NAMING_PARTICIPLES = frozenset(
    {"identified", "named", "used", "quoted", "published", "printed", "disclosed", "withheld", "mentioned"}
)


def asks_about_own_name(cue: Token) -> bool:
    """'a nurse who asked to be identified only by her first name': a request about how the speaker
    is named, not something reported."""
    if cue.lower_ not in _REQUEST_FORMS:
        return False
    return any(
        child.dep_ in ("xcomp", "ccomp")
        and child.lower_ in _NAMING_PARTICIPLES
        and any(c.dep_ == "auxpass" for c in child.children)
        for child in cue.children
    )


def reporting_verb(context: DocumentContext, convention: Convention, token: Token) -> Reported | None:
    """A speech or cognition verb and what it reports, said by its subject."""
    if not (is_cue_token(token) and not is_negated(token)) or asks_about_own_name(token):
        return None
    if not convention.nobody_reports and said_by_nobody(token):
        return None
    ranges = next(
        (r for finder in REPORTED_CONTENT_FINDERS if (r := finder(context, convention, token)) is not None), None
    )
    if not ranges:
        return None
    speaker = subject_of_cue(token)
    # '"…," Roe said on "Fox and Friends."': a quoted title the parser made the subject says nothing
    if speaker is None or context.in_quote[speaker.i] >= 0 or any(start <= speaker.i < end for start, end in ranges):
        return None
    return Reported(ranges, speaker, token.text)


def evaluating_verb(context: DocumentContext, convention: Convention, token: Token) -> Reported | None:
    """'praised the deal', 'denied the report': an evaluation whose object is the attributed content
    (a verb that also reports speech is read by reporting_verb alone)."""
    if token.pos_ != "VERB" or is_negated(token) or token.lower_ not in OBJECT_FORMS or is_cue_token(token):
        return None
    if not convention.nobody_reports and said_by_nobody(token):
        return None
    complement = next((c for c in token.children if c.dep_ in ("dobj", "ccomp")), None)
    speaker = speaker_token_for_cue(context, token) if complement is not None else None
    if complement is None or speaker is None or speaker.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    start, end = _complement_range(complement)
    if start <= token.i < end or start <= speaker.i < end:
        return None
    return Reported([(start, end)], speaker, token.text)


# Each claims its own kind of trigger word; the first that reports something wins.
INDIRECT_FINDERS = (according_to, reporting_verb, evaluating_verb)


def find_indirect_speech(context: DocumentContext, convention: Convention) -> list[Attribution]:
    doc = context.doc
    attributions: list[Attribution] = []
    for position in positions_of_words(doc, _INDIRECT_TRIGGERS):
        if context.in_quote[position] >= 0:
            continue
        token = doc[position]
        reported = next(
            (r for finder in INDIRECT_FINDERS if (r := finder(context, convention, token)) is not None), None
        )
        if reported is None:
            continue
        for start, end in reported.ranges:
            start, end = _within_paragraph(context, token, start, end)
            start, end = trim_tokens(doc, start, end, keep_marker=convention.content_keeps_complementizer)
            if end - start < 2:
                continue
            char_start = doc[start].idx
            char_end = doc[end - 1].idx + len(doc[end - 1].text)
            attributions.append(
                Attribution(
                    [(char_start, char_end)],
                    False,
                    cue=token,
                    cue_text=reported.cue_text,
                    speaker_token=reported.speaker,
                    paragraph=context.paragraph_of(char_start),
                )
            )
    return attributions
