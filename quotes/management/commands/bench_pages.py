"""Speed of the pages on the configured database: each rendered in process for a logged-in analyst.

Prints per page p50/p95 (nearest rank) in ms, queries and bytes, then the export's rows/s and
peak memory (tracemalloc, a second pass), and the figures as one JSON object on the last line.
`--compare FILE` reads an earlier run's JSON (e.g. before a change) and adds the p95 ratio.
"""
from __future__ import annotations

import json
import math
import statistics
import time
import tracemalloc
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from quotes.models import Article, Speaker, Stance, Topic
from quotes.permissions import ANALYST

BENCH_USER = "bench-analyst"


class Command(BaseCommand):
    help = "p50/p95 ms, queries and bytes per page as an analyst, export rows/s and peak memory; JSON last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=8)
        parser.add_argument("--warmup", type=int, default=1, help="renders per page before timing")
        parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
        parser.add_argument("--search", default="ceasefire", help="the explorer's text search")
        parser.add_argument("--no-export", action="store_true", help="skip the export runs")
        parser.add_argument("--compare", type=Path, help="JSON last line of an earlier run, for before/after")

    def handle(self, *args, **options) -> None:
        if not Article.objects.exists():
            raise CommandError("No articles: fill the database first (manage.py seed_synthetic).")
        client = Client()
        client.force_login(_analyst())
        pages = _pages(options["search"])
        wanted = {name for name in options["pages"].split(",") if name}
        if wanted - pages.keys():
            raise CommandError(f"Unknown page(s) {', '.join(sorted(wanted - pages.keys()))}; know {', '.join(pages)}.")
        results = {}
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for name, url in pages.items():
                if url is None or (wanted and name not in wanted):
                    continue
                if name.startswith("export"):
                    if not options["no_export"]:
                        results[name] = _bench_export(client, url)
                else:
                    results[name] = _bench_page(client, url, options["runs"], options["warmup"])
        before = json.loads(options["compare"].read_text().strip().splitlines()[-1]) if options["compare"] else {}
        for name, figures in results.items():
            old = before.get(name, {})
            if "p95_ms" in figures and "p95_ms" in old:
                figures["before_p95_ms"] = old["p95_ms"]
                figures["speedup_p95"] = round(old["p95_ms"] / max(figures["p95_ms"], 0.01), 1)
            if "rows_per_s" in figures and "rows_per_s" in old:
                figures["before_rows_per_s"] = old["rows_per_s"]
        self._table(results)
        self.stdout.write(json.dumps(results))

    def _table(self, results: dict) -> None:
        header = f"{'page':<22} {'status':>6} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8} {'KB':>8}"
        self.stdout.write(f"{header}  before p95 / ×")
        for name, r in results.items():
            if "rows_per_s" in r:
                self.stdout.write(
                    f"{name:<22} {r['status']:>6} {r['rows']:>9} rows {r['rows_per_s']:>9} rows/s "
                    f"peak {r['peak_mb']} MB {r['queries']} queries"
                )
                continue
            compare = f"  {r['before_p95_ms']} / {r['speedup_p95']}×" if "before_p95_ms" in r else ""
            self.stdout.write(
                f"{name:<22} {r['status']:>6} {r['p50_ms']:>9} {r['p95_ms']:>9} {r['queries']:>8} "
                f"{r['bytes'] / 1024:>8.1f}{compare}"
            )


def _analyst():
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    return user


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None  # the page does not exist in this version


def busiest_topic() -> Topic | None:
    return Topic.objects.filter(is_active=True).annotate(n=Count("stances")).order_by("-n", "pk").first()


def _pages(search: str) -> dict[str, str | None]:
    """The pages, on the data that makes each one heaviest (most-quoted speaker, busiest topic)."""
    speaker = Speaker.objects.annotate(n=Count("quotes")).order_by("-n", "pk").first()
    topic = busiest_topic()
    article = Article.objects.annotate(n=Count("quotes")).order_by("-n", "pk").first()
    explorer = _url("quotes:quote_list")
    suggest = _url("quotes:speaker_suggest")
    filters = f"topic={topic.slug}&stance=against&is_direct=true&q={search}" if topic else f"q={search}"
    return {
        "start": "/",
        "article_list": _url("quotes:article_list"),
        # The article list searched in title, outlet and body.
        "article_search": f"{_url('quotes:article_list')}?q={search}" if _url("quotes:article_list") else None,
        "article": _url("quotes:article_detail", article.pk),
        "explorer": explorer,
        "explorer_filtered": f"{explorer}?{filters}",
        "explorer_page_100": f"{explorer}?page=100",
        # The most-quoted speaker's quotes on the busiest topic, as a suggestion picked leaves it.
        "explorer_speaker": f"{explorer}?speaker={speaker.slug}" + (f"&topic={topic.slug}" if topic else "")
        if speaker else None,
        # Autocomplete on the first letters of the most-quoted speaker's name (most candidates).
        "speaker_suggest": f"{suggest}?speaker={speaker.name[:3]}" if speaker and suggest else None,
        "speaker_top": _url("quotes:speaker_detail", speaker.slug) if speaker else None,
        "speaker_list": _url("quotes:speaker_list"),
        "topic": _url("quotes:topic_detail", topic.slug) if topic else None,
        "topic_by_volume": f"{_url('quotes:topic_detail', topic.slug)}?rank=volume" if topic else None,
        "export_csv": _url("quotes:quote_export"),
        "export_json": _url("quotes:quote_export_json"),
    }


def _render(client: Client, url: str) -> tuple[int, int]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, len(body)


def _bench_page(client: Client, url: str, runs: int, warmup: int) -> dict:
    for _ in range(warmup):
        _render(client, url)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            status, size = _render(client, url)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "url": url, "status": status, "runs": runs, "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[math.ceil(0.95 * len(times)) - 1], 1), "queries": len(queries), "bytes": size,
    }


def _bench_export(client: Client, url: str) -> dict:
    """One timed pass (rows/s), then one under tracemalloc (peak Python memory while streaming)."""
    started = time.perf_counter()
    response = client.get(url)
    rows, size = 0, 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        rows += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    rows -= url.endswith(".csv")  # the header line
    tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        peak_response = client.get(url)
        for _ in peak_response.streaming_content if peak_response.streaming else [peak_response.content]:
            pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    stances = Stance.objects.count()
    return {
        "url": url, "status": response.status_code, "rows": rows, "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds) if seconds else 0, "bytes": size, "queries": len(queries),
        "peak_mb": round(peak / 2**20, 1), "stances_in_db": stances,
    }
