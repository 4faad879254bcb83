"""Classify quotes' stance toward their topic: JSONL in, JSONL out (no database)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = 'Input JSONL {"id","text","context"?,"speaker"?,"topic"} -> output JSONL {"id","stance","scores"}.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="JSONL of quotes with a topic description")
        parser.add_argument("--output", required=True, help="where to write the JSONL predictions")
        parser.add_argument("--head", default=None, help="artifact or topic head (default: shipped artifact)")
        parser.add_argument("--batch-size", type=int, default=32)

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.stance.evaluation import classify_file
        from quotes.stance.model import get_model

        model = get_model(options["head"])
        count = classify_file(model, options["input"], options["output"], options["batch_size"])
        self.stdout.write(f"classified {count} quotes with {model.model_version} -> {options['output']}")
