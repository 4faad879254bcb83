"""scoring.py follows the benchmark's rules; where the benchmark script exists, both agree."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from quotes.extraction.scoring import (
    WordIndex,
    build_report,
    load_gold,
    match_greedily,
    name_words,
    score_predictions,
    speaker_is_right,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_GOLD = FIXTURES / "riyadh-talks.gold.json"
BENCHMARK_SCORER = Path(__file__).resolve().parents[3] / "shared" / "bench" / "score_attribution.py"


def test_name_words_drop_titles_pronouns_and_short_words() -> None:
    assert name_words("Russian Foreign Minister Sergey Lavrov") == {"russian", "sergey", "lavrov"}
    assert name_words("he") == set()
    assert name_words("the spokesman") == set()


def test_speaker_matches_on_a_shared_name_word() -> None:
    gold = {"source": {"text": "Rubio"}, "source_resolved": None}
    assert speaker_is_right("Marco Rubio", gold)
    assert not speaker_is_right("Sergey Lavrov", gold)


def test_sourceless_gold_accepts_only_an_empty_speaker() -> None:
    gold = {"source": None, "source_resolved": None}
    assert speaker_is_right(None, gold)
    assert not speaker_is_right("Anyone", gold)


def test_overlap_needs_half_of_each_side() -> None:
    words = WordIndex("one two three four five six")
    predicted = [words.covered([(0, 13)])]  # one two three
    gold = [words.covered([(0, 27)])]  # all six words
    assert match_greedily(predicted, gold, 0.5) == [(0, 0)]
    assert match_greedily([words.covered([(0, 7)])], gold, 0.5) == []  # two of six


def _seed_predictions() -> tuple[dict, list[dict]]:
    gold = load_gold(str(SEED_GOLD))
    article_id, article = next(iter(gold.items()))
    text = article["text"]
    # a deliberately imperfect system: every other gold quote, half with a wrong speaker
    quotes = []
    for number, attribution in enumerate(article["attributions"]):
        if number % 2:
            continue
        content = attribution["content"][0]
        speaker = attribution["source_resolved"] if number % 4 == 0 else "Nobody Known"
        quotes.append(
            {
                "start": content["start"],
                "end": content["end"],
                "speaker": speaker,
                "direct": attribution["direct"],
                "text": text[content["start"] : content["end"]],
            }
        )
    return gold, [{"id": article_id, "quotes": quotes}]


def test_imperfect_predictions_score_below_one() -> None:
    gold, lines = _seed_predictions()
    report = build_report(score_predictions(gold, {lines[0]["id"]: lines[0]["quotes"]}, ["all", "direct"]))
    assert 0 < report["all"]["e2e"]["f1"] < report["all"]["overlap"]["f1"] < 1


@pytest.mark.skipif(not BENCHMARK_SCORER.exists(), reason="benchmark scorer (../shared) not available")
def test_agrees_with_the_benchmark_scorer(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("score_attribution", BENCHMARK_SCORER)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    gold, lines = _seed_predictions()
    prediction_path = tmp_path / "pred.jsonl"
    prediction_path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    ours = build_report(score_predictions(gold, {lines[0]["id"]: lines[0]["quotes"]}, ["all", "direct"]))
    theirs_counts = benchmark.score(
        benchmark.load_gold(str(SEED_GOLD)), benchmark.load_pred(str(prediction_path)), ["all", "direct"], 0.5
    )
    for subset in ("all", "direct"):
        theirs = benchmark.summarize(theirs_counts[subset])
        for key in ("n_gold", "n_pred", "overlap", "exact", "speaker_acc", "speaker_ceiling", "e2e"):
            assert ours[subset][key] == theirs[key], (subset, key)
