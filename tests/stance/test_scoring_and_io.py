"""Scores and JSONL I/O used by the evaluate/classify commands (pure functions)."""

from __future__ import annotations

import json

import pytest

from quotes.stance.data import add_synthetic_none, row_label
from quotes.stance.evaluation import (
    classify_file,
    evaluate_gold_file,
    f1_scores,
    format_table,
)


def test_f1_scores_match_hand_computation() -> None:
    gold = ["favor", "favor", "against", "none", "none", "against"]
    pred = ["favor", "against", "against", "none", "favor", "none"]
    scores = f1_scores(gold, pred)
    # favor: P=1/2 R=1/2; against: P=1/2 R=1/2; none: P=1/2 R=1/2 -> all F1 = 0.5
    assert scores["macro_f1"] == pytest.approx(0.5)
    assert scores["f_avg"] == pytest.approx(0.5)
    assert scores["per_class"]["none"]["support"] == 2
    assert "macro-F1 0.500" in format_table(scores)


def test_f1_scores_reject_misaligned_inputs() -> None:
    with pytest.raises(ValueError):
        f1_scores(["favor"], [])


def test_synthetic_none_pairs_use_another_topics_target() -> None:
    import random

    rows = [
        {"text": f"t{i}", "target": f"target {i % 3}", "topic_id": f"topic{i % 3}", "label": "favor"} for i in range(9)
    ]
    out = add_synthetic_none(rows, random.Random(0), per_text=1.0)
    nones = [r for r in out if r["label"] == "none"]
    assert len(nones) == 9
    assert all(r["target"] != f"target {r['topic_id'][-1]}" for r in nones)


def test_row_label_keeps_the_kind_of_none() -> None:
    assert row_label({"stance": "none", "none_kind": "off_topic"}) == "off_topic"
    assert row_label({"stance": "none"}) == "none"
    with pytest.raises(ValueError):
        row_label({"stance": "neutral"})


def test_classify_and_evaluate_files(stance_model, tmp_path) -> None:
    topic = "banning cars from the old town"
    rows = [
        {
            "id": "a",
            "text": "Banning cars will make the old town safe and pleasant; I fully support it.",
            "topic": topic,
            "stance": "favor",
        },
        {"id": "b", "text": "This car ban is a disaster for shops and I oppose it.", "topic": topic, "speaker": "Joe",
         "context": "Joe said: This car ban is a disaster for shops and I oppose it.", "stance": "against"},
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    output = tmp_path / "out.jsonl"
    assert classify_file(stance_model, gold, output) == 2
    predicted = [json.loads(line) for line in output.read_text().splitlines()]
    assert [p["id"] for p in predicted] == ["a", "b"]
    assert set(predicted[0]["scores"]) == {"favor", "against", "none"}
    scores = evaluate_gold_file(stance_model, gold)
    assert scores["n"] == 2 and scores["model_version"] == stance_model.model_version
    rows.append(dict(rows[0], id="c", topic="a tax on sugary drinks"))
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    by_topic = evaluate_gold_file(stance_model, gold, by="topic")["by_topic"]
    assert sorted(by_topic) == sorted({topic, "a tax on sugary drinks"})
    assert by_topic[topic]["n"] == 2 and by_topic["a tax on sugary drinks"]["n"] == 1


def test_per_topic_breakdown_scores_each_topic_apart() -> None:
    from quotes.stance.evaluation import format_breakdown

    gold = {"park": ["favor", "against"], "tax": ["none", "favor"]}
    predicted = {"park": ["favor", "against"], "tax": ["favor", "favor"]}
    breakdown = {topic: f1_scores(gold[topic], predicted[topic]) for topic in gold}
    table = format_breakdown(breakdown, "topic")
    assert table.splitlines()[1].startswith("park") and " 1.000 " in table.splitlines()[1]
    assert table.splitlines()[2].startswith("tax") and breakdown["tax"]["macro_f1"] < 1.0
