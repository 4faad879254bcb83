"""Human stance labels as evaluate_stance's gold JSONL (also read by evaluate_corrections)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = "Writes every human stance label as a gold row: id, text, context, speaker, topic, stance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="JSONL file to write")
        parser.add_argument("--topic", default=None, help="only this topic (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes import selectors, services
        from quotes.models import Topic
        from quotes.stance.data import write_jsonl

        topic = None
        if options["topic"]:
            topic = Topic.objects.filter(slug=options["topic"]).first()
            if topic is None:
                raise CommandError(f"No topic with the slug {options['topic']!r}.")
        rows = [services.stance_gold_row(stance_record=s) for s in selectors.human_stance_labels(topic=topic)]
        write_jsonl(options["output"], rows)
        self.stdout.write(f"Wrote {len(rows)} human stance label(s) to {options['output']}.")
