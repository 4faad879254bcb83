"""Every reviewed article as seed-format gold, so the newsroom's corrections score the extractor."""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = (
        "Writes every article an admin marked reviewed as JSONL in the seed gold format "
        "(read by evaluate_attribution and ../shared/bench/score_attribution.py)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="JSONL file to write, one article per line")
        parser.add_argument("--since", default=None, help="only articles reviewed on or after this date (ISO)")

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes import selectors, services

        since = _parse_since(options["since"]) if options["since"] else None
        documents = [services.gold_document(article=a) for a in selectors.gold_articles(since=since)]
        with open(options["output"], "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(document, ensure_ascii=False) + "\n" for document in documents)
        quotes = sum(len(document["quotes"]) for document in documents)
        self.stdout.write(f"Wrote {len(documents)} reviewed article(s), {quotes} quote(s) to {options['output']}.")


def _parse_since(value: str):
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise CommandError(f"--since {value!r} is not a date; use YYYY-MM-DD or an ISO date-time.")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
