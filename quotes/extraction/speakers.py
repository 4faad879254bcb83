"""Speaker resolution: from a cue's subject to a canonical speaker.

Works on a spaCy ``Doc``: finds the subject of a cue, splits titles from
names, links surnames and pronouns to the full names seen in the article.
Kept apart from span finding (quotes.py) so each can be measured alone.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .lexicon import (
    COMMON_FEMALE_NAMES,
    COMMON_MALE_NAMES,
    CUE_FORMS,
    FEMALE_PRONOUNS,
    FEMALE_TITLES,
    MALE_PRONOUNS,
    MALE_TITLES,
    ORGANISATION_WORDS,
    PERSON_TITLE_WORDS,
    PLURAL_PRONOUNS,
    RELATIVE_PRONOUNS,
    TITLE_WORDS,
)
from .places import PLACE_NAMES
from .sentences import proper_noun_positions, sentence_of

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Dependents that belong to a noun phrase's left side ("Russian Foreign Minister Sergey Lavrov").
_NP_LEFT_DEPS = {"compound", "amod", "det", "poss", "nmod", "nummod", "case", "punct", "flat", "quantmod", "advmod"}
_ORG_LABELS = {"ORG", "NORP", "GPE", "FAC", "PRODUCT", "WORK_OF_ART"}
_PERSON_NOUNS = frozenset(
    """
    official officials spokesman spokeswoman spokesperson aide aides adviser advisers advisor
    source sources person people man woman resident residents voter voters expert experts
    analyst analysts lawmaker lawmakers senator candidate critic critics supporter supporters
    leader leaders officer officers member members friend friends president director strategist
    strategists
    """.split()
)

# Nouns naming a poll: a share of its respondents ("61 percent of voters said") speaks through it
_POLL_WORDS = frozenset({"poll", "polls", "survey", "surveys"})

# Verbs that put out a document: "issued a statement saying …" is said by the issuer.
_PUBLISHING_FORMS = frozenset(
    """
    issue issues issued issuing release releases released releasing send sends sent sending
    publish publishes published publishing post posts posted posting air airs aired airing
    run runs ran running place places placed placing unveil unveils unveiled unveiling
    circulate circulates circulated circulating put puts putting
    """.split()
)
# Cues whose object is the listener, never an inverted subject: "told AFP", "telling the crowd".
ADDRESSEE_CUE_FORMS = frozenset(
    """
    tell tells told telling inform informs informed informing remind reminds reminded reminding
    assure assures assured assuring thank thanks thanked thanking urge urges urged urging
    """.split()
)
# Heads of time expressions the parse can leave next to a cue ("said Wednesday", "last week, writing").
# Words that are also names ("May", "Day", "Time") are left out: "Theresa May said" has a speaker.
_TIME_WORDS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday today yesterday tonight tomorrow
    morning afternoon evening night week weekend month year p.m. a.m.
    january february march april june july august september october november december
    jan. feb. mar. apr. aug. sept. sep. oct. nov. dec.
    """.split()
)

# "a spokesman for X", "the senator from Y": prepositions whose object names a nominal speaker
_NOMINAL_PREPOSITIONS = frozenset({"for", "of", "from", "at", "with"})
_NOMINAL_MAX_TOKENS = 12

# how many sentences back a subject beats a nearer non-subject mention as antecedent
_SUBJECT_LOOKBACK_SENTENCES = 2
# an earlier speaker in the previous sentence beats any other subject as antecedent (PolNeAR train: 1 > 2 > 4)
_SPEAKER_LOOKBACK_SENTENCES = 1
CONFIDENCE_NAME = 0.9
CONFIDENCE_SURNAME = 0.85
CONFIDENCE_PRONOUN = 0.7
CONFIDENCE_NOMINAL = 0.5


@lru_cache(maxsize=1)
def first_name_genders() -> dict[str, str]:
    """First name -> "m"/"f", learned from PolNeAR train by build_gender_lexicon.py (may be absent)."""
    path = os.path.join(os.path.dirname(__file__), "data", "first_name_gender.json")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@dataclass
class PersonEntry:
    """A person seen in the article, keyed by its fullest name."""

    name: str
    surname: str
    role: str = ""
    gender: str = ""  # "m", "f" or "" when unknown
    aliases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ResolvedSpeaker:
    name: str  # canonical name (key of Extraction.speakers)
    mention: str  # the words as written nearest the quote
    role: str
    is_person: bool
    confidence: float
    alias: str  # surface form to record as an alias


def _clean_name_tokens(tokens: list[Token]) -> tuple[list[Token], list[Token]]:
    """Split leading titles off a PERSON span and drop trailing possessives."""
    titles: list[Token] = []
    while tokens and tokens[0].lower_ in TITLE_WORDS and len(tokens) > 1:
        titles.append(tokens[0])
        tokens = tokens[1:]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct):
        tokens = tokens[:-1]
    return titles, tokens


def _looks_like_name(ent: Span) -> bool:
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
        elif len(words) >= 2 and (titled or _gender_of(words[0].text, []) or cue_subject):
            spans.append(Span(doc, start, end, label="PERSON"))
        elif len(words) == 1 and (titled or cue_subject):
            spans.append(Span(doc, start, end, label="PERSON"))
    return spans


# Endings of plural proper nouns that name groups ("Republicans", "Democrats", "Islamists"), not
# surnames that happen to end in -s ("Sanders", "Mills").
_GROUP_SUFFIXES = ("ans", "crats", "ists", "ites", "ese")


def _unlikely_person(name_tokens: list[Token]) -> bool:
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


def _titles_before(span: Span) -> list[Token]:
    """Title words written just before a name span that does not hold them ('Mr.' in 'Mr. Roe')."""
    doc = span.doc
    start = span.start
    while start > 0 and doc[start - 1].lower_ in TITLE_WORDS:
        start -= 1
    return list(doc[start : span.start])


def _has_person_title(tokens) -> bool:
    """'Mayor Helena Brandt', 'Sen. Ray Oduya': a title before the name marks a person whatever the NER says."""
    return any(t.lower_ in PERSON_TITLE_WORDS for t in tokens)


def _single_token_entity(token: Token) -> bool:
    """A lone capitalised word tagged as an entity ("Fiorina"), not part of "The Foreign Ministry"."""
    doc = token.doc
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return (
        token.ent_iob_ == "B"
        and (following is None or following.ent_iob_ != "I")
        and not token.text.isupper()
        and not (token.i > 0 and doc[token.i - 1].pos_ == "PROPN")
    )


def _role_before(ent: Span, titles: list[Token]) -> str:
    """Title words written before a name: "Russian Foreign Minister" in "Russian Foreign Minister Sergey Lavrov"."""
    start, _end = noun_phrase_bounds(ent.root)
    words = [t for t in ent.doc[start : ent.start] if t.dep_ not in ("det", "poss", "case") and not t.is_punct]
    if words and words[0].tag_ == "POS":
        words = words[1:]
    words += titles
    if not words or any(t.ent_type_ == "PERSON" for t in words):
        return ""
    return " ".join(t.text for t in words)


def _gender_of(first_word: str, titles: list[Token]) -> str:
    for title in titles:
        if title.lower_ in MALE_TITLES:
            return "m"
        if title.lower_ in FEMALE_TITLES:
            return "f"
    first = first_word.lower()
    if first in COMMON_FEMALE_NAMES:
        return "f"
    if first in COMMON_MALE_NAMES:
        return "m"
    return first_name_genders().get(first, "")


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


class SpeakerResolver:
    """Resolves subject tokens of one document to canonical speakers."""

    def __init__(self, doc: Doc, in_quote: list[int] | None = None) -> None:
        self.doc = doc
        # Doc.ents rebuilds its spans on every access: read it once
        self.entities: list[Span] = list(doc.ents) if doc.has_annotation("ENT_IOB") else name_like_spans(doc)
        # quote number per token (-1 outside quotes): names inside quotes are rarely antecedents
        self.in_quote = in_quote if in_quote is not None else [-1] * len(doc)
        # token positions of subjects already resolved as speakers
        self.speaker_positions: set[int] = set()
        self.people: dict[str, PersonEntry] = {}
        # (token index, canonical name) of every person mention, in order
        self.person_mentions: list[tuple[int, str]] = []
        self._surname_index: dict[str, list[str]] = {}
        # canonical name (or None) of each subject pronoun resolved while chaining pronouns
        self._pronoun_names: dict[int, str | None] = {}
        self._collect_people()

    # ------------------------------------------------------------ registry
    def _collect_people(self) -> None:
        entities = [ent for ent in self.entities if ent.label_ == "PERSON" and _looks_like_name(ent)]
        # register fuller names first so surnames can link to them
        for ent in sorted(entities, key=lambda e: -len(e)):
            titles, tokens = _clean_name_tokens(list(ent))
            # 'Mr.' may stand outside the span ('Mr.' + 'Roe'): it still tells the gender
            gendered_titles = _titles_before(ent) + titles
            if not tokens or (not titles and _unlikely_person(tokens)):
                continue
            surface = " ".join(t.text for t in tokens)
            surname = tokens[-1].lower_
            canonical = self._canonical_for(tokens, ent.start)
            if canonical is None:
                canonical = surface
                self.people[canonical] = PersonEntry(
                    name=canonical,
                    surname=surname,
                    gender=_gender_of(tokens[0].text if len(tokens) > 1 else "", gendered_titles),
                )
                self._surname_index.setdefault(surname, []).append(canonical)
            entry = self.people[canonical]
            entry.aliases.add(surface)
            if not entry.role:
                entry.role = _role_before(ent, titles)
            if not entry.gender:
                entry.gender = _gender_of(tokens[0].text if len(tokens) > 1 else "", gendered_titles)
        for ent in entities:
            _titles, tokens = _clean_name_tokens(list(ent))
            if tokens:
                canonical = self._canonical_for(tokens, ent.start)
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
                and token.lower_ not in self._surname_index
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
                    or _single_token_entity(token)
                    or (len(name_tokens) > 1 and _gender_of(name_tokens[0].text, []) != "")
                )
                noun_phrase = self.doc[noun_phrase_bounds(token)[0] : token.i + 1]
                if any(word.lower_ in ORGANISATION_WORDS for word in noun_phrase):
                    continue
                looks_personal = looks_personal and not _unlikely_person(name_tokens)
                if name_tokens and name_tokens[-1].i == token.i and looks_personal:
                    canonical = " ".join(t.text for t in name_tokens)
                    if canonical not in self.people:
                        first = name_tokens[0].text if len(name_tokens) > 1 else ""
                        self.people[canonical] = PersonEntry(canonical, token.lower_, gender=_gender_of(first, []))
                        self._surname_index.setdefault(token.lower_, []).append(canonical)
        # surnames the NER missed ("Zelenskyy said") still count as mentions
        for token in proper_nouns:
            if token.pos_ == "PROPN" and token.i not in covered and token.lower_ in self._surname_index:
                if token.ent_type_ in ("", "PERSON", "NORP", "ORG", "GPE") and token.dep_ != "compound":
                    canonical = self._canonical_for([token], token.i)
                    if canonical:
                        self.person_mentions.append((token.i, canonical))
        self.person_mentions.sort()

    def _canonical_for(self, tokens: list[Token], position: int) -> str | None:
        surname = tokens[-1].lower_
        candidates = self._surname_index.get(surname, [])
        words = {t.lower_ for t in tokens}
        matching = [c for c in candidates if words <= {w.lower() for w in c.split()}]
        if not matching:
            return None
        if len(matching) == 1:
            return matching[0]
        # several people share the surname: the one named most recently before this mention
        best, best_position = matching[0], -1
        for index, name in self.person_mentions:
            if name in matching and index < position and index > best_position:
                best, best_position = name, index
        return best

    def person_for_span(self, start: int, end: int) -> tuple[str, list[Token]] | None:
        """Canonical person named inside token range [start, end), with the title tokens before it."""
        for ent in self.entities:
            if ent.label_ == "PERSON" and ent.start < end and ent.end > start:
                titles, tokens = _clean_name_tokens(list(ent))
                if not tokens:
                    continue
                canonical = self._canonical_for(tokens, ent.start)
                if canonical:
                    return canonical, titles
        return None

    # ------------------------------------------------------------ resolution
    def resolve(self, head: Token) -> ResolvedSpeaker | None:
        """Canonical speaker for a subject head token."""
        lower = head.lower_
        if lower in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            antecedent = head.head.head
            # "Roe released an ad that urges …": whoever issued the document speaks
            issuer = subject_of_cue(antecedent.head) if _issued(antecedent) else None
            return self.resolve(issuer if issuer is not None else antecedent)
        if lower in MALE_PRONOUNS or lower in FEMALE_PRONOUNS:
            return self._resolve_pronoun(head, "m" if lower in MALE_PRONOUNS else "f")
        if lower in PLURAL_PRONOUNS:
            return self._resolve_plural(head)
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
                return ResolvedSpeaker(text, text, "", False, CONFIDENCE_NOMINAL, text)
        start, end = noun_phrase_bounds(head)
        # apposition: "Yuri Ushakov, Putin's adviser," / "the spokesman, John Smith,"
        appositions = [child for child in head.rights if child.dep_ == "appos"]
        person = self.person_for_span(start, end)
        role_tokens: list[Token] = []
        if person is None:
            for appos in appositions:
                a_start, a_end = noun_phrase_bounds(appos)
                person = self.person_for_span(a_start, a_end)
                if person:
                    role_tokens = list(self.doc[start:end])
                    appositions = []
                    break
        if person is None and head.pos_ == "NOUN":
            # 'With days to go until the election, Jane Roe, an adviser, said': a name in apposition
            # to a common noun names the speaker (the parse makes the noun the subject)
            named = next((a for a in appositions if a.pos_ == "PROPN" and a.i > head.i), None)
            resolved = self.resolve(named) if named is not None else None
            if resolved is not None and resolved.is_person:
                return resolved
        if person is None and head.pos_ == "PROPN":
            # NER labels of lone surnames are unreliable ("Zelenskyy said" tagged ORG): trust the registry
            canonical = self._canonical_for([head], head.i)
            personal = head.ent_type_ in ("", "PERSON") or _has_person_title(self.doc[start : head.i])
            personal = personal and not any(word.lower_ in ORGANISATION_WORDS for word in self.doc[start:end])
            if canonical is None and personal and head.text[:1].isupper():
                # a name the NER missed: register it so later surnames and pronouns can find it
                name_tokens = [t for t in self.doc[start:end] if t.pos_ == "PROPN" and t.lower_ not in TITLE_WORDS]
                if name_tokens and (_has_person_title(self.doc[start:end]) or not _unlikely_person(name_tokens)):
                    canonical = " ".join(t.text for t in name_tokens)
                    self.people[canonical] = PersonEntry(canonical, name_tokens[-1].lower_)
                    self._surname_index.setdefault(name_tokens[-1].lower_, []).append(canonical)
            if canonical is not None:
                person = (canonical, [t for t in self.doc[start : head.i] if t.lower_ in TITLE_WORDS])
        mention_text = self.doc[start:end].text
        if person is not None:
            canonical, titles = person
            entry = self.people[canonical]
            if not role_tokens:
                name_start = min(t.i for t in titles) if titles else None
                ent_first = next(
                    (e.start for e in self.entities if e.label_ == "PERSON" and e.start < end and e.end > start),
                    start,
                )
                role_tokens = [
                    t for t in self.doc[start : name_start if name_start is not None else ent_first] if t.dep_ != "det"
                ] + titles
            role = " ".join(t.text for t in role_tokens).strip(" ,")
            appositions = [a for a in appositions if a.pos_ != "NUM"]  # "Ishuk, 47, said": an age
            if not role and appositions:
                a_start = appositions[0].left_edge.i
                a_end = appositions[0].right_edge.i + 1
                role = self.doc[a_start:a_end].text.strip(" ,")
            if role and not entry.role:
                entry.role = role
            entry.aliases.add(mention_text)
            confidence = CONFIDENCE_NAME if " " in mention_text else CONFIDENCE_SURNAME
            self.speaker_positions.add(head.i)
            return ResolvedSpeaker(canonical, mention_text, role, True, confidence, mention_text)
        if head.pos_ == "PRON":
            return None
        if head.dep_ == "appos" and head.head.pos_ == "PROPN" and _closed_apposition(head):
            # 'McConnell, now the majority leader, who said …': the nominal stands beside a name
            named = self.resolve(head.head)
            if named is not None and named.is_person:
                return named
        org = next((e for e in self.entities if e.label_ in _ORG_LABELS and e.start < end and e.end > start), None)
        is_person = org is None and head.lower_ in _PERSON_NOUNS
        # "a spokesman for the campaign", "the senator from Vermont": the modifier says who it is
        name = self._nominal_name(head, start, end) or mention_text.strip()
        if not name:
            return None
        return ResolvedSpeaker(name, mention_text, "", is_person, CONFIDENCE_NOMINAL, mention_text)

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

    def _resolve_pronoun(self, pronoun: Token, gender: str) -> ResolvedSpeaker | None:
        """Most recent compatible person, sentence by sentence backwards; subjects first."""
        doc = self.doc
        # the pronoun's own sentence comes last ('"Kyiv regards …," he said': Kyiv is not "he"),
        # except for an earlier speaker in it ('Stevens says, but she cautions …')
        own_sentence = sentence_of(pronoun)
        own_speakers = [
            name
            for index, name in self._compatible_mentions(own_sentence, pronoun, gender)
            if index in self.speaker_positions
            or doc[index].head.lower_ in CUE_FORMS
            and doc[index].dep_ in SUBJECT_DEPS
        ]
        if own_speakers:
            return self._pronoun_result(own_speakers[-1], pronoun)
        # 'Roe was talking about taxes when he told …': the subject of a clause the pronoun's clause hangs from
        governing = [
            name
            for index, name in self._compatible_mentions(own_sentence, pronoun, gender)
            if doc[index].dep_ in SUBJECT_DEPS and doc[index].head.is_ancestor(pronoun)
        ]
        if governing:
            return self._pronoun_result(governing[-1], pronoun)
        sentences = []
        sentence = own_sentence
        while len(sentences) < 40 and sentence.start > 0:
            sentence = sentence_of(doc[sentence.start - 1])
            sentences.append(sentence)
        sentences.append(own_sentence)
        # the person quoted just before usually goes on talking ('"…," Roe said. […] "…," she added.')
        for sentence in sentences[:_SPEAKER_LOOKBACK_SENTENCES]:
            mentions = self._compatible_mentions(sentence, pronoun, gender)
            speakers = [m for m in mentions if m[0] in self.speaker_positions]
            if speakers:
                return self._pronoun_result(speakers[-1][1], pronoun)
        fallback: str | None = None
        for distance, sentence in enumerate(sentences):
            in_sentence = self._compatible_mentions(sentence, pronoun, gender)
            subjects = [m for m in in_sentence if doc[m[0]].dep_ in SUBJECT_DEPS or m[0] in self.speaker_positions]
            # 'Roe arrived. He met Poe. […] "…," he said': with no named subject, a same-gender
            # subject pronoun stands for the person it resolves to
            chained = None
            if not subjects and sentence.start != own_sentence.start:
                chained = self._chained_pronoun(sentence, pronoun, gender, -1)
            if chained is not None:
                return self._pronoun_result(chained, pronoun)
            if subjects:
                return self._pronoun_result(subjects[-1][1], pronoun)
            if in_sentence and fallback is None:
                fallback = in_sentence[-1][1]
            if fallback is not None and distance >= _SUBJECT_LOOKBACK_SENTENCES:
                break
        return self._pronoun_result(fallback, pronoun) if fallback else None

    def _chained_pronoun(self, sentence: Span, pronoun: Token, gender: str, after: int) -> str | None:
        """Person a same-gender subject pronoun in ``sentence`` (after ``after``, before ``pronoun``) stands for."""
        pronouns = MALE_PRONOUNS if gender == "m" else FEMALE_PRONOUNS
        for index in range(min(pronoun.i, sentence.end) - 1, max(after, sentence.start - 1), -1):
            token = self.doc[index]
            if token.lower_ in pronouns and token.dep_ in SUBJECT_DEPS and self.in_quote[index] < 0:
                if index not in self._pronoun_names:
                    self._pronoun_names[index] = None  # guards against cycles
                    resolved = self._resolve_pronoun(token, gender)
                    self._pronoun_names[index] = resolved.name if resolved is not None else None
                return self._pronoun_names[index]
        return None

    def _compatible_mentions(self, sentence: Span, pronoun: Token, gender: str) -> list[tuple[int, str]]:
        """Person mentions in ``sentence`` before the pronoun, outside quotes, of a compatible gender."""
        doc = self.doc
        mentions = []
        for index, name in self.person_mentions:
            if not (sentence.start <= index < sentence.end and index < pronoun.i):
                continue
            if self.in_quote[index] >= 0 or doc[index].dep_ in ("compound", "poss"):
                continue
            entry = self.people[name]
            if entry.gender and entry.gender != gender:
                # "Trump" may be Donald as well as Ivanka: try a namesake of the right gender
                namesakes = [
                    other
                    for other in self._surname_index.get(entry.surname, [])
                    if self.people[other].gender in ("", gender)
                ]
                if not namesakes:
                    continue
                name = namesakes[0]
            mentions.append((index, name))
        return mentions

    def _pronoun_result(self, name: str, pronoun: Token) -> ResolvedSpeaker:
        entry = self.people[name]
        entry.aliases.add(pronoun.text)

        return ResolvedSpeaker(name, pronoun.text, entry.role, True, CONFIDENCE_PRONOUN, pronoun.text)

    def _resolve_plural(self, pronoun: Token) -> ResolvedSpeaker | None:
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
                and (token.tag_ in ("NNS", "NNPS") or token.ent_type_ in _ORG_LABELS)
            ):
                start, end = noun_phrase_bounds(token)
                text = self.doc[start:end].text
                return ResolvedSpeaker(text, pronoun.text, "", False, CONFIDENCE_NOMINAL, text)
        return None


def subject_of_cue(cue: Token) -> Token | None:
    """The speaker token of a cue: its subject, the subject of the verb it hangs from, or by-agent."""
    doc = cue.doc
    before = doc[cue.i - 1] if cue.i > 0 else None
    if (
        cue.tag_ == "VBG"
        and before is not None
        and before.pos_ == "PROPN"
        and before.dep_ == "pobj"
        and before.head.lower_ == "of"
        and before.ent_type_ in ("", "PERSON")
    ):
        # 'footage of Jane Roe saying …': the name right before the gerund speaks
        return before
    token = cue
    for _ in range(4):
        subject = _nearest_subject(token)
        if subject is not None:
            return subject
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        if agent is not None:
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
        if token.dep_ in ("conj", "xcomp", "advcl", "acl") and token.head.i != token.i:
            # "..., adding that" / "spoke and said" / "went on to say": borrow the governing subject
            if token.dep_ == "acl" and token.head.pos_ in ("NOUN", "PROPN"):
                document = token.head
                # "Trump issued a statement saying …": whoever issued the document speaks
                if _issued(document):
                    token = document.head
                    continue
                return document
            token = token.head
            continue
        if token.dep_ == "pcomp" and token.head.dep_ == "prep":
            # "continued by saying", "ended her speech by quoting": the subject of the governing verb
            token = token.head.head
            continue
        if token.dep_ == "relcl":
            return token.head
        return None
    return None


def names_a_time(token: Token) -> bool:
    """'Wednesday', 'last week', '6:50 p.m.': a time, never a speaker."""
    return token.lower_ in _TIME_WORDS


# Punctuation that ends a quote which goes on into its attribution ('"…," X verbed', '"…?" asked X').
_OPEN_ENDINGS = frozenset({",", "?", "!", "—", "--", "-"})
_NOUN_PHRASE_POS = frozenset({"DET", "ADJ", "PROPN", "NOUN", "NUM", "PRON", "PUNCT"})
_TRAILING_PHRASE_MAX_TOKENS = 10
_FINITE_VERB_TAGS = frozenset({"VBD", "VBZ", "VBP"})
_APPOSITION_MAX_TOKENS = 16


def speaker_after_quote(
    doc: Doc, last_inside: int, first_after: int, in_quote: list[int]
) -> tuple[Token, Token] | None:
    """(verb, speaker) of '"…," Trump barked.' or '"…?" reacted Trump.' when no cue verb was recognised.

    A quote that closes on a comma, question or exclamation mark goes on into its own
    attribution, so the verb right after it is a speech act whatever the verb is; its
    subject (written before or after it) is the speaker.
    """
    if last_inside < 0 or doc[last_inside].text not in _OPEN_ENDINGS:
        return None
    end = min(len(doc), first_after + _TRAILING_PHRASE_MAX_TOKENS)
    position = first_after
    while position < end and doc[position].text == ",":
        position += 1
    if position >= end or in_quote[position] >= 0:
        return None
    first = doc[position]
    if first.tag_ in _FINITE_VERB_TAGS and first.pos_ == "VERB":
        # inverted: 'reacted Trump', 'said former tech executive Jane Roe'
        head = None
        for token in doc[position + 1 : end]:
            if in_quote[token.i] >= 0 or token.pos_ not in _NOUN_PHRASE_POS or token.is_punct:
                break
            if token.pos_ in ("PROPN", "NOUN"):
                head = token
        return (first, head) if head is not None and not names_a_time(head) else None
    head = None
    modifier = None  # 'in the room' in 'a staffer in the room wondered'
    for token in doc[position:end]:
        if in_quote[token.i] >= 0:
            return None
        if head is not None and token.text == ",":
            # 'Jane Roe, 58, told …' / 'Roe, the head of the union, said …'
            verb = _verb_after_apposition(doc, token.i, in_quote)
            return (verb, head) if verb is not None and _usable_trailing_subject(head) else None
        if head is not None and _acts_as_finite_verb(token, head):
            adjacent = modifier is not None or token.i == head.i + 1
            return (token, head) if adjacent and _usable_trailing_subject(head) else None
        if head is not None and modifier is None and token.pos_ == "ADP" and token.head == head:
            modifier = token
            continue
        if token.pos_ not in _NOUN_PHRASE_POS or token.is_punct:
            return None
        if token.pos_ in ("PROPN", "NOUN", "PRON") and modifier is None:
            head = token
    return None


def _acts_as_finite_verb(token: Token, subject: Token) -> bool:
    """A finite verb, or a past participle the tagger mistook for one ('Trump tweeted' as VBN,
    'Roe barked and …' as VBN right after the name), or a cue form tagged as a noun that ends
    the clause ('the email read.')."""
    adjacent = token.i == subject.i + 1
    if token.pos_ != "VERB":
        following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        ends_clause = following is None or following.is_punct or following.pos_ == "ADP"
        return adjacent and ends_clause and token.lower_ in CUE_FORMS and token.tag_ != "VBG"
    mistagged = token.tag_ == "VBN" and (subject.dep_ == "nsubj" and subject.head == token or adjacent)
    return token.tag_ in _FINITE_VERB_TAGS or mistagged


def _verb_after_apposition(doc: Doc, comma: int, in_quote: list[int]) -> Token | None:
    """The finite verb right after an apposition that opens at ``comma`` and closes at the next comma."""
    for position in range(comma + 1, min(len(doc) - 1, comma + _APPOSITION_MAX_TOKENS)):
        token = doc[position]
        if in_quote[position] >= 0 or token.tag_ in _FINITE_VERB_TAGS or token.text in ".;:":
            return None
        if token.text == ",":
            verb = doc[position + 1]
            return verb if verb.pos_ == "VERB" and verb.tag_ in _FINITE_VERB_TAGS else None
    return None


def _usable_trailing_subject(head: Token) -> bool:
    return not names_a_time(head) and head.lower_ not in RELATIVE_PRONOUNS


# Subjects that never name a speaker of what follows a colon ("Wait, it gets better:").
_NON_SPEAKER_SUBJECTS = frozenset({"it", "this", "that", "there", "what", "which", "these", "those", "here"})


def subject_before_colon(sentence: Span, colon: int, in_quote: list[int]) -> Token | None:
    """'Kaine has adopted the stance of many Catholics: "…"' -> Kaine.

    With no cue verb, the clause a colon ends introduces the quote, so its subject is
    the speaker (rather than the proper noun nearest the colon: 'Catholics').
    """
    root = sentence.root
    if not (sentence.start <= root.i < colon) or in_quote[root.i] >= 0 or root.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < colon), None)
    if subject is None or in_quote[subject.i] >= 0 or subject.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    if subject.lower_ in _NON_SPEAKER_SUBJECTS or names_a_time(subject):
        return None
    return subject


def _closed_apposition(appos: Token) -> bool:
    """An apposition set off on both sides ('Roe, the mayor, said'); without the closing comma the
    parse is often a garden path ('released Roe, a US official confirmed' - the official speaks)."""
    after = noun_phrase_bounds(appos)[1]
    return after < len(appos.doc) and appos.doc[after].text in {",", ")", "—", "--", "-"}


def _issued(noun: Token) -> bool:
    """'a statement' in 'Roe issued a statement': a document put out by the verb's subject."""
    return noun.dep_ == "dobj" and noun.head.lower_ in _PUBLISHING_FORMS


def _nearest_subject(verb: Token) -> Token | None:
    """The verb's subject; of several (a dateline or a time parsed as one: 'LONDON - Jane Roe said',
    '12:15 p.m. Jane Roe says') the one nearest before the verb, never a time."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj") and not names_a_time(c)]
    before = [c for c in subjects if c.i < verb.i]
    if before:
        return before[-1]
    return subjects[0] if subjects else None


def reporting_source(doc: Doc, first_inside: int, last_inside: int, in_quote: list[int]) -> Token | None:
    """Y in '"…," Roe said, according to Y.' or 'According to Y, Roe said …': the report a quote
    or reported content (tokens ``first_inside`` to ``last_inside``) is taken from.

    Only its own sentence is read, up to a full stop or a line break, and no other quote
    may stand between.
    """
    sentence = sentence_of(doc[last_inside])
    own = in_quote[last_inside]
    after = range(last_inside + 1, sentence.end)
    before = range(first_inside - 1, sentence_of(doc[first_inside]).start - 1, -1)
    for positions in (after, before):
        for position in positions:
            token = doc[position]
            if in_quote[position] >= 0 and in_quote[position] != own:
                break
            if in_quote[position] < 0 and (token.text in (".", "!", "?", ";") or "\n" in token.text):
                break
            if in_quote[position] < 0 and token.lower_ == "according":
                return according_to_source(token)
    return None


def subject_introducing_quote(doc: Doc, opening: int, in_quote: list[int]) -> Token | None:
    """'Bystrom agreed. "…"' -> Bystrom: an uncued quote right after a sentence about a person.

    The sentence must end just before the quote in the same paragraph, hold no quote itself,
    and have a person-like subject: a proper noun, he/she, or a noun such as "the spokesman".
    """
    before = opening - 1
    while before >= 0 and doc[before].is_space and "\n" not in doc[before].text:
        before -= 1
    if before < 0 or doc[before].text not in (".", "!") or in_quote[before] >= 0:
        return None
    start = sentence_of(doc[before]).start
    # the parser may run a sentence over a paragraph break: the clause starts after the break
    start = max([start] + [i + 1 for i in range(start, before) if "\n" in doc[i].text])
    clause = range(start, before)
    if not len(clause) or any(in_quote[i] >= 0 or "\n" in doc[i].text for i in clause):
        return None
    if start > 0 and in_quote[start - 1] >= 0:
        return None  # '"…?" Roe asked. "…"': the tail of an earlier quote, which goes on
    root = next((doc[i] for i in clause if doc[i].head.i not in clause or doc[i].head.i == i), None)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    subject = _nearest_subject(root)
    if subject is None or subject.i not in clause:
        return None
    personal = (
        subject.pos_ == "PROPN"
        or subject.lower_ in MALE_PRONOUNS | FEMALE_PRONOUNS
        or (subject.pos_ == "NOUN" and subject.lower_ in _PERSON_NOUNS)
    )
    return subject if personal and not names_a_time(subject) else None


def according_to_source(according: Token) -> Token | None:
    """'according to X' -> X; 'according to a document filed by X' -> X."""
    source = None
    for child in according.children:
        if child.lower_ == "to":
            source = next((c for c in child.children if c.dep_ == "pobj"), None)
            break
    else:
        nxt = according.nbor(1) if according.i + 1 < len(according.doc) else None
        if nxt is not None and nxt.lower_ == "to":
            source = next((c for c in nxt.children if c.dep_ == "pobj"), None)
    if source is not None and source.pos_ == "NOUN":
        return _agent_of_document(source) or source
    return source


def _agent_of_document(noun: Token) -> Token | None:
    """X in 'audio provided by X' or 'a letter signed by X'."""
    for participle in noun.children:
        if participle.dep_ == "acl" and participle.tag_ == "VBN":
            agent = next((c for c in participle.children if c.dep_ == "agent"), None)
            if agent is not None:
                return next((c for c in agent.children if c.dep_ == "pobj"), None)
    return None


def mention_text(token: Token) -> str:
    start, end = noun_phrase_bounds(token)
    return Span(token.doc, start, end).text
