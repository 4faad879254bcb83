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
        parser.add_argument("--rules-only", action="store_true", help="without the learned reported-speech finder")
        parser.add_argument("--indirect", action="store_true", help="also score the indirect subset (reported speech)")
        parser.add_argument("--predictions", default=None, help="also write the predictions JSONL here")
        # the learned finder's decoding, to measure a setting on dev without editing spanfinder.py
        parser.add_argument("--learned-model", default=None, help="another train_attribution artifact folder")
        parser.add_argument("--min-open", type=float, default=None, help="default: spanfinder.MIN_OPEN")
        parser.add_argument("--min-inside", type=float, default=None, help="default: spanfinder.MIN_INSIDE")
        parser.add_argument("--min-confidence", type=float, default=None, help="default: spanfinder.MIN_CONFIDENCE")
        parser.add_argument(
            "--clause-end",
            choices=["default", "on", "off"],
            default="default",
            help="extend learned spans to the end of their clause (default: spanfinder.EXTEND_TO_CLAUSE_END)",
        )

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
        decoding = self._decoding(options)
        if (decoding or options["learned_model"]) and extractor.finder is not None:
            from quotes.extraction import QuoteExtractor
            from quotes.extraction.spanfinder import ReportedSpeechFinder

            extractor_finder_path = extractor.finder.path
            # a fresh extractor (the cached one stays as it is) with a finder decoding as asked
            extractor = QuoteExtractor(extractor.pipeline_name, convention=convention, learned_spans=False)
            extractor.finder = ReportedSpeechFinder(options["learned_model"] or extractor_finder_path, **decoding)
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
        if extractor.finder is not None:
            finder = extractor.finder
            self.stdout.write(
                f"learned finder: {finder.path}  open {finder.min_open}  inside {finder.min_inside}"
                f"  confidence {finder.min_confidence}  clause end {finder.extend_to_clause_end}"
            )
        self.stdout.write(table)
        self.stdout.write(json.dumps(report, sort_keys=True))

    @staticmethod
    def _decoding(options: dict) -> dict:
        """The finder's arguments the options set (empty: the default finder)."""
        decoding: dict = {}
        for option, argument in (
            ("min_open", "min_open"),
            ("min_inside", "min_inside"),
            ("min_confidence", "min_confidence"),
        ):
            if options.get(option) is not None:
                decoding[argument] = options[option]
        if options.get("clause_end", "default") != "default":
            decoding["extend_to_clause_end"] = options["clause_end"] == "on"
        return decoding
