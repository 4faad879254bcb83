"""Who a cue's words belong to, read from the parse: the subject of a cue and its relatives.

Each function takes a token (or the document context and token positions) and returns the
token that names the speaker; turning that token into a canonical speaker is the resolver's job.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from .context import DocumentContext
from .lexicon import CUE_FORMS, FEMALE_PRONOUNS, MALE_PRONOUNS, PERSON_NOUNS, RELATIVE_PRONOUNS
from .names import name_after_opening_participle, noun_phrase_bounds
from .sentences import sentence_of

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
    named = name_after_opening_participle(cue)
    if named is not None:
        return named  # 'Speaking to CNN, Ann Roe, a senator, said'
    token = cue
    for _ in range(4):
        subject = nearest_subject(token)
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
                if issued_document(document):
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


def speaker_after_quote(context: DocumentContext, last_inside: int, first_after: int) -> tuple[Token, Token] | None:
    """(verb, speaker) of '"…," Trump barked.' or '"…?" reacted Trump.' when no cue verb was recognised.

    A quote that closes on a comma, question or exclamation mark goes on into its own
    attribution, so the verb right after it is a speech act whatever the verb is; its
    subject (written before or after it) is the speaker.
    """
    doc, in_quote = context.doc, context.in_quote
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
            verb = _verb_after_apposition(context, token.i)
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


def _verb_after_apposition(context: DocumentContext, comma: int) -> Token | None:
    """The finite verb right after an apposition that opens at ``comma`` and closes at the next comma."""
    doc, in_quote = context.doc, context.in_quote
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


def subject_before_colon(context: DocumentContext, sentence: Span, colon: int) -> Token | None:
    """'Kaine has adopted the stance of many Catholics: "…"' -> Kaine.

    With no cue verb, the clause a colon ends introduces the quote, so its subject is
    the speaker (rather than the proper noun nearest the colon: 'Catholics').
    """
    in_quote = context.in_quote
    root = sentence.root
    if not (sentence.start <= root.i < colon) or in_quote[root.i] >= 0 or root.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < colon), None)
    if subject is None or in_quote[subject.i] >= 0 or subject.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    if subject.lower_ in _NON_SPEAKER_SUBJECTS or names_a_time(subject):
        return None
    return subject


def closed_apposition(appos: Token) -> bool:
    """An apposition set off on both sides ('Roe, the mayor, said'); without the closing comma the
    parse is often a garden path ('released Roe, a US official confirmed' - the official speaks)."""
    after = noun_phrase_bounds(appos)[1]
    return after < len(appos.doc) and appos.doc[after].text in {",", ")", "—", "--", "-"}


def issued_document(noun: Token) -> bool:
    """'a statement' in 'Roe issued a statement': a document put out by the verb's subject."""
    return noun.dep_ == "dobj" and noun.head.lower_ in _PUBLISHING_FORMS


def nearest_subject(verb: Token) -> Token | None:
    """The verb's subject; of several (a dateline or a time parsed as one: 'LONDON - Jane Roe said',
    '12:15 p.m. Jane Roe says') the one nearest before the verb, never a time."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj") and not names_a_time(c)]
    before = [c for c in subjects if c.i < verb.i]
    if before:
        return before[-1]
    return subjects[0] if subjects else None


def reporting_source(context: DocumentContext, first_inside: int, last_inside: int) -> Token | None:
    """Y in '"…," Roe said, according to Y.' or 'According to Y, Roe said …': the report a quote
    or reported content (tokens ``first_inside`` to ``last_inside``) is taken from.

    Only its own sentence is read, up to a full stop or a line break, and no other quote
    may stand between.
    """
    doc, in_quote = context.doc, context.in_quote
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


def subject_introducing_quote(context: DocumentContext, opening: int) -> Token | None:
    """'Bystrom agreed. "…"' -> Bystrom: an uncued quote right after a sentence about a person.

    The sentence must end just before the quote in the same paragraph, hold no quote itself,
    and have a person-like subject: a proper noun, he/she, or a noun such as "the spokesman".
    """
    doc, in_quote = context.doc, context.in_quote
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
    subject = nearest_subject(root)
    if subject is None or subject.i not in clause:
        return None
    personal = (
        subject.pos_ == "PROPN"
        or subject.lower_ in MALE_PRONOUNS | FEMALE_PRONOUNS
        or (subject.pos_ == "NOUN" and subject.lower_ in PERSON_NOUNS)
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
