"""Reproduce the learned reported-speech finder's artifact from PolNeAR train; JSON last line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = (
        "Trains the reported-speech tagger (quotes/extraction/models/reported_speech) on PolNeAR train with "
        "spaCy's training system: parse + label (reused from --work-dir when the input is unchanged), "
        "spacy train (deterministic for a seed), export. Optionally scores the engine on --eval-gold "
        "(PolNeAR dev) with and without it. Logs to --log-file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        from quotes.extraction.training.reported_speech import DEFAULT_OUTPUT, DEFAULT_WORK_DIR

        parser.add_argument("--train", default="../shared/data/polnear/train.jsonl", help="PolNeAR train JSONL")
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="artifact folder")
        parser.add_argument("--work-dir", default=str(DEFAULT_WORK_DIR), help="parsed data and spaCy checkpoints")
        parser.add_argument("--log-file", default=None, help="default: <work-dir>/train.log")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--max-epochs", type=int, default=None, help="default: the config's")
        parser.add_argument("--max-steps", type=int, default=None, help="default: the config's")
        parser.add_argument("--limit", type=int, default=None, help="first N train articles (a smoke run)")
        parser.add_argument(
            "--threads", type=int, default=1, help="torch threads; 1 rebuilds the shipped tagger bit for bit"
        )
        parser.add_argument(
            "--eval-gold", default="", help="PolNeAR dev JSONL: score the engine before/after (never test)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.extraction.training.reported_speech import train

        work_dir = Path(options["work_dir"])
        work_dir.mkdir(parents=True, exist_ok=True)
        log_file = options["log_file"] or str(work_dir / "train.log")
        table_file = str(Path(log_file).with_suffix(".spacy.jsonl"))
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        try:
            info = train(
                options["train"],
                Path(options["output"]),
                work_dir,
                seed=options["seed"],
                max_epochs=options["max_epochs"],
                max_steps=options["max_steps"],
                limit=options["limit"],
                threads=options["threads"],
                log_path=table_file,
            )
            if options["eval_gold"]:
                info["eval"] = self._evaluate(options["eval_gold"], options["output"])
        finally:
            root.removeHandler(handler)
            handler.close()
        info["log_file"] = log_file
        info["spacy_log_file"] = table_file
        self.stdout.write(f"wrote {info['output']} ({info['bytes']} bytes) in {info['seconds']} s")
        self.stdout.write(f"holdout (every 20th train article) tag accuracy: {info['holdout_scores'].get('tag_acc')}")
        for name, figures in info.get("eval", {}).items():
            self.stdout.write(
                f"{name:<12} all e2e F1 {figures['all_e2e_f1']:.4f}  direct e2e F1 {figures['direct_e2e_f1']:.4f}"
                f"  reported-speech overlap recall {figures['indirect_overlap_r']:.4f}"
            )
        self.stdout.write(json.dumps(info, sort_keys=True))

    def _evaluate(self, gold_path: str, model_path: str) -> dict:
        from quotes.extraction.training.reported_speech import evaluate_with_and_without

        return evaluate_with_and_without(gold_path, model_path)
