"""Speaker resolution: from the token that names a speaker to a canonical speaker.

``SpeakerResolver.resolve`` is pure: it reads the document's people registry and returns the
speaker with what recording it would add (``ResolvedSpeaker.registration``); ``register``
records it. The extractor registers each quote's speaker right after resolving it, in text
order, so what a later quote reads (a person the NER missed, the speakers quoted so far,
which "he" may continue) is fixed by the order of the quotes in the article alone.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from .context import DocumentContext
from .lexicon import (
    DESCRIPTION_TITLES,
    DOCUMENT_NOUNS,
    FEMALE_PRONOUNS,
    HONORIFICS,
    MALE_PRONOUNS,
    ORGANISATION_WORDS,
    PERSON_NOUNS,
    PLURAL_PRONOUNS,
    RELATIVE_PRONOUNS,
    SUBJECT_DEPS,
    TITLE_WORDS,
)
from .names import gender_of, has_person_title, name_closing_the_phrase, noun_phrase_bounds, unlikely_person
from .pronouns import CONFIDENCE_NOMINAL, ORG_LABELS, PronounResolver
from .registry import PeopleRegistry, Registration, ResolvedSpeaker, nominal_kind
from .results import ORGANISATION
from .sentences import sentence_of
from .subjects import closed_apposition, issued_document, subject_of_cue

# Nouns naming a poll: a share of its respondents ("61 percent of voters said") speaks through it
_POLL_WORDS = frozenset({"poll", "polls", "survey", "surveys"})
# "a spokesman for X", "the senator from Y", "officials in Z": prepositions whose object names a nominal speaker
_NOMINAL_PREPOSITIONS = frozenset({"for", "of", "from", "at", "with", "in"})
_NOMINAL_MAX_TOKENS = 12
CONFIDENCE_NAME = 0.9
CONFIDENCE_SURNAME = 0.85


class SpeakerResolver:
    """Resolves the speaker tokens of one document to canonical speakers."""

    def __init__(self, context: DocumentContext, descriptions_resolve: bool = True) -> None:
        """``descriptions_resolve``: 'the minister' is the person the article titled so, 'the
        statement' whoever put it out."""
        self.context = context
        self.descriptions_resolve = descriptions_resolve
        self.doc = context.doc
        self.in_quote = context.in_quote
        self.registry = PeopleRegistry(context)
        self.pronouns = PronounResolver(self.registry)

    @property
    def people(self):
        return self.registry.people

    def register(self, speaker: ResolvedSpeaker | None) -> None:
        """Record a resolved speaker in the registry (a no-op for groups and nominals)."""
        for registration in speaker.registrations if speaker is not None else ():
            self.registry.register(registration)

    def resolve(self, head: Token) -> ResolvedSpeaker | None:
        """Canonical speaker for a subject head token."""
        lower = head.lower_
        if lower in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            antecedent = head.head.head
            # "Roe released an ad that urges …": whoever issued the document speaks
            issuer = subject_of_cue(antecedent.head) if issued_document(antecedent) else None
            return self.resolve(issuer if issuer is not None else antecedent)
        if lower in MALE_PRONOUNS or lower in FEMALE_PRONOUNS:
            return self.pronouns.resolve(head, "m" if lower in MALE_PRONOUNS else "f")
        if lower in PLURAL_PRONOUNS:
            return self.pronouns.resolve_plural(head)
        if lower in ("i", "me", "you", "it", "this", "that", "these", "those", "which", "what", "who"):
            return None
        if lower in ("percent", "%"):
            # 'In a new poll, 75 percent of voters said …': the poll reports what its share says
            poll = next(
                (t for t in sentence_of(head) if t.lower_ in _POLL_WORDS and t.i < head.i and self.in_quote[t.i] < 0),
                None,
            )
            if poll is not None:
                bounds = noun_phrase_bounds(poll)
                text = self.doc[bounds[0] : bounds[1]].text
                return ResolvedSpeaker(text, text, "", False, CONFIDENCE_NOMINAL, kind=ORGANISATION)
        start, end = noun_phrase_bounds(head)
        # apposition: "Yuri Ushakov, Putin's adviser," / "the spokesman, John Smith,"
        appositions = [child for child in head.rights if child.dep_ == "appos"]
        person = self.registry.person_for_span(start, end)
        role_tokens: list[Token] = []
        if person is None:
            for appos in appositions:
                a_start, a_end = noun_phrase_bounds(appos)
                person = self.registry.person_for_span(a_start, a_end)
                if person:
                    role_tokens = list(self.doc[start:end])
                    appositions = []
                    break
        if person is None and head.pos_ in ("NOUN", "NUM"):
            # 'With days to go until the election, Jane Roe, an adviser, said': a name in apposition
            # to a common noun names the speaker (the parse makes the noun the subject)
            beside = list(appositions)
            closing = name_closing_the_phrase(head)
            if closing is not None:
                beside.append(closing)
            if head.pos_ == "NUM":  # 'One of the men, Jessie Roe, 70,': the name may hang from 'men'
                groups = [group for of in head.rights if of.lower_ == "of" for group in of.children]
                beside += [a for group in groups for a in group.rights if a.dep_ == "appos"]
            named = next((a for a in beside if a.pos_ == "PROPN" and a.i > head.i), None)
            resolved = (self._person_known_as(named) or self.resolve(named)) if named is not None else None
            if resolved is not None and resolved.is_person:
                return resolved
        if person is None and surname_tagged_as_noun(head, self.registry):
            # 'Pedro Alves spoke … “…,” Alves said' with 'Alves' tagged a plural noun: still him
            canonical = self.registry.canonical_for([head], head.i, gender_of("", list(self.doc[start : head.i])))
            if canonical is not None:
                person = (canonical, [t for t in self.doc[start : head.i] if t.lower_ in TITLE_WORDS])
        new_surname = ""
        if person is None and head.pos_ == "PROPN":
            # NER labels of lone surnames are unreliable ("Zelenskyy said" tagged ORG): trust the registry
            canonical = self.registry.canonical_for([head], head.i, gender_of("", list(self.doc[start : head.i])))
            personal = head.ent_type_ in ("", "PERSON") or has_person_title(self.doc[start : head.i])
            personal = personal and not any(word.lower_ in ORGANISATION_WORDS for word in self.doc[start:end])
            if canonical is None and personal and head.text[:1].isupper():
                # a name the NER missed: registering it lets later surnames and pronouns find it
                name_tokens = [t for t in self.doc[start:end] if t.pos_ == "PROPN" and t.lower_ not in TITLE_WORDS]
                if name_tokens and (has_person_title(self.doc[start:end]) or not unlikely_person(name_tokens)):
                    canonical = " ".join(t.text for t in name_tokens)
                    new_surname = name_tokens[-1].lower_
            if canonical is not None:
                person = (canonical, [t for t in self.doc[start : head.i] if t.lower_ in TITLE_WORDS])
        mention_text = self.doc[start:end].text
        if person is not None:
            canonical, titles = person
            if not role_tokens:
                name_start = min(t.i for t in titles) if titles else None
                ent_first = next(
                    (
                        e.start
                        for e in self.registry.entities
                        if e.label_ == "PERSON" and e.start < end and e.end > start
                    ),
                    start,
                )
                role_tokens = [
                    t for t in self.doc[start : name_start if name_start is not None else ent_first] if t.dep_ != "det"
                ] + titles
            # 'Mr.', 'Ms.', 'Dr.' address a person; they are no role
            role = " ".join(t.text for t in role_tokens if t.lower_ not in HONORIFICS).strip(" ,")
            appositions = [a for a in appositions if a.pos_ != "NUM"]  # "Ishuk, 47, said": an age
            if not role and appositions:
                a_start = appositions[0].left_edge.i
                a_end = appositions[0].right_edge.i + 1
                role = self.doc[a_start:a_end].text.strip(" ,")
            confidence = CONFIDENCE_NAME if " " in mention_text else CONFIDENCE_SURNAME
            registration = Registration(
                canonical, alias=mention_text, role=role, new_surname=new_surname, speaker_position=head.i
            )
            return ResolvedSpeaker(canonical, mention_text, role, True, confidence, (registration,))
        if head.pos_ == "PRON":
            return None
        if head.dep_ == "appos" and head.head.pos_ == "PROPN" and closed_apposition(head):
            # 'McConnell, now the majority leader, who said …': the nominal stands beside a name
            named = self.resolve(head.head)
            if named is not None and named.is_person:
                return named
        named_within = name_given_in_description(head)
        if named_within is not None:
            # 'a corporal who asked to be identified only by his call sign, Falcon': the name speaks;
            # a first name the article gave in full before ('Dana Roe … only by her first name, Dana') is that person
            resolved = (
                self._person_known_as(named_within)
                or self._person_by_first_name(named_within)
                or self.resolve(named_within)
            )
            if resolved is not None and resolved.is_person:
                # the description is the person's role, unless the article gave one already
                described = Registration(resolved.name, role=mention_text.strip())
                return replace(resolved, registrations=(*resolved.registrations, described))
        described = (
            (self._person_titled(head) or self._issuer_of(head) or self._described_before(head))
            if self.descriptions_resolve
            else None
        )
        if described is not None:
            return described
        org = next(
            (e for e in self.registry.entities if e.label_ in ORG_LABELS and e.start < end and e.end > start), None
        )
        is_person = org is None and head.lower_ in PERSON_NOUNS
        # "a spokesman for the campaign", "the senator from Vermont": the modifier says who it is
        name = self._nominal_name(head, start, end) or mention_text.strip()
        if not name:
            return None
        kind = nominal_kind(head, org is not None)
        return ResolvedSpeaker(name, mention_text, "", is_person, CONFIDENCE_NOMINAL, kind=kind)

    def _person_titled(self, head: Token) -> ResolvedSpeaker | None:
        """'the minister', 'the former governor': the person the article named with that title before."""
        if head.pos_ != "NOUN" or head.lower_ not in DESCRIPTION_TITLES:
            return None
        if not _definite(head):
            return None
        modifiers = [child.lower_ for child in head.lefts if child.dep_ in ("amod", "compound", "nmod")]
        canonical = self.registry.person_titled(head.lower_, modifiers, head.i)
        if canonical is None:
            return None
        mention = self.doc[noun_phrase_bounds(head)[0] : head.i + 1].text
        # a description is no name to find the person by: not an alias
        registration = Registration(canonical, speaker_position=head.i)
        entry = self.registry.people[canonical]
        return ResolvedSpeaker(canonical, mention, entry.role, True, CONFIDENCE_NOMINAL, (registration,))

    def _issuer_of(self, head: Token) -> ResolvedSpeaker | None:
        """'the statement', 'the letter': whoever the article said put one out before ('Roe said in a
        statement', 'Roe issued a statement'), as that speaker resolves."""
        if head.lower_ not in DOCUMENT_NOUNS or not _definite(head):
            return None
        for earlier in reversed(self.doc[: head.i]):
            if earlier.lower_ != head.lower_ or self.in_quote[earlier.i] >= 0:
                continue
            if issued_document(earlier):
                issuer = subject_of_cue(earlier.head)
            elif earlier.dep_ == "pobj" and earlier.head.lower_ == "in" and earlier.head.head.pos_ == "VERB":
                issuer = subject_of_cue(earlier.head.head)
            else:
                continue
            if issuer is None or issuer.i == head.i or issuer.lower_ in DOCUMENT_NOUNS:
                return None
            resolved = self.resolve(issuer)
            if resolved is None:
                return None
            return replace(resolved, mention=self.doc[noun_phrase_bounds(head)[0] : head.i + 1].text)
        return None

    def _described_before(self, head: Token) -> ResolvedSpeaker | None:
        """'The official added …' after 'An official familiar with the talks said …': the unnamed
        speaker the article introduced with that noun, as that introduction resolves."""
        if head.pos_ != "NOUN" or head.tag_ != "NN" or head.lower_ not in PERSON_NOUNS | DESCRIPTION_TITLES:
            return None
        if not _definite(head):
            return None
        for earlier in reversed(self.doc[: head.i]):
            if earlier.lower_ != head.lower_ or self.in_quote[earlier.i] >= 0 or _definite(earlier):
                continue
            if earlier.dep_ not in SUBJECT_DEPS or subject_of_cue(earlier.head) != earlier:
                continue
            resolved = self.resolve(earlier)
            if resolved is None:
                return None
            return replace(resolved, mention=self.doc[noun_phrase_bounds(head)[0] : head.i + 1].text)
        return None

    def _person_known_as(self, token: Token) -> ResolvedSpeaker | None:
        """The person the article says goes by the name ``token`` elsewhere: the word hangs from
        that person's mention there ('Sgt. Ivan Roe, who goes by the call sign Falcon,')."""
        mentions = dict(self.registry.person_mentions)
        for other in self.doc:
            if other.i == token.i or other.text != token.text or self.in_quote[other.i] >= 0:
                continue
            if not _given_as_a_name(other):
                continue
            canonical = next((mentions[a.i] for a in other.ancestors if a.i in mentions), None)
            if canonical is not None and canonical != token.text:
                registration = Registration(canonical, alias=token.text, speaker_position=token.i)
                return ResolvedSpeaker(canonical, token.text, "", True, CONFIDENCE_SURNAME, (registration,))
        return None

    def _person_by_first_name(self, token: Token) -> ResolvedSpeaker | None:
        """The one person of the article whose first name is the lone name ``token``; None when
        none or several have it (a first name alone never picks between two people)."""
        canonical = self.registry.person_with_first_name(token.text)
        if canonical is None:
            return None
        registration = Registration(canonical, alias=token.text, speaker_position=token.i)
        return ResolvedSpeaker(canonical, token.text, "", True, CONFIDENCE_SURNAME, (registration,))

    def _nominal_name(self, head: Token, start: int, end: int) -> str:
        """A common-noun speaker with its identifying modifier: 'for/of/from/at X' or a nominal apposition."""
        doc = self.doc
        last = end
        for child in head.rights:
            if child.i < end:
                continue
            if child.dep_ == "prep" and child.lower_ in _NOMINAL_PREPOSITIONS:
                candidate = child.right_edge.i + 1
            elif child.dep_ == "appos" and child.pos_ in ("NOUN", "PROPN"):
                candidate = child.right_edge.i + 1
            else:
                break
            if candidate - start > _NOMINAL_MAX_TOKENS and child.dep_ == "prep":
                # 'officials at the Port Agency, a division of …': the named object without its own apposition
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                candidate = noun_phrase_bounds(pobj)[1] if pobj is not None else candidate
            span = range(last, candidate)
            if candidate - start > _NOMINAL_MAX_TOKENS or any(
                self.in_quote[i] >= 0 or doc[i].dep_ in ("relcl", "acl") for i in span
            ):
                break
            last = candidate
        if last == end:
            return ""
        return doc[start:last].text.strip(" ,")


def _definite(head: Token) -> bool:
    """'the minister', 'the statement': a noun phrase that points back to something named before."""
    return any(child.dep_ == "det" and child.lower_ == "the" for child in head.lefts)


def surname_tagged_as_noun(head: Token, registry: PeopleRegistry) -> bool:
    """A capitalised common noun inside a sentence that is the surname of a person the article
    named: the tagger's slip ('Alves' as a plural noun), not a description."""
    return (
        head.pos_ == "NOUN"
        and head.text[:1].isupper()
        and not head.is_sent_start
        and head.i > 0
        and head.doc[head.i - 1].text[:1] not in ".!?"
        and head.lower_ in registry.surname_index
    )


# Nouns that introduce the name a described person goes by ('only his surname, Petrov')
NAME_NOUNS = frozenset({"name", "names", "surname", "nickname", "sign", "alias", "pseudonym", "moniker", "handle"})


_NAMING_VERBS = frozenset({"nicknamed", "dubbed", "called", "named"})
_GOING_BY = frozenset({"known", "goes", "go", "going", "went"})


def _given_as_a_name(token: Token) -> bool:
    """'the call sign Viking', 'known as Viking', 'nicknamed Viking': the word is a name someone goes by."""
    head = token.head
    if token.dep_ in ("appos", "compound", "pobj", "dobj") and head.lower_ in NAME_NOUNS:
        return True
    if head.lower_ == "as" and head.head.lower_ in _GOING_BY:
        return True
    return head.lower_ in _NAMING_VERBS and token.dep_ in ("oprd", "xcomp", "dobj", "attr")


def name_given_in_description(head: Token) -> Token | None:
    """The name a description gives its person in a relative clause, if any:
    'a corporal who asked to be identified only by his call sign, Falcon' (the clause ends in a
    name in apposition), 'a miner who asked that only his surname, Petrov, be used' (a name in
    apposition to a name noun inside the clause), 'a miner who gave his name as Ivan Petrov'."""
    if head.pos_ != "NOUN":
        return None
    clause = next((child for child in head.rights if child.dep_ == "relcl"), None)
    if clause is None:
        return None
    last = clause.right_edge
    doc = head.doc
    while last.i > clause.i and last.is_punct:
        last = doc[last.i - 1]
    if last.pos_ == "PROPN" and last.dep_ == "appos" and last.head.pos_ == "NOUN":
        return last
    if last.lower_ in NAME_NOUNS:
        # '… by his call sign, Viking.' with the name parsed outside the clause: the words after the comma
        after = last.i + 1
        if after + 1 < len(doc) and doc[after].text == "," and doc[after + 1].pos_ == "PROPN":
            end = after + 1
            while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN":
                end += 1
            return doc[end]
    for token in clause.subtree:
        if token.pos_ != "PROPN" or token.i <= clause.i:
            continue
        if token.dep_ == "appos" and token.head.lower_ in NAME_NOUNS:
            return token
        if (
            token.dep_ == "pobj"
            and token.head.lower_ == "as"
            and any(c.dep_ == "dobj" and c.lower_ in NAME_NOUNS for c in token.head.head.children)
        ):
            return token
    return None
