"""One extractor per test session: loading spaCy is the slow part."""

from __future__ import annotations

import pytest

from quotes.extraction import QuoteExtractor


@pytest.fixture(scope="session")
def extractor() -> QuoteExtractor:
    return QuoteExtractor()


@pytest.fixture(scope="session")
def polnear_extractor() -> QuoteExtractor:
    return QuoteExtractor(convention="polnear")
