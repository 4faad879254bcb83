"""Build data/first_name_gender.json from PolNeAR train (reproducible, stdlib only).

A first name's gender is read off attributions whose source is "he" or "she"
and whose coreference-resolved source is a full name ("Hillary Clinton" ->
hillary: f). Names seen with both pronouns keep the majority only when it is
clear (>= 80%).

    python -m quotes.extraction.training.build_gender_lexicon /path/to/polnear/train.jsonl
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "data" / "first_name_gender.json"
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
HONORIFIC_GENDER = {"mr": "m", "mrs": "f", "ms": "f"}
NAME = re.compile(r"^[A-Z][a-z]+$")


def count_genders(train_path: str) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    with open(train_path, encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            for attribution in article["attributions"]:
                source = attribution.get("source")
                resolved = attribution.get("source_resolved") or ""
                if not source:
                    continue
                gender = PRONOUN_GENDER.get(source["text"].lower())
                words = resolved.replace(".", "").split()
                if gender and len(words) >= 2:
                    if words[0].lower() in HONORIFIC_GENDER:
                        continue
                    if NAME.match(words[0]):
                        counts[words[0].lower()][gender] += 1
    return counts


def build(train_path: str) -> dict[str, str]:
    lexicon = {}
    for name, genders in sorted(count_genders(train_path).items()):
        gender, top = genders.most_common(1)[0]
        if top / sum(genders.values()) >= 0.8:
            lexicon[name] = gender
    return dict(sorted(lexicon.items()))


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    lexicon = build(argv[0])
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(lexicon, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(lexicon)} first names -> {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
