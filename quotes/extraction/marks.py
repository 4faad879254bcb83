"""Find direct-quote spans from quote marks alone (no parse needed).

Handles curly, straight, guillemet, low-9 and doubled-apostrophe marks,
single quotes, unbalanced marks (a quote left open runs to the end of its
paragraph) and the newspaper convention where a quote running over several
paragraphs re-opens each paragraph without closing the previous one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

OPEN, CLOSE, EITHER = "open", "close", "either"

# Characters after which an ambiguous mark is opening a quote.
_OPENING_CONTEXT = set(" \t\n\r([{\u2014\u2013-/:;\u00a0")
_CLOSING_FOLLOWERS = set(" \t\n\r)]}.,;:!?\u2014\u2013-\u2026\u00a0")
_SINGLE_QUOTE_MAX_CHARS = 300
_PARAGRAPH_BREAK = re.compile(r"\n")
# what find_marks looks at: a doubled apostrophe or backtick first, else one mark character
_MARK_CANDIDATE = re.compile("''|``|[\u201c\u201e\u00ab\u201f\u201d\u00bb\"\u2018\u2019']")
# an opening markup tag with attributes, as in text scraped with embedded posts: <tweet id="1" author="@x">
_MARKUP_TAG = re.compile(r"<[A-Za-z][\w:-]*(?:\s+[\w:-]+\s*=\s*(?:\"[^\"<>\n]*\"|'[^'<>\n]*'))+\s*/?>")


@dataclass(frozen=True)
class QuoteMark:
    position: int
    length: int
    role: str  # OPEN, CLOSE or EITHER
    family: str  # "double" or "single": only marks of one family pair up


@dataclass(frozen=True)
class QuotedSpan:
    """A stretch of text inside quote marks; start/end include the marks."""

    start: int
    end: int
    closed: bool  # False when the closing mark was missing
    continued_from_previous: bool = False  # re-opened paragraph of a multi-paragraph quote


def _classify_double(text: str, index: int, length: int) -> str:
    before = text[index - 1] if index > 0 else " "
    after = text[index + length] if index + length < len(text) else " "
    if before in _OPENING_CONTEXT and after not in " \t\n\r":
        return OPEN
    if after in _CLOSING_FOLLOWERS or after in "\"\u201d'\u2019":
        return CLOSE
    return EITHER


def find_marks(text: str) -> list[QuoteMark]:
    """Every quote mark with its role, in text order. The scan jumps from one mark-like character to
    the next (a doubled apostrophe or backtick is one mark), so plain text costs no Python loop."""
    marks: list[QuoteMark] = []
    length = len(text)
    for match in _MARK_CANDIDATE.finditer(text):
        index = match.start()
        char = match.group()
        if len(char) == 2:
            role = OPEN if char == "``" else _classify_double(text, index, 2)
            marks.append(QuoteMark(index, 2, role, "double"))
        elif char in "\u201c\u201e\u00ab\u201f":
            marks.append(QuoteMark(index, 1, OPEN, "double"))
        elif char in "\u201d\u00bb":
            # a ” opening a paragraph or word ('\n”Fear is …') is a mistyped opening mark
            mistyped_opening = char == "\u201d" and _classify_double(text, index, 1) == OPEN
            marks.append(QuoteMark(index, 1, EITHER if mistyped_opening else CLOSE, "double"))
        elif char == '"':
            marks.append(QuoteMark(index, 1, _classify_double(text, index, 1), "double"))
        else:  # \u2018, \u2019 or '
            before = text[index - 1] if index > 0 else " "
            after = text[index + 1] if index + 1 < length else " "
            if before in _OPENING_CONTEXT or before in '\u201c"':
                if after.isalnum() and char != "\u2019" and not (char == "'" and after.isdigit()):
                    marks.append(QuoteMark(index, 1, OPEN, "single"))
            elif not after.isalnum() and not before.isspace():
                # an apostrophe inside a word ("don't") is followed by a letter: skip it
                marks.append(QuoteMark(index, 1, CLOSE, "single"))
    return marks


def _paragraph_bounds(text: str) -> list[tuple[int, int]]:
    bounds = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def find_quoted_spans(text: str) -> list[QuotedSpan]:
    """All quoted spans in reading order (double quotes, plus single quotes outside them)."""
    marks = _outside_markup(text, find_marks(text))
    spans: list[QuotedSpan] = []
    mark_index = 0
    previous_paragraph_left_open = False
    for paragraph_start, paragraph_end in _paragraph_bounds(text):
        paragraph_marks = []
        while mark_index < len(marks) and marks[mark_index].position < paragraph_end:
            if marks[mark_index].position >= paragraph_start:
                paragraph_marks.append(marks[mark_index])
            mark_index += 1
        double_spans, left_open = _pair_double(
            text, paragraph_marks, paragraph_start, paragraph_end, previous_paragraph_left_open
        )
        previous_paragraph_left_open = left_open
        single_spans = _pair_single(paragraph_marks, double_spans)
        spans.extend(sorted(double_spans + single_spans, key=lambda span: span.start))
    return spans


def _outside_markup(text: str, marks: list[QuoteMark]) -> list[QuoteMark]:
    """Drop marks inside markup tags: '<tweet author="@x">' quotes an attribute value, not speech."""
    if "<" not in text:
        return marks
    tags = [(match.start(), match.end()) for match in _MARKUP_TAG.finditer(text)]
    if not tags:
        return marks
    starts = [start for start, _end in tags]
    kept = []
    for mark in marks:
        index = bisect.bisect_right(starts, mark.position) - 1
        if index >= 0 and tags[index][0] <= mark.position < tags[index][1]:
            continue
        kept.append(mark)
    return kept


def _pair_double(
    text: str, marks: list[QuoteMark], paragraph_start: int, paragraph_end: int, continues: bool
) -> tuple[list[QuotedSpan], bool]:
    spans: list[QuotedSpan] = []
    open_at: int | None = None
    opened_as_continuation = False
    first = True
    doubles = [mark for mark in marks if mark.family == "double"]
    nested: set[int] = set()  # positions of an inner quote's marks ('“… what he calls “hell” …”')
    for number, mark in enumerate(doubles):
        if mark.position in nested:
            continue
        is_first, first = first, False
        role = mark.role
        if (
            open_at is not None
            and text[mark.position] == "\u201c"
            and (text[open_at] == "\u201e" or _classify_double(text, mark.position, 1) == CLOSE)
        ):
            role = CLOSE  # German „…“, or a typo'd closing “ ('…here,“ said X')
        if role == EITHER:
            role = CLOSE if open_at is not None else OPEN
        if role == OPEN:
            following = doubles[number + 1 : number + 3]
            same_style_inner = len(following) == 2 and all(m.role == CLOSE for m in following)
            # '"… as “The Journal” wrote …"': curly marks inside a straight quote (or the reverse)
            other_style_inner = (
                len(following) >= 1
                and following[0].role == CLOSE
                and open_at is not None
                and _is_straight(text[mark.position]) != _is_straight(text[open_at])
                and _is_straight(text[following[0].position]) == _is_straight(text[mark.position])
            )
            if open_at is not None and (same_style_inner or other_style_inner):
                nested.add(following[0].position)  # an inner quote: its close is not the outer one's
                continue
            if open_at is not None:
                # an earlier mark never closed: end it before this one
                end = _trim_end(text, open_at, mark.position)
                spans.append(QuotedSpan(open_at, end, False, opened_as_continuation))
            open_at = mark.position
            opened_as_continuation = continues and is_first and _only_space(text, paragraph_start, mark.position)
        else:
            if open_at is None:
                if is_first and continues:
                    # paragraph continues a quote without re-opening it
                    spans.append(QuotedSpan(paragraph_start, mark.position + mark.length, True, True))
                continue
            spans.append(QuotedSpan(open_at, mark.position + mark.length, True, opened_as_continuation))
            open_at = None
    left_open = False
    if open_at is not None:
        end = _trim_end(text, open_at, paragraph_end)
        if end - open_at > 1:
            spans.append(QuotedSpan(open_at, end, False, opened_as_continuation))
        left_open = True
    return spans, left_open


def _is_straight(mark: str) -> bool:
    return mark in "\"'"


def _only_space(text: str, start: int, end: int) -> bool:
    return not text[start:end].strip()


def _pair_single(marks: list[QuoteMark], double_spans: list[QuotedSpan]) -> list[QuotedSpan]:
    """Pair single quotes that do not sit inside a double-quoted span."""

    def inside_double(position: int) -> bool:
        return any(span.start <= position < span.end for span in double_spans)

    spans = []
    open_at: int | None = None
    for mark in marks:
        if mark.family != "single" or inside_double(mark.position):
            continue
        if mark.role == OPEN:
            open_at = mark.position
        elif open_at is not None:
            if mark.position - open_at <= _SINGLE_QUOTE_MAX_CHARS:
                spans.append(QuotedSpan(open_at, mark.position + 1, True))
            open_at = None
    return spans
