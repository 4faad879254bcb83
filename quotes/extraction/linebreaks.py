"""Sentences start at line breaks: a spaCy component that runs before the parser.

Headlines, timestamps, datelines and bullet points carry no full stop, so the parser runs them
into the sentence on the next line ('13:15 GMT Ukraine: no draft Ukraine's foreign minister …'),
and that sentence's subject is lost. A line that opens with anything but a lower-case letter
opens a sentence; a lower-case one goes on the line before (text wrapped mid-sentence).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

COMPONENT_NAME = "newsdesk_line_breaks"


@Language.component(COMPONENT_NAME)
def sentences_start_at_line_breaks(doc: Doc) -> Doc:
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text and not token.is_space and not token.text[:1].islower():
            token.is_sent_start = True
    return doc
