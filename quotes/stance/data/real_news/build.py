"""Real-news stance data from PolNeAR's 2016 articles: the labellers' candidate pool, and the gold splits.

PolNeAR ships no licence, so no article text is committed: `labels/*.jsonl` hold only
{"article_id","attribution_id","topic","label"}; the quote, its context and speaker are read back from
`../shared/data/polnear/{train,dev}.jsonl` when the gold is built. No Django.

    python quotes/stance/data/real_news/build.py build       # gold -> var/stance/real_news/{split}.jsonl
                                                             #      + {split}.extra_none.jsonl
    python quotes/stance/data/real_news/build.py candidates [--round 2]  # labellers' pool -> chunk files

`{split}.jsonl` is the stance set: every favor/against item and a hash-chosen share of the none items
(neutral and off_topic in their own proportion) so that none is about a third; the other none items go to
`{split}.extra_none.jsonl` (relevance training on train; the "unrelated -> none" rate on dev/test).

Gold rows are those `classify_stance` / `evaluate_stance --gold` read: id, text, context, speaker, topic
(the description), stance (favor/against/none), none_kind (neutral/off_topic for none), plus relevance,
label (the inner label), topic_slug, article_id, attribution_id and split.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
TOPICS_PATH = HERE / "topics.json"
LABELS_DIR = HERE / "labels"
POLNEAR_DIR = REPO.parent / "shared" / "data" / "polnear"
OUT_DIR = REPO / "var" / "stance" / "real_news"

INNER_LABELS = ("favor", "against", "neutral", "off_topic")
SKIP = "skip"
SPLITS = ("train", "dev", "test")
SPLIT_SALT = "newsdesk-real-news-stance"
NONE_SALT = "newsdesk-real-news-none-cap"
NONE_SHARE = 1 / 3  # of the stance set
CONTEXT_CHARS = 500
JOIN = " … "


# --------------------------------------------------------------------------- reading


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with Path(path).open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def load_topics(path: str | Path = TOPICS_PATH) -> dict[str, dict[str, Any]]:
    return {topic["slug"]: topic for topic in json.loads(Path(path).read_text(encoding="utf-8"))["topics"]}


def load_articles(polnear_dir: str | Path = POLNEAR_DIR) -> dict[str, dict[str, Any]]:
    """PolNeAR train + dev articles by id (the test split is never used here)."""
    articles: dict[str, dict[str, Any]] = {}
    for name in ("train", "dev"):
        for article in read_jsonl(Path(polnear_dir) / f"{name}.jsonl"):
            articles[article["id"]] = article
    return articles


def load_labels(labels_dir: str | Path = LABELS_DIR) -> list[dict[str, Any]]:
    """All label lines of a folder (or one file), checked; the same (article, attribution, topic) twice
    must agree."""
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    paths = [Path(labels_dir)] if Path(labels_dir).is_file() else sorted(Path(labels_dir).glob("*.jsonl"))
    for path in paths:
        for lineno, row in enumerate(read_jsonl(path), 1):
            where = f"{path.name}:{lineno}"
            missing = {"article_id", "attribution_id", "topic", "label"} - set(row)
            if missing:
                raise ValueError(f"{where}: missing {sorted(missing)}")
            if row["label"] not in (*INNER_LABELS, SKIP):
                raise ValueError(f"{where}: unknown label {row['label']!r}")
            key = (row["article_id"], row["attribution_id"], row["topic"])
            if key in seen and seen[key]["label"] != row["label"]:
                raise ValueError(f"{where}: {key} labelled {seen[key]['label']!r} before, now {row['label']!r}")
            seen.setdefault(key, dict(row, _where=where))
    return list(seen.values())


# --------------------------------------------------------------------------- one attribution as an item


def quote_text(attribution: dict[str, Any]) -> str:
    return JOIN.join(" ".join(fragment["text"].split()) for fragment in attribution["content"])


def speaker_of(attribution: dict[str, Any]) -> str:
    """The resolved name where coreference gave one (for "he", "the senator"), else the source text."""
    source = attribution.get("source") or {}
    return attribution.get("source_resolved") or source.get("text", "")


_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]*\s+|\n+")


def context_of(text: str, attribution: dict[str, Any], limit: int = CONTEXT_CHARS) -> str:
    """The sentence(s) holding the quote (and its source, when near), at most `limit` characters."""
    start, end = attribution["content"][0]["start"], attribution["content"][-1]["end"]
    source = attribution.get("source")
    if source and max(end, source["end"]) - min(start, source["start"]) <= limit:
        start, end = min(start, source["start"]), max(end, source["end"])
    starts = [m.end() for m in _BOUNDARY.finditer(text, 0, start)]
    left = starts[-1] if starts else 0
    after = _BOUNDARY.search(text, end)
    right = after.start() + len(after.group().rstrip()) if after else len(text)
    if right - left > limit:  # keep the quote, trim what lies around it evenly
        spare = max(limit - (end - start), 0)
        left = max(left, start - spare // 2)
        right = min(right, left + max(limit, end - left))
    return " ".join(text[left:right].split())


def item_fields(article: dict[str, Any], attribution: dict[str, Any]) -> dict[str, str]:
    return {
        "text": quote_text(attribution),
        "context": context_of(article["text"], attribution),
        "speaker": speaker_of(attribution),
    }


# --------------------------------------------------------------------------- gold


def split_of(article_id: str) -> str:
    """Deterministic split by article: ~70 / 15 / 15."""
    bucket = int(hashlib.sha256(f"{SPLIT_SALT}:{article_id}".encode()).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def build_gold(
    labels: Sequence[dict[str, Any]], articles: dict[str, dict[str, Any]], topics: dict[str, dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Label lines + PolNeAR text -> gold rows per split; `skip` dropped; unknown ids are an error."""
    splits: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    for row in labels:
        where = row.get("_where", "label")
        if row["label"] == SKIP:
            continue
        article = articles.get(row["article_id"])
        if article is None:
            raise ValueError(f"{where}: no PolNeAR article {row['article_id']!r}")
        attribution = next((a for a in article["attributions"] if a["id"] == row["attribution_id"]), None)
        if attribution is None:
            raise ValueError(f"{where}: no attribution {row['attribution_id']!r} in {row['article_id']!r}")
        if row["topic"] not in topics:
            raise ValueError(f"{where}: unknown topic {row['topic']!r}")
        label = row["label"]
        none = label in ("neutral", "off_topic")
        split = split_of(row["article_id"])
        splits[split].append({
            "id": f"{row['article_id']}:{row['attribution_id']}:{row['topic']}",
            **item_fields(article, attribution),
            "topic": topics[row["topic"]]["description"],
            "stance": "none" if none else label,
            "none_kind": label if none else None,
            "relevance": "off_topic" if label == "off_topic" else "on_topic",
            "label": label,
            "topic_slug": row["topic"],
            "article_id": row["article_id"],
            "attribution_id": row["attribution_id"],
            "split": split,
        })
    for rows in splits.values():
        rows.sort(key=lambda r: r["id"])
    return splits


def _hash_order(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: hashlib.sha256(f"{NONE_SALT}:{r['id']}".encode()).hexdigest())


def stance_set(
    rows: Sequence[dict[str, Any]], share: float = NONE_SHARE
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(stance set, extra none) of one split: every favor/against row, and as many none rows as make
    `share` of the set (all of them when there are fewer), neutral and off_topic in their own
    proportion, chosen by a hash of the id (so the choice does not depend on the input order)."""
    sides = [r for r in rows if r["stance"] != "none"]
    kinds = {kind: _hash_order(r for r in rows if r["label"] == kind) for kind in ("neutral", "off_topic")}
    n_none = sum(len(group) for group in kinds.values())
    keep = min(int(len(sides) * share / (1 - share) + 0.5), n_none)
    n_neutral = min(int(keep * len(kinds["neutral"]) / n_none + 0.5) if n_none else 0, len(kinds["neutral"]))
    n_neutral = max(n_neutral, keep - len(kinds["off_topic"]))
    take = {"neutral": n_neutral, "off_topic": keep - n_neutral}
    kept = sides + [r for kind, group in kinds.items() for r in group[:take[kind]]]
    extra = [r for kind, group in kinds.items() for r in group[take[kind]:]]
    return sorted(kept, key=lambda r: r["id"]), sorted(extra, key=lambda r: r["id"])


def summary_table(splits: dict[str, list[dict[str, Any]]], extra: dict[str, list[dict[str, Any]]]) -> str:
    """Per split x topic: favor / against / neutral / off_topic / n / none share of the stance set, then
    the extra none items beside it; a total line per split."""
    lines = [f"{'split':<6} {'topic':<22} {'favor':>6} {'against':>7} {'neutral':>7} {'off_top':>7} {'n':>5} "
             f"{'none%':>6} | {'extra_neutral':>13} {'extra_off_top':>13}"]
    for split, rows in splits.items():
        by_topic: dict[str, Counter] = defaultdict(Counter)
        for row in rows:
            by_topic[row["topic_slug"]][row["label"]] += 1
            by_topic["(all)"][row["label"]] += 1
        for row in extra[split]:
            by_topic[row["topic_slug"]]["x_" + row["label"]] += 1
            by_topic["(all)"]["x_" + row["label"]] += 1
        for topic in sorted(by_topic, key=lambda t: (t == "(all)", t)):
            c = by_topic[topic]
            n = sum(c[label] for label in INNER_LABELS)
            none = (c["neutral"] + c["off_topic"]) / n if n else 0.0
            lines.append(f"{split:<6} {topic:<22} {c['favor']:6d} {c['against']:7d} {c['neutral']:7d} "
                         f"{c['off_topic']:7d} {n:5d} {none:6.1%} | {c['x_neutral']:13d} {c['x_off_topic']:13d}")
    return "\n".join(lines)


def summary(splits: dict[str, list[dict[str, Any]]], extra: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The figures of the JSON last line: stance-set size per split, its none share, extra none per split."""
    def none_share(rows: Sequence[dict[str, Any]]) -> float:
        return round(sum(r["stance"] == "none" for r in rows) / len(rows), 3) if rows else 0.0

    every = [r for rows in splits.values() for r in rows]
    return {**{name: len(rows) for name, rows in splits.items()}, "stance_set": len(every),
            "none_share": {**{name: none_share(rows) for name, rows in splits.items()}, "all": none_share(every)},
            "extra_none": {name: len(rows) for name, rows in extra.items()},
            "labels": len(every) + sum(len(rows) for rows in extra.values())}


def build(
    *, labels_dir: str | Path = LABELS_DIR, polnear_dir: str | Path = POLNEAR_DIR,
    topics_path: str | Path = TOPICS_PATH, out_dir: str | Path = OUT_DIR,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """Writes and returns (stance sets, extra none) per split."""
    gold = build_gold(load_labels(labels_dir), load_articles(polnear_dir), load_topics(topics_path))
    splits, extra = {}, {}
    for name, rows in gold.items():
        splits[name], extra[name] = stance_set(rows)
        write_jsonl(Path(out_dir) / f"{name}.jsonl", splits[name])
        write_jsonl(Path(out_dir) / f"{name}.extra_none.jsonl", extra[name])
    return splits, extra


# --------------------------------------------------------------------------- candidate pool (for labellers)

_EVALUATIVE = re.compile(
    r"\b(should|must|never|always|wrong|right|best|worst|great|terrible|disaster|dangerous|liar|lie|lying|"
    r"crooked|unfit|qualified|support|oppose|against|believe|love|hate|proud|ashamed|shame|fight|stand up|"
    r"attack|deserve|fail|failed|better|worse|strong|weak|threat|vote for|endorse|disgrace|ridiculous)\b",
    re.IGNORECASE,
)


def _usable(attribution: dict[str, Any], fields: dict[str, str]) -> bool:
    words = len(fields["text"].split())
    return bool(attribution.get("source")) and 4 <= words <= 80 and len(fields["context"]) <= CONTEXT_CHARS


def _promise(attribution: dict[str, Any], fields: dict[str, str], rng: random.Random) -> float:
    """Round 1: a rough 'takes a side' score to rank candidates; neutral reporting still gets through."""
    return 1.5 * attribution["direct"] + min(len(_EVALUATIVE.findall(fields["text"])), 3) + rng.random() * 2.5


# Round 2 aims at quotes that take a side: verbs of taking a side (in the attribution's cue, or the
# sentence), speakers who argue (not polls, reports, records), and the target named in the quote.
_SIDE_CUES = re.compile(
    r"\b(attack\w*|critici[sz]\w*|prais\w*|endors\w*|slam\w*|defend\w*|accus\w*|urg(?:e|es|ed|ing)|warn\w*|"
    r"support\w*|oppos\w*|back(?:s|ed|ing)?|vow\w*|call(?:s|ed|ing)?|blast\w*|denounc\w*|condemn\w*|reject\w*|"
    r"pledg\w*|promis\w*|mock\w*|lambast\w*|hail\w*|applaud\w*|champion\w*|decr(?:y|ies|ied)|assail\w*|"
    r"fault\w*|blam\w*|demand\w*|tout\w*|boast\w*|dismiss\w*|derid\w*|ridicul\w*|insist\w*|argu\w*|"
    r"rail\w*|scold\w*|chastis\w*|rebuk\w*|taunt\w*|embrac\w*|cheer\w*|fight\w*|hit (?:out|back)|"
    r"fired? back|lash\w* out|tore into|went after|took aim)\b",
    re.IGNORECASE,
)
_REPORTING_SPEAKER = re.compile(
    r"\b(polls?|polling|surveys?|study|studies|reports?|data|figures|records?|documents?|analys[ie]s|numbers|"
    r"results|estimates|census|filings?|statistics|findings|memo|transcripts?|according)\b",
    re.IGNORECASE,
)
_REFERS = re.compile(r"\b(he|she|him|her|his|hers|they|them|it|this|that|these|the (?:ban|plan|wall|law|bill|"
                     r"policy|proposal|investigation|probe|senator|candidate|governor))\b", re.IGNORECASE)


def _argues(attribution: dict[str, Any]) -> bool:
    """A speaker who can take a side: not a poll, a report, a record or a document."""
    source = attribution.get("source") or {}
    return not _REPORTING_SPEAKER.search(f"{source.get('text', '')} {attribution.get('source_resolved') or ''}")


def _side_promise(attribution: dict[str, Any], fields: dict[str, str], rng: random.Random) -> float:
    """Round 2: how likely the quote takes a side (0 for a poll or report speaking)."""
    if not _argues(attribution):
        return 0.0
    cue = (attribution.get("cue") or {}).get("text", "")
    return (2.0 * attribution["direct"] + 2.0 * bool(_SIDE_CUES.search(cue))
            + 1.0 * bool(_SIDE_CUES.search(fields["context"])) + min(len(_EVALUATIVE.findall(fields["text"])), 3)
            + rng.random() * 1.5)


ROUNDS: dict[int, dict[str, Any]] = {
    1: {"promise": _promise, "off_topic_share": 0.22, "context_only_share": 0.2, "min_promise": 0.0,
        "per_article": 5, "chunk_name": "chunk_{n:02d}", "item_id": "c{n:02d}-{p:03d}"},
    2: {"promise": _side_promise, "off_topic_share": 0.10, "context_only_share": 0.08, "min_promise": 0.5,
        "per_article": 8, "chunk_name": "round2_{n:02d}", "item_id": "r2-{n:02d}-{p:03d}"},
    # round 3: more of the same kind of quote, and nine new topics (zero-shot breadth)
    3: {"promise": _side_promise, "off_topic_share": 0.12, "context_only_share": 0.08, "min_promise": 0.5,
        "per_article": 8, "chunk_name": "round3_{n:02d}", "item_id": "r3-{n:02d}-{p:03d}"},
    # round 4: as round 3, four more new topics
    4: {"promise": _side_promise, "off_topic_share": 0.12, "context_only_share": 0.08, "min_promise": 0.5,
        "per_article": 8, "chunk_name": "round4_{n:02d}", "item_id": "r4-{n:02d}-{p:03d}"},
    # round 5: deeper on the topics that still have unlabelled side-taking quotes
    5: {"promise": _side_promise, "off_topic_share": 0.12, "context_only_share": 0.08, "min_promise": 0.5,
        "per_article": 8, "chunk_name": "round5_{n:02d}", "item_id": "r5-{n:02d}-{p:03d}"},
    # round 6: training data only (train-split articles), so dev and test stay the sets rounds 1-5 built
    6: {"promise": _side_promise, "off_topic_share": 0.12, "context_only_share": 0.08, "min_promise": 0.5,
        "per_article": 8, "chunk_name": "round6_{n:02d}", "item_id": "r6-{n:02d}-{p:03d}", "splits": ("train",)},
}


def candidate_pool(
    articles: dict[str, dict[str, Any]], topics: dict[str, dict[str, Any]], quotas: dict[str, int],
    *, round_no: int = 1, seed: int = 0,
    exclude: frozenset[tuple[str, str, str]] = frozenset(),
) -> list[dict[str, Any]]:
    """On-topic candidates (topic named in the quote, or only in its context) and off-topic pairings,
    ranked by the round's promise; (article, attribution, topic) in `exclude` (already labelled) never
    come back. Round 2 keeps only candidates promising a side, and context-only ones that refer to the
    target ("he", "the ban")."""
    rng = random.Random(seed)
    spec = ROUNDS[round_no]
    per_article = spec["per_article"]
    patterns = {slug: re.compile("|".join(t["candidate_patterns"])) for slug, t in topics.items()}
    records = []
    for article in articles.values():
        if "splits" in spec and split_of(article["id"]) not in spec["splits"]:
            continue
        for attribution in article["attributions"]:
            fields = item_fields(article, attribution)
            if not _usable(attribution, fields):
                continue
            records.append({
                "article": article, "attribution": attribution, **fields,
                "in_quote": {s for s, p in patterns.items() if p.search(fields["text"])},
                "in_context": {s for s, p in patterns.items() if p.search(fields["context"])},
                "promise": spec["promise"](attribution, fields, rng),
            })
    if round_no > 1:
        records = [r for r in records if r["promise"] >= spec["min_promise"]]
    pool: list[dict[str, Any]] = []
    used: Counter = Counter()
    chosen: set[tuple[str, str, str]] = set()

    def take(candidates: list[dict[str, Any]], n: int, slug: str, expected: str) -> None:
        per: Counter = Counter()
        for record in sorted(candidates, key=lambda r: (used[id(r)], -r["promise"])):
            if n <= 0:
                break
            if per[record["article"]["id"]] >= per_article:
                continue
            key = (record["article"]["id"], record["attribution"]["id"], slug)
            if key in exclude or key in chosen:
                continue
            chosen.add(key)
            per[record["article"]["id"]] += 1
            used[id(record)] += 1
            n -= 1
            pool.append(_item(record, topics[slug], expected))

    for slug, quota in quotas.items():
        n_off = round(quota * spec["off_topic_share"])
        n_on = quota - n_off
        n_ctx = round(n_on * spec["context_only_share"])
        in_quote = [r for r in records if slug in r["in_quote"]]
        ctx_only = [r for r in records if slug in r["in_context"] and slug not in r["in_quote"]
                    and (round_no == 1 or _REFERS.search(r["text"]))]
        before = len(pool)
        take(ctx_only, n_ctx, slug, "on_topic_context")
        take(in_quote, n_on - (len(pool) - before), slug, "on_topic")
        if round_no > 1:  # a scarce topic: fill from the context-only ones, off-topic in proportion
            take(ctx_only, n_on - (len(pool) - before), slug, "on_topic_context")
            n_on = len(pool) - before
            n_off = round(n_on * spec["off_topic_share"] / (1 - spec["off_topic_share"]))
        on_articles = {item["article_id"] for item in pool[before:]}
        unrelated = [r for r in records if slug not in r["in_context"]]
        same_article = [r for r in unrelated if r["article"]["id"] in on_articles]
        political = [r for r in unrelated if r["in_quote"] and r["article"]["id"] not in on_articles]
        before_off = len(pool)
        take(same_article, n_off // 3, slug, "off_topic")
        take(political, n_off - (len(pool) - before_off), slug, "off_topic")
    return pool


def _item(record: dict[str, Any], topic: dict[str, Any], expected: str) -> dict[str, Any]:
    attribution = record["attribution"]
    return {
        "article_id": record["article"]["id"],
        "attribution_id": attribution["id"],
        "topic": topic["slug"],
        "topic_description": topic["description"],
        "speaker": (attribution.get("source") or {}).get("text", ""),
        "source_resolved": attribution.get("source_resolved"),
        "quote": record["text"],
        "context": record["context"],
        "direct": attribution["direct"],
        "_expected": expected,
    }


def chunked(pool: Sequence[dict[str, Any]], n_chunks: int, seed: int = 0) -> list[list[dict[str, Any]]]:
    """n chunks of equal size; each topic's items are split in two halves laid end to end (all first
    halves, then all second halves), so a chunk holds a few topics, grouped, and every topic meets
    at least two labellers."""
    rng = random.Random(seed)
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in pool:
        by_topic[item["topic"]].append(item)
    halves: list[list[dict[str, Any]]] = [[], []]
    for items in by_topic.values():
        items = list(items)
        rng.shuffle(items)
        half = len(items) // 2
        halves[0].append(items[:half])
        halves[1].append(items[half:])
    ordered = [item for part in halves for group in part for item in group]
    size = -(-len(ordered) // n_chunks)
    return [ordered[i * size:(i + 1) * size] for i in range(n_chunks)]


def labelled_keys(labels_dir: str | Path = LABELS_DIR) -> frozenset[tuple[str, str, str]]:
    """(article, attribution, topic) of every label line so far, skips included."""
    if not Path(labels_dir).exists():
        return frozenset()
    return frozenset((r["article_id"], r["attribution_id"], r["topic"]) for r in load_labels(labels_dir))


def write_candidates(
    *, out_dir: str | Path, design_path: str | Path, quotas: dict[str, int], n_chunks: int = 6, seed: int = 0,
    round_no: int = 1, polnear_dir: str | Path = POLNEAR_DIR, topics_path: str | Path = TOPICS_PATH,
    labels_dir: str | Path = LABELS_DIR,
) -> list[list[dict[str, Any]]]:
    """The round's pool in chunk files. Round 1 drew from nothing labelled; later rounds leave out every
    item labelled in the rounds before (the label files of `labels_dir` other than this round's)."""
    spec = ROUNDS[round_no]
    exclude = frozenset()
    if round_no > 1:
        earlier = [p for p in sorted(Path(labels_dir).glob("*.jsonl")) if not p.name.startswith(f"round{round_no}_")]
        exclude = frozenset().union(*(labelled_keys(p) for p in earlier))
    pool = candidate_pool(load_articles(polnear_dir), load_topics(topics_path), quotas, round_no=round_no,
                          seed=seed, exclude=exclude)
    chunks = chunked(pool, n_chunks, seed)
    expected = []
    for number, chunk in enumerate(chunks, 1):
        rows = []
        for position, item in enumerate(chunk, 1):
            expected.append({"chunk": number, **{k: item[k] for k in ("article_id", "attribution_id", "topic")},
                             "expected": item["_expected"]})
            rows.append({"item_id": spec["item_id"].format(n=number, p=position),
                         **{k: v for k, v in item.items() if not k.startswith("_")}})
        write_jsonl(Path(out_dir) / f"{spec['chunk_name'].format(n=number)}.jsonl", rows)
    write_jsonl(design_path, expected)  # what each item was drawn as; kept away from the labellers
    return chunks


# --------------------------------------------------------------------------- CLI

QUOTAS = {
    1: {"trump-president": 270, "clinton-president": 270, "sanders-president": 200, "cruz-president": 180,
        "rubio-president": 150, "immigration-crackdown": 180, "muslim-ban": 160, "gun-control": 170,
        "abortion-rights": 130, "clinton-email-probe": 180},
    # round 2 leans on the topics with fewest favor/against after round 1
    # (abortion, Rubio, guns and the ban have few unlabelled quotes left that name them: all are taken)
    2: {"trump-president": 115, "clinton-president": 115, "sanders-president": 120, "cruz-president": 100,
        "rubio-president": 100, "immigration-crackdown": 150, "muslim-ban": 120, "gun-control": 110,
        "abortion-rights": 60, "clinton-email-probe": 150},
    # round 3 leans on the two candidates (most quotes, and the topics acceptance names) and opens nine
    # topics never labelled before
    3: {"trump-president": 330, "clinton-president": 330, "sanders-president": 60, "cruz-president": 60,
        "rubio-president": 30, "immigration-crackdown": 60, "muslim-ban": 30, "gun-control": 30,
        "abortion-rights": 15, "clinton-email-probe": 60,
        "obama-record": 170, "russia-ties": 130, "kasich-president": 70, "bush-president": 110,
        "syrian-refugees": 100, "climate-action": 90, "free-trade": 70, "obamacare": 50, "isis-military": 130},
    4: {"trump-president": 300, "clinton-president": 300, "sanders-president": 60, "cruz-president": 60,
        "immigration-crackdown": 50, "clinton-email-probe": 50, "obama-record": 150, "russia-ties": 80,
        "kasich-president": 30, "bush-president": 30, "climate-action": 40, "free-trade": 40, "isis-military": 60,
        "wall-street-regulation": 120, "black-lives-matter": 110, "garland-confirmation": 90, "iran-deal": 60},
    5: {"trump-president": 400, "clinton-president": 400, "obama-record": 150, "sanders-president": 80,
        "cruz-president": 60, "russia-ties": 50, "wall-street-regulation": 60, "black-lives-matter": 50,
        "isis-military": 50, "immigration-crackdown": 40, "clinton-email-probe": 40},
    # round 6 (train articles only): the two candidates again, and the topics with quotes left
    6: {"trump-president": 420, "clinton-president": 340, "sanders-president": 110, "obama-record": 90,
        "garland-confirmation": 70, "isis-military": 60, "clinton-email-probe": 40, "syrian-refugees": 40,
        "climate-action": 40, "bush-president": 30},
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("build", help="labels + PolNeAR -> stance sets and extra none per split (the default)")
    b.add_argument("--labels", default=str(LABELS_DIR), help="folder of label files, or one file")
    b.add_argument("--out", default=str(OUT_DIR))
    c = sub.add_parser("candidates", help="the labellers' candidate pool, in chunk files")
    c.add_argument("--out", required=True, help="folder for chunk_NN.jsonl")
    c.add_argument("--design", required=True, help="JSONL: what each item was drawn as (on/off-topic)")
    c.add_argument("--round", type=int, choices=sorted(ROUNDS), default=1,
                   help="1: the first pool; 2 to 6: stance-bearing quotes, none already labelled (see --labels)")
    c.add_argument("--chunks", type=int, help="number of chunk files (round 1: 6, round 2: 4)")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--labels", default=str(LABELS_DIR), help="labels of earlier rounds, left out of the pool")
    for p in (b, c):
        p.add_argument("--polnear", default=str(POLNEAR_DIR))
        p.add_argument("--topics", default=str(TOPICS_PATH))
    args = parser.parse_args(argv)
    try:
        if args.command == "candidates":
            chunks = write_candidates(out_dir=args.out, design_path=args.design, quotas=QUOTAS[args.round],
                                      n_chunks=args.chunks or (6 if args.round == 1 else 4), seed=args.seed,
                                      round_no=args.round, polnear_dir=args.polnear, topics_path=args.topics,
                                      labels_dir=args.labels)
            name = ROUNDS[args.round]["chunk_name"]
            print("\n".join(f"{name.format(n=i)}.jsonl {len(chunk)}" for i, chunk in enumerate(chunks, 1)))
            return 0
        splits, extra = build(labels_dir=args.labels, polnear_dir=args.polnear, topics_path=args.topics,
                              out_dir=args.out)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(summary_table(splits, extra))
    print(json.dumps({"out": str(args.out), **summary(splits, extra)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] if len(sys.argv) > 1 else ["build"]))
