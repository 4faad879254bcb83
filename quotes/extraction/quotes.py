"""Span finding: direct quotes (from quote marks) and indirect speech (from the parse).

Produces ``Attribution`` candidates that carry the cue token and the speaker
token; turning the speaker token into a canonical name is speakers.py's job.

Two output conventions are supported because annotation guidelines differ:
- "newsdesk" (default, the Newsdesk gold): every quoted passage is its own
  quote, and a quoted phrase inside reported speech is kept on its own;
- "polnear": one attribution per speech act, so split quotes ("A," he said.
  "B.") become one quote with several fragments and a quoted phrase inside
  reported speech stays inside the reported content.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from .lexicon import CUE_FORMS, INFINITIVE_CUES, OBJECT_FORMS
from .marks import QuotedSpan, find_quoted_spans
from .sentences import positions_of_words, sentence_of
from .speakers import (
    ADDRESSEE_CUE_FORMS,
    according_to_source,
    names_a_time,
    reporting_source,
    speaker_after_quote,
    subject_before_colon,
    subject_introducing_quote,
    subject_of_cue,
)

CONVENTIONS = ("newsdesk", "polnear")
# Words that can open an indirect attribution: only these tokens are examined.
_INDIRECT_TRIGGERS = frozenset(CUE_FORMS) | frozenset(OBJECT_FORMS) | {"according"}
_COMPLEMENT_MARKERS = {"that", "whether", "if"}
# Adverbial clauses after a comma that leave the reported content ("…, although he did not say when").
_DETACHED_ADVCL_MARKERS = {"although", "though", "while", "as", "after", "before", "when", "since", "even"}
_POLNEAR_DIRECT_MARKS = '\u201c\u201d"'
_MAX_CUE_DISTANCE = 12  # content-free tokens allowed between a quote and its cue
_EMBEDDED_MAX_WORDS = 15  # longer uncued quotes are passages, not phrases inside a clause
_EMBEDDED_SUBJECT_POS = ("PROPN", "PRON", "NOUN")
_SHORT_UNCUED_WORDS = 4  # uncued quotes shorter than this are scare quotes, not speech
# PolNeAR: a mostly quoted clause with this many words of its own is a mixed quote ('said it "humanizes" her')
_MIXED_MIN_UNQUOTED_WORDS = 2
# a cue in the sentence after a quote counts when it, or its subject, opens that sentence
_NEXT_SENTENCE_CUE_START = 4
_SPEECH_FINAL_PUNCTUATION = (",", "!", "?")
_SHORT_QUOTE_CUE_GAP = 3  # a short exclamation takes a cue only this close after it ('"No!" Jane Roe shouted')


@dataclass
class Attribution:
    """A quote candidate before speaker resolution."""

    spans: list[tuple[int, int]]  # character spans, in order
    direct: bool
    cue: Token | None = None
    cue_text: str = ""
    speaker_token: Token | None = None
    continuation_of: Attribution | None = None  # previous quote whose speaker carries over
    paragraph: int = 0
    quoted: list[QuotedSpan] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.spans[0][0]

    @property
    def end(self) -> int:
        return self.spans[-1][1]


class DocumentIndex:
    """Character/token/paragraph lookups for one parsed document."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self.doc = doc
        self.text = doc.text if text is None else text
        # to_array avoids creating a Python Token object per token
        self.token_starts = doc.to_array("IDX").tolist() if len(doc) else []
        self.in_quote: list[int] = []  # quote number per token, -1 outside quotes (set by find_attributions)
        self.paragraph_starts = [0] + [i + 1 for i, char in enumerate(self.text) if char == "\n"]

    def paragraph_of(self, char_index: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, char_index) - 1

    def tokens_within(self, start: int, end: int) -> range:
        """Indices of tokens that start inside [start, end)."""
        first = bisect.bisect_left(self.token_starts, start)
        last = bisect.bisect_left(self.token_starts, end)
        return range(first, last)

    def token_at(self, char_index: int) -> int:
        return max(0, bisect.bisect_right(self.token_starts, char_index) - 1)


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


def _is_negated(token: Token) -> bool:
    return any(child.dep_ == "neg" for child in token.children)


def _words(text: str) -> int:
    return sum(1 for part in text.split() if any(ch.isalnum() for ch in part))


# ---------------------------------------------------------------- direct quotes


def _cue_for_quote(index: DocumentIndex, quote_tokens: range, in_quote: list[int]) -> tuple[Token | None, str]:
    """The cue verb (or 'according') nearest a quote in its sentence(s) and paragraph."""
    doc = index.doc
    if not len(quote_tokens):
        return None, ""
    short = sum(1 for i in quote_tokens if doc[i].is_alpha) < _SHORT_UNCUED_WORDS
    first, last = quote_tokens[0], quote_tokens[-1]
    # '"Filth out!" she wrote': an exclamation, question or comma closing the quote marks speech
    ends_as_speech = index.text[doc[first].idx : doc[last].idx].rstrip()[-1:] in _SPEECH_FINAL_PUNCTUATION
    paragraph = index.paragraph_of(doc[first].idx)
    window_start = sentence_of(doc[first]).start
    window_end = sentence_of(doc[last]).end
    # '"…?" Trump asked reporters …': the parser split the cue into the next sentence
    following_start = window_end
    if window_end < len(doc) and index.paragraph_of(doc[window_end].idx) == paragraph:
        window_end = sentence_of(doc[window_end]).end
    best: tuple[float, Token] | None = None
    quote_token_set = set(quote_tokens)
    for position in range(window_start, window_end):
        token = doc[position]
        if in_quote[position] >= 0 or index.paragraph_of(token.idx) != paragraph:
            continue
        if not (is_cue_token(token) or token.lower_ == "according"):
            continue
        if _is_negated(token):
            continue
        if position < first:
            between = range(position + 1, first)
        else:
            between = range(last + 1, position)
        subject = speaker_token_for_cue(token, in_quote) if token.lower_ != "according" else None
        if position >= following_start and (
            subject is None
            or min(position, subject.left_edge.i) - following_start > _NEXT_SENTENCE_CUE_START
            or _has_own_content(token, in_quote)
        ):
            # in the next sentence only a cue right at its start counts ('He said.', 'Trump asked'),
            # and not one reporting its own clause ('Jane Roe said she would …')
            continue
        # the speaker's own words ("Jane Roe, who runs a shop,") do not separate quote and cue
        subject_tokens = set(range(subject.left_edge.i, subject.right_edge.i + 1)) if subject is not None else set()
        gap = [doc[i] for i in between if not doc[i].is_punct and in_quote[i] < 0 and i not in subject_tokens]
        governs = any(token in doc[i].ancestors for i in quote_tokens[:3]) or any(
            token in doc[i].ancestors for i in quote_tokens[-3:]
        )
        # another quote between cue and this quote: that quote is the cue's (unless the cue governs both)
        if not governs and any(in_quote[i] >= 0 and i not in quote_token_set for i in between):
            continue
        if len(gap) > _MAX_CUE_DISTANCE:
            continue
        if short and not governs and not (ends_as_speech and position > last and len(gap) <= _SHORT_QUOTE_CUE_GAP):
            continue  # a scare-quoted phrase belongs to the clause it sits in, not to a nearby cue
        score = len(gap) - (4 if governs else 0) + (0.5 if position > last else 0)
        if best is None or score < best[0]:
            best = (score, token)
    if best is None:
        return None, ""
    cue = best[1]
    if cue.lower_ == "according":
        return cue, "according to"
    return cue, cue.text


def _has_own_content(cue: Token, in_quote: list[int]) -> bool:
    return any(child.dep_ == "ccomp" and in_quote[child.i] < 0 for child in cue.children)


_NP_TOKEN_POS = ("PROPN", "NOUN", "ADJ", "DET", "NUM")


def _surface_speaker(cue: Token, in_quote: list[int]) -> Token | None:
    """When the parse gives a cue no usable subject, take the noun phrase right after or before it."""
    doc = cue.doc
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


def speaker_token_for_cue(cue: Token, in_quote: list[int]) -> Token | None:
    """Subject of a cue from the parse, else from the surface; never a word inside a quote."""
    if cue.lower_ == "according":
        return according_to_source(cue)
    subject = subject_of_cue(cue)
    if subject is not None and in_quote[subject.i] < 0 and not names_a_time(subject):
        return subject
    speaker = _surface_speaker(cue, in_quote)
    return None if speaker is None or names_a_time(speaker) else speaker


def _colon_speaker(index: DocumentIndex, quote: QuotedSpan, in_quote: list[int]) -> tuple[Token | None, Token | None]:
    """'Trump told the crowd: "…"' or 'Clinton on Twitter: "…"' -> (cue, speaker token)."""
    text = index.text
    before = quote.start - 1
    while before >= 0 and text[before] in " \t\n":
        before -= 1
    if before < 0 or text[before] != ":":
        return None, None
    doc = index.doc
    colon = index.token_at(before)
    sentence = sentence_of(doc[colon]) if doc[colon].text == ":" else None
    if sentence is None:
        return None, None
    for position in range(colon - 1, sentence.start - 1, -1):
        token = doc[position]
        if in_quote[position] >= 0:
            break
        if is_cue_token(token) and not _is_negated(token):
            return token, subject_of_cue(token)
    subject = subject_before_colon(sentence, colon, in_quote)
    if subject is not None:
        return None, subject
    # 'Former secretary of state Hillary Clinton: "…"': the name nearest the colon, same paragraph
    paragraph = index.paragraph_of(doc[colon].idx)
    for position in range(colon - 1, sentence.start - 1, -1):
        token = doc[position]
        if in_quote[position] >= 0 or index.paragraph_of(token.idx) != paragraph:
            break
        if token.text == ")" or _inside_parentheses(doc, position, sentence.start):
            continue  # "Rep. Jane Roe (D-Ore.):" - the party tag is not the speaker
        if token.ent_type_ in ("PERSON", "ORG") or (token.pos_ == "PROPN" and token.dep_ != "compound"):
            head = token
            while head.head.i != head.i and head.head.i < colon and head.head.pos_ == "PROPN":
                head = head.head
            return None, head
    return None, None


def _comma_speaker(index: DocumentIndex, quote: QuotedSpan, quote_tokens: range, in_quote: list[int]) -> Token | None:
    """'Roe shared her worry with donors at a lunch, "I do not know …"': an uncued quote that opens
    with a capital right after the comma closing a clause is what that clause's subject says."""
    text = index.text
    before = quote.start - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    inner = next((i for i in quote_tokens if not index.doc[i].is_punct), None)
    if before < 0 or text[before] != "," or inner is None or not index.doc[inner].text[:1].isupper():
        return None
    comma = index.token_at(before)
    doc = index.doc
    if doc[comma].text != ",":
        return None
    return subject_before_colon(sentence_of(doc[comma]), comma, in_quote)


def _introducing_cue(index: DocumentIndex, quote: QuotedSpan, quote_tokens: range, in_quote: list[int]) -> Token | None:
    """'Jane Roe said in a statement. "…"': a cue ending the sentence just before a quote, with a
    subject and nothing reported of its own, introduces that quote."""
    doc = index.doc
    if not len(quote_tokens) or quote_tokens[0] == 0:
        return None
    sentence = sentence_of(doc[quote_tokens[0]])
    if sentence.start != quote_tokens[0] or sentence.start == 0:
        return None
    previous = sentence_of(doc[sentence.start - 1])
    if index.text[previous.end_char : quote.start].strip() or any(in_quote[t.i] >= 0 for t in previous):
        return None
    root = previous.root
    if not is_cue_token(root) or _is_negated(root) or _has_own_content(root, in_quote):
        return None
    return root if subject_of_cue(root) is not None else None


_DASHES = ("\u2015", "\u2014", "\u2013", "--", "-")
_DASH_NAME_MAX_TOKENS = 6


def _dash_speaker(index: DocumentIndex, quote: QuotedSpan, in_quote: list[int]) -> Token | None:
    """'“…” ― Jane Roe' (here or on the next line): a dash and a name after a quote sign it."""
    text = index.text
    position = quote.end
    line_breaks = 0
    while position < len(text) and text[position].isspace():
        line_breaks += text[position] == "\n"
        position += 1
    dash = next((d for d in _DASHES if text.startswith(d, position)), None)
    if dash is None or line_breaks > 2:
        return None
    doc = index.doc
    first = index.tokens_within(position + len(dash), len(text))
    name_head: Token | None = None
    for i in range(first.start, min(first.stop, first.start + _DASH_NAME_MAX_TOKENS)):
        token = doc[i]
        if token.text in _DASHES or token.is_space:
            continue
        if in_quote[i] >= 0 or token.pos_ != "PROPN" or not token.text[:1].isupper():
            break
        name_head = token
    return name_head


def _inside_parentheses(doc: Doc, position: int, floor: int) -> bool:
    depth = 0
    for index in range(position + 1, min(len(doc), position + 8)):
        if doc[index].text == "(":
            return False
        if doc[index].text == ")":
            depth += 1
            break
    return depth > 0 and any(doc[i].text == "(" for i in range(max(floor, position - 8), position + 1))


def _last_word_inside(doc: Doc, quote_tokens: range) -> int:
    """Index of the last token inside a quote's marks (its final punctuation included), or -1."""
    for position in reversed(quote_tokens):
        if doc[position].text not in "\"“”'‘’":
            return position
    return -1


def _sentence_subject(doc: Doc, quote_tokens: range, in_quote: list[int]) -> Token | None:
    """Subject of the clause a quote sits in ('he had "reason to believe …"')."""
    first = doc[quote_tokens[0]]
    for ancestor in first.ancestors:
        if in_quote[ancestor.i] >= 0:
            continue
        subject = next((c for c in ancestor.children if c.dep_ == "nsubj"), None)
        if (
            subject is not None
            and in_quote[subject.i] < 0
            and (subject.ent_type_ == "PERSON" or subject.lower_ in ("he", "she"))
        ):
            return subject
        return None
    return None


def _unquoted_lead(index: DocumentIndex, quote_tokens: range, cue: Token, in_quote: list[int]) -> int | None:
    """'He would win "no matter what," one voter said.': start of the unquoted words that open the
    sentence before a quote whose cue comes after it; the cue reports that whole clause (mixed quote)."""
    doc = index.doc
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
    if index.paragraph_of(doc[start].idx) != index.paragraph_of(doc[first].idx):
        return None
    return doc[start].idx


_LEADING_OBJECT_DEPS = {"dobj", "oprd", "attr", "acomp", "ccomp", "xcomp"}


def _governing_clause(
    index: DocumentIndex, quote: QuotedSpan, quote_tokens: range, cue: Token, in_quote: list[int]
) -> tuple[int, int] | None:
    """'emphasized the threat that “Islamic terrorism” poses to the world': a short quote inside the
    object of a cue before it is reported with that whole object (a PolNeAR mixed quote)."""
    doc = index.doc
    inner = next((i for i in quote_tokens if not doc[i].is_punct), None)
    if inner is None or cue.i >= quote_tokens[0] or _words(index.text[quote.start : quote.end]) > _EMBEDDED_MAX_WORDS:
        return None
    if sentence_of(cue).start != sentence_of(doc[inner]).start:
        return None
    holder = next((t for t in [doc[inner], *doc[inner].ancestors] if t.head.i == cue.i and t.i != cue.i), None)
    if holder is None or holder.i < cue.i or holder.left_edge.i <= cue.i:
        return None
    # 'called the deal “a step forward”': the object named before the quote belongs to it
    objects = [
        c for c in cue.rights if c.i < holder.i and c.dep_ in _LEADING_OBJECT_DEPS and not _is_listener(cue, c)
    ] + [holder]
    start, end = _trim_tokens(doc, min(c.left_edge.i for c in objects), quote_tokens[0], keep_marker=True)
    if not any(in_quote[i] < 0 and not doc[i].is_punct for i in range(start, end)):
        return None  # 'said "…"': the quote is all there is
    if index.paragraph_of(doc[start].idx) != index.paragraph_of(quote.start):
        return None
    _, tail = _trim_tokens(doc, quote_tokens[-1] + 1, max(quote_tokens[-1] + 1, holder.right_edge.i + 1))
    char_end = quote.end
    if tail > quote_tokens[-1] + 1:
        char_end = max(quote.end, doc[tail - 1].idx + len(doc[tail - 1].text))
        char_end = _without_detached_tail(index, quote.end, char_end)
    return doc[start].idx, char_end


# 'SMITH:' or 'SEN. JANE ROE:' opening a transcript line inside quote marks
_TRANSCRIPT_LABEL = re.compile(r"[\"\u201c]?\s*((?:[A-Z][A-Z.'\-]*\s){0,2}[A-Z][A-Z'\-]+):\s+")


def _transcript_label(index: DocumentIndex, quote: QuotedSpan) -> tuple[Token, int] | None:
    """Speaker token and content start of a quoted transcript line ('"SMITH: We will …"')."""
    match = _TRANSCRIPT_LABEL.match(index.text, quote.start, quote.end)
    if match is None or match.end() >= quote.end:
        return None
    label_end = match.end(1)
    speaker = index.doc[index.token_at(label_end - 1)]
    return speaker, match.end()


_TITLE_MAX_WORDS = 8
_TITLE_MIN_WORDS = 2
# words a title leaves in lower case ('Dateline on Assignment', 'Charlie and the Chocolate Factory')
_TITLE_SMALL_WORDS = frozenset("a an the and or but nor of in on at to for from by with as vs".split())


def _looks_like_title(quoted_text: str) -> bool:
    """'“The Walking Dead”', '"Meet the Press"': a short quote in title case names a work or a
    programme, not speech (an exclamation such as '“Lock Her Up!”' still counts as speech)."""
    inner = quoted_text.strip(" \t\n\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb")
    if inner.endswith(("!", "?", "!,", "?,")):
        return False
    words = [word.strip(".,:;()") for word in inner.split()]
    words = [word for word in words if any(char.isalpha() for char in word)]
    if not _TITLE_MIN_WORDS <= len(words) <= _TITLE_MAX_WORDS or inner.isupper():
        return False  # capitals throughout: a sign or a chant
    return all(word[0].isupper() or word.lower() in _TITLE_SMALL_WORDS for word in words) and words[0][0].isupper()


def find_direct_quotes(
    index: DocumentIndex,
    quoted: list[QuotedSpan],
    in_quote: list[int],
    clause_subjects: bool = True,
    mixed_clauses: bool = False,
) -> list[Attribution]:
    """Quotes from quote marks, with cue and speaker token; ``clause_subjects``: an uncued quote may
    take the subject of the clause it sits in ('he had "reason to believe"') - off for PolNeAR,
    where such quotes are mixed attributions of the whole clause (_embedded_quote_clauses);
    ``mixed_clauses``: a quote continuing an unquoted clause start is reported with it (PolNeAR)."""
    doc = index.doc
    attributions: list[Attribution] = []
    previous: Attribution | None = None
    for quote in quoted:
        tokens = index.tokens_within(quote.start, quote.end)
        inner = range(tokens.start, tokens.stop)
        paragraph = index.paragraph_of(quote.start)
        attribution = Attribution([(quote.start, quote.end)], True, paragraph=paragraph, quoted=[quote])
        label = _transcript_label(index, quote)
        if label is not None:
            # '"SMITH: We will …"': a transcript line names its speaker before a colon
            speaker, content_start = label
            attribution.spans = [(content_start, quote.end)]
            attribution.speaker_token, attribution.cue_text = speaker, ":"
            attributions.append(attribution)
            previous = attribution
            continue
        cue, cue_text = _cue_for_quote(index, inner, in_quote)
        if cue is not None:
            attribution.cue, attribution.cue_text = cue, cue_text
            attribution.speaker_token = speaker_token_for_cue(cue, in_quote)
            lead = _unquoted_lead(index, inner, cue, in_quote) if mixed_clauses else None
            if lead is not None:
                attribution.spans = [(lead, quote.end)]
            elif mixed_clauses and (clause := _governing_clause(index, quote, inner, cue, in_quote)) is not None:
                attribution.spans = [clause]
        else:
            colon_cue, colon_speaker = _colon_speaker(index, quote, in_quote)
            dash_speaker = _dash_speaker(index, quote, in_quote) if colon_speaker is None else None
            if colon_speaker is not None:
                attribution.cue = colon_cue
                attribution.cue_text = colon_cue.text if colon_cue is not None else ":"
                attribution.speaker_token = colon_speaker
            elif dash_speaker is not None:
                attribution.cue_text = _DASHES[0]
                attribution.speaker_token = dash_speaker
            elif mixed_clauses and (comma_speaker := _comma_speaker(index, quote, inner, in_quote)) is not None:
                attribution.cue_text = ","
                attribution.speaker_token = comma_speaker
            elif (introducing := _introducing_cue(index, quote, inner, in_quote)) is not None:
                attribution.cue, attribution.cue_text = introducing, introducing.text
                attribution.speaker_token = speaker_token_for_cue(introducing, in_quote)
            elif len(inner) and clause_subjects:
                attribution.speaker_token = _sentence_subject(doc, inner, in_quote)
        # a short quoted title before a verb ('"Harbour Lights," which …') is not speech
        passage = _words(index.text[quote.start : quote.end]) >= _SHORT_UNCUED_WORDS
        if attribution.speaker_token is None and passage:
            # no speaker yet: the verb right after an open quote is its speech act ('"…," Trump fumed')
            trailing = speaker_after_quote(doc, _last_word_inside(doc, inner), inner.stop, in_quote)
            if trailing is not None:
                verb, attribution.speaker_token = trailing
                attribution.cue, attribution.cue_text = verb, verb.text
        if attribution.speaker_token is None and attribution.cue is None and passage:
            # 'Bystrom agreed. "…"': the sentence just before introduces the quote's speaker
            attribution.speaker_token = subject_introducing_quote(doc, inner.start, in_quote)
        if attribution.speaker_token is None and previous is not None and paragraph - previous.paragraph <= 2:
            # no cue: the previous speaker goes on (only for real passages, not scare quotes)
            if _words(index.text[quote.start : quote.end]) >= _SHORT_UNCUED_WORDS or attribution.cue is not None:
                attribution.continuation_of = previous
        if attribution.speaker_token is None and attribution.continuation_of is None:
            if _words(index.text[quote.start : quote.end]) < _SHORT_UNCUED_WORDS:
                continue  # scare quotes / titles
        if _looks_like_title(index.text[quote.start : quote.end]):
            continue
        attributions.append(attribution)
        previous = attribution
    return attributions


# ---------------------------------------------------------------- indirect speech


def _trim_tokens(doc: Doc, start: int, end: int, keep_marker: bool = False) -> tuple[int, int]:
    """Strip edge punctuation and spaces; the complementizer ('that', 'whether') too unless ``keep_marker``."""
    while start < end and (
        doc[start].is_punct
        and doc[start].text not in "\"“‘'"
        or doc[start].is_space
        or (not keep_marker and doc[start].lower_ in _COMPLEMENT_MARKERS and doc[start].dep_ == "mark")
    ):
        start += 1
    while end > start and (doc[end - 1].is_space or doc[end - 1].is_punct and doc[end - 1].text not in "\"”’'"):
        end -= 1
    return start, end


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


_OBJECT_DEPS = {"dobj", "oprd", "xcomp", "prep", "attr", "acomp", "dative", "advcl", "npadvmod", "pobj"}


def _governed_quote_range(cue: Token, in_quote: list[int]) -> tuple[int, int] | None:
    """Right-hand objects of a cue (up to the one holding a quote), when some object holds a quote."""
    rights = [c for c in cue.rights if c.dep_ in _OBJECT_DEPS]
    holding = next((c for c in rights if any(in_quote[i] >= 0 for i in range(c.left_edge.i, c.right_edge.i + 1))), None)
    if holding is None or not rights or is_cue_token(holding):
        return None  # 'praised X, calling it "…"': the quote is the inner cue's
    # 'told the crowd simply, "…"': the listener is not what is said
    leading = [c for c in rights if c.i < holding.i and not _is_listener(cue, c)]
    return (leading[0] if leading else holding).left_edge.i, holding.right_edge.i + 1


def _is_listener(cue: Token, child: Token) -> bool:
    """'the crowd' in 'told the crowd …' or 'gave reporters …'."""
    return child.dep_ == "dative" or (child.dep_ == "dobj" and cue.lower_ in ADDRESSEE_CUE_FORMS)


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


def _sentence_has_cue(sentence, besides: Token, in_quote: list[int]) -> bool:
    return any(
        token.i != besides.i
        and in_quote[token.i] < 0
        and is_cue_token(token)
        and not _is_negated(token)
        and subject_of_cue(token) is not None
        for token in sentence
    )


def _within_paragraph(index: DocumentIndex, cue: Token, start: int, end: int) -> tuple[int, int]:
    """Reported content stays in its cue's paragraph (the parser may run a sentence over a break)."""
    paragraph = index.paragraph_of(cue.idx)
    doc = index.doc
    while start < end and index.paragraph_of(doc[start].idx) < paragraph:
        start += 1
    while end > start and index.paragraph_of(doc[end - 1].idx) > paragraph:
        end -= 1
    return start, end


def find_indirect_speech(index: DocumentIndex, in_quote: list[int], convention: str) -> list[Attribution]:
    doc = index.doc
    attributions: list[Attribution] = []
    for position in positions_of_words(doc, _INDIRECT_TRIGGERS):
        token = doc[position]
        if in_quote[position] >= 0:
            continue
        ranges: list[tuple[int, int]] = []
        speaker: Token | None = None
        cue_text = token.text
        if token.lower_ == "according":
            speaker = according_to_source(token)
            sentence = sentence_of(token)
            if speaker is None or _sentence_has_cue(sentence, token, in_quote):
                continue  # "X said …, according to Y": X is the speaker
            start, end = sentence.start, sentence.end
            cut_start, cut_end = token.left_edge.i, token.right_edge.i + 1
            before, after = (start, cut_start), (cut_end, end)
            ranges = [max(before, after, key=lambda r: r[1] - r[0])]
            cue_text = "according to"
        elif is_cue_token(token) and not _is_negated(token):
            complement = next((c for c in token.children if c.dep_ == "ccomp"), None)
            if complement is None and CUE_FORMS.get(token.lower_) in INFINITIVE_CUES:
                complement = next((c for c in token.children if c.dep_ == "xcomp"), None)
            if complement is not None:
                start, end = _complement_range(complement)
                if start <= token.i < end:
                    continue
                ranges = _split_coordinated(complement, start, end) if convention == "newsdesk" else [(start, end)]
            elif convention == "polnear" and (governed := _governed_quote_range(token, in_quote)) is not None:
                # 'calls her "a fascist"', 'accused X of "overreach"': the object carrying the quote
                ranges = [governed]
            elif token.dep_ == "parataxis" and token.head.pos_ in ("VERB", "AUX") and token.lower_ not in OBJECT_FORMS:
                head = token.head
                start, end = head.left_edge.i, head.right_edge.i + 1
                cut_start, cut_end = token.left_edge.i, token.right_edge.i + 1
                ranges = [max((start, cut_start), (cut_end, end), key=lambda r: r[1] - r[0])]
            elif token.dep_ in ("acl", "relcl") and token.head.pos_ in ("NOUN", "PROPN"):
                # "…, a spokesman confirmed." misparsed as a reduced relative clause
                clause = _clause_before_comma(doc, token.head)
                if clause is None:
                    continue
                ranges = [clause]
            else:
                continue
            speaker = subject_of_cue(token)
            if speaker is None:
                continue
            if speaker.i >= 0 and any(r[0] <= speaker.i < r[1] for r in ranges):
                continue
        elif token.pos_ == "VERB" and not _is_negated(token) and token.lower_ in OBJECT_FORMS:
            complement = next((c for c in token.children if c.dep_ in ("dobj", "ccomp")), None)
            speaker = speaker_token_for_cue(token, in_quote) if complement is not None else None
            if complement is None or speaker is None or speaker.pos_ not in ("PROPN", "NOUN", "PRON"):
                continue
            start, end = _complement_range(complement)
            if start <= token.i < end or start <= speaker.i < end:
                continue
            ranges = [(start, end)]
        else:
            continue
        for start, end in ranges:
            start, end = _within_paragraph(index, token, start, end)
            # PolNeAR's reported content starts at its complementizer: 'said [that the plan failed]'
            start, end = _trim_tokens(doc, start, end, keep_marker=convention == "polnear")
            if end - start < 2:
                continue
            char_start = doc[start].idx
            char_end = doc[end - 1].idx + len(doc[end - 1].text)
            attributions.append(
                Attribution(
                    [(char_start, char_end)],
                    False,
                    cue=token,
                    cue_text=cue_text,
                    speaker_token=speaker,
                    paragraph=index.paragraph_of(char_start),
                )
            )
    return attributions


# ---------------------------------------------------------------- combining


def _unquoted_words(index: DocumentIndex, quoted: list[QuotedSpan], start: int, end: int) -> int:
    """Words of [start, end) outside quote marks, besides a complementizer ('that', 'whether')."""
    pieces = []
    cursor = start
    for quote in quoted:
        if quote.end <= start or quote.start >= end:
            continue
        pieces.append(index.text[cursor : max(cursor, quote.start)])
        cursor = max(cursor, quote.end)
    pieces.append(index.text[cursor:end])
    words = [w for piece in pieces for w in piece.split() if any(c.isalnum() for c in w)]
    return sum(1 for w in words if w.lower() not in _COMPLEMENT_MARKERS)


def _quoted_chars(quoted: list[QuotedSpan], start: int, end: int) -> int:
    return sum(max(0, min(end, q.end) - max(start, q.start)) for q in quoted)


_TAIL_BREAKS = {",", ";", "\u2014", "\u2013", "-", "--", "("}
# Words that open a comment by the writer after a reported clause: '…, which …', '…, though …'.
_DETACHED_OPENERS = {"which", "where", "who", "whom", "whose", "while", "though", "although", "but", "when"}


def _without_detached_tail(index: DocumentIndex, quote_end: int, end: int) -> int:
    """End of a mixed quote without the writer's own words after its last quote:
    'said it was “a disgrace,” citing …' or 'said it was “fine” in New York, where he trails'."""
    doc = index.doc
    tokens = index.tokens_within(quote_end, end)
    if not len(tokens):
        return end
    # '“a disgrace,” citing …': the comma before the closing mark breaks off the tail too
    if index.text[:quote_end].rstrip("\"\u201d ").endswith(",") and _opens_detached(doc[tokens[0]]):
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
            return _trim_end_chars(index.text, quote_end, doc[position].idx)
    return end


def _opens_detached(token: Token) -> bool:
    return token.lower_ in _DETACHED_OPENERS or token.tag_ == "VBG"


def _trim_end_chars(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t\n,;":
        end -= 1
    return end


def find_attributions(
    doc: Doc, convention: str = "newsdesk", text: str | None = None
) -> tuple[list[Attribution], DocumentIndex]:
    """All quote candidates of a parsed document, in text order."""
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown convention {convention!r}; choose from {CONVENTIONS}")
    index = DocumentIndex(doc, text)
    quoted = find_quoted_spans(index.text)
    in_quote = [-1] * len(doc)
    for number, quote in enumerate(quoted):
        for position in index.tokens_within(quote.start, quote.end):
            in_quote[position] = number
    index.in_quote = in_quote
    direct = find_direct_quotes(
        index, quoted, in_quote, clause_subjects=convention != "polnear", mixed_clauses=convention == "polnear"
    )
    indirect = find_indirect_speech(index, in_quote, convention)

    if convention == "polnear":
        indirect.extend(_embedded_quote_clauses(index, quoted, direct, indirect, in_quote))

    kept_indirect: list[Attribution] = []
    absorbed: dict[int, Attribution] = {}  # id of a quote taken into a mixed clause -> that clause
    for attribution in indirect:
        start, end = attribution.start, attribution.end
        length = max(1, end - start)
        inside = _quoted_chars(quoted, start, end)
        mostly_quoted = inside / length >= 0.6
        if mostly_quoted and (
            convention == "newsdesk" or _unquoted_words(index, quoted, start, end) < _MIXED_MIN_UNQUOTED_WORDS
        ):
            continue  # the complement is itself a direct quote, handled above
        overlapping = [q for q in quoted if q.start < end and q.end > start]
        if overlapping:
            if convention == "newsdesk":
                continue  # the quoted phrases stand on their own
            holder = absorbed.get(id(overlapping[0]))
            if holder is not None and holder.start <= start and end <= holder.end:
                continue  # 'said he thinks it is "…"': the outer clause already reports this quote
            attribution.direct = True
            attribution.quoted = overlapping
            # a quote the clause only partly covers is taken whole: it is one speech act
            end = max(end, overlapping[-1].end)
            end = _without_detached_tail(index, overlapping[-1].end, end)
            start = min(start, overlapping[0].start)
            if index.text[start : overlapping[0].start].rstrip().endswith(":"):
                start = overlapping[0].start  # 'a new message: "…"' - what is said is the quote
            attribution.spans = [(start, end)]
            absorbed.update({id(q): attribution for q in overlapping})
        kept_indirect.append(attribution)

    if convention == "polnear":
        direct = _continuations_of_mixed_quotes(index, direct, absorbed)
        direct = _merge_split_quotes(direct, index)
        for attribution in direct + kept_indirect:
            # PolNeAR gives '"…," Roe said, according to CNN.' and 'According to CNN, Roe said …'
            # to the outer source, CNN
            tokens = index.tokens_within(attribution.start, attribution.end)
            reporter = reporting_source(doc, tokens.start, tokens.stop - 1, in_quote) if len(tokens) else None
            if reporter is not None:
                attribution.speaker_token = reporter
        # PolNeAR calls a quote direct only when double quote marks (“ ” or ") are involved
        for attribution in direct + kept_indirect:
            attribution.direct = any(index.text[q.start] in _POLNEAR_DIRECT_MARKS for q in attribution.quoted)
    # drop exact duplicates (e.g. nested cues yielding the same clause)
    seen: set[tuple] = set()
    combined: list[Attribution] = []
    for attribution in sorted(direct + kept_indirect, key=lambda a: (a.start, a.end)):
        key = (tuple(attribution.spans), attribution.direct)
        if key in seen:
            continue
        seen.add(key)
        combined.append(attribution)
    return combined, index


def _embedded_quote_clauses(
    index: DocumentIndex,
    quoted: list[QuotedSpan],
    direct: list[Attribution],
    indirect: list[Attribution],
    in_quote: list[int],
) -> list[Attribution]:
    """PolNeAR mixed quotes: 'Trump pointed to the case as the epitome of the "rigged system."'

    A short quote with no cue of its own, sitting in the object of a verb whose subject is
    outside the quote, is what that subject says, calls or claims: the verb's objects up to
    the quote become one mixed (direct) attribution; the quoted phrase is absorbed into it.
    """
    doc = index.doc
    covered = [(a.start, a.end) for a in indirect]
    # quotes kept as uncued passages (short uncued ones are scare quotes and were dropped already)
    uncued = {id(a.quoted[0]) for a in direct if a.cue is None and len(a.quoted) == 1}
    found: list[Attribution] = []
    for quote in quoted:
        if id(quote) not in uncued:
            continue
        if _words(index.text[quote.start : quote.end]) > _EMBEDDED_MAX_WORDS:
            continue
        if any(start < quote.end and end > quote.start for start, end in covered):
            continue
        tokens = index.tokens_within(quote.start, quote.end)
        inner = next((i for i in tokens if not doc[i].is_punct), None)
        if inner is None:
            continue
        sentence = sentence_of(doc[inner])
        if not any(in_quote[i] < 0 and not doc[i].is_punct for i in range(sentence.start, tokens.start)):
            continue  # the quote opens its sentence: a passage of its own, not a phrase inside a clause
        verb = next((t for t in doc[inner].ancestors if in_quote[t.i] < 0 and t.pos_ in ("VERB", "AUX")), None)
        if verb is None or _is_negated(verb):
            continue
        subject = subject_of_cue(verb)
        if subject is None or in_quote[subject.i] >= 0 or subject.pos_ not in _EMBEDDED_SUBJECT_POS:
            continue
        governed = _governed_quote_range(verb, in_quote)
        if governed is None or not (governed[0] <= inner < governed[1]) or governed[0] <= subject.i < governed[1]:
            continue
        start, end = _trim_tokens(doc, *governed)
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
                paragraph=index.paragraph_of(char_start),
            )
        )
    return found


def _opens_next_paragraph(index: DocumentIndex, attribution: Attribution, previous: Attribution) -> bool:
    """An uncued quote that opens the paragraph right after the previous quote's (blank lines aside)."""
    text = index.text
    paragraph_start = index.paragraph_starts[attribution.paragraph]
    previous_paragraph = index.paragraph_of(previous.end - 1)
    if attribution.cue is not None or attribution.paragraph <= previous_paragraph:
        return False
    if text[paragraph_start : attribution.start].strip():
        return False
    return not text[index.paragraph_starts[previous_paragraph + 1] : paragraph_start].strip()


def _continuations_of_mixed_quotes(
    index: DocumentIndex, direct: list[Attribution], absorbed: dict[int, Attribution]
) -> list[Attribution]:
    """Direct quotes not absorbed into a mixed clause; an uncued quote going on from an absorbed one
    ('Roe said the plan "failed." "It was doomed."') joins that mixed clause as a further fragment."""
    kept: list[Attribution] = []
    for attribution in direct:
        if id(attribution.quoted[0]) in absorbed:
            continue
        continued = attribution.continuation_of
        mixed = absorbed.get(id(continued.quoted[0])) if continued is not None else None
        if (
            mixed is not None
            and attribution.cue is None
            and mixed.end <= attribution.start
            and (attribution.paragraph == mixed.paragraph or _opens_next_paragraph(index, attribution, mixed))
        ):
            mixed.spans.extend(attribution.spans)
            mixed.quoted.extend(attribution.quoted)
            continue
        kept.append(attribution)
    return kept


def _merge_split_quotes(direct: list[Attribution], index: DocumentIndex) -> list[Attribution]:
    """PolNeAR style: '"A," he said. "B."', a quote going on in the next paragraph and re-opened
    paragraphs become one multi-fragment quote."""
    merged: list[Attribution] = []
    owner: dict[int, Attribution] = {}  # id of a merged-away quote -> the quote that absorbed it
    for attribution in direct:
        previous = merged[-1] if merged else None
        continued = attribution.continuation_of
        if continued is not None:
            continued = owner.get(id(continued), continued)
        same_act = previous is not None and (
            (continued is previous and attribution.paragraph == previous.paragraph)
            or (attribution.cue is not None and previous.cue is not None and attribution.cue.i == previous.cue.i)
            or (attribution.quoted[0].continued_from_previous and continued is previous)
            or (continued is previous and _opens_next_paragraph(index, attribution, previous))
        )
        if same_act and previous is not None:
            previous.spans.extend(attribution.spans)
            previous.quoted.extend(attribution.quoted)
            owner[id(attribution)] = previous
            continue
        merged.append(attribution)
    return merged
