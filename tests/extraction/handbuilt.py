"""Hand-built document contexts: rules tested on a parse written out by hand, no spaCy model.

``hand_built(text, rows)`` takes the text and one row per token, ``WORD POS TAG DEP HEAD``, HEAD
being the 0-based index of the token's head (the root names itself). Words are found in the
text in order, so spacing comes from the text; quote marks are found on the text as in the engine.
"""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from quotes.extraction.context import DocumentContext, build_context

# English lexical attributes (lower case, is_alpha, is_punct) without any trained component
_VOCAB = spacy.blank("en").vocab


def hand_built(text: str, rows: str) -> DocumentContext:
    words, pos, tags, deps, heads = [], [], [], [], []
    for row in rows.strip().splitlines():
        word, part_of_speech, tag, dep, head = row.split()
        words.append(word)
        pos.append(part_of_speech)
        tags.append(tag)
        deps.append(dep)
        heads.append(int(head))
    spaces = []
    cursor = 0
    for word in words:
        found = text.index(word, cursor)
        if text[cursor:found].strip():
            raise ValueError(f"text between tokens is not space: {text[cursor:found]!r}")
        cursor = found + len(word)
        spaces.append(text[cursor : cursor + 1] == " ")
        cursor += spaces[-1]
    doc = Doc(_VOCAB, words=words, spaces=spaces, pos=pos, tags=tags, deps=deps, heads=heads)
    if doc.text != text:
        raise ValueError(f"rows do not spell the text: {doc.text!r}")
    return build_context(doc, text)
