"""Pure functions behind the evaluate/bench/extract management commands."""

from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path

from quotes.jsonl import read_jsonl

from .extractor import QuoteExtractor
from .results import quote_to_prediction
from .scoring import build_report, format_table, load_gold, score_predictions


def read_articles(path: str) -> Iterator[tuple[str, str]]:
    """(id, text) pairs from a .txt file (id = file stem) or JSONL of {"id", "text"}."""
    file_path = Path(path)
    if file_path.suffix == ".txt":
        yield file_path.stem, file_path.read_text(encoding="utf-8")
        return
    for number, record in enumerate(read_jsonl(file_path), 1):
        yield str(record.get("id", number)), record.get("text") or ""


# Keys of a seed-style gold record ({"id", "quotes": [...]}): quotes as an editor splits them.
SEED_GOLD_KEYS = ("quotes",)


def input_convention(path: str) -> str:
    """Convention for an input file: one article reads like an editor's, a JSONL corpus like PolNeAR.

    A .txt article, or JSONL records that carry seed-style gold ("quotes"), get "newsdesk" (the
    convention of the web app and of the seed gold); any other JSONL corpus - PolNeAR records,
    with or without their "attributions", or bare {"id", "text"} lines - gets "polnear", the
    convention of the public attribution corpus. Only the first record is read; an empty or
    unreadable file gets "newsdesk". --convention overrides it.
    """
    file_path = Path(path)
    if file_path.suffix == ".txt":
        return "newsdesk"
    with open(file_path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                return "newsdesk"
            if isinstance(record, dict) and not any(key in record for key in SEED_GOLD_KEYS):
                return "polnear"
            return "newsdesk"
    return "newsdesk"


def predict(
    extractor: QuoteExtractor, articles: list[tuple[str, str]], batch_size: int = 16, n_process: int = 1
) -> dict[str, list[dict]]:
    """Predictions in the scorer's shape, keyed by article id."""
    texts = (text for _id, text in articles)
    predictions = {}
    extractions = extractor.extract_many(texts, batch_size=batch_size, n_process=n_process)
    for (article_id, _text), extraction in zip(articles, extractions, strict=True):
        predictions[article_id] = [quote_to_prediction(quote) for quote in extraction.quotes]
    return predictions


def evaluate_gold(
    extractor: QuoteExtractor,
    gold_path: str,
    direct_only: bool = False,
    text_path: str | None = None,
    min_overlap: float = 0.5,
    return_predictions: bool = False,
    with_indirect: bool = False,
):
    """Run the extractor on the gold articles and score; returns (table, report[, predictions])."""
    gold = load_gold(gold_path, text_path)
    articles = [(article_id, article["text"]) for article_id, article in gold.items()]
    predictions = predict(extractor, articles)
    subsets = ["direct"] if direct_only else ["all", "direct"]
    if with_indirect and not direct_only:
        subsets.append("indirect")  # reported speech: its overlap recall is the finder's figure
    counts = score_predictions(gold, predictions, subsets, min_overlap)
    config = {
        "gold": os.path.basename(gold_path),
        "pred": "extractor",
        "system": f"{extractor.pipeline_name}/{extractor.convention.name}"
        + ("" if getattr(extractor, "finder", None) is not None else "/rules-only"),
        "articles": len(gold),
        "min_overlap": min_overlap,
        "direct_def": "flag",
        "missing_pred_articles": 0,
    }
    report = build_report(counts, config)
    table = format_table(report, subsets)
    if return_predictions:
        return table, report, predictions
    return table, report


def peak_rss_megabytes() -> float:
    # ru_maxrss is in kilobytes on Linux
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def children_peak_rss_megabytes() -> float:
    """Largest peak RSS among finished child processes (spaCy workers when processes > 1)."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def benchmark(
    pipeline: str,
    articles: list[tuple[str, str]],
    repeat: int = 1,
    batch_size: int = 16,
    processes: int = 1,
    with_baseline: bool = True,
    learned_spans: bool | None = None,
) -> dict:
    """Throughput of the extractor; optionally a baseline (full pipeline, one text at a time) for comparison."""
    load_started = time.perf_counter()
    extractor = QuoteExtractor(pipeline, learned_spans=learned_spans)
    load_seconds = time.perf_counter() - load_started
    texts = [text for _id, text in articles]
    words = sum(len(text.split()) for text in texts)
    cpu_started = _cpu_seconds()
    started = time.perf_counter()
    quotes = 0
    for _ in range(repeat):
        for extraction in extractor.extract_many(texts, batch_size=batch_size, n_process=processes):
            quotes += len(extraction.quotes)
    seconds = time.perf_counter() - started
    # CPU time (this process and spaCy workers) stays meaningful when other jobs share the cores
    cpu_seconds = _cpu_seconds() - cpu_started
    result = {
        "pipeline": pipeline,
        "articles": len(texts) * repeat,
        "words": words * repeat,
        "seconds": round(seconds, 3),
        "articles_per_s": round(len(texts) * repeat / seconds, 2) if seconds else 0.0,
        "words_per_s": round(words * repeat / seconds, 1) if seconds else 0.0,
        "cpu_s": round(cpu_seconds, 3),
        "words_per_cpu_s": round(words * repeat / cpu_seconds, 1) if cpu_seconds else 0.0,
        "load_s": round(load_seconds, 3),
        "quotes": quotes,
        "processes": processes,
        "learned_spans": extractor.finder is not None,
        "peak_rss_mb": peak_rss_megabytes(),
        "peak_rss_mb_children": children_peak_rss_megabytes(),
    }
    if with_baseline:
        import spacy  # the baseline parses with every component and no batching

        full = spacy.load(pipeline)
        started = time.perf_counter()
        for text in texts:
            extractor.extract_from_doc(full(text) if text.strip() else None, text)
        baseline_seconds = time.perf_counter() - started
        result["baseline"] = {
            "description": "same pipeline, all components, one text at a time",
            "articles_per_s": round(len(texts) / baseline_seconds, 2) if baseline_seconds else 0.0,
            "speedup": round((baseline_seconds / len(texts)) / (seconds / (len(texts) * repeat)), 2)
            if seconds and texts
            else 0.0,
        }
        result["peak_rss_mb_with_baseline"] = peak_rss_megabytes()
    return result
