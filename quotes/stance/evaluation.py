"""Scores, evaluation and the speed bench (pure functions; the management commands wrap them)."""

from __future__ import annotations

import json
import random
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .data import Example, read_jsonl, row_to_input, write_jsonl
from .model import LABELS, StanceInput, StanceModel, StanceResult


def f1_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    """Per-class precision/recall/F1 over LABELS, macro-F1 and F_avg (mean F1 of favor, against)."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    per_class: dict[str, dict[str, float]] = {}
    for label in LABELS:
        true_pos = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        n_pred = sum(1 for p in predicted if p == label)
        n_gold = sum(1 for g in gold if g == label)
        precision = true_pos / n_pred if n_pred else 0.0
        recall = true_pos / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": precision, "recall": recall, "f1": f1, "support": n_gold}
    present = [label for label in LABELS if per_class[label]["support"] > 0] or list(LABELS)
    return {
        "n": len(gold),
        "macro_f1": sum(per_class[label]["f1"] for label in present) / len(present),
        "f_avg": (per_class["favor"]["f1"] + per_class["against"]["f1"]) / 2,
        "accuracy": sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / len(gold) if gold else 0.0,
        "per_class": per_class,
    }


def format_table(scores: dict[str, Any]) -> str:
    lines = [f"{'class':<9} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>5}"]
    for label in LABELS:
        row = scores["per_class"][label]
        lines.append(f"{label:<9} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} {row['support']:5d}")
    lines.append(f"macro-F1 {scores['macro_f1']:.3f}   F_avg {scores['f_avg']:.3f}   accuracy {scores['accuracy']:.3f}")
    return "\n".join(lines)


def outer(label: str) -> str:
    return label if label in LABELS else "none"


def evaluate_examples(model: StanceModel, examples: Sequence[Example], batch_size: int = 32) -> dict[str, Any]:
    results = model.predict([item for item, _ in examples], batch_size=batch_size)
    return f1_scores([outer(label) for _, label in examples], [r.label for r in results])


def classify_rows(model: StanceModel, rows: Sequence[dict[str, Any]], batch_size: int = 32) -> list[dict[str, Any]]:
    """{"id","text","context"?,"speaker"?,"topic"} rows -> {"id","stance","scores"} rows."""
    results = model.predict([row_to_input(row) for row in rows], batch_size=batch_size)
    return [result_row(row.get("id"), result) for row, result in zip(rows, results, strict=True)]


def result_row(row_id: Any, result: StanceResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row_id,
        "stance": result.label,
        "scores": {label: round(result.scores[label], 6) for label in LABELS},
        "relevance": result.relevance,
    }
    if result.none_kind:
        out["none_kind"] = result.none_kind
    return out


def classify_file(model: StanceModel, input_path: str | Path, output_path: str | Path, batch_size: int = 32) -> int:
    rows = read_jsonl(input_path)
    write_jsonl(output_path, classify_rows(model, rows, batch_size))
    return len(rows)


def evaluate_gold_file(
    model: StanceModel, gold_path: str | Path, batch_size: int = 32, by: str | None = None
) -> dict[str, Any]:
    """Scores over the whole file; with `by` (a row field such as "topic") also per value, under "by_<by>"."""
    rows = read_jsonl(gold_path)
    predicted = classify_rows(model, rows, batch_size)
    gold = [row["stance"] for row in rows]
    labels = [p["stance"] for p in predicted]
    scores = f1_scores(gold, labels)
    scores["model_version"] = model.model_version
    if by:
        groups: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            groups.setdefault(str(row.get(by, "")), []).append(index)
        scores[f"by_{by}"] = {
            value: f1_scores([gold[i] for i in indices], [labels[i] for i in indices])
            for value, indices in sorted(groups.items())
        }
    return scores


def format_breakdown(breakdown: dict[str, dict[str, Any]], name: str) -> str:
    """One line per group: n, macro-F1, F_avg and each class's F1."""
    width = max([len(name), *(len(value[:60]) for value in breakdown)])
    lines = [f"{name:<{width}} {'n':>5} {'macro-F1':>8} {'F_avg':>6} {'favor':>6} {'against':>7} {'none':>6}"]
    for value, scores in breakdown.items():
        f1 = {label: scores["per_class"][label]["f1"] for label in LABELS}
        lines.append(f"{value[:60]:<{width}} {scores['n']:>5} {scores['macro_f1']:>8.3f} {scores['f_avg']:>6.3f} "
                     f"{f1['favor']:>6.3f} {f1['against']:>7.3f} {f1['none']:>6.3f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- bench


BENCH_TOPICS = (
    "the U.S.-Russia talks on ending the war in Ukraine",
    "the Gaza ceasefire agreement",
    "raising tariffs on imported goods",
)
_WORDS = (
    "the", "talks", "we", "government", "said", "will", "not", "peace", "agreement", "Russia",
    "Ukraine", "war", "ceasefire", "must", "people", "security", "Europe", "president", "minister",
    "progress", "sanctions", "support", "oppose", "believe", "never", "always", "deal",
    "important", "step", "forward", "weapons", "negotiations", "future", "country", "leaders",
    "together", "difficult", "hope",
)


def bench_quotes(count: int, seed: int = 0, news_path: str | Path | None = None) -> list[StanceInput]:
    """Real-looking mixed-length inputs: news_stance rows (quote+context+speaker) when present."""
    from .model import PACKAGE_DIR

    path = Path(news_path) if news_path else PACKAGE_DIR / "data" / "news_stance.jsonl"
    if not path.exists():
        return synthetic_quotes(count, seed)
    rows = read_jsonl(path)
    random.Random(seed).shuffle(rows)
    return [row_to_input(rows[i % len(rows)]) for i in range(count)]


def synthetic_quotes(count: int, seed: int = 0) -> list[StanceInput]:
    """Mixed-length news-like quotes (4-60 words) with a context sentence, deterministic."""
    rng = random.Random(seed)
    items = []
    for _ in range(count):
        n_words = rng.choice([4, 6, 8, 12, 16, 20, 25, 30, 40, 60])
        quote = " ".join(rng.choice(_WORDS) for _ in range(n_words)).capitalize() + "."
        context = f'"{quote}" the minister told reporters on Tuesday after meeting officials in Riyadh.'
        items.append(StanceInput(text=quote, topic=rng.choice(BENCH_TOPICS), context=context, speaker="Marco Rubio"))
    return items


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _throughput(model: StanceModel, items: Sequence[StanceInput], batch_size: int, bucketed: bool) -> float:
    batches = [items[start : start + batch_size] for start in range(0, len(items), batch_size)]
    started = time.perf_counter()
    if bucketed:
        model.predict(items, batch_size=batch_size)
    else:
        # Baseline: arrival order, each batch padded to its longest member.
        for batch in batches:
            model.predict_unbucketed(batch)
    return len(items) / (time.perf_counter() - started)


def run_bench(
    head_path: str | Path | None = None, n_quotes: int = 512, n_single: int = 100, batch_size: int = 32
) -> dict[str, Any]:
    from .model import get_model

    started = time.perf_counter()
    model = get_model(head_path)
    model.predict([StanceInput(text="warm up", topic="warm up")])
    load_seconds = time.perf_counter() - started
    items = bench_quotes(n_quotes)
    model.predict(items[:batch_size], batch_size=batch_size)  # warm the kernels for each size
    bucketed = _throughput(model, items, batch_size, bucketed=True)
    unbucketed = _throughput(model, items, batch_size, bucketed=False)
    latencies = []
    for item in bench_quotes(n_single, seed=1):
        t0 = time.perf_counter()
        model.predict([item])
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    import torch

    return {
        "model_version": model.model_version,
        "quantized": model.quantized,
        "torch_threads": torch.get_num_threads(),
        "batch_size": batch_size,
        "n_quotes": n_quotes,
        "quotes_per_second": round(bucketed, 1),
        "unbucketed_quotes_per_second": round(unbucketed, 1),
        "bucketing_speedup": round(bucketed / unbucketed, 2),
        "single_p50_ms": round(statistics.median(latencies), 1),
        "single_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "load_seconds": round(load_seconds, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def dumps_last_line(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True)


def seed_article_rows(gold_json: str | Path, article_txt: str | Path, labels_json: str | Path) -> list[dict[str, Any]]:
    """Gold rows for the hand-labelled seed-article quotes (eval only); text comes from the seed files."""
    gold = json.loads(Path(gold_json).read_text(encoding="utf-8"))
    article = Path(article_txt).read_text(encoding="utf-8")
    labels = json.loads(Path(labels_json).read_text(encoding="utf-8"))
    rows = []
    for entry in labels["labels"]:
        quote = gold["quotes"][entry["quote_index"]]
        # The paragraph holding the quote is its context.
        start = article.rfind("\n", 0, quote["start"]) + 1
        end = article.find("\n", quote["end"])
        rows.append(
            {
                "id": f"riyadh-{entry['quote_index']}",
                "text": quote["text"].strip("“”\" ,"),
                "context": article[start : end if end >= 0 else len(article)].strip(),
                "speaker": quote["speaker"],
                "topic": labels["topic"],
                "stance": entry["stance"],
            }
        )
    return rows
