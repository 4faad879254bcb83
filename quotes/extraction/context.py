"""The document context every rule reads: built once per article, never changed by a rule.

It holds the parse, the text, the quoted spans and, per token, the number of the quote it
sits in, with the character, token and paragraph lookups the rules share.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .marks import QuotedSpan, find_quoted_spans
from .sentences import sentence_of


@dataclass(frozen=True)
class DocumentContext:
    doc: Doc
    text: str
    quotes: tuple[QuotedSpan, ...]  # quoted spans in reading order
    in_quote: tuple[int, ...]  # per token: number of the quote it sits in, -1 outside quotes
    token_starts: tuple[int, ...]  # character offset of each token
    paragraph_starts: tuple[int, ...]  # character offset of each line

    def quoted(self, position: int) -> bool:
        return self.in_quote[position] >= 0

    def paragraph_of(self, char_index: int) -> int:
        return bisect.bisect_right(self.paragraph_starts, char_index) - 1

    def paragraph_of_token(self, token: Token) -> int:
        return self.paragraph_of(token.idx)

    def tokens_within(self, start: int, end: int) -> range:
        """Indices of tokens that start inside [start, end)."""
        first = bisect.bisect_left(self.token_starts, start)
        last = bisect.bisect_left(self.token_starts, end)
        return range(first, last)

    def token_at(self, char_index: int) -> int:
        return max(0, bisect.bisect_right(self.token_starts, char_index) - 1)

    def sentence_of(self, token: Token) -> Span:
        return sentence_of(token)


def build_context(doc: Doc, text: str | None = None) -> DocumentContext:
    """Parse-side facts of one document: quote marks are found on the text, then mapped to tokens."""
    text = doc.text if text is None else text
    # to_array avoids creating a Python Token object per token
    token_starts = tuple(doc.to_array("IDX").tolist()) if len(doc) else ()
    quotes = tuple(find_quoted_spans(text))
    in_quote = [-1] * len(doc)
    for number, quote in enumerate(quotes):
        first = bisect.bisect_left(token_starts, quote.start)
        last = bisect.bisect_left(token_starts, quote.end)
        for position in range(first, last):
            in_quote[position] = number
    paragraph_starts = (0, *(i + 1 for i, char in enumerate(text) if char == "\n"))
    return DocumentContext(doc, text, quotes, tuple(in_quote), token_starts, paragraph_starts)
