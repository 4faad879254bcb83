"""Names in a parse: person-like spans, titles split from names, roles written before a name,
the gender a title or first name tells, and the bounds of a noun phrase."""

from __future__ import annotations

import json
import os
from functools import lru_cache

import gender_guesser.detector
from spacy.tokens import Doc, Span, Token

from .lexicon import (
    CUE_FORMS,
    FEMALE_TITLES,
    HONORIFICS,
    MALE_TITLES,
    ORGANISATION_WORDS,
    PERSON_NOUNS,
    PERSON_TITLE_WORDS,
    SUBJECT_DEPS,
    TITLE_WORDS,
)
from .places import PLACE_NAMES
from .sentences import proper_noun_positions

# Dependents that belong to a noun phrase's left side ("Russian Foreign Minister Sergey Lavrov").
_NP_LEFT_DEPS = {"compound", "amod", "det", "poss", "nmod", "nummod", "case", "punct", "flat", "quantmod", "advmod"}


@lru_cache(maxsize=1)
def first_name_genders() -> dict[str, str]:
    """First name -> "m"/"f", learned from PolNeAR train by build_gender_lexicon.py (may be absent)."""
    path = os.path.join(os.path.dirname(__file__), "data", "first_name_gender.json")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def clean_name_tokens(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split leading titles off a PERSON span and drop trailing possessives."""
    titles: list[Token] = []
    while tokens and tokens[0].lower_ in TITLE_WORDS and len(tokens) > 1:
        titles.append(tokens[0])
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct):
        tokens = tokens[:-1]
    return titles, tokens


def looks_like_name(ent: Span) -> bool:
    """Filter NER slips such as "U.S.-Russia" or "Kyiv’s" tagged PERSON."""
    for token in ent:
        text = token.text
        if any(ch.isdigit() for ch in text):
            return False
        if "." in text and len(text) > 3 and text.lower() not in TITLE_WORDS:
            return False
        if "-" in text and text[-1:].isupper():
            return False
    return any(token.text[:1].isupper() for token in ent)


def name_like_spans(doc: Doc) -> list[Span]:
    """PERSON-like spans from the parse alone, for pipelines run without NER.

    A run of capitalised proper nouns counts as a name when it starts with a known
    first name or follows a person title ("Sen. Ray Oduya"); a lone capitalised
    proper noun counts when it is the subject of a cue verb ("Oduya said").
    """
    spans: list[Span] = []
    length = len(doc)
    resume_at = 0
    for position in proper_noun_positions(doc):
        if position < resume_at:
            continue
        token = doc[position]
        if not (token.text[:1].isupper() and token.is_alpha):
            continue
        end = position
        while (
            end < length
            and doc[end].pos_ == "PROPN"
            and doc[end].text[:1].isupper()
            and (doc[end].is_alpha or (len(doc[end].text) == 2 and doc[end].text.endswith(".")))
        ):
            end += 1
        resume_at = end
        start = position
        while start < end and doc[start].lower_ in TITLE_WORDS:
            start += 1
        words = doc[start:end]
        titled = start > position or (position > 0 and doc[position - 1].lower_ in PERSON_TITLE_WORDS)
        institutional = any(word.lower_ in ORGANISATION_WORDS for word in words)
        cue_subject = words[-1].dep_ == "nsubj" and words[-1].head.lower_ in CUE_FORMS if len(words) else False
        if institutional or not len(words):
            pass
        elif len(words) >= 2 and (
            titled
            or is_known_first_name(words[0].text)
            or cue_subject
            or _names_a_described_person(words)
            or _full_name_as_subject(words)
            or _full_name_described_after(words)
        ):
            spans.append(Span(doc, start, end, label="PERSON"))
        elif len(words) == 1 and (titled or cue_subject or _first_name_of_a_described_person(words)):
            spans.append(Span(doc, start, end, label="PERSON"))
    return spans


# Endings of plural proper nouns that name groups ("Republicans", "Democrats", "Islamists"), not
# surnames that happen to end in -s ("Sanders", "Mills").
_GROUP_SUFFIXES = ("ans", "crats", "ists", "ites", "ese")


def unlikely_person(name_tokens: list[Token]) -> bool:
    """A proper-noun run that names a place, a group or an acronym: 'Britain', 'Republicans', 'CNN'.

    Without NER such subjects look like people; registering them would make them
    antecedents for "he" and "she".
    """
    words = [t for t in name_tokens if not t.is_punct]
    if not words:
        return True
    if " ".join(t.lower_ for t in words) in PLACE_NAMES:
        return True
    last = words[-1]
    if len(words) == 1 and last.tag_ == "NNPS" and last.lower_.endswith(_GROUP_SUFFIXES):
        return True
    return all(t.text.isupper() for t in words)


def titles_before(span: Span) -> list[Token]:
    """Title words written just before a name span that does not hold them ('Mr.' in 'Mr. Roe')."""
    doc = span.doc
    start = span.start
    while start > 0 and doc[start - 1].lower_ in TITLE_WORDS:
        start -= 1
    return list(doc[start : span.start])


def has_person_title(tokens) -> bool:
    """'Mayor Helena Brandt', 'Sen. Ray Oduya': a title before the name marks a person whatever the NER says."""
    return any(t.lower_ in PERSON_TITLE_WORDS for t in tokens)


def single_token_entity(token: Token) -> bool:
    """A lone capitalised word tagged as an entity ("Fiorina"), not part of "The Foreign Ministry"."""
    doc = token.doc
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return (
        token.ent_iob_ == "B"
        and (following is None or following.ent_iob_ != "I")
        and not token.text.isupper()
        and not (token.i > 0 and doc[token.i - 1].pos_ == "PROPN")
    )


def role_before(ent: Span, titles: list[Token]) -> str:
    """Title words written before a name: "Russian Foreign Minister" in "Russian Foreign Minister Sergey Lavrov"."""
    start, _end = noun_phrase_bounds(ent.root)
    words = [t for t in ent.doc[start : ent.start] if t.dep_ not in ("det", "poss", "case") and not t.is_punct]
    if words and words[0].tag_ == "POS":
        words = words[1:]
    words = [t for t in words + titles if t.lower_ not in HONORIFICS]  # 'Mr.' addresses, it is no role
    if not words or any(t.ent_type_ == "PERSON" for t in words):
        return ""
    return " ".join(t.text for t in words)


def gender_of(first_word: str, titles: list[Token]) -> str:
    for title in titles:
        if title.lower_ in MALE_TITLES:
            return "m"
        if title.lower_ in FEMALE_TITLES:
            return "f"
    # the names resource knows far more names; the lexicon learned from PolNeAR train fills in the
    # rest (names it records only as "mostly" one gender are left to it: dev scores lower with them)
    return _resource_gender(first_word) or first_name_genders().get(first_word.lower(), "")


@lru_cache(maxsize=1)
def _names_resource() -> gender_guesser.detector.Detector:
    return gender_guesser.detector.Detector(case_sensitive=False)


_RESOURCE_GENDERS = {"male": "m", "female": "f"}


def load_resources() -> None:
    """Read the names resource and the learned lexicon now (about a second), not at the first name."""
    _names_resource()
    first_name_genders()


@lru_cache(maxsize=4096)
def _resource_gender(first_word: str) -> str:
    return _RESOURCE_GENDERS.get(_names_resource().get_gender(first_word), "") if first_word else ""


def name_closing_the_phrase(head: Token) -> Token | None:
    """'A lawmaker on the committee of the parliament, Ann Roe, said': a name set off by commas that
    closes a common noun's phrase names that noun, wherever the parse hangs it (from the last noun
    of the noun's modifiers, or from the noun as a modifier of its own), if only prepositional
    modifiers lie between (not 'a lawmaker who met the minister, Ann Roe,')."""
    doc = head.doc
    last = head.right_edge.i
    while last > head.i and doc[last].is_punct:
        last -= 1
    name = doc[last]
    if head.pos_ != "NOUN" or name.pos_ != "PROPN" or name.dep_ not in ("appos", "npadvmod"):
        return None
    link = name.head
    while link != head:
        if link.dep_ not in ("pobj", "prep"):
            return None
        link = link.head
    opening, closing = noun_phrase_bounds(name)[0] - 1, last + 1
    if not (opening > head.i and doc[opening].text == "," and closing < len(doc) and doc[closing].text == ","):
        return None
    return None if unlikely_person(list(doc[opening + 1 : last + 1])) else name  # a place: 'in Newtown, Connecticut,'


def opening_participle(verb: Token) -> Token | None:
    """The participle opening the verb's sentence ('Speaking to CNN, …', 'Writing on X, …') when
    the verb has no other subject."""
    opener = next(
        (c for c in verb.lefts if c.tag_ in ("VBG", "VBN") and c.dep_ in ("advcl", *SUBJECT_DEPS)), None
    )
    if opener is None or not opener.left_edge.is_sent_start:
        return None
    if any(c.dep_ in SUBJECT_DEPS and c != opener for c in verb.children):
        return None
    return opener


def name_after_opening_participle(verb: Token) -> Token | None:
    """'Speaking to CNN, Ann Roe, a senator, said …': the parse hangs the name from the
    participle's object ('CNN') and leaves the verb without a subject; the name set off by commas is it."""
    opener = opening_participle(verb)
    if opener is None:
        return None
    doc = verb.doc
    for link in opener.children:
        objects = [link] if link.dep_ == "dobj" else [c for c in link.children if c.dep_ == "pobj"]
        for obj in objects:
            for name in obj.rights:
                if name.dep_ != "appos" or name.pos_ != "PROPN" or name.i > verb.i:
                    continue
                start = noun_phrase_bounds(name)[0]
                if doc[start - 1].text == "," and not unlikely_person(list(doc[start : name.i + 1])):
                    return name
    return None


def subject_a_name_closes(token: Token) -> Token | None:
    """The subject whose phrase the name closes (name_closing_the_phrase), if any."""
    if token.dep_ not in ("appos", "npadvmod"):
        return None
    subject = next((a for a in token.ancestors if a.dep_ in SUBJECT_DEPS), None)
    return subject if subject is not None and name_closing_the_phrase(subject) == token else None


def named_subject(token: Token) -> Token | None:
    """The subject a name stands in apposition to: 'Her deputy, Mykola Savchuk, was blunt', the
    longer subject phrase it closes, or the participle opening a sentence it speaks in."""
    if token.dep_ == "appos" and token.head.dep_ in SUBJECT_DEPS:
        return token.head
    return participle_a_name_speaks_in(token) or subject_a_name_closes(token)


def participle_a_name_speaks_in(token: Token) -> Token | None:
    """The opening participle of the sentence whose verb the name is the subject of
    (name_after_opening_participle), if any."""
    if token.dep_ != "appos":
        return None
    opener = next((a for a in token.ancestors if a.tag_ in ("VBG", "VBN")), None)
    return opener if opener is not None and name_after_opening_participle(opener.head) == token else None


def _names_a_described_person(words: Span) -> bool:
    """'Her deputy, Mykola Savchuk,': a full name in apposition to a common noun names that person.

    Opening with a first name the names resource knows, any such name; else (names the resource
    has not seen: 'Halyna Tkachenko') a two- or three-word name beside a singular noun, set off
    by commas, that is no place."""
    last = words[-1]
    if not (
        last.dep_ == "appos"
        and last.head.pos_ == "NOUN"
        or subject_a_name_closes(last) is not None
        or participle_a_name_speaks_in(last) is not None
    ):
        return False
    if _resource_gender(words[0].text) != "":
        return True
    doc = words.doc
    set_off = words.start > 0 and doc[words.start - 1].text == "," and words.start - 1 > last.head.i
    return (
        set_off
        and 2 <= len(words) <= 3
        and last.head.tag_ == "NN"
        and all(word.is_alpha and word.text[:1].isupper() and not word.text.isupper() for word in words)
        and not unlikely_person(list(words))
    )


def _full_name_as_subject(words: Span) -> bool:
    """'Pedro Alves spoke briefly': a first name the names resource knows and a surname, as the
    subject of a clause, name a person (the learned lexicon has not seen every first name)."""
    return len(words) == 2 and words[-1].dep_ in ("nsubj", "nsubjpass") and _resource_gender(words[0].text) != ""


def _full_name_described_after(words: Span) -> bool:
    """'According to Marta Nowak, a spokeswoman for …': a first name the names resource knows and a
    surname, with a person noun in apposition after them, name a person."""
    last = words[-1]
    return (
        2 <= len(words) <= 3
        and _resource_gender(words[0].text) != ""
        and any(child.dep_ == "appos" and child.lower_ in PERSON_NOUNS | TITLE_WORDS for child in last.rights)
    )


def _first_name_of_a_described_person(words: Span) -> bool:
    """'Her husband, Marek, runs a bakery': a lone first name the names resource knows, in
    apposition to a possessed common noun, names that person (not a place: 'her home state, Georgia')."""
    word = words[0]
    head = word.head
    return (
        word.dep_ == "appos"
        and word.tag_ == "NNP"
        and head.pos_ == "NOUN"
        and head.tag_ == "NN"
        and any(child.dep_ == "poss" for child in head.children)
        and _resource_gender(word.text) != ""
        and not unlikely_person([word])
    )


def is_known_first_name(word: str) -> bool:
    """A word the learned lexicon has seen as a first name: a run of proper nouns opening with one is a name.

    Only the learned lexicon decides this: the names resource also holds words that open
    other proper-noun runs ('Will', 'Grant'), and with it PolNeAR dev scores lower.
    """
    return bool(first_name_genders().get(word.lower()))


def noun_phrase_bounds(head: Token) -> tuple[int, int]:
    """Token range [start, end) of the noun phrase headed by ``head`` (no appositions or clauses)."""
    start = head.i
    for child in reversed(list(head.lefts)):
        if (
            child.dep_ in _NP_LEFT_DEPS
            and child.i == start - 1
            or (child.dep_ in _NP_LEFT_DEPS and child.left_edge.i < start and child.right_edge.i == start - 1)
        ):
            start = child.left_edge.i
        else:
            break
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in ("flat", "compound") and child.i == end:
            end = child.i + 1
        else:
            break
    doc = head.doc
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return start, end
