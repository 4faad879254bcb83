"""Score the attribution engine against gold (PolNeAR JSONL or seed gold JSON); JSON last line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = "Extract on the gold texts and score with the benchmark's rules; table, then one JSON line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gold", required=True, help="PolNeAR JSONL or seed gold JSON")
        parser.add_argument("--direct-only", action="store_true", help="score only direct quotes")
        parser.add_argument("--text", default=None, help="article text for a seed gold without a sibling .txt")
        parser.add_argument("--pipeline", default=None, help="spaCy pipeline (default: settings/env)")
        parser.add_argument(
            "--convention",
            choices=["auto", "newsdesk", "polnear"],
            default="auto",
            help="quote boundaries; auto = polnear for PolNeAR gold, newsdesk for seed gold",
        )
        parser.add_argument(
            "--rules-only", action="store_true", help="without the learned reported-speech finder"
        )
        parser.add_argument(
            "--indirect", action="store_true", help="also score the indirect subset (reported speech)"
        )
        parser.add_argument("--predictions", default=None, help="also write the predictions JSONL here")

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.extraction import get_extractor
        from quotes.extraction.evaluation import evaluate_gold
        from quotes.extraction.scoring import is_seed_gold

        convention = options["convention"]
        if convention == "auto":
            convention = "newsdesk" if is_seed_gold(options["gold"]) else "polnear"
        extractor = get_extractor(
            options["pipeline"], convention=convention, learned_spans=False if options["rules_only"] else None
        )
        table, report, predictions = evaluate_gold(
            extractor,
            options["gold"],
            direct_only=options["direct_only"],
            text_path=options["text"],
            return_predictions=True,
            with_indirect=options["indirect"],
        )
        if options["predictions"]:
            with open(options["predictions"], "w", encoding="utf-8") as handle:
                for article_id, quotes in predictions.items():
                    handle.write(json.dumps({"id": article_id, "quotes": quotes}, ensure_ascii=False) + "\n")
        self.stdout.write(f"convention: {convention}")
        self.stdout.write(table)
        self.stdout.write(json.dumps(report, sort_keys=True))
