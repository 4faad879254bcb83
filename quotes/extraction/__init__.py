"""Attribution engine: article text -> quotes (direct and indirect) with speakers.

Pure Python on top of spaCy; no Django imports anywhere in this package.

How it reads, top to bottom:
- ``context``: the document context built once per article (parse, quote marks, ``in_quote``);
- ``conventions``: what differs between annotation conventions, as data (NEWSDESK, POLNEAR);
- span finding, one module per layout, each an ordered tuple of named finders:
  ``direct`` (DIRECT_FINDERS, DIRECT_SPEAKER_FALLBACKS), ``indirect`` (INDIRECT_FINDERS,
  REPORTED_CONTENT_FINDERS), ``mixed`` (MIXED_CLAUSE_FINDERS and the absorption of quoted
  phrases into reported clauses); ``quotes.find_attributions`` combines them;
- speakers: ``subjects`` (the token naming a speaker), ``names`` (names, titles, gender),
  ``registry`` (the article's people), ``pronouns``, ``resolver`` (pure resolve, explicit register);
- ``extractor``: parse, find, resolve in text order, build the results (``results``).
"""

from .extractor import QuoteExtractor, get_extractor
from .results import SPEAKER_KINDS, Extraction, Quote, Speaker, quote_to_prediction

EXTRACTOR_VERSION = "rules-2026.11.25"

__all__ = [
    "EXTRACTOR_VERSION",
    "Extraction",
    "Quote",
    "SPEAKER_KINDS",
    "QuoteExtractor",
    "Speaker",
    "get_extractor",
    "quote_to_prediction",
]
