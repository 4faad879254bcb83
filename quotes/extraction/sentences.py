"""Fast document lookups: spaCy's Token.sent rescans the document, and iterating a Doc creates a
Python object per token; these helpers read sentence starts and token arrays instead."""

from __future__ import annotations

import bisect
from functools import lru_cache

import numpy
from spacy.attrs import LOWER, POS
from spacy.strings import hash_string
from spacy.symbols import PROPN
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


def proper_noun_positions(doc: Doc) -> list[int]:
    """Indices of PROPN tokens, read from the token array instead of creating Token objects."""
    return numpy.flatnonzero(doc.to_array(POS) == PROPN).tolist() if len(doc) else []


@lru_cache(maxsize=16)
def _hashes(words: frozenset[str]) -> numpy.ndarray:
    return numpy.array(sorted(hash_string(word) for word in words), dtype=numpy.uint64)


def positions_of_words(doc: Doc, words: frozenset[str]) -> list[int]:
    """Indices of tokens whose lower-cased text is in ``words``."""
    if not len(doc):
        return []
    return numpy.flatnonzero(numpy.isin(doc.to_array(LOWER), _hashes(words))).tolist()
