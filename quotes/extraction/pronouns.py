"""Pronouns: "he" and "she" to the person they stand for, "they" to a group.

Reads the registry (people, their mentions, the speakers recorded so far) and never changes it.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from .lexicon import CUE_FORMS, FEMALE_PRONOUNS, MALE_PRONOUNS, SUBJECT_DEPS
from .names import named_subject, noun_phrase_bounds
from .registry import PeopleRegistry, Registration, ResolvedSpeaker, nominal_kind
from .sentences import sentence_of

ORG_LABELS = {"ORG", "NORP", "GPE", "FAC", "PRODUCT", "WORK_OF_ART"}
# how many sentences back a subject beats a nearer non-subject mention as antecedent
_SUBJECT_LOOKBACK_SENTENCES = 2
# an earlier speaker in the previous sentence beats any other subject as antecedent (PolNeAR train: 1 > 2 > 4)
_SPEAKER_LOOKBACK_SENTENCES = 1
CONFIDENCE_PRONOUN = 0.7
CONFIDENCE_NOMINAL = 0.5


class PronounResolver:
    def __init__(self, registry: PeopleRegistry) -> None:
        self.registry = registry
        self.doc = registry.doc
        self.in_quote = registry.in_quote

    def resolve(self, pronoun: Token, gender: str, visiting: frozenset[int] = frozenset()) -> ResolvedSpeaker | None:
        """Most recent compatible person, sentence by sentence backwards; subjects first."""
        doc = self.doc
        # the pronoun's own sentence comes last ('"Kyiv regards …," he said': Kyiv is not "he"), except for
        # an earlier speaker in it ('Stevens says, but she cautions …') or the subject of a clause the
        # pronoun's clause hangs from ('Roe was talking about taxes when he told …')
        own_sentence = sentence_of(pronoun)
        mentions = self._compatible_mentions(own_sentence, pronoun, gender)
        governing = [
            (index, name)
            for index, name in mentions
            if doc[index].dep_ in SUBJECT_DEPS and doc[index].head.is_ancestor(pronoun)
        ]
        own_speakers = [
            (index, name)
            for index, name in mentions
            if index in self.registry.speaker_positions
            or doc[index].head.lower_ in CUE_FORMS
            and doc[index].dep_ in SUBJECT_DEPS
        ]
        # 'Roe said Poe was right when he said …': the subject of the reported clause, after the speaker
        last_speaker = max(own_speakers, default=(-1,))[0]
        reported = [m for m in governing if doc[m[0]].head.dep_ == "ccomp" and m[0] > last_speaker]
        chosen = reported or own_speakers or governing
        if chosen:
            return self._pronoun_result(chosen[-1][1], pronoun)
        sentences = []
        sentence = own_sentence
        while len(sentences) < 40 and sentence.start > 0:
            sentence = sentence_of(doc[sentence.start - 1])
            sentences.append(sentence)
        sentences.append(own_sentence)
        # the person quoted just before usually goes on talking ('"…," Roe said. […] "…," she added.')
        for sentence in sentences[:_SPEAKER_LOOKBACK_SENTENCES]:
            mentions = self._compatible_mentions(sentence, pronoun, gender)
            speakers = [
                m for m in mentions if m[0] in self.registry.speaker_positions and _in_main_clause(doc[m[0]])
            ]
            if speakers:
                return self._pronoun_result(speakers[-1][1], pronoun)
        fallback: str | None = None
        for distance, sentence in enumerate(sentences):
            in_sentence = self._compatible_mentions(sentence, pronoun, gender)
            subjects = [m for m in in_sentence if _is_subject(doc[m[0]]) or m[0] in self.registry.speaker_positions]
            # 'Roe arrived. He met Poe. […] "…," he said': with no named subject, a same-gender
            # subject pronoun stands for the person it resolves to
            chained = None
            if not subjects and sentence.start != own_sentence.start:
                chained = self._chained_pronoun(sentence, pronoun, gender, -1, visiting | {pronoun.i})
            if chained is not None:
                return self._pronoun_result(chained.name, pronoun, chained.registrations)
            if subjects:
                # 'Roe, a delegate, urged Poe to focus on …': the main clause's subject beats one inside it
                main = [m for m in subjects if _in_main_clause(doc[m[0]])]
                return self._pronoun_result((main or subjects)[-1][1], pronoun)
            if in_sentence and fallback is None:
                fallback = in_sentence[-1][1]
            if fallback is not None and distance >= _SUBJECT_LOOKBACK_SENTENCES:
                break
        return self._pronoun_result(fallback, pronoun) if fallback else None

    def _chained_pronoun(
        self, sentence: Span, pronoun: Token, gender: str, after: int, visiting: frozenset[int]
    ) -> ResolvedSpeaker | None:
        """Person a same-gender subject pronoun in ``sentence`` (after ``after``, before ``pronoun``) stands for."""
        pronouns = MALE_PRONOUNS if gender == "m" else FEMALE_PRONOUNS
        for index in range(min(pronoun.i, sentence.end) - 1, max(after, sentence.start - 1), -1):
            token = self.doc[index]
            if token.lower_ in pronouns and token.dep_ in SUBJECT_DEPS and self.in_quote[index] < 0:
                if index in visiting:
                    return None  # a chain back to a pronoun being resolved
                return self.resolve(token, gender, visiting)
        return None

    def _compatible_mentions(self, sentence: Span, pronoun: Token, gender: str) -> list[tuple[int, str]]:
        """Person mentions in ``sentence`` before the pronoun, outside quotes, of a compatible gender."""
        doc = self.doc
        mentions = []
        for index, name in self.registry.person_mentions:
            if not (sentence.start <= index < sentence.end and index < pronoun.i):
                continue
            if self.in_quote[index] >= 0 or doc[index].dep_ in ("compound", "poss"):
                continue
            entry = self.registry.people[name]
            if entry.gender and entry.gender != gender:
                # "Trump" may be Donald as well as Ivanka: try a namesake of the right gender
                namesakes = [
                    other
                    for other in self.registry.surname_index.get(entry.surname, [])
                    if self.registry.people[other].gender in ("", gender)
                ]
                if not namesakes:
                    continue
                name = namesakes[0]
            mentions.append((index, name))
        return mentions

    def _pronoun_result(self, name: str, pronoun: Token, learned: tuple[Registration, ...] = ()) -> ResolvedSpeaker:
        entry = self.registry.people[name]
        registrations = (Registration(name, alias=pronoun.text), *learned)
        return ResolvedSpeaker(name, pronoun.text, entry.role, True, CONFIDENCE_PRONOUN, registrations)

    def resolve_plural(self, pronoun: Token) -> ResolvedSpeaker | None:
        """'they' -> the most recent plural subject or organisation in the last two sentences."""
        sentence = sentence_of(pronoun)
        earliest = sentence.start
        previous = sentence.start - 1
        if previous >= 0:
            earliest = sentence_of(self.doc[previous]).start
        for index in range(pronoun.i - 1, earliest - 1, -1):
            token = self.doc[index]
            if (
                token.dep_ in SUBJECT_DEPS
                and token.pos_ in ("NOUN", "PROPN")
                and (token.tag_ in ("NNS", "NNPS") or token.ent_type_ in ORG_LABELS)
            ):
                start, end = noun_phrase_bounds(token)
                text = self.doc[start:end].text
                kind = nominal_kind(token, token.ent_type_ in ORG_LABELS)
                return ResolvedSpeaker(text, pronoun.text, "", False, CONFIDENCE_NOMINAL, kind=kind)
        return None


def _in_main_clause(token: Token) -> bool:
    """The token's clause is its sentence's main clause (or one joined to it by 'and')."""
    subject = named_subject(token)
    verb = subject.head if subject is not None else token.head.head if token.dep_ == "appos" else token.head
    while verb.dep_ == "conj":
        verb = verb.head
    return verb.dep_ == "ROOT"


def _is_subject(token: Token) -> bool:
    """A subject, the name in apposition to one, or a noun phrase the parse made the root of its
    sentence, with the sentence's verb hanging from it ('The head of the team, Ann Roe, left by a
    side door.' with 'left' parsed as a reduced relative)."""
    if token.dep_ in SUBJECT_DEPS or named_subject(token) is not None:
        return True
    root = token.head if token.dep_ == "appos" else token
    return (
        root.dep_ == "ROOT"
        and root.pos_ in ("NOUN", "PROPN")
        and any(child.dep_ == "acl" and child.pos_ == "VERB" for child in root.children)
    )
