"""The people of one article: who is named, under which names, and who has been quoted.

Built once from the parse (``PeopleRegistry(context)``); afterwards it changes only through
``register``, which the extractor calls with each resolved speaker, in text order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from .context import DocumentContext
from .lexicon import LEADER_TITLES, ORGANISATION_WORDS, TITLE_FORMS, TITLE_WORDS
from .names import (
    clean_name_tokens,
    gender_of,
    is_known_first_name,
    looks_like_name,
    name_like_spans,
    noun_phrase_bounds,
    role_before,
    single_token_entity,
    titles_before,
    unlikely_person,
)
from .results import DESCRIPTION, GROUP, ORGANISATION, PERSON
from .sentences import proper_noun_positions


@dataclass
class PersonEntry:
    """A person seen in the article, keyed by its fullest name."""

    name: str
    surname: str
    role: str = ""
    gender: str = ""  # "m", "f" or "" when unknown
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Registration:
    """What recording one resolved speaker adds to the registry."""

    name: str  # canonical name of the person
    alias: str = ""  # surface form to add to the person's aliases
    role: str = ""  # kept when the person has no role yet
    new_surname: str = ""  # set: a person the NER missed, added under this surname
    speaker_position: int | None = None  # token that named a quoted person (an antecedent for "he")


@dataclass(frozen=True)
class ResolvedSpeaker:
    name: str  # canonical name (key of Extraction.speakers)
    mention: str  # the words as written nearest the quote
    role: str
    is_person: bool
    confidence: float
    # what recording this speaker adds (people only): its own entry, then aliases learned on the way
    # (a pronoun standing for the same person earlier in a chain of pronouns)
    registrations: tuple[Registration, ...] = ()
    kind: str = PERSON  # results.SPEAKER_KINDS


def nominal_kind(head: Token, named_organisation: bool) -> str:
    """Kind of a speaker that is no registered person: 'the network', 'CNN' -> organisation;
    'officials', 'Republicans' -> group; 'a senior official' -> description."""
    if named_organisation or head.lower_ in ORGANISATION_WORDS:
        return ORGANISATION
    if head.tag_ in ("NNS", "NNPS"):
        return GROUP
    return ORGANISATION if head.pos_ == "PROPN" else DESCRIPTION


class PeopleRegistry:
    """People named in one document, their surnames and mentions, and the speakers recorded so far."""

    def __init__(self, context: DocumentContext) -> None:
        self.context = context
        self.doc = context.doc
        doc = context.doc
        # Doc.ents rebuilds its spans on every access: read it once
        self.entities: list[Span] = list(doc.ents) if doc.has_annotation("ENT_IOB") else name_like_spans(doc)
        # names inside quotes are rarely antecedents
        self.in_quote = context.in_quote
        # token positions of subjects already recorded as speakers
        self.speaker_positions: set[int] = set()
        self.people: dict[str, PersonEntry] = {}
        # (token index, canonical name) of every person mention, in order
        self.person_mentions: list[tuple[int, str]] = []
        self.surname_index: dict[str, list[str]] = {}
        self._collect_people()

    def register(self, registration: Registration) -> None:
        """Record a resolved speaker: a new person, a first role, an alias, a quoted subject."""
        name = registration.name
        if registration.new_surname:
            self.people[name] = PersonEntry(name, registration.new_surname)
            self.surname_index.setdefault(registration.new_surname, []).append(name)
        entry = self.people[name]
        if registration.role and not entry.role:
            entry.role = registration.role
        if registration.alias:
            entry.aliases.add(registration.alias)
        if registration.speaker_position is not None:
            self.speaker_positions.add(registration.speaker_position)

    def _collect_people(self) -> None:
        entities = [ent for ent in self.entities if ent.label_ == "PERSON" and looks_like_name(ent)]
        # register fuller names first so surnames can link to them
        for ent in sorted(entities, key=lambda e: -len(e)):
            titles, tokens = clean_name_tokens(list(ent))
            # 'Mr.' may stand outside the span ('Mr.' + 'Roe'): it still tells the gender
            gendered_titles = titles_before(ent) + titles
            if not tokens or (not titles and unlikely_person(tokens)):
                continue
            surface = " ".join(t.text for t in tokens)
            surname = tokens[-1].lower_
            canonical = self.canonical_for(tokens, ent.start, _title_gender(gendered_titles))
            if canonical is None:
                canonical = surface
                self.people[canonical] = PersonEntry(
                    name=canonical,
                    surname=surname,
                    gender=gender_of(tokens[0].text if len(tokens) > 1 else "", gendered_titles),
                )
                self.surname_index.setdefault(surname, []).append(canonical)
            entry = self.people[canonical]
            entry.aliases.add(surface)
            if not entry.role:
                entry.role = role_before(ent, titles)
            if not entry.gender:
                entry.gender = gender_of(tokens[0].text if len(tokens) > 1 else "", gendered_titles)
        for ent in entities:
            titles, tokens = clean_name_tokens(list(ent))
            if tokens:
                canonical = self.canonical_for(tokens, ent.start, _title_gender(titles_before(ent) + titles))
                if canonical:
                    self.person_mentions.append((tokens[-1].i, canonical))
        # names the NER missed as subjects ("Fiorina said", tagged ORG) become people too
        covered = {index for index, _name in self.person_mentions}
        proper_nouns = [self.doc[i] for i in proper_noun_positions(self.doc)]
        for token in proper_nouns:
            if (
                token.dep_ == "nsubj"
                and token.pos_ == "PROPN"
                and token.i not in covered
                and token.lower_ not in self.surname_index
                and token.text[:1].isupper()
                and token.is_alpha
                and token.ent_type_ in ("", "PERSON", "ORG")
                and self.in_quote[token.i] < 0
            ):
                name_tokens = [
                    t
                    for t in self.doc[noun_phrase_bounds(token)[0] : token.i + 1]
                    if t.pos_ == "PROPN" and t.lower_ not in TITLE_WORDS and t.is_alpha
                ]
                # an ORG tag is trusted unless the words start with a known first name ("Helena Brandt")
                looks_personal = (
                    token.ent_type_ != "ORG"
                    or single_token_entity(token)
                    or (len(name_tokens) > 1 and is_known_first_name(name_tokens[0].text))
                )
                noun_phrase = self.doc[noun_phrase_bounds(token)[0] : token.i + 1]
                if any(word.lower_ in ORGANISATION_WORDS for word in noun_phrase):
                    continue
                looks_personal = looks_personal and not unlikely_person(name_tokens)
                if name_tokens and name_tokens[-1].i == token.i and looks_personal:
                    canonical = " ".join(t.text for t in name_tokens)
                    if canonical not in self.people:
                        first = name_tokens[0].text if len(name_tokens) > 1 else ""
                        self.people[canonical] = PersonEntry(canonical, token.lower_, gender=gender_of(first, []))
                        self.surname_index.setdefault(token.lower_, []).append(canonical)
        # surnames the NER missed ("Zelenskyy said") still count as mentions
        for token in proper_nouns:
            if token.pos_ == "PROPN" and token.i not in covered and token.lower_ in self.surname_index:
                if token.ent_type_ in ("", "PERSON", "NORP", "ORG", "GPE") and token.dep_ != "compound":
                    canonical = self.canonical_for([token], token.i)
                    if canonical:
                        self.person_mentions.append((token.i, canonical))
        self.person_mentions.sort()

    def canonical_for(self, tokens: list[Token], position: int, gender: str = "") -> str | None:
        """The person a name refers to: 'Walter Brennan' is 'Walter P. Brennan'; of several people
        sharing a surname, one of the gender a title tells ('Mr. Brennan'), then the one named last."""
        surname = tokens[-1].lower_
        candidates = self.surname_index.get(surname, [])
        words = {t.lower_ for t in tokens}
        matching = [c for c in candidates if words <= {w.lower() for w in c.split()}]
        if not matching:
            return None
        if len(matching) > 1 and gender:
            matching = [c for c in matching if self.people[c].gender == gender] or matching
        if len(matching) == 1:
            return matching[0]
        # several people share the surname: the one named most recently before this mention
        best, best_position = matching[0], -1
        for index, name in self.person_mentions:
            if name in matching and index < position and index > best_position:
                best, best_position = name, index
        return best

    def person_with_first_name(self, word: str) -> str | None:
        """The one person named in full whose first name is ``word`` ('Dana' -> 'Dana Roe'); None
        when nobody or more than one person has it."""
        lower = word.lower()
        matching = [
            name for name in self.people if " " in name and name.split()[0].lower() == lower
        ]
        return matching[0] if len(matching) == 1 else None

    def person_titled(self, title: str, modifiers: list[str], position: int) -> str | None:
        """The person last mentioned before ``position`` whose role carries ``title`` and every one of
        ``modifiers`` ('the governor' after 'Gov. Chris Roe', 'the foreign minister' after 'Foreign
        Minister Ann Roe', 'the Estonian leader' after 'Estonian President Ann Roe', never 'the French
        president' after 'President Roe'); None when nobody named before does."""
        titles = LEADER_TITLES if title == "leader" else {TITLE_FORMS.get(title, title)}
        wanted = {TITLE_FORMS.get(word, word) for word in modifiers}
        holder = None
        for index, name in self.person_mentions:
            if index >= position:
                break
            role_words = {TITLE_FORMS.get(w, w) for w in self.people[name].role.lower().split()}
            if self.in_quote[index] < 0 and wanted <= role_words and role_words & titles:
                holder = name
        return holder

    def person_for_span(self, start: int, end: int) -> tuple[str, list[Token]] | None:
        """Canonical person named inside token range [start, end), with the title tokens before it.
        A possessor is not the person the phrase names: "Clinton's campaign manager Robby Mook" is
        Mook, and "Trump's spokesman" is nobody named."""
        for ent in self.entities:
            if ent.label_ == "PERSON" and ent.start < end and ent.end > start and ent.root.dep_ != "poss":
                titles, tokens = clean_name_tokens(list(ent))
                if not tokens:
                    continue
                canonical = self.canonical_for(tokens, ent.start, _title_gender(titles_before(ent) + titles))
                if canonical:
                    return canonical, titles
        return None


def _title_gender(titles: list[Token]) -> str:
    """'m' or 'f' when a title before a name tells it ('Mr.', 'Ms.'), else ''."""
    return gender_of("", titles)
