"""End-to-end F1 on the seed article must stay at or above the targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from quotes.extraction import QuoteExtractor, quote_to_prediction
from quotes.extraction.scoring import load_gold, score_predictions, summarize_counts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_GOLD = FIXTURES / "riyadh-talks.gold.json"


@pytest.fixture(scope="module")
def seed_figures(extractor: QuoteExtractor) -> dict:
    gold = load_gold(str(SEED_GOLD))
    predictions = {
        article_id: [quote_to_prediction(q) for q in extractor.extract(article["text"]).quotes]
        for article_id, article in gold.items()
    }
    counts = score_predictions(gold, predictions, ["all", "direct"])
    return {subset: summarize_counts(counts[subset]) for subset in counts}


def test_seed_direct_quotes_end_to_end(seed_figures: dict) -> None:
    assert seed_figures["direct"]["e2e"]["f1"] >= 0.95


def test_seed_all_quotes_end_to_end(seed_figures: dict) -> None:
    assert seed_figures["all"]["e2e"]["f1"] >= 0.85
