"""Attribution engine: article text -> quotes (direct and indirect) with speakers.

Pure Python on top of spaCy; no Django imports anywhere in this package.
"""

from .extractor import QuoteExtractor, get_extractor
from .results import Extraction, Quote, Speaker, quote_to_prediction

EXTRACTOR_VERSION = "rules-2026.11.25"

__all__ = [
    "EXTRACTOR_VERSION",
    "Extraction",
    "Quote",
    "QuoteExtractor",
    "Speaker",
    "get_extractor",
    "quote_to_prediction",
]
