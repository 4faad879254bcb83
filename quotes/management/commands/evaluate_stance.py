"""Score the stance classifier on a gold JSONL (rows as for classify_stance plus "stance")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = "Prints per-class F1, macro-F1 and F_avg (mean F1 of favor/against); JSON on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gold", required=True, help="gold JSONL with a 'stance' field")
        parser.add_argument("--head", default=None, help="artifact or topic head (default: shipped artifact)")
        parser.add_argument("--batch-size", type=int, default=32)
        parser.add_argument("--by", choices=("topic",), default=None, help="also score each topic apart")

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.stance.evaluation import (
            dumps_last_line,
            evaluate_gold_file,
            format_breakdown,
            format_table,
        )
        from quotes.stance.model import get_model

        scores = evaluate_gold_file(get_model(options["head"]), options["gold"], options["batch_size"], options["by"])
        self.stdout.write(format_table(scores))
        if options["by"]:
            self.stdout.write(format_breakdown(scores[f"by_{options['by']}"], options["by"]))
        self.stdout.write(dumps_last_line(scores))
