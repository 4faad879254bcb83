"""Loading training/evaluation data for the stance classifier (pure Python, no torch).

Public data is read from a directory argument (../shared/data/stance), never copied here.
Labels used for training are the inner labels: favor, against, neutral, off_topic, or plain
"none" when the kind of none is unknown (the loss then accepts either kind).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from quotes import jsonl

from .model import LABELS, StanceInput

Example = tuple[StanceInput, str]

# ArgKP-2021 motions that are the same debate as an IBM claim-stance *test* topic: training on
# them would leak the "unseen topics" evaluation, so they are dropped.
ARGKP_TOPICS_OVERLAPPING_IBM_TEST: frozenset[str] = frozenset(
    {
        "We should abolish intellectual property rights",
        "We should end affirmative action",
        "We should end mandatory retirement",
        "We should abolish the right to keep and bear arms",
        "We should adopt atheism",
        "We should adopt an austerity regime",
    }
)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    return list(jsonl.read_jsonl(path))


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def add_synthetic_none(
    rows: Sequence[dict[str, Any]], rng: random.Random, per_text: float = 1.0
) -> list[dict[str, Any]]:
    """Pair texts with another topic's target as 'none/off_topic' (how the bench builds none).

    per_text: expected number of none pairs for each distinct text.
    """
    targets_by_topic: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["target"] not in targets_by_topic[row["topic_id"]]:
            targets_by_topic[row["topic_id"]].append(row["target"])
    topic_ids = sorted(targets_by_topic)
    seen: set[str] = set()
    none_rows = []
    for row in rows:
        if row["text"] in seen:
            continue
        seen.add(row["text"])
        count = int(per_text) + (1 if rng.random() < per_text - int(per_text) else 0)
        for _ in range(count):
            other = rng.choice([t for t in topic_ids if t != row["topic_id"]])
            none_rows.append(
                dict(row, target=rng.choice(targets_by_topic[other]), label="none", none_kind="off_topic")
            )
    return list(rows) + none_rows


def add_negated_motions(
    rows: Sequence[dict[str, Any]], rng: random.Random, fraction: float
) -> list[dict[str, Any]]:
    """"We should X" -> "We should not X" with favor/against swapped, for a `fraction` of rows.

    Teaches that stance is relative to how the topic is phrased, which is what carries over
    to unseen topics; the claim text itself is unchanged.
    """
    flipped = {"favor": "against", "against": "favor"}
    extra = []
    for row in rows:
        target = row["target"]
        if row["label"] in flipped and target.startswith("We should ") and not target.startswith("We should not "):
            if rng.random() < fraction:
                negated = "We should not " + target[len("We should ") :]
                extra.append(dict(row, target=negated, label=flipped[row["label"]], topic_id=row["topic_id"] + "-not"))
    return list(rows) + extra


# Debate-motion verbs of the training motions, with their polarity toward their object:
# "We should ban X" is against X, "We should legalize X" is for it.
MOTION_VERBS: dict[str, int] = {
    "support": 1, "promote": 1, "adopt": 1, "legalize": 1, "subsidize": 1, "introduce": 1,
    "ban": -1, "abolish": -1, "prohibit": -1, "abandon": -1, "criminalize": -1, "end": -1,
}
# "X should be banned" and friends.
PASSIVE_MOTIONS: dict[str, int] = {
    "supported": 1, "promoted": 1, "legalized": 1, "subsidized": 1, "mandatory": 1,
    "banned": -1, "abolished": -1, "prohibited": -1, "abandoned": -1, "a criminal offence": -1,
}
_ACTIVE = re.compile(rf"^We should ({'|'.join(MOTION_VERBS)}) (.+)$")
_PASSIVE = re.compile(rf"^(.+) should be ({'|'.join(PASSIVE_MOTIONS)})$")


def motion_object(target: str) -> tuple[str, int] | None:
    """'We should ban human cloning' -> ('human cloning', -1); None when not such a motion."""
    if match := _ACTIVE.match(target):
        return match.group(2), MOTION_VERBS[match.group(1)]
    if match := _PASSIVE.match(target):
        obj = match.group(1)
        return obj[0].lower() + obj[1:], PASSIVE_MOTIONS[match.group(2)]
    return None


def add_restated_motions(
    rows: Sequence[dict[str, Any]], rng: random.Random, fraction: float
) -> list[dict[str, Any]]:
    """Restate a `fraction` of motion rows whose verb we know, with the label following the polarity.

    Each picked row gets its bare object ("We should ban X", against -> "X", favor: the noun-phrase
    form IBM pairs every claim with) and the object under another verb ("X should be abolished").
    Teaches that the stance is relative to how the motion is phrased.
    """
    flipped = {"favor": "against", "against": "favor"}
    extra = []
    for row in rows:
        parsed = motion_object(row["target"]) if row["label"] in flipped else None
        if parsed is None or rng.random() >= fraction:
            continue
        obj, polarity = parsed
        verb = rng.choice(sorted(MOTION_VERBS))
        passive = rng.choice(sorted(PASSIVE_MOTIONS))
        active = (f"We should {verb} {obj}", MOTION_VERBS[verb], "motion")
        passive_form = (f"{obj[0].upper()}{obj[1:]} should be {passive}", PASSIVE_MOTIONS[passive], "motion")
        for target, new_polarity, form in [(obj, 1, "np"), rng.choice([active, passive_form])]:
            label = row["label"] if polarity == new_polarity else flipped[row["label"]]
            extra.append(dict(row, target=target, label=label, form=form, topic_id=row["topic_id"] + "-re"))
    return list(rows) + extra


def public_rows(
    data_dir: str | Path, split: str, *, argkp_per_topic_label: int = 0, seed: int = 0
) -> list[dict[str, Any]]:
    """IBM claim stance train|test rows (and optionally a capped sample of ArgKP-2021 for train)."""
    data_dir = Path(data_dir)
    rows = read_jsonl(data_dir / "ibm_claim_stance" / f"{split}.jsonl")
    if split == "train" and argkp_per_topic_label > 0:
        rng = random.Random(seed)
        grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for row in read_jsonl(data_dir / "ibm_argkp2021" / "all.jsonl"):
            if row["target"] not in ARGKP_TOPICS_OVERLAPPING_IBM_TEST:
                grouped[(row["topic_id"], row["label"])].append(row)
        for key in sorted(grouped):
            group = grouped[key]
            rng.shuffle(group)
            rows.extend(group[:argkp_per_topic_label])
    return rows


def public_examples(rows: Sequence[dict[str, Any]]) -> list[Example]:
    examples = []
    for row in rows:
        label = row.get("none_kind") or row["label"] if row["label"] == "none" else row["label"]
        examples.append((StanceInput(text=row["text"], topic=row["target"]), label))
    return examples


def ibm_test_examples(data_dir: str | Path, seed: int = 0) -> list[Example]:
    """IBM claim-stance test (30 unseen topics) + one synthetic none pair per distinct claim."""
    rows = add_synthetic_none(public_rows(data_dir, "test"), random.Random(seed), per_text=1.0)
    return public_examples(rows)


def news_rows(path: str | Path, split: str | None = None) -> list[dict[str, Any]]:
    rows = read_jsonl(path)
    return [row for row in rows if split is None or row.get("split") == split]


def row_to_input(row: dict[str, Any]) -> StanceInput:
    return StanceInput(
        text=row.get("text", "") or "",
        topic=row.get("topic", "") or "",
        context=row.get("context", "") or "",
        speaker=row.get("speaker", "") or "",
    )


def row_label(row: dict[str, Any]) -> str:
    """Inner training label for a gold row with "stance" (and maybe "none_kind")."""
    stance = row["stance"]
    if stance not in LABELS:
        raise ValueError(f"unknown stance {stance!r} in row {row.get('id')}")
    if stance == "none" and row.get("none_kind") in ("neutral", "off_topic"):
        return row["none_kind"]
    return stance


def news_examples(rows: Sequence[dict[str, Any]]) -> list[Example]:
    return [(row_to_input(row), row_label(row)) for row in rows]
