"""Cue words and the helpers every layout shares: is a token a speech cue, who is its subject,
and the trimming of a token range to the words it reports."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from .context import DocumentContext
from .lexicon import CUE_FORMS, SUBJECT_DEPS
from .subjects import ADDRESSEE_CUE_FORMS, according_to_source, names_a_time, subject_of_cue

# complementizers opening a reported clause
COMPLEMENT_MARKERS = {"that", "whether", "if"}

SHORT_UNCUED_WORDS = 4  # uncued quotes shorter than this are scare quotes, not speech

EMBEDDED_MAX_WORDS = 15  # longer uncued quotes are passages, not phrases inside a clause

# Children that make a VBN-tagged word a finite verb: 'has said', or 'Trump tweeted' mis-tagged as
# a participle; without them it is a reduced relative ('the plan announced Monday').
_FINITE_VBN_DEPS = ("aux", "nsubj")

# 'She went on: "…"', '"…," Trump went on': the phrasal verb 'go on' reports more speech.
_GO_FORMS = frozenset({"go", "goes", "went", "going", "gone"})


def is_cue_token(token: Token) -> bool:
    if token.lower_ in _GO_FORMS and token.pos_ == "VERB":
        return any(child.dep_ == "prt" and child.lower_ == "on" for child in token.children)
    if token.lower_ not in CUE_FORMS or token.pos_ not in ("VERB", "AUX"):
        return False
    return token.tag_ != "VBN" or any(child.dep_ in _FINITE_VBN_DEPS for child in token.children)


def is_negated(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


_NOBODY = frozenset({"none", "nobody", "neither"})


def said_by_nobody(cue: Token) -> bool:
    """'None of them would say …', 'No official would say …', 'Nobody knows …': the cue's subject is nobody."""
    return any(
        child.dep_ in SUBJECT_DEPS
        and (child.lower_ in _NOBODY or any(c.dep_ == "det" and c.lower_ == "no" for c in child.children))
        for child in cue.children
    )


def count_words(text: str) -> int:
    return sum(1 for part in text.split() if any(ch.isalnum() for ch in part))


def has_own_content(context: DocumentContext, cue: Token) -> bool:
    return any(child.dep_ == "ccomp" and context.in_quote[child.i] < 0 for child in cue.children)


_NP_TOKEN_POS = ("PROPN", "NOUN", "ADJ", "DET", "NUM")


def _surface_speaker(context: DocumentContext, cue: Token) -> Token | None:
    """When the parse gives a cue no usable subject, take the noun phrase right after or before it."""
    doc, in_quote = cue.doc, context.in_quote
    position = cue.i + 1
    while position < len(doc) and doc[position].text == ",":
        position += 1
    inverted = cue.lower_ not in ADDRESSEE_CUE_FORMS
    # 'said retired neurosurgeon Jane Roe': the noun phrase may open with an adjective
    if (
        inverted
        and position < len(doc)
        and in_quote[position] < 0
        and doc[position].pos_ in ("PROPN", "NOUN", "DET", "ADJ")
    ):
        head = None
        while position < len(doc) and doc[position].pos_ in _NP_TOKEN_POS and in_quote[position] < 0:
            if doc[position].pos_ in ("PROPN", "NOUN"):
                head = doc[position]
            position += 1
        if head is not None:
            return head
    position = cue.i - 1
    while (
        position >= 0
        and in_quote[position] < 0
        and (doc[position].is_punct and doc[position].text in ",)" or doc[position].pos_ in ("ADV", "AUX", "PART"))
    ):
        if doc[position].text == ")":
            while position > 0 and doc[position].text != "(":
                position -= 1
        position -= 1
    if position >= 0 and in_quote[position] < 0 and doc[position].pos_ in ("PROPN", "NOUN", "PRON"):
        return doc[position]
    return None


def speaker_token_for_cue(context: DocumentContext, cue: Token) -> Token | None:
    """Subject of a cue from the parse, else from the surface; never a word inside a quote."""
    if cue.lower_ == "according":
        return according_to_source(cue)
    subject = subject_of_cue(cue)
    if subject is not None and context.in_quote[subject.i] < 0 and not names_a_time(subject):
        return subject
    speaker = _surface_speaker(context, cue)
    return None if speaker is None or names_a_time(speaker) else speaker


def trim_tokens(doc: Doc, start: int, end: int, keep_marker: bool = False) -> tuple[int, int]:
    """Strip edge punctuation and spaces; the complementizer ('that', 'whether') too unless ``keep_marker``."""
    while start < end and (
        doc[start].is_punct
        and doc[start].text not in "\"“‘'"
        or doc[start].is_space
        or (not keep_marker and doc[start].lower_ in COMPLEMENT_MARKERS and doc[start].dep_ == "mark")
    ):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct and doc[end - 1].text not in "\"”’'"):
        end -= 1
    return start, end


_OBJECT_DEPS = {"dobj", "oprd", "xcomp", "prep", "attr", "acomp", "dative", "advcl", "npadvmod", "pobj"}


def governed_quote_range(context: DocumentContext, cue: Token) -> tuple[int, int] | None:
    """Right-hand objects of a cue (up to the one holding a quote), when some object holds a quote."""
    in_quote = context.in_quote
    rights = [c for c in cue.rights if c.dep_ in _OBJECT_DEPS]
    holding = next((c for c in rights if any(in_quote[i] >= 0 for i in range(c.left_edge.i, c.right_edge.i + 1))), None)
    if holding is None or not rights or is_cue_token(holding):
        return None  # 'praised X, calling it "…"': the quote is the inner cue's
    # 'told the crowd simply, "…"': the listener is not what is said
    leading = [c for c in rights if c.i < holding.i and not is_listener(cue, c)]
    return (leading[0] if leading else holding).left_edge.i, holding.right_edge.i + 1


def is_listener(cue: Token, child: Token) -> bool:
    """'the crowd' in 'told the crowd …' or 'gave reporters …'."""
    return child.dep_ == "dative" or (child.dep_ == "dobj" and cue.lower_ in ADDRESSEE_CUE_FORMS)
