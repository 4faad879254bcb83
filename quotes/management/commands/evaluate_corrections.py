"""Learning from corrections, measured: label N quotes of a topic, retrain its head, score the rest."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.base import CommandError, CommandParser

from quotes.management.base import FileCommand


class Command(FileCommand):
    help = (
        "For each topic in a gold JSONL, labels N random quotes, fits the topic head on them and "
        "compares macro-F1 on the topic's other quotes with the zero-shot model; JSON on the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--gold", required=True, help="gold JSONL: text, context?, speaker?, topic, stance")
        parser.add_argument("--split", default=None, help="only rows with this 'split' (e.g. heldout)")
        parser.add_argument("--labels", type=int, default=30, help="labelled quotes per topic")
        parser.add_argument("--seeds", type=int, default=5, help="random draws of the labelled quotes")
        parser.add_argument("--strategy", choices=("random", "uncertainty"), default="random",
                            help="which quotes get labelled: a random draw, or the least sure first "
                                 "(spread over speakers and articles; one draw)")
        parser.add_argument("--topics", default="",
                            help="only these topics: comma-separated topic_slug values (or topic texts) of the gold")

    def handle(self, *args: Any, **options: Any) -> None:
        from quotes.stance.data import news_examples, news_rows
        from quotes.stance.evaluation import dumps_last_line
        from quotes.stance.model import get_model
        from quotes.stance.pipeline import corrections_experiment

        by_topic: dict[str, list] = defaultdict(list)
        groups: dict[str, list] = defaultdict(list)
        rows = news_rows(options["gold"], options["split"])
        if wanted := {name.strip() for name in options["topics"].split(",") if name.strip()}:
            rows = [row for row in rows if row.get("topic_slug") in wanted or row.get("topic") in wanted]
        for row, (item, label) in zip(rows, news_examples(rows), strict=True):
            by_topic[item.topic].append((item, label))
            groups[item.topic].append((item.speaker, str(row.get("article_id", ""))))
        model = get_model()
        report = corrections_experiment(model, by_topic, options["labels"], tuple(range(options["seeds"])),
                                        options["strategy"], groups)
        if not report["per_topic"]:
            raise CommandError(f"No topic has more than {options['labels'] + 5} rows to learn from and score.")
        self.stdout.write(f"{'topic':<60} {'rest':>5} {'zero-shot':>9} {'adapted':>8} {'gain':>7} {'fit s':>6}")
        for topic, row in report["per_topic"].items():
            self.stdout.write(
                f"{topic[:60]:<60} {row['n_rest']:>5} {row['zero_shot_macro_f1']:>9.3f} "
                f"{row['adapted_macro_f1']:>8.3f} {row['gain']:>+7.3f} {row['train_head_seconds_max']:>6.1f}"
            )
        draws = 1 if options["strategy"] == "uncertainty" else options["seeds"]
        self.stdout.write(f"mean gain {report['mean_gain']:+.3f} ± {report['gain_sd_over_draws']:.3f} (sd over draws) "
                          f"with {options['labels']} labels ({options['strategy']}), {draws} draw(s), "
                          f"zero-shot {report['mean_zero_shot_macro_f1']:.3f} -> adapted "
                          f"{report['mean_adapted_macro_f1']:.3f}, base {model.model_version}")
        self.stdout.write(dumps_last_line(dict(report, model_version=model.model_version, seeds=options["seeds"])))
