"""Mixed quotes (PolNeAR): a quoted phrase reported together with the unquoted clause around it
('said it was "a disgrace"'), and the quotes that go on from such a clause."""

from __future__ import annotations

from spacy.tokens import Token

from .candidates import Attribution, opens_next_paragraph
from .context import DocumentContext
from .conventions import Convention
from .cues import (
    COMPLEMENT_MARKERS,
    EMBEDDED_MAX_WORDS,
    count_words,
    governed_quote_range,
    is_cue_token,
    is_listener,
    is_negated,
    trim_tokens,
)
from .marks import QuotedSpan
from .sentences import sentence_of
from .subjects import subject_of_cue

_EMBEDDED_SUBJECT_POS = ("PROPN", "PRON", "NOUN")

# PolNeAR: a mostly quoted clause with this many words of its own is a mixed quote ('said it "humanizes" her')
MIXED_MIN_UNQUOTED_WORDS = 2


def clause_led_by_subject(
    context: DocumentContext, quote: QuotedSpan, quote_tokens: range, cue: Token
) -> tuple[int, int] | None:
    """'He would win "no matter what," one voter said.': the unquoted words that open the sentence
    before a quote whose cue comes after it; the cue reports that whole clause (mixed quote)."""
    doc, in_quote = context.doc, context.in_quote
    first = quote_tokens[0]
    if cue.lower_ == "according" or cue.i <= quote_tokens[-1]:
        return None
    sentence = sentence_of(doc[first])
    lead = [doc[i] for i in range(sentence.start, first)]
    if any(in_quote[token.i] >= 0 or is_cue_token(token) for token in lead):
        return None
    # the clause starts at a subject whose verb holds the quote ('He would win "no matter what"'),
    # not at an introductory phrase ('In a speech Friday, …')
    holders = {ancestor.i for i in quote_tokens for ancestor in doc[i].ancestors} | set(quote_tokens)
    subject = next(
        (token for token in reversed(lead) if token.dep_ in ("nsubj", "nsubjpass") and token.head.i in holders),
        None,
    )
    if subject is None:
        return None
    start = max(sentence.start, subject.left_edge.i)
    if context.paragraph_of(doc[start].idx) != context.paragraph_of(doc[first].idx):
        return None
    return doc[start].idx, quote.end


_LEADING_OBJECT_DEPS = {"dobj", "oprd", "attr", "acomp", "ccomp", "xcomp"}


def governing_clause(
    context: DocumentContext, quote: QuotedSpan, quote_tokens: range, cue: Token
) -> tuple[int, int] | None:
    """'emphasized the threat that “Islamic terrorism” poses to the world': a short quote inside the
    object of a cue before it is reported with that whole object (a PolNeAR mixed quote)."""
    doc, in_quote = context.doc, context.in_quote
    inner = next((i for i in quote_tokens if not doc[i].is_punct), None)
    too_long = count_words(context.text[quote.start : quote.end]) > EMBEDDED_MAX_WORDS
    if inner is None or cue.i >= quote_tokens[0] or too_long:
        return None
    if sentence_of(cue).start != sentence_of(doc[inner]).start:
        return None
    holder = next((t for t in [doc[inner], *doc[inner].ancestors] if t.head.i == cue.i and t.i != cue.i), None)
    if holder is None or holder.i < cue.i or holder.left_edge.i <= cue.i:
        return None
    # 'called the deal “a step forward”': the object named before the quote belongs to it
    objects = [
        c for c in cue.rights if c.i < holder.i and c.dep_ in _LEADING_OBJECT_DEPS and not is_listener(cue, c)
    ] + [holder]
    start, end = trim_tokens(doc, min(c.left_edge.i for c in objects), quote_tokens[0], keep_marker=True)
    if not any(in_quote[i] < 0 and not doc[i].is_punct for i in range(start, end)):
        return None  # 'said "…"': the quote is all there is
    if context.paragraph_of(doc[start].idx) != context.paragraph_of(quote.start):
        return None
    _, tail = trim_tokens(doc, quote_tokens[-1] + 1, max(quote_tokens[-1] + 1, holder.right_edge.i + 1))
    char_end = quote.end
    if tail > quote_tokens[-1] + 1:
        char_end = max(quote.end, doc[tail - 1].idx + len(doc[tail - 1].text))
        char_end = without_detached_tail(context, quote.end, char_end)
    return doc[start].idx, char_end


def _unquoted_words(context: DocumentContext, quoted: list[QuotedSpan], start: int, end: int) -> int:
    """Words of [start, end) outside quote marks, besides a complementizer ('that', 'whether')."""
    pieces = []
    cursor = start
    for quote in quoted:
        if quote.end <= start or quote.start >= end:
            continue
        pieces.append(context.text[cursor : max(cursor, quote.start)])
        cursor = max(cursor, quote.end)
    pieces.append(context.text[cursor:end])
    words = [w for piece in pieces for w in piece.split() if any(c.isalnum() for c in w)]
    return sum(1 for w in words if w.lower() not in COMPLEMENT_MARKERS)


def _quoted_chars(quoted: list[QuotedSpan], start: int, end: int) -> int:
    return sum(max(0, min(end, q.end) - max(start, q.start)) for q in quoted)


_TAIL_BREAKS = {",", ";", "\u2014", "\u2013", "-", "--", "("}

# Words that open a comment by the writer after a reported clause: '…, which …', '…, though …'.
_DETACHED_OPENERS = {"which", "where", "who", "whom", "whose", "while", "though", "although", "but", "when"}


def without_detached_tail(context: DocumentContext, quote_end: int, end: int) -> int:
    """End of a mixed quote without the writer's own words after its last quote:
    'said it was “a disgrace,” citing …' or 'said it was “fine” in New York, where he trails'."""
    doc = context.doc
    tokens = context.tokens_within(quote_end, end)
    if not len(tokens):
        return end
    # '“a disgrace,” citing …': the comma before the closing mark breaks off the tail too
    if context.text[:quote_end].rstrip('"\u201d ').endswith(",") and _opens_detached(doc[tokens[0]]):
        return quote_end
    for position in tokens:
        if doc[position].text not in _TAIL_BREAKS or position + 1 >= len(doc):
            continue
        following = doc[position + 1]
        # '… - and he makes sure …': a new clause with its own subject after a break
        new_clause = (
            following.lower_ in ("and", "but") and position + 2 < len(doc) and doc[position + 2].dep_ == "nsubj"
        )
        if _opens_detached(following) or new_clause:
            return _trim_end_chars(context.text, quote_end, doc[position].idx)
    return end


def _opens_detached(token: Token) -> bool:
    return token.lower_ in _DETACHED_OPENERS or token.tag_ == "VBG"


def _trim_end_chars(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n,;":
        end -= 1
    return end


def embedded_quote_clauses(
    context: DocumentContext, direct: list[Attribution], indirect: list[Attribution]
) -> list[Attribution]:
    """PolNeAR mixed quotes: 'Trump pointed to the case as the epitome of the "rigged system."'

    A short quote with no cue of its own, sitting in the object of a verb whose subject is
    outside the quote, is what that subject says, calls or claims: the verb's objects up to
    the quote become one mixed (direct) attribution; the quoted phrase is absorbed into it.
    """
    doc, in_quote = context.doc, context.in_quote
    covered = [(a.start, a.end) for a in indirect]
    # quotes kept as uncued passages (short uncued ones are scare quotes and were dropped already)
    uncued = {a.quoted[0] for a in direct if a.cue is None and len(a.quoted) == 1}
    found: list[Attribution] = []
    for quote in context.quotes:
        if quote not in uncued:
            continue
        if count_words(context.text[quote.start : quote.end]) > EMBEDDED_MAX_WORDS:
            continue
        if any(start < quote.end and end > quote.start for start, end in covered):
            continue
        tokens = context.tokens_within(quote.start, quote.end)
        inner = next((i for i in tokens if not doc[i].is_punct), None)
        if inner is None:
            continue
        sentence = sentence_of(doc[inner])
        if not any(in_quote[i] < 0 and not doc[i].is_punct for i in range(sentence.start, tokens.start)):
            continue  # the quote opens its sentence: a passage of its own, not a phrase inside a clause
        verb = next((t for t in doc[inner].ancestors if in_quote[t.i] < 0 and t.pos_ in ("VERB", "AUX")), None)
        if verb is None or is_negated(verb):
            continue
        subject = subject_of_cue(verb)
        if subject is None or in_quote[subject.i] >= 0 or subject.pos_ not in _EMBEDDED_SUBJECT_POS:
            continue
        governed = governed_quote_range(context, verb)
        if governed is None or not (governed[0] <= inner < governed[1]) or governed[0] <= subject.i < governed[1]:
            continue
        start, end = trim_tokens(doc, *governed)
        if end - start < 2:
            continue
        char_start, char_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)
        found.append(
            Attribution(
                [(char_start, char_end)],
                False,
                cue=verb,
                cue_text=verb.text,
                speaker_token=subject,
                paragraph=context.paragraph_of(char_start),
            )
        )
    return found


def continuations_of_mixed_quotes(
    context: DocumentContext, direct: list[Attribution], absorbed: dict[QuotedSpan, Attribution]
) -> list[Attribution]:
    """Direct quotes not absorbed into a mixed clause; an uncued quote going on from an absorbed one
    ('Roe said the plan "failed." "It was doomed."') joins that mixed clause as a further fragment."""
    kept: list[Attribution] = []
    for attribution in direct:
        if attribution.quoted[0] in absorbed:
            continue
        continued = attribution.continuation_of
        mixed = absorbed.get(continued.quoted[0]) if continued is not None else None
        if (
            mixed is not None
            and attribution.cue is None
            and mixed.end <= attribution.start
            and (attribution.paragraph == mixed.paragraph or opens_next_paragraph(context, attribution, mixed))
        ):
            mixed.spans.extend(attribution.spans)
            mixed.quoted.extend(attribution.quoted)
            continue
        kept.append(attribution)
    return kept


# A quote whose cue is found may be reported with the clause around it; tried in order.
MIXED_CLAUSE_FINDERS = (clause_led_by_subject, governing_clause)
# share of a reported clause inside quote marks from which it is a quote rather than reported speech
_MOSTLY_QUOTED = 0.6


def absorb_quoted_phrases(
    context: DocumentContext, convention: Convention, indirect: list[Attribution]
) -> tuple[list[Attribution], dict[QuotedSpan, Attribution]]:
    """Reported speech kept beside the direct quotes, and each quote absorbed into a mixed clause.

    A clause that is itself (mostly) a quote is left to the direct quote. Where mixed quotes are
    annotated, a clause holding quoted phrases becomes one direct (mixed) quote that takes them
    whole; elsewhere the quoted phrases stand on their own and the clause is dropped.
    """
    quoted = context.quotes
    kept: list[Attribution] = []
    absorbed: dict[QuotedSpan, Attribution] = {}
    for attribution in indirect:
        start, end = attribution.start, attribution.end
        length = max(1, end - start)
        mostly_quoted = _quoted_chars(quoted, start, end) / length >= _MOSTLY_QUOTED
        if mostly_quoted and (
            not convention.mixed_quotes or _unquoted_words(context, quoted, start, end) < MIXED_MIN_UNQUOTED_WORDS
        ):
            continue  # the complement is itself a direct quote, handled there
        overlapping = [q for q in quoted if q.start < end and q.end > start]
        if overlapping:
            if not convention.mixed_quotes:
                continue  # the quoted phrases stand on their own
            holder = absorbed.get(overlapping[0])
            if holder is not None and holder.start <= start and end <= holder.end:
                continue  # 'said he thinks it is "…"': the outer clause already reports this quote
            attribution.direct = True
            attribution.quoted = overlapping
            # a quote the clause only partly covers is taken whole: it is one speech act
            end = max(end, overlapping[-1].end)
            end = without_detached_tail(context, overlapping[-1].end, end)
            start = min(start, overlapping[0].start)
            if context.text[start : overlapping[0].start].rstrip().endswith(":"):
                start = overlapping[0].start  # 'a new message: "…"' - what is said is the quote
            attribution.spans = [(start, end)]
            absorbed.update({q: attribution for q in overlapping})
        kept.append(attribution)
    return kept, absorbed
