"""Speed of the attribution engine: articles/s, words/s, load time, peak RSS; JSON last line."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = "Throughput on a .txt or JSONL of articles, with an unbatched full-pipeline baseline; JSON last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help=".txt or JSONL with {'id', 'text'} per line")
        parser.add_argument("--repeat", type=int, default=1, help="passes over the input")
        parser.add_argument("--batch-size", type=int, default=16)
        parser.add_argument("--processes", type=int, default=1, help="spaCy worker processes (nlp.pipe n_process)")
        parser.add_argument("--pipeline", default=None, help="spaCy pipeline (default: settings/env)")
        parser.add_argument(
            "--rules-only", action="store_true", help="without the learned reported-speech finder"
        )
        parser.add_argument(
            "--learned", action="store_true", help="with the learned finder (default: as the newsdesk convention, off)"
        )
        parser.add_argument("--no-baseline", action="store_true", help="skip the unbatched full-pipeline baseline")

    def handle(self, *args: Any, **options: Any) -> None:
        import os

        from quotes.extraction.evaluation import benchmark, read_articles
        from quotes.extraction.extractor import DEFAULT_PIPELINE, PIPELINE_ENV_VARIABLE

        pipeline = options["pipeline"] or os.environ.get(PIPELINE_ENV_VARIABLE) or DEFAULT_PIPELINE
        articles = list(read_articles(options["input"]))
        result = benchmark(
            pipeline,
            articles,
            repeat=options["repeat"],
            batch_size=options["batch_size"],
            processes=options["processes"],
            with_baseline=not options["no_baseline"],
            learned_spans=False if options["rules_only"] else (True if options["learned"] else None),
        )
        for key, value in result.items():
            self.stdout.write(f"{key:<28} {value}")
        self.stdout.write(json.dumps(result, sort_keys=True))
