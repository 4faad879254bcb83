"""Train the learned reported-speech finder (``quotes/extraction/spanfinder.py``) on PolNeAR train.

Pure Python on top of spaCy (no Django): ``manage.py train_attribution`` is a thin wrapper.

Recipe, deterministic from the data and the seed:
1. parse every PolNeAR **train** article with the engine's own pipeline (the same tags and
   dependencies the finder sees at run time) and label each token from the attributions:
   ``B`` opens a content fragment, ``I`` lies inside one, ``Q`` is a cue word outside any content,
   ``IQ`` a cue word inside an outer content (nested attributions), ``O`` the rest;
2. hold out every 20th train article (sorted by id) as spaCy's dev set, for ``model-best``; PolNeAR
   dev is never read here (it is kept for choosing the thresholds and reporting);
3. ``spacy train`` a ``tagger`` with its own small tok2vec (hash embeddings of NORM, PREFIX,
   SUFFIX, SHAPE and the parse's TAG and DEP; a CNN) - the tagger's labels are never written into
   a document, the finder only reads its scores;
4. save ``model-best`` without vocab strings as the committed artifact.

    python -m quotes.extraction.training.reported_speech --train ../shared/data/polnear/train.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

LABELS = ("O", "B", "I", "Q", "IQ")
HERE = Path(__file__).resolve().parent
CONFIG_PATH = HERE / "reported_speech.cfg"
READER_CODE = HERE / "reported_speech_reader.py"
DEFAULT_OUTPUT = HERE.parent / "models" / "reported_speech"
DEFAULT_WORK_DIR = Path("var/attribution")
HOLDOUT_EVERY = 20


def token_labels(doc, attributions: list[dict]) -> list[str]:
    """One label per token of ``doc`` from PolNeAR attributions (character offsets)."""
    starts = [token.idx for token in doc]
    n = len(doc)
    inside = [False] * n
    opens = [False] * n
    cue = [False] * n

    def tokens_of(start: int, end: int) -> range:
        import bisect

        first = bisect.bisect_left(starts, start)
        last = bisect.bisect_left(starts, end)
        return range(first, last)

    for attribution in attributions:
        for number, fragment in enumerate(attribution.get("content") or []):
            positions = [i for i in tokens_of(fragment["start"], fragment["end"]) if not doc[i].is_space]
            for i in positions:
                inside[i] = True
            if positions and (number == 0 or not attribution.get("direct")):
                opens[positions[0]] = True
        span = attribution.get("cue")
        if span:
            for i in tokens_of(span["start"], span["end"]):
                if not doc[i].is_space:
                    cue[i] = True
    labels = []
    for i in range(n):
        if cue[i]:
            labels.append("IQ" if inside[i] else "Q")
        elif opens[i]:
            labels.append("B")
        elif inside[i]:
            labels.append("I")
        else:
            labels.append("O")
    return labels


def read_articles(path: str | Path) -> Iterator[dict]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def is_holdout(article_id: str, position: int) -> bool:
    return position % HOLDOUT_EVERY == HOLDOUT_EVERY - 1


def build_docbins(
    train_path: str | Path, work_dir: Path, limit: int | None = None, pipeline: str | None = None
) -> dict:
    """Parse and label PolNeAR train; writes train.spacy and holdout.spacy under ``work_dir``.

    Skipped when both exist and were built from the same input (checked by a digest), so a rerun
    resumes after the slow parse.
    """
    from spacy.tokens import DocBin

    from ..extractor import DEFAULT_PIPELINE, load_pipeline

    work_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(Path(train_path).read_bytes()).hexdigest()[:16] + f"-{limit}"
    stamp = work_dir / "data.json"
    if stamp.exists() and (work_dir / "train.spacy").exists() and (work_dir / "holdout.spacy").exists():
        info = json.loads(stamp.read_text())
        if info.get("digest") == digest:
            logger.info("training data already built (%s), reusing", digest)
            return info
    articles = sorted(read_articles(train_path), key=lambda a: a["id"])
    if limit:
        articles = articles[:limit]
    nlp = load_pipeline(pipeline or DEFAULT_PIPELINE)
    train, holdout = DocBin(store_user_data=True), DocBin(store_user_data=True)
    counts = {label: 0 for label in LABELS}
    started = time.time()
    texts = (article["text"] for article in articles)
    for position, (article, doc) in enumerate(zip(articles, nlp.pipe(texts, batch_size=16), strict=True)):
        labels = token_labels(doc, article["attributions"])
        for label in labels:
            counts[label] += 1
        doc.user_data = {"labels": labels}
        (holdout if is_holdout(article["id"], position) else train).add(doc)
        if position % 100 == 0:
            logger.info("parsed %d/%d articles (%.0f s)", position, len(articles), time.time() - started)
    train.to_disk(work_dir / "train.spacy")
    holdout.to_disk(work_dir / "holdout.spacy")
    info = {
        "digest": digest,
        "articles": len(articles),
        "holdout_articles": sum(1 for p, a in enumerate(articles) if is_holdout(a["id"], p)),
        "label_counts": counts,
        "parse_seconds": round(time.time() - started, 1),
    }
    stamp.write_text(json.dumps(info, indent=1))
    return info


def train(
    train_path: str | Path,
    output: Path = DEFAULT_OUTPUT,
    work_dir: Path = DEFAULT_WORK_DIR,
    seed: int = 0,
    max_epochs: int | None = None,
    max_steps: int | None = None,
    limit: int | None = None,
    threads: int = 1,
    overrides: dict | None = None,
    log_path: str | Path | None = None,
) -> dict:
    """Build the data (or reuse it), run ``spacy train``, copy model-best to ``output``.

    ``log_path``: spaCy's per-evaluation table (JSON lines) is written there too.
    """
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, str(threads))
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:  # pragma: no cover - torch is optional for this recipe
        pass
    started = time.time()
    data = build_docbins(train_path, work_dir, limit=limit)
    from spacy.cli.train import train as spacy_train
    from spacy.util import import_file

    import_file("reported_speech_reader", str(READER_CODE))
    extra_overrides = overrides
    overrides = {
        "paths.train": str(work_dir / "train.spacy"),
        "paths.dev": str(work_dir / "holdout.spacy"),
        "system.seed": seed,
    }
    if log_path is not None:
        overrides["training.logger.output_file"] = str(log_path)
    if max_epochs is not None:
        overrides["training.max_epochs"] = max_epochs
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    overrides.update(extra_overrides or {})
    model_dir = work_dir / "model"
    best = model_dir / "model-best"
    # a finished run with the same data, config and settings is not repeated (resume after a crash
    # in the export or evaluation); spacy train itself is deterministic for a seed on CPU
    run_key = hashlib.sha256(
        (data["digest"] + CONFIG_PATH.read_text() + json.dumps(overrides, sort_keys=True, default=str)).encode()
    ).hexdigest()[:16]
    done = model_dir / "done.json"
    if done.exists() and best.exists() and json.loads(done.read_text()).get("run") == run_key:
        logger.info("spacy train already finished for run %s, reusing %s", run_key, best)
    else:
        spacy_train(CONFIG_PATH, output_path=model_dir, overrides=overrides, use_gpu=-1)
        done.write_text(json.dumps({"run": run_key}))
    export(best, output)
    meta = json.loads((best / "meta.json").read_text())
    info = {
        "run": run_key,
        "output": str(output),
        "bytes": artifact_bytes(output),
        "seconds": round(time.time() - started, 1),
        "data": data,
        "holdout_scores": meta.get("performance", {}),
        "seed": seed,
    }
    (output / "training.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    return info


def export(model_dir: Path, output: Path) -> None:
    """Copy a trained pipeline to ``output`` without the vocab strings (the finder hashes text)."""
    import spacy

    nlp = spacy.load(model_dir)
    if output.exists():
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output, exclude=["vocab", "tokenizer"])


def artifact_bytes(path: Path) -> int:
    return sum(file.stat().st_size for file in Path(path).rglob("*") if file.is_file())


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", required=True)
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--work-dir", default=str(DEFAULT_WORK_DIR))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--max-steps", type=int, default=None)
    parser.add_argument("--eval-frequency", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None, help="first N train articles only (a smoke run)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    info = train(
        args.train,
        Path(args.output),
        Path(args.work_dir),
        seed=args.seed,
        max_epochs=args.max_epochs,
        max_steps=args.max_steps,
        limit=args.limit,
        overrides={"training.eval_frequency": args.eval_frequency} if args.eval_frequency else None,
    )
    print(json.dumps(info, sort_keys=True))


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------- choosing the thresholds (on dev)

DEFAULT_GRID = {
    "min_open": (0.3, 0.4, 0.5),
    "min_inside": (0.3, 0.4, 0.5),
    "min_confidence": (0.4, 0.5, 0.6, 0.7),
    "max_overlap_with_rules": (0.1, 0.3),
}


def tune_thresholds(gold_path: str, model_path: str | Path, grid: dict | None = None) -> list[dict]:
    """e2e F1 on ``gold_path`` (PolNeAR **dev**, never test) for each threshold combination.

    The documents are parsed once; each combination re-runs span finding and speaker resolution.
    Returns one row per combination, best 'all' e2e F1 first.
    """
    import itertools

    from ..extractor import QuoteExtractor
    from ..results import quote_to_prediction
    from ..scoring import build_report, load_gold, score_predictions
    from ..spanfinder import ReportedSpeechFinder

    grid = grid or DEFAULT_GRID
    gold = load_gold(gold_path)
    extractor = QuoteExtractor(convention="polnear", learned_spans=False)
    ids = list(gold)
    docs = list(extractor.nlp.pipe((gold[i]["text"] for i in ids), batch_size=16))

    def score(finder) -> dict:
        extractor.finder = finder
        predictions = {
            i: [quote_to_prediction(q) for q in extractor.extract_from_doc(doc, gold[i]["text"]).quotes]
            for i, doc in zip(ids, docs, strict=True)
        }
        report = build_report(score_predictions(gold, predictions, ["all", "direct", "indirect"]))
        return {
            "all_e2e_f1": report["all"]["e2e_f1"],
            "direct_e2e_f1": report["direct"]["e2e_f1"],
            "indirect_overlap_r": report["indirect"]["overlap"]["r"],
            "indirect_e2e_f1": report["indirect"]["e2e_f1"],
        }

    rows = [{"setting": "rules-only", **score(None)}]
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        setting = {k: v for k, v in zip(keys, values, strict=True) if v is not None}
        rows.append({"setting": setting, **score(ReportedSpeechFinder(model_path, **setting))})
        logger.info("%s", rows[-1])
    rows.sort(key=lambda row: -row["all_e2e_f1"])
    return rows


def evaluate_with_and_without(gold_path: str, model_path: str | Path) -> dict:
    """The engine on ``gold_path`` (PolNeAR dev) with the rules alone and with the finder (shipped thresholds)."""
    rows = tune_thresholds(gold_path, model_path, grid={"min_open": (None,)})
    by_name = {}
    for row in rows:
        by_name["rules-only" if row["setting"] == "rules-only" else "with-finder"] = {
            k: v for k, v in row.items() if k != "setting"
        }
    return by_name
