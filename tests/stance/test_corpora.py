"""Readers of the real training corpora: what each maps to, and what they leave out (pure Python)."""

from __future__ import annotations

import json

from quotes.stance.corpora import (
    argq_examples,
    newsmtsc_examples,
    newsmtsc_gold_rows,
    overlaps_ibm_test,
    perspectrum_examples,
    snli_examples,
)


def _write_jsonl(path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def test_snli_maps_inference_to_stance_and_adds_other_scenes_as_off_topic(tmp_path) -> None:
    rows = [
        {
            "captionID": f"{scene}.jpg#0",
            "sentence1": f"Premise {scene}.",
            "sentence2": f"Hyp {scene} {label}.",
            "gold_label": label,
        }
        for scene in range(20)
        for label in ("entailment", "contradiction", "neutral", "-")
    ]
    _write_jsonl(tmp_path / "snli.jsonl", rows)
    examples = snli_examples(tmp_path / "snli.jsonl", off_topic_per_premise=1.0)
    labels = {(item.topic.split()[-1], label) for item, label in examples if label != "off_topic"}
    assert labels == {("entailment.", "favor"), ("contradiction.", "against"), ("neutral.", "neutral")}
    off_topic = [item for item, label in examples if label == "off_topic"]
    assert off_topic and all(item.text.split()[1] != item.topic.split()[1] for item in off_topic)
    assert len(snli_examples(tmp_path / "snli.jsonl", limit=6, off_topic_per_premise=0)) == 6


def test_newsmtsc_keeps_a_side_only_where_the_sentence_voices_an_evaluation(tmp_path) -> None:
    def target(mention: str, polarity: float) -> dict:
        return {"mention": mention, "polarity": polarity, "from": 0, "to": len(mention)}

    rows = [
        {
            "primary_gid": "a",
            "sentence_normalized": "Smith leads the poll by ten points.",
            "targets": [target("Smith", 6.0)],
        },
        {
            "primary_gid": "b",
            "sentence_normalized": "“Smith is a liar,” Jones said.",
            "targets": [target("Smith", 2.0)],
        },
        {"primary_gid": "c", "sentence_normalized": "Smith visited Ohio.", "targets": [target("Smith", 4.0)]},
    ]
    _write_jsonl(tmp_path / "newsmtsc" / "train.jsonl", rows)
    examples = newsmtsc_examples(tmp_path, "train")
    assert sorted((item.text[:9], item.topic, label) for item, label in examples) == [
        ("Smith vis", "Smith", "neutral"),
        ("“Smith is", "Smith", "against"),
    ]
    # As gold for measuring, every target is kept: neutral is none.
    gold = newsmtsc_gold_rows(tmp_path, "train")
    assert [row["stance"] for row in gold] == ["favor", "against", "none"]


def test_argq_and_perspectrum_use_the_training_splits_and_keep_ibm_test_debates_out(tmp_path) -> None:
    _write_jsonl(
        tmp_path / "ibm_claim_stance" / "test.jsonl",
        [{"text": "t", "target": "We should adopt atheism", "label": "favor"}],
    )
    assert overlaps_ibm_test("We should adopt atheism", [frozenset({"adopt", "atheism"})])
    header = "argument,topic,set,WA,MACE-P,stance_WA,stance_WA_conf\n"
    lines = [
        "Faith harms,We should adopt atheism,train,1,1,1,1",
        "Cheap power,We should subsidize nuclear,train,1,1,1,1",
        "Risky,We should subsidize nuclear,test,1,1,-1,1",
        "Unsure,We should subsidize nuclear,train,1,1,-1,0.5",
    ]
    (tmp_path / "ibm_argq30k").mkdir()
    (tmp_path / "ibm_argq30k" / "arg_quality_rank_30k.csv").write_text(header + "\n".join(lines) + "\n")
    assert [(item.text, item.topic, label) for item, label in argq_examples(tmp_path)] == [
        ("Cheap power", "We should subsidize nuclear", "favor")
    ]
    folder = tmp_path / "perspectrum"
    folder.mkdir()
    (folder / "dataset_split_v1.0.json").write_text(json.dumps({"1": "train", "2": "test"}))
    (folder / "perspective_pool_v1.0.json").write_text(
        json.dumps([{"pId": 10, "text": "Yes"}, {"pId": 11, "text": "No"}])
    )
    claims = [
        {
            "cId": cid,
            "text": f"Claim {cid}",
            "perspectives": [
                {"pids": [10], "stance_label_3": "SUPPORT"},
                {"pids": [11], "stance_label_3": "UNDERMINE"},
            ],
        }
        for cid in (1, 2)
    ]
    (folder / "perspectrum_with_answers_v1.0.json").write_text(json.dumps(claims))
    assert sorted((item.text, item.topic, label) for item, label in perspectrum_examples(tmp_path, "train")) == [
        ("No", "Claim 1", "against"),
        ("Yes", "Claim 1", "favor"),
    ]


def test_unrelated_quotes_are_put_on_another_topic_once_each_with_gold_none() -> None:
    from quotes.stance.pipeline import UNRELATED_TOPICS, unrelated_examples

    rows = [
        {"text": "We will build the wall.", "topic": "immigration", "stance": "favor", "speaker": "A"},
        {"text": "We will build the wall.", "topic": "Trump as president", "stance": "favor", "speaker": "A"},
        {
            "text": "Taxes are too high.",
            "topic": "tax cuts",
            "stance": "favor",
            "context": "He said taxes are too high.",
        },
    ]
    examples = unrelated_examples(rows)
    assert [(item.text, item.topic, label) for item, label in examples] == [
        ("We will build the wall.", UNRELATED_TOPICS[0], "off_topic"),
        ("Taxes are too high.", UNRELATED_TOPICS[0], "off_topic"),
    ]
    assert examples[1][0].context == "He said taxes are too high."
