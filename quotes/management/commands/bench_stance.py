"""Speed of the stance classifier on this machine: quotes/s, latency, load time, peak RSS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = "Batches of 32 mixed-length quotes (bucketed vs unbucketed), single-quote p50/p95; JSON last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--head", default=None, help="artifact or topic head (default: shipped artifact)")
        parser.add_argument("--quotes", type=int, default=512, help="quotes in the throughput run")
        parser.add_argument("--single", type=int, default=100, help="single-quote calls for p50/p95")
        parser.add_argument("--batch-size", type=int, default=32)

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.stance.evaluation import dumps_last_line, run_bench

        result = run_bench(options["head"], options["quotes"], options["single"], options["batch_size"])
        for key, value in sorted(result.items()):
            self.stdout.write(f"{key:<30} {value}")
        self.stdout.write(dumps_last_line(result))
