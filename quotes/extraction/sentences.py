"""Fast sentence lookup: spaCy's Token.sent rescans the document on every call."""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span, Token

_CACHE_KEY = "newsdesk_sentence_starts"


def _sentence_starts(doc: Doc) -> list[int]:
    starts = doc.user_data.get(_CACHE_KEY)
    if starts is None:
        starts = [sentence.start for sentence in doc.sents]
        doc.user_data[_CACHE_KEY] = starts
    return starts


def sentence_of(token: Token) -> Span:
    """The sentence containing ``token`` (same as ``token.sent``, in O(log n))."""
    doc = token.doc
    starts = _sentence_starts(doc)
    position = bisect.bisect_right(starts, token.i) - 1
    start = starts[position]
    end = starts[position + 1] if position + 1 < len(starts) else len(doc)
    return doc[start:end]
