"""Run the attribution engine over a .txt article or a JSONL of {"id", "text"}; write JSONL predictions."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = 'Extract quotes and speakers; output JSONL {"id", "quotes": [...]} (no database needed).'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help=".txt (one article, id = file stem) or JSONL")
        parser.add_argument("--output", required=True, help="JSONL file to write")
        parser.add_argument("--pipeline", default=None, help="spaCy pipeline (default: settings/env)")
        parser.add_argument(
            "--convention",
            choices=["auto", "newsdesk", "polnear"],
            default="auto",
            help=(
                "quote boundaries: newsdesk or PolNeAR's one-attribution-per-speech-act; "
                "auto (default) = newsdesk for a .txt article or seed-style gold records, polnear for any other "
                "JSONL corpus"
            ),
        )
        parser.add_argument("--batch-size", type=int, default=16)

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.extraction import get_extractor
        from quotes.extraction.evaluation import input_convention, predict, read_articles

        convention = options["convention"]
        if convention == "auto":
            convention = input_convention(options["input"])
        extractor = get_extractor(options["pipeline"], convention=convention)
        articles = list(read_articles(options["input"]))
        predictions = predict(extractor, articles, batch_size=options["batch_size"])
        with open(options["output"], "w", encoding="utf-8") as handle:
            for article_id, quotes in predictions.items():
                handle.write(json.dumps({"id": article_id, "quotes": quotes}, ensure_ascii=False) + "\n")
        total = sum(len(quotes) for quotes in predictions.values())
        self.stdout.write(f"convention: {convention}")
        self.stdout.write(f"{len(predictions)} articles, {total} quotes -> {options['output']}")
