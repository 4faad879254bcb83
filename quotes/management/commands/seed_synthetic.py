"""Fill a database with realistic synthetic news for benchmarks: bulk inserts, skewed speakers.

Synthetic rows are marked (articles: extractor_version "synthetic"; speakers and topics: slugs
starting "syn-"), so `--flush` removes exactly them. The command refuses to touch a database
holding real articles unless `--force`.
"""
from __future__ import annotations

import hashlib
import json
import random
import time
from datetime import timedelta
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from quotes.models import Article, Quote, Speaker, SpeakerAlias, Stance, Topic
from quotes.services import normalize_name

MARK = "synthetic"
SLUG_PREFIX = "syn-"
BATCH = 2000
OUTLETS = ["reuters.example", "apnews.example", "bbc.example", "dw.example", "aljazeera.example",
           "lemonde.example", "kyivindependent.example", "tass.example", "nytimes.example", "ft.example"]
FIRST = ["Anna", "Boris", "Carla", "David", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kofi",
         "Lena", "Marco", "Nadia", "Omar", "Petra", "Quentin", "Rosa", "Sergei", "Tomas", "Ulla", "Viktor",
         "Wen", "Xenia", "Yusuf", "Zofia"]
LAST = ["Abbott", "Berg", "Costa", "Dumas", "Eriksen", "Fischer", "Garcia", "Horvat", "Ivanova", "Jensen",
        "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt",
        "Tanaka", "Ueda", "Varga", "Weber", "Yilmaz", "Zeman"]
ROLES = ["Foreign Minister", "President", "Prime Minister", "spokesperson", "Defence Minister",
         "ambassador", "senator", "analyst", "negotiator", "Secretary of State", "mayor", "general"]
CUES = ["said", "told reporters", "warned", "added", "stressed", "argued", "insisted", "noted"]
SUBJECTS = ["the ceasefire", "the sanctions", "the peace talks", "the negotiations", "the prisoner exchange",
            "the grain corridor", "the security guarantees", "the energy deal", "the border", "the summit"]
VERBS = ["must hold", "will fail", "is a first step", "cannot be trusted", "deserves support",
         "needs more time", "was agreed in good faith", "is unacceptable", "will bring stability",
         "has to include Europe"]
TAILS = ["for everyone in the region", "whatever Moscow says", "before the winter", "as soon as possible",
         "without preconditions", "in the coming weeks", "and we will not back down", "at any price"]
FILLER = ["Delegations met behind closed doors for several hours.", "Markets reacted calmly to the news.",
          "Officials did not give a date for the next round.", "The meeting took place in a hotel downtown.",
          "Observers were cautious about the outcome.", "Further talks are expected next month."]


class Command(BaseCommand):
    help = "Synthetic articles, speakers (Zipf-skewed), quotes and stances through bulk inserts; JSON last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--quotes", type=int, default=100_000)
        parser.add_argument("--speakers", type=int, default=2_000)
        parser.add_argument("--topics", type=int, default=2, help="active topics each quote gets a stance on")
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--flush", action="store_true", help="remove earlier synthetic rows first")
        parser.add_argument("--force", action="store_true", help="run even where real articles exist")

    def handle(self, *args, **options) -> None:
        if min(options["articles"], options["speakers"], options["topics"]) < 1 or options["quotes"] < 0:
            raise CommandError("--articles, --speakers and --topics must be at least 1, --quotes at least 0.")
        real = Article.objects.exclude(extractor_version=MARK).count()
        if real and not options["force"]:
            raise CommandError(f"This database holds {real} real article(s); use --force to add synthetic data.")
        started = time.perf_counter()
        with transaction.atomic():
            if options["flush"]:
                flush()
            elif Article.objects.filter(extractor_version=MARK).exists():
                raise CommandError("Synthetic data is already here; use --flush to replace it.")
            counts = seed(random.Random(options["seed"]), options)
            analyze()
        counts["seconds"] = round(time.perf_counter() - started, 1)
        for key, value in counts.items():
            self.stdout.write(f"{key:<12} {value:>10}")
        self.stdout.write(json.dumps(counts))


def analyze() -> None:
    """Fresh planner statistics for the filled tables (PostgreSQL): without them the planner guesses
    the sizes of a bulk-loaded table (until autovacuum comes round) and may pick a plan for the wrong one."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Article, Quote, Speaker, SpeakerAlias, Stance, Topic)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(table) for table in tables)}")


def flush() -> None:
    Article.objects.filter(extractor_version=MARK).delete()
    Speaker.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    Topic.objects.filter(slug__startswith=SLUG_PREFIX).delete()


def seed(rng: random.Random, options: dict) -> dict:
    topics = _topics(options["topics"])
    speakers = _speakers(rng, options["speakers"])
    # Zipf-like: the speaker of rank r is quoted in proportion to 1 / r ** 1.1.
    cumulative = list(accumulate(1 / (rank**1.1) for rank in range(1, len(speakers) + 1)))
    leanings = {speaker.pk: [rng.choice("fan") + rng.choice("fan") for _ in topics] for speaker in speakers}
    per_article = _spread(rng, options["quotes"], options["articles"])
    now = timezone.now()
    quotes_made = stances_made = 0
    for first in range(0, options["articles"], BATCH):
        articles, drafts = [], []
        for index in range(first, min(first + BATCH, options["articles"])):
            chosen = rng.choices(speakers, cum_weights=cumulative, k=per_article[index])
            body, spans = _body(rng, chosen)
            articles.append(
                Article(
                    title=f"{rng.choice(SUBJECTS).capitalize()}: {rng.choice(VERBS)} ({index})",
                    url=f"https://news.synthetic.example/{index}",
                    outlet=rng.choice(OUTLETS),
                    published_at=now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)),
                    body=body,
                    content_hash=hashlib.sha256(f"{MARK}:{index}:{body}".encode()).hexdigest(),
                    status=Article.Status.DONE,
                    extractor_version=MARK,
                    processed_at=now,
                )
            )
            drafts.append(spans)
        Article.objects.bulk_create(articles, batch_size=BATCH)
        quotes = [
            Quote(article=article, **span) for article, spans in zip(articles, drafts, strict=True) for span in spans
        ]
        Quote.objects.bulk_create(quotes, batch_size=BATCH)
        stances = [_stance(rng, quote, topic, leanings[quote.speaker_id][i]) for quote in quotes
                   for i, topic in enumerate(topics)]
        Stance.objects.bulk_create(stances, batch_size=BATCH)
        quotes_made += len(quotes)
        stances_made += len(stances)
    return {"articles": options["articles"], "quotes": quotes_made, "speakers": len(speakers),
            "topics": len(topics), "stances": stances_made}


def _topics(wanted: int) -> list[Topic]:
    topics = list(Topic.objects.filter(is_active=True).order_by("pk")[:wanted])
    for number in range(len(topics), wanted):
        topics.append(Topic.objects.create(
            name=f"Synthetic topic {number + 1}", slug=f"{SLUG_PREFIX}topic-{number + 1}",
            description=f"synthetic benchmark topic {number + 1}: {SUBJECTS[number % len(SUBJECTS)]}",
        ))
    return topics


def _speakers(rng: random.Random, count: int) -> list[Speaker]:
    speakers = []
    for index in range(count):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        speakers.append(Speaker(name=name, slug=f"{SLUG_PREFIX}{index}-{normalize_name(name).replace(' ', '-')}",
                                role=rng.choice(ROLES), country=rng.choice(["", "Ukraine", "Russia", "USA", "EU"])))
    Speaker.objects.bulk_create(speakers, batch_size=BATCH)
    SpeakerAlias.objects.bulk_create(
        [SpeakerAlias(speaker=s, alias=s.name, normalized=normalize_name(s.name)) for s in speakers], batch_size=BATCH
    )
    return speakers


def _spread(rng: random.Random, quotes: int, articles: int) -> list[int]:
    """Quotes per article: every article gets its share, the remainder lands at random."""
    counts = [quotes // articles] * articles
    for index in rng.sample(range(articles), quotes % articles):
        counts[index] += 1
    return counts


def _body(rng: random.Random, speakers: list[Speaker]) -> tuple[str, list[dict]]:
    """Paragraphs of filler and quotes; each quote's offsets point at its text in the body."""
    body, spans = "", []
    for speaker in speakers:
        if body:
            body += "\n"
        body += rng.choice(FILLER) + " "
        text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(TAILS)}"
        mention, cue, direct = speaker.name.split()[-1], rng.choice(CUES), rng.random() < 0.7
        if direct:
            text = f"“{text[0].upper()}{text[1:]}.”"
            start = len(body)
            body += f"{text} {mention} {cue}."
        else:
            body += f"{mention} {cue} that "
            start = len(body)
            body += f"{text}."
            text += "."
        spans.append({"speaker": speaker, "text": text, "start": start, "end": start + len(text),
                      "is_direct": direct, "cue": cue, "speaker_mention": mention,
                      "attribution_confidence": round(rng.betavariate(8, 2), 3)})
    return body or rng.choice(FILLER), spans


def _stance(rng: random.Random, quote: Quote, topic: Topic, leaning: str) -> Stance:
    """A model stance: mostly the speaker's leaning on the topic, sometimes not."""
    label = {"f": "favor", "a": "against", "n": "none"}[rng.choice(leaning + "n")]
    top = rng.uniform(0.4, 0.98)
    others = [label_ for label_ in ("favor", "against", "none") if label_ != label]
    split = rng.uniform(0, 1 - top)
    scores = {label: top, others[0]: split, others[1]: 1 - top - split}
    return Stance(quote=quote, topic=topic, label=label, model_label=label, model_version=MARK,
                  score_favor=round(scores["favor"], 4), score_against=round(scores["against"], 4),
                  score_none=round(scores["none"], 4))
