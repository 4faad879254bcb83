"""Reproduce the shipped stance artifact from the public data (+ in-domain news train split)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Trains LoRA + head on MiniLM-L6 (deterministic seed); ~15-25 min on 2 cores."

    def add_arguments(self, parser: CommandParser) -> None:
        from quotes.stance.model import DEFAULT_ARTIFACT

        parser.add_argument("--data-dir", default="../shared/data/stance", help="public stance data (read only)")
        parser.add_argument("--news", default="quotes/stance/data/news_stance.jsonl", help="news_stance JSONL or ''")
        parser.add_argument("--output", default=str(DEFAULT_ARTIFACT))
        parser.add_argument("--epochs", type=float, default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-eval", action="store_true", help="skip scoring the new artifact")

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.stance.evaluation import dumps_last_line, format_table
        from quotes.stance.model import get_model
        from quotes.stance.pipeline import evaluate_suite, train_shipped_artifact
        from quotes.stance.training import BaseTrainingConfig

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        config = BaseTrainingConfig(seed=options["seed"])
        if options["epochs"] is not None:
            config.epochs = options["epochs"]
        news = options["news"] or None
        info = train_shipped_artifact(options["data_dir"], news, options["output"], config)
        self.stdout.write(f"wrote {info['output']} ({info['bytes']} bytes) in {info['seconds']} s")
        if not options["no_eval"]:
            report = evaluate_suite(get_model(options["output"]), options["data_dir"], news)
            for name in ("ibm_test", "news_dev"):
                if name in report:
                    self.stdout.write(f"== {name}\n{format_table(report[name])}")
            info["eval"] = report
        self.stdout.write(dumps_last_line(info))
