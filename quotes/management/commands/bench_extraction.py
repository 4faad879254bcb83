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
        parser.add_argument("--rules-only", action="store_true", help="without the learned reported-speech finder")
        parser.add_argument(
            "--learned", action="store_true", help="with the learned finder (default: as the newsdesk convention, off)"
        )
        parser.add_argument("--no-baseline", action="store_true", help="skip the unbatched full-pipeline baseline")
        parser.add_argument(
            "--textacy-python",
            default=None,
            help="an interpreter with textacy and the spaCy model (a throwaway venv): runs "
            "docs/bench/textacy_baseline.py on the same articles in the same run and reports the ratio",
        )

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
        if options["textacy_python"]:
            result["textacy"] = _textacy_baseline(
                options["textacy_python"], options["input"], pipeline, options["repeat"]
            )
            theirs = result["textacy"]["articles_per_s"]
            result["ratio_vs_textacy"] = round(result["articles_per_s"] / theirs, 2) if theirs else 0.0
        for key, value in result.items():
            self.stdout.write(f"{key:<28} {value}")
        self.stdout.write(json.dumps(result, sort_keys=True))


def _textacy_baseline(python: str, path: str, pipeline: str, repeat: int) -> dict:
    """textacy's direct_quotations per paragraph over the same articles, in its own interpreter."""
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "docs" / "bench" / "textacy_baseline.py"
    completed = subprocess.run(
        [python, str(script), path, pipeline, str(repeat)], capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])
