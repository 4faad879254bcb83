"""End-to-end ingest under load: N articles through `manage.py ingest` and real `celery worker`s.

Into an empty (or, with `--flush`, flushed) PostgreSQL database with only the default topic
active, the command starts `--workers` worker processes (`celery -A newsdesk worker -Q
extraction,stance --concurrency 1`, STANCE_TORCH_THREADS=1, no beat) on the configured broker,
ingests the first `--articles` lines of a JSONL file (their text, title and date, what `ingest`
reads, never the annotations) through `manage.py ingest`, and waits until every article is done
or failed (at most `--timeout` s). The workers are stopped in every case.

Then, with the workers gone, it checks the result against processing the same articles one by
one in this process: the extractor run directly on each stored text must find the same quotes
(same count, same spans) as the workers stored; each quote has exactly one stance per active
topic; no quote, stance or speaker is stored twice. A file with fewer lines than `--articles`
is used again with a line `(Copy K of this article.)` after each text (a new text, so a new
article; same quotes).

Prints a table, then one JSON object on the last line; exits non-zero when anything is off.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count, Max

from quotes.jsonl import read_jsonl
from quotes.models import Article, Quote, Speaker, Stance, Topic
from quotes.services import normalize_name

PROJECT_ROOT = Path(settings.BASE_DIR)
QUEUES = ("extraction", "stance")
FIELDS = ("text", "title", "date", "published_at")  # what `ingest` reads from a JSONL line
# Celery's line for every finished task: "Task quotes.tasks.article_process[<id>] succeeded in 1.23s: None"
TASK_LINE = re.compile(r"Task quotes\.tasks\.(article_process|article_classify)\[[^\]]+\] succeeded in ([0-9.]+)s")
STAGES = {"article_process": "extraction", "article_classify": "stance"}


class Command(BaseCommand):
    help = "Ingest N JSONL articles with N real Celery workers; time it, check it against one-by-one; JSON last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", type=Path, required=True, help='JSONL, one {"text", "title"?, "date"?} a line')
        parser.add_argument("--articles", type=int, default=2000)
        parser.add_argument("--workers", type=int, default=2, help="worker processes (one child each)")
        parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the articles")
        parser.add_argument("--flush", action="store_true",
                            help="empty the database (manage.py flush) and the broker's queues first")
        parser.add_argument("--log-dir", type=Path, help="keep the workers' logs here (default: a temporary folder)")

    def handle(self, *args, **options) -> None:
        if options["articles"] < 1 or options["workers"] < 1:
            raise CommandError("--articles and --workers must be at least 1.")
        if connection.vendor != "postgresql":
            raise CommandError("bench_ingest needs PostgreSQL (set DATABASE_URL): workers share the database.")
        records, distinct = _records(options["input"], options["articles"])
        _fresh_database(flush=options["flush"])
        _broker_check(purge=options["flush"])
        topics = _default_topics()

        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
            log_dir = options["log_dir"] or Path(scratch)
            log_dir.mkdir(parents=True, exist_ok=True)
            source = Path(scratch) / "articles.jsonl"
            with source.open("w", encoding="utf-8") as out:
                for record in records:
                    out.write(json.dumps(record) + "\n")
            pool = WorkerPool(log_dir)
            with terminate_on_sigterm():  # SIGTERM runs the finally below: the children stop too
                try:
                    started = time.perf_counter()
                    pool.start(options["workers"])
                    workers_ready_s = time.perf_counter() - started
                    self.stderr.write(f"{options['workers']} worker(s) ready in {workers_ready_s:.1f} s; ingesting "
                                      f"{len(records)} articles")
                    t0, wall0 = time.perf_counter(), _db_now()
                    call_command("ingest", str(source), stdout=(ingest_out := StringIO()))
                    ingest_s = time.perf_counter() - t0
                    stored = Article.objects.count()  # what to wait for, whatever `ingest` refused or found stored
                    settled = self._wait(stored, options["timeout"], pool, t0)
                    wall_s = time.perf_counter() - t0
                finally:
                    pool.stop()
            logs = pool.read_logs()

        last_done = Article.objects.aggregate(last=Max("processed_at"))["last"]
        end_to_end_s = (last_done - wall0).total_seconds() if settled and last_done else wall_s
        steady = _steady_rate(wall0)
        statuses = Counter(Article.objects.values_list("status", flat=True))
        check = _check(topics)
        quotes = Quote.objects.count()
        figures = {
            "articles": len(records),
            "copies": max(0, len(records) - distinct),
            "ingest_summary": ingest_out.getvalue().strip().splitlines()[-1],
            "workers": options["workers"],
            "topics": len(topics),
            "settled": settled,
            "status": dict(sorted(statuses.items())),
            "end_to_end_s": round(end_to_end_s, 1),
            "articles_per_s": round(len(records) / end_to_end_s, 2) if end_to_end_s else None,
            "steady_articles_per_s": steady,
            "quotes": quotes,
            "quotes_per_s": round(quotes / end_to_end_s, 1) if end_to_end_s else None,
            "stances": Stance.objects.count(),
            "speakers": Speaker.objects.count(),
            "ingest_s": round(ingest_s, 1),
            "workers_ready_s": round(workers_ready_s, 1),
            "stages": _stages(logs),
            "one_by_one_extraction_s": check.pop("extraction_s"),
            **check,
        }
        figures["ok"] = (
            settled and stored == statuses.get(Article.Status.DONE, 0) == len(records)
            and figures["mismatches"] == 0 and figures["duplicates"] == 0 and figures["missing_stances"] == 0
        )
        self._table(figures)
        self.stdout.write(json.dumps(figures))
        if not figures["ok"]:
            where = f" in {options['log_dir']}" if options["log_dir"] else "; --log-dir keeps them"
            raise CommandError(f"The run is not clean: see the table (and the workers' logs{where}).")

    def _wait(self, total: int, timeout: float, pool: WorkerPool, t0: float) -> bool:
        deadline = time.monotonic() + timeout
        last_report = 0.0
        while time.monotonic() < deadline:
            settled = Article.objects.filter(status__in=(Article.Status.DONE, Article.Status.FAILED)).count()
            if settled >= total:
                return True
            if dead := pool.dead():
                self.stderr.write(f"worker(s) exited: {', '.join(dead)}; stopping")
                return False
            if time.monotonic() - last_report >= 30:
                last_report = time.monotonic()
                self.stderr.write(f"{time.perf_counter() - t0:7.1f} s: {settled}/{total} settled")
            time.sleep(0.5)
        self.stderr.write(f"timed out after {timeout:.0f} s")
        return False

    def _table(self, f: dict) -> None:
        rows = [
            ("articles", f"{f['articles']} ({f['copies']} of them copies)"), ("ingest", f["ingest_summary"]),
            ("workers (1 child each)", f["workers"]),
            ("active topics", f["topics"]), ("status", ", ".join(f"{k} {v}" for k, v in f["status"].items())),
            ("end-to-end s", f["end_to_end_s"]), ("articles/s", f["articles_per_s"]),
            ("articles/s, 10th-90th %", f["steady_articles_per_s"]),
            ("quotes", f["quotes"]), ("quotes/s", f["quotes_per_s"]), ("stances", f["stances"]),
            ("speakers", f["speakers"]), ("ingest (enqueue) s", f["ingest_s"]),
            ("workers ready s", f["workers_ready_s"]),
        ]
        for stage, s in f["stages"].items():
            rows.append((f"{stage} tasks", f"{s['tasks']}: total {s['total_s']} s, p50 {s['p50_s']} s, "
                                           f"p95 {s['p95_s']} s, max {s['max_s']} s"))
        rows += [
            ("one-by-one extraction s", f["one_by_one_extraction_s"]),
            ("mismatches (articles)", f"{f['mismatches']} ({f['span_mismatches']} with the same count, other spans)"),
            ("missing stances", f["missing_stances"]), ("duplicates", f"{f['duplicates']} {f['duplicate_rows']}"),
            ("ok", f["ok"]),
        ]
        for name, value in rows:
            self.stdout.write(f"{name:<26} {value}")


def _records(path: Path, count: int) -> tuple[list[dict], int]:
    """The first `count` articles of the file (text, title, date; a text seen before is skipped),
    copies of them past its end; and how many distinct articles the file has."""
    if not path.exists():
        raise CommandError(f"No such file: {path}")
    source, texts = [], set()
    try:
        for record in read_jsonl(path):
            text = (record.get("text") or "").strip()
            if text and text not in texts:  # the same text twice would be stored once
                texts.add(text)
                source.append({key: record[key] for key in FIELDS if record.get(key)})
    except ValueError as error:
        raise CommandError(str(error)) from error
    if not source:
        raise CommandError(f"{path} holds no article with text.")
    records = []
    for index in range(count):
        record = dict(source[index % len(source)])
        copy = index // len(source) + 1
        if copy > 1:
            record["text"] = f"{record['text'].rstrip()}\n\n(Copy {copy} of this article.)"
            record.pop("title", None)  # the title would repeat; the first line of the text names it
        records.append(record)
    return records, len(source)


def _fresh_database(*, flush: bool) -> None:
    taken = Article.objects.exists() or Speaker.objects.exists() or Quote.objects.exists()
    if taken and not flush:
        raise CommandError("The database holds articles or speakers: use --flush to empty it (everything in it "
                           "goes), or point DATABASE_URL at an empty database.")
    if flush:
        call_command("flush", interactive=False, verbosity=0)


def _default_topics() -> list[Topic]:
    """What a fresh install has: the default topic (migration 0002), active; nothing else."""
    from importlib import import_module

    default = import_module("quotes.migrations.0002_default_topic").DEFAULT_TOPIC
    Topic.objects.get_or_create(slug=default["slug"], defaults=default)
    return list(Topic.objects.filter(is_active=True))


def _broker_check(*, purge: bool) -> None:
    import redis

    url = settings.CELERY_BROKER_URL
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as error:
        raise CommandError(f"The broker at {url} does not answer ({error}).") from error
    waiting = sum(client.llen(queue) for queue in QUEUES)
    if waiting and not purge:
        raise CommandError(f"{waiting} task(s) wait in the broker's queues at {url}: use --flush to purge them "
                           "(use a Redis database of the benchmark's own).")
    if purge:
        client.delete(*QUEUES, "unacked", "unacked_index")


def _database_url() -> str:
    """This process's database (the test database under pytest), for the workers."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _db_now():
    from django.utils import timezone

    return timezone.now()


class WorkerPool:
    """`celery worker` subprocesses on both queues, one child each; `stop` ends every one."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, count: int, ready_timeout: float = 180) -> None:
        from newsdesk.celery import app

        env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_TASK_ALWAYS_EAGER": "false",
               "STANCE_TORCH_THREADS": "1"}
        for _ in range(count):
            name = f"bench-{uuid.uuid4().hex[:8]}@localhost"
            log_path = self.log_dir / f"{name}.log"
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "newsdesk", "worker", "-Q", ",".join(QUEUES),
                 "--concurrency", "1", "--hostname", name, "--without-gossip", "--without-mingle",
                 "--loglevel", "INFO"],
                cwd=PROJECT_ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
            )
            self.processes.append((name, process, log_path))
        waiting = {name for name, _, _ in self.processes}
        deadline = time.monotonic() + ready_timeout
        while waiting and time.monotonic() < deadline:
            if dead := self.dead():
                raise CommandError(f"worker {dead[0]} exited while starting: {self._tail(dead[0])}")
            for reply in app.control.ping(destination=sorted(waiting), timeout=1) or []:
                waiting -= set(reply)
        if waiting:
            raise CommandError(f"worker(s) {', '.join(sorted(waiting))} did not answer within {ready_timeout:.0f} s")

    def dead(self) -> list[str]:
        return [name for name, process, _ in self.processes if process.poll() is not None]

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL for the main process and its children after 30 s."""
        for _, process, _ in self.processes:
            if process.poll() is None:
                process.terminate()
        for _, process, _ in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                for pid in _children(process.pid):
                    _kill(pid)
                process.kill()
                process.wait()

    def read_logs(self) -> str:
        return "".join(path.read_text(errors="replace") for _, _, path in self.processes if path.exists())

    def _tail(self, name: str) -> str:
        path = next(path for n, _, path in self.processes if n == name)
        return path.read_text(errors="replace")[-2000:]


@contextmanager
def terminate_on_sigterm():
    """Inside: SIGTERM (kill, a timeout) raises SystemExit, so `finally` stops the processes we started."""
    import signal

    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _steady_rate(start) -> float | None:
    """Articles/s between the 10th and the 90th percentile of finishing times (no cold start, no tail)."""
    done = sorted((at - start).total_seconds() for at in Article.objects.filter(
        status=Article.Status.DONE, processed_at__isnull=False).values_list("processed_at", flat=True))
    if len(done) < 10:
        return None
    low, high = int(0.1 * len(done)), int(0.9 * len(done))
    span = done[high] - done[low]
    return round((high - low) / span, 2) if span > 0 else None


def _stages(logs: str) -> dict:
    """Per task kind, from the workers' "succeeded in" lines: count and seconds (a child's first
    task of each kind includes loading its model)."""
    times = defaultdict(list)
    for kind, seconds in TASK_LINE.findall(logs):
        times[STAGES[kind]].append(float(seconds))
    out = {}
    for stage in ("extraction", "stance"):
        values = sorted(times.get(stage, []))
        if values:
            out[stage] = {
                "tasks": len(values), "total_s": round(sum(values), 1),
                "p50_s": round(statistics.median(values), 2),
                "p95_s": round(values[min(len(values) - 1, int(0.95 * len(values)))], 2),
                "max_s": round(values[-1], 2),
            }
    return out


def _check(topics: list[Topic]) -> dict:
    """The stored result against the extractor run directly on each text, one by one, here."""
    from quotes import extraction

    extractor = extraction.get_extractor(settings.NEWSDESK["SPACY_PIPELINE"])
    stored = defaultdict(list)
    for article_id, start, end in Quote.objects.values_list("article_id", "start", "end"):
        stored[article_id].append((start, end))
    mismatches = span_mismatches = 0
    examples = []
    started = time.perf_counter()
    for article_id, body in Article.objects.order_by("pk").values_list("pk", "body").iterator():
        found = sorted((quote.start, quote.end) for quote in extractor.extract(body).quotes)
        mine = sorted(stored.get(article_id, []))
        if found != mine:
            mismatches += 1
            span_mismatches += len(found) == len(mine)
            examples.append({"article": article_id, "workers": len(mine), "one_by_one": len(found)})
    extraction_s = time.perf_counter() - started

    active = {topic.pk for topic in topics}
    per_quote = Counter(Stance.objects.filter(topic_id__in=active).values_list("quote_id", flat=True))
    missing = sum(len(active) - per_quote.get(quote_id, 0)
                  for quote_id in Quote.objects.values_list("pk", flat=True)
                  if per_quote.get(quote_id, 0) < len(active))
    duplicate_rows = {
        "quotes": Quote.objects.values("article", "start", "end").annotate(n=Count("id")).filter(n__gt=1).count(),
        "stances": Stance.objects.values("quote", "topic").annotate(n=Count("id")).filter(n__gt=1).count(),
        # an unnamed description ("a senior official") is its article's own speaker by design: only
        # the speakers shared across articles must be unique by name
        "speakers": sum(n > 1 for n in Counter(
            normalize_name(name) for name in Speaker.objects.filter(article__isnull=True).values_list("name", flat=True)
        ).values()),
    }
    return {
        "mismatches": mismatches, "span_mismatches": span_mismatches, "mismatch_examples": examples[:5],
        "missing_stances": missing, "duplicates": sum(duplicate_rows.values()), "duplicate_rows": duplicate_rows,
        "extraction_s": round(extraction_s, 1),
    }
