"""Direct quotes: a quoted span, the cue or sign that goes with it, and the token naming its speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from .candidates import Attribution
from .context import DocumentContext
from .conventions import Convention
from .cues import SHORT_UNCUED_WORDS, count_words, has_own_content, is_cue_token, is_negated, speaker_token_for_cue
from .marks import QuotedSpan
from .mixed import MIXED_CLAUSE_FINDERS
from .sentences import sentence_of
from .subjects import speaker_after_quote, subject_before_colon, subject_introducing_quote, subject_of_cue

_MAX_CUE_DISTANCE = 12  # content-free tokens allowed between a quote and its cue

# a cue in the sentence after a quote counts when it, or its subject, opens that sentence
_NEXT_SENTENCE_CUE_START = 4

_SPEECH_FINAL_PUNCTUATION = (",", "!", "?")

_SHORT_QUOTE_CUE_GAP = 3  # a short exclamation takes a cue only this close after it ('"No!" Jane Roe shouted')


def _cue_for_quote(context: DocumentContext, quote_tokens: range) -> tuple[Token | None, str]:
    """The cue verb (or 'according') nearest a quote in its sentence(s) and paragraph."""
    doc, in_quote = context.doc, context.in_quote
    if not len(quote_tokens):
        return None, ""
    short = sum(1 for i in quote_tokens if doc[i].is_alpha) < SHORT_UNCUED_WORDS
    first, last = quote_tokens[0], quote_tokens[-1]
    # '"Filth out!" she wrote': an exclamation, question or comma closing the quote marks speech
    ends_as_speech = context.text[doc[first].idx : doc[last].idx].rstrip()[-1:] in _SPEECH_FINAL_PUNCTUATION
    paragraph = context.paragraph_of(doc[first].idx)
    window_start = sentence_of(doc[first]).start
    window_end = sentence_of(doc[last]).end
    # '"…?" Trump asked reporters …': the parser split the cue into the next sentence
    following_start = window_end
    if window_end < len(doc) and context.paragraph_of(doc[window_end].idx) == paragraph:
        window_end = sentence_of(doc[window_end]).end
    best: tuple[float, Token] | None = None
    quote_token_set = set(quote_tokens)
    for position in range(window_start, window_end):
        token = doc[position]
        if in_quote[position] >= 0 or context.paragraph_of(token.idx) != paragraph:
            continue
        if not (is_cue_token(token) or token.lower_ == "according"):
            continue
        if is_negated(token):
            continue
        if position < first:
            between = range(position + 1, first)
        else:
            between = range(last + 1, position)
        subject = speaker_token_for_cue(context, token) if token.lower_ != "according" else None
        if position >= following_start and (
            subject is None
            or min(position, subject.left_edge.i) - following_start > _NEXT_SENTENCE_CUE_START
            or has_own_content(context, token)
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


def _colon_speaker(context: DocumentContext, quote: QuotedSpan) -> tuple[Token | None, Token | None]:
    """'Trump told the crowd: "…"' or 'Clinton on Twitter: "…"' -> (cue, speaker token)."""
    text = context.text
    before = quote.start - 1
    while before >= 0 and text[before] in " \t\n":
        before -= 1
    if before < 0 or text[before] != ":":
        return None, None
    doc, in_quote = context.doc, context.in_quote
    colon = context.token_at(before)
    sentence = sentence_of(doc[colon]) if doc[colon].text == ":" else None
    if sentence is None:
        return None, None
    for position in range(colon - 1, sentence.start - 1, -1):
        token = doc[position]
        if in_quote[position] >= 0:
            break
        if is_cue_token(token) and not is_negated(token):
            return token, subject_of_cue(token)
    subject = subject_before_colon(context, sentence, colon)
    if subject is not None:
        return None, subject
    # 'Former secretary of state Hillary Clinton: "…"': the name nearest the colon, same paragraph
    paragraph = context.paragraph_of(doc[colon].idx)
    for position in range(colon - 1, sentence.start - 1, -1):
        token = doc[position]
        if in_quote[position] >= 0 or context.paragraph_of(token.idx) != paragraph:
            break
        if token.text == ")" or _inside_parentheses(doc, position, sentence.start):
            continue  # "Rep. Jane Roe (D-Ore.):" - the party tag is not the speaker
        if token.ent_type_ in ("PERSON", "ORG") or (token.pos_ == "PROPN" and token.dep_ != "compound"):
            head = token
            while head.head.i != head.i and head.head.i < colon and head.head.pos_ == "PROPN":
                head = head.head
            return None, head
    return None, None


def _comma_speaker(context: DocumentContext, quote: QuotedSpan, quote_tokens: range) -> Token | None:
    """'Roe shared her worry with donors at a lunch, "I do not know …"': an uncued quote that opens
    with a capital right after the comma closing a clause is what that clause's subject says."""
    text = context.text
    before = quote.start - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    inner = next((i for i in quote_tokens if not context.doc[i].is_punct), None)
    if before < 0 or text[before] != "," or inner is None or not context.doc[inner].text[:1].isupper():
        return None
    comma = context.token_at(before)
    doc = context.doc
    if doc[comma].text != ",":
        return None
    return subject_before_colon(context, sentence_of(doc[comma]), comma)


def _introducing_cue(context: DocumentContext, quote: QuotedSpan, quote_tokens: range) -> Token | None:
    """'Jane Roe said in a statement. "…"': a cue ending the sentence just before a quote, with a
    subject and nothing reported of its own, introduces that quote."""
    doc, in_quote = context.doc, context.in_quote
    if not len(quote_tokens) or quote_tokens[0] == 0:
        return None
    sentence = sentence_of(doc[quote_tokens[0]])
    if sentence.start != quote_tokens[0] or sentence.start == 0:
        return None
    previous = sentence_of(doc[sentence.start - 1])
    if context.text[previous.end_char : quote.start].strip() or any(in_quote[t.i] >= 0 for t in previous):
        return None
    root = previous.root
    if not is_cue_token(root) or is_negated(root) or has_own_content(context, root):
        return None
    return root if subject_of_cue(root) is not None else None


_DASHES = ("\u2015", "\u2014", "\u2013", "--", "-")

_DASH_NAME_MAX_TOKENS = 6


def _dash_speaker(context: DocumentContext, quote: QuotedSpan) -> Token | None:
    """'“…” ― Jane Roe' (here or on the next line): a dash and a name after a quote sign it."""
    text = context.text
    position = quote.end
    line_breaks = 0
    while position < len(text) and text[position].isspace():
        line_breaks += text[position] == "\n"
        position += 1
    dash = next((d for d in _DASHES if text.startswith(d, position)), None)
    if dash is None or line_breaks > 2:
        return None
    doc, in_quote = context.doc, context.in_quote
    first = context.tokens_within(position + len(dash), len(text))
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
    for following in range(position + 1, min(len(doc), position + 8)):
        if doc[following].text == "(":
            return False
        if doc[following].text == ")":
            depth += 1
            break
    return depth > 0 and any(doc[i].text == "(" for i in range(max(floor, position - 8), position + 1))


def _last_word_inside(doc: Doc, quote_tokens: range) -> int:
    """Index of the last token inside a quote's marks (its final punctuation included), or -1."""
    for position in reversed(quote_tokens):
        if doc[position].text not in "\"“”'‘’":
            return position
    return -1


def _sentence_subject(context: DocumentContext, quote_tokens: range) -> Token | None:
    """Subject of the clause a quote sits in ('he had "reason to believe …"')."""
    doc, in_quote = context.doc, context.in_quote
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


# 'SMITH:' or 'SEN. JANE ROE:' opening a transcript line inside quote marks
_TRANSCRIPT_LABEL = re.compile(r"[\"\u201c]?\s*((?:[A-Z][A-Z.'\-]*\s){0,2}[A-Z][A-Z'\-]+):\s+")


def _transcript_label(context: DocumentContext, quote: QuotedSpan) -> tuple[Token, int] | None:
    """Speaker token and content start of a quoted transcript line ('"SMITH: We will …"')."""
    match = _TRANSCRIPT_LABEL.match(context.text, quote.start, quote.end)
    if match is None or match.end() >= quote.end:
        return None
    label_end = match.end(1)
    speaker = context.doc[context.token_at(label_end - 1)]
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


# ---------------------------------------------------------------- the finders, in the order they are tried


@dataclass(frozen=True)
class QuoteView:
    """One quoted span as the direct-quote finders see it."""

    context: DocumentContext
    convention: Convention
    quote: QuotedSpan
    tokens: range  # tokens inside its marks

    @property
    def text(self) -> str:
        return self.context.text[self.quote.start : self.quote.end]

    @property
    def is_passage(self) -> bool:
        """Long enough to be speech without a cue: a short quoted title ('"Harbour Lights," which …') is not."""
        return count_words(self.text) >= SHORT_UNCUED_WORDS


@dataclass(frozen=True)
class Found:
    """What a finder says about a quote: its speaker token, the cue or sign, the span it reports."""

    speaker: Token | None
    cue: Token | None = None
    cue_text: str = ""
    span: tuple[int, int] | None = None  # replaces the quote's own span (a transcript line, a mixed clause)
    labelled: bool = False  # a transcript label: speech whatever its wording


NOTHING_FOUND = Found(speaker=None)


def transcript_line(view: QuoteView) -> Found | None:
    """'"SMITH: We will …"': a transcript line names its speaker before a colon."""
    label = _transcript_label(view.context, view.quote)
    if label is None:
        return None
    speaker, content_start = label
    return Found(speaker, cue_text=":", span=(content_start, view.quote.end), labelled=True)


def cue_near_quote(view: QuoteView) -> Found | None:
    """'"…," Roe said.' / 'Roe said: "…"': the nearest cue verb; where mixed quotes are annotated
    the quote may be reported with the clause around it (mixed.MIXED_CLAUSE_FINDERS)."""
    context = view.context
    cue, cue_text = _cue_for_quote(context, view.tokens)
    if cue is None:
        return None
    span = None
    if view.convention.mixed_quotes:
        span = next(
            (s for finder in MIXED_CLAUSE_FINDERS if (s := finder(context, view.quote, view.tokens, cue)) is not None),
            None,
        )
    return Found(speaker_token_for_cue(context, cue), cue, cue_text, span)


def colon_introduction(view: QuoteView) -> Found | None:
    """'Trump told the crowd: "…"' or 'Clinton on Twitter: "…"'."""
    cue, speaker = _colon_speaker(view.context, view.quote)
    if speaker is None:
        return None
    return Found(speaker, cue, cue.text if cue is not None else ":")


def dash_signature(view: QuoteView) -> Found | None:
    """'“…” ― Jane Roe'."""
    speaker = _dash_speaker(view.context, view.quote)
    return Found(speaker, cue_text=_DASHES[0]) if speaker is not None else None


def comma_introduction(view: QuoteView) -> Found | None:
    """'Roe shared her worry with donors, "I do not know …"' (where the convention counts it)."""
    if not view.convention.comma_introduces_quote:
        return None
    speaker = _comma_speaker(view.context, view.quote, view.tokens)
    return Found(speaker, cue_text=",") if speaker is not None else None


def cue_sentence_before(view: QuoteView) -> Found | None:
    """'Jane Roe said in a statement. "…"'."""
    cue = _introducing_cue(view.context, view.quote, view.tokens)
    return Found(speaker_token_for_cue(view.context, cue), cue, cue.text) if cue is not None else None


def clause_subject(view: QuoteView) -> Found | None:
    """'he had "reason to believe …"': the subject of the clause an uncued quote sits in."""
    if not view.convention.clause_subject_speaks or not len(view.tokens):
        return None
    return Found(_sentence_subject(view.context, view.tokens))


def verb_after_quote(view: QuoteView, found: Found) -> Found | None:
    """'"…," Trump fumed': the verb right after an open quote is its speech act, whatever the verb."""
    if not view.is_passage:
        return None
    context = view.context
    trailing = speaker_after_quote(context, _last_word_inside(context.doc, view.tokens), view.tokens.stop)
    if trailing is None:
        return None
    verb, speaker = trailing
    return replace(found, speaker=speaker, cue=verb, cue_text=verb.text)


def subject_of_sentence_before(view: QuoteView, found: Found) -> Found | None:
    """'Bystrom agreed. "…"': the sentence just before an uncued quote introduces its speaker."""
    if found.cue is not None or not view.is_passage:
        return None
    return replace(found, speaker=subject_introducing_quote(view.context, view.tokens.start))


# Tried in order; the first that applies gives the quote its cue and speaker (which may be None).
DIRECT_FINDERS = (
    transcript_line,
    cue_near_quote,
    colon_introduction,
    dash_signature,
    comma_introduction,
    cue_sentence_before,
    clause_subject,
)
# Tried in order while the quote still has no speaker.
DIRECT_SPEAKER_FALLBACKS = (verb_after_quote, subject_of_sentence_before)
# An uncued quote within this many paragraphs of the previous one continues its speaker.
_CONTINUATION_MAX_PARAGRAPHS = 2


def find_quote(view: QuoteView) -> Found:
    found = next((f for finder in DIRECT_FINDERS if (f := finder(view)) is not None), NOTHING_FOUND)
    for fallback in DIRECT_SPEAKER_FALLBACKS:
        if found.speaker is not None:
            break
        found = fallback(view, found) or found
    return found


def find_direct_quotes(context: DocumentContext, convention: Convention) -> list[Attribution]:
    """Quotes from quote marks, with cue and speaker token; a quote with no speaker continues the
    previous quote's, and a short one with neither is a scare quote and dropped."""
    attributions: list[Attribution] = []
    previous: Attribution | None = None
    for quote in context.quotes:
        view = QuoteView(context, convention, quote, context.tokens_within(quote.start, quote.end))
        found = find_quote(view)
        paragraph = context.paragraph_of(quote.start)
        attribution = Attribution(
            [found.span or (quote.start, quote.end)],
            True,
            cue=found.cue,
            cue_text=found.cue_text,
            speaker_token=found.speaker,
            paragraph=paragraph,
            quoted=[quote],
        )
        if not found.labelled:
            if found.speaker is None and previous is not None:
                # no speaker: the previous speaker goes on (only for real passages, not scare quotes)
                near = paragraph - previous.paragraph <= _CONTINUATION_MAX_PARAGRAPHS
                if near and (view.is_passage or found.cue is not None):
                    attribution.continuation_of = previous
            if found.speaker is None and attribution.continuation_of is None and not view.is_passage:
                continue  # scare quotes / titles
            if _looks_like_title(view.text):
                continue
        attributions.append(attribution)
        previous = attribution
    # '“A … (no closing mark) / “B,” she added': the paragraph a quote runs on from is the same speaker's
    for attribution, following in zip(attributions, attributions[1:], strict=False):
        if (
            attribution.speaker_token is None
            and attribution.continuation_of is None
            and following.speaker_token is not None
            and following.quoted[0].continued_from_previous
            and following.paragraph > attribution.paragraph
        ):
            attribution.continuation_of = following
    return attributions
