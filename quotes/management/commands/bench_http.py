"""Concurrent users over HTTP: gunicorn on the configured database, locust headless, for a bounded time.

Starts gunicorn on loopback with production settings (DEBUG unset, a throwaway SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1; only the TLS-only settings are off, as there is no TLS on loopback:
SECURE_SSL_REDIRECT, secure cookies, HSTS), or `--debug` for DEBUG=true. Creates one analyst
(`create_user`, a fresh random password each run), writes the targets the users pick from
(1,000 articles, the 20 most quoted speakers and 180 others, topics, outlets, words of stored quotes),
runs `locust -f load/locustfile.py --headless --csv …` for `--run-time` (the logins, and `--settle`
s after the last one, are reported apart: browsing is measured from then on), stops gunicorn and
locust in every case, and prints per page p50/p95/p99 (locust's percentiles), requests and
errors, then one JSON object on the last line. Exits non-zero on any error.

locust is a tool (requirements-tools.txt), not an app requirement: `--locust PATH`, else the
`locust` beside this Python, else the one on PATH.
"""
from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from quotes.management.commands.bench_ingest import _children, _database_url, _kill, terminate_on_sigterm
from quotes.models import Article, Quote, Speaker, Topic

PROJECT_ROOT = Path(settings.BASE_DIR)
LOCUSTFILE = PROJECT_ROOT / "load" / "locustfile.py"
USERNAME = "bench-http-analyst"
TARGET_P95_MS = 300
PERCENTILES = {"p50_ms": "50%", "p95_ms": "95%", "p99_ms": "99%"}


class Command(BaseCommand):
    help = "N locust users against gunicorn for a bounded time: p50/p95/p99 per page, requests, errors; JSON last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
        parser.add_argument("--run-time", default="60s", help="locust's --run-time (e.g. 60s, 2m)")
        parser.add_argument("--wait", default="1,3", help="think time between a user's pages, MIN,MAX seconds")
        parser.add_argument("--settle", type=float, default=10,
                            help="seconds after the last login before measuring (requests queued behind the logins)")
        parser.add_argument("--gunicorn-workers", type=int, default=4)
        parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
        parser.add_argument("--debug", action="store_true", help="serve with DEBUG=true instead of production settings")
        parser.add_argument("--locust", help="the locust executable")
        parser.add_argument("--driver-nice", type=int, default=0, help="run locust under nice -n N")
        parser.add_argument("--csv-dir", type=Path, help="keep locust's CSV and the server's log here")

    def handle(self, *args, **options) -> None:
        if options["users"] < 1 or options["gunicorn_workers"] < 1:
            raise CommandError("--users and --gunicorn-workers must be at least 1.")
        if not Article.objects.exists() or not Speaker.objects.exists():
            raise CommandError("No articles or speakers: fill the database first "
                               "(manage.py seed_synthetic --articles 10000 --quotes 100000 --speakers 2000).")
        locust = _locust(options["locust"])
        port = options["port"] or _free_port()
        host = f"http://127.0.0.1:{port}"
        password = secrets.token_urlsafe(18)
        _analyst(password)

        with tempfile.TemporaryDirectory(prefix="bench-http-") as scratch:
            out_dir = options["csv_dir"] or Path(scratch)
            out_dir.mkdir(parents=True, exist_ok=True)
            targets = out_dir / "targets.json"
            targets.write_text(json.dumps(_targets()), encoding="utf-8")
            server_log = out_dir / "gunicorn.log"
            server = _gunicorn(port, options["gunicorn_workers"], options["debug"], server_log)
            driver = None
            with terminate_on_sigterm():  # SIGTERM runs the finally below: the children stop too
                try:
                    _wait_until_serving(host, server, server_log)
                    prefix = out_dir / "locust"
                    nice = ["nice", "-n", str(options["driver_nice"])] if options["driver_nice"] else []
                    command = [
                        *nice, locust, "-f", str(LOCUSTFILE), "--headless", "--host", host,
                        "-u", str(options["users"]), "-r", str(options["spawn_rate"]),
                        "--run-time", options["run_time"],
                        "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0",
                        "--loglevel", "WARNING",
                    ]
                    login_phase_file = out_dir / "login_phase.json"
                    login_phase_file.unlink(missing_ok=True)
                    env = {**os.environ, "LOAD_TARGETS": str(targets), "LOAD_USERNAME": USERNAME,
                           "LOAD_PASSWORD": password, "LOAD_WAIT": options["wait"],
                           "LOAD_LOGIN_PHASE": str(login_phase_file), "LOAD_SETTLE": str(options["settle"])}
                    self.stderr.write(f"locust: {options['users']} users on {host} for {options['run_time']}")
                    started, started_wall = time.perf_counter(), time.time()
                    driver = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                                              stderr=subprocess.STDOUT, text=True)
                    driver_output, _ = driver.communicate(timeout=_seconds(options["run_time"]) + 120)
                    elapsed, ended_wall = time.perf_counter() - started, time.time()
                    if driver.returncode != 0:
                        raise CommandError(f"locust exited {driver.returncode}: {driver_output[-3000:]}")
                finally:
                    if driver is not None and driver.poll() is None:
                        driver.kill()
                        driver.wait()
                    _stop(server)
            pages = read_stats(Path(f"{prefix}_stats.csv"))
            failures = read_failures(Path(f"{prefix}_failures.csv"))
            login_phase = json.loads(login_phase_file.read_text()) if login_phase_file.exists() else None
            log = server_log.read_text(errors="replace")

        if login_phase is None:
            raise CommandError(f"Not every user logged in within --run-time {options['run_time']}: "
                               "give it longer (the login phase is not measured as browsing).")
        total = pages.pop("Aggregated", None) or {"requests": 0, "failures": 0}
        pages = {name: page for name, page in pages.items() if page["requests"]}  # logins: in the login phase
        figures = {
            "users": options["users"], "run_time": options["run_time"], "wait_s": options["wait"],
            "gunicorn_workers": options["gunicorn_workers"], "debug": options["debug"],
            "seconds": round(elapsed, 1),
            "settle_s": options["settle"],
            "login_phase": {"seconds": round(login_phase["logged_in_at"] - started_wall, 1), **{
                key: login_phase[key] for key in ("requests", "errors", "pages")}},
            "measured_s": round(ended_wall - login_phase["at"], 1),
            "requests": total["requests"], "errors": total["failures"] + login_phase["errors"],
            "requests_per_s": total.get("requests_per_s"),
            "p50_ms": total.get("p50_ms"), "p95_ms": total.get("p95_ms"), "p99_ms": total.get("p99_ms"),
            "pages": pages, "failures": login_phase["failures"] + failures,
            "worker_timeouts": log.count("WORKER TIMEOUT"), "server_tracebacks": log.count("Traceback"),
            "data": {"articles": Article.objects.count(), "quotes": Quote.objects.count(),
                     "speakers": Speaker.objects.count()},
        }
        figures["target_met"] = figures["errors"] == 0 and all(
            (page["p95_ms"] or 0) < TARGET_P95_MS for page in pages.values()
        )
        self._table(figures)
        self.stdout.write(json.dumps(figures))
        if figures["errors"] or figures["worker_timeouts"]:
            raise CommandError(f"{figures['errors']} error(s), {figures['worker_timeouts']} gunicorn worker timeout(s)")

    def _table(self, f: dict) -> None:
        login = f["login_phase"]
        self.stdout.write(f"{f['users']} users, {f['run_time']}, think time {f['wait_s']} s, "
                          f"gunicorn {f['gunicorn_workers']} workers, DEBUG {'on' if f['debug'] else 'off'}; "
                          f"{f['data']['articles']} articles, {f['data']['quotes']} quotes")
        self.stdout.write(f"login phase: every user logged in after {login['seconds']} s; with {f['settle_s']} s more "
                          f"(not measured): {login['requests']} requests, {login['errors']} errors; "
                          f"then {f['measured_s']} s of browsing measured")
        self.stdout.write(f"{'page':<26} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
                          f"{'p99 ms':>7} {'max ms':>7}")
        rows = [*(("[login] " + name, p) for name, p in login["pages"].items()), *f["pages"].items(),
                ("all (browsing)", {**f, "failures": f["errors"] - login["errors"], "max_ms": None})]
        for name, p in rows:
            self.stdout.write(
                f"{name[:26]:<26} {p['requests']:>9} {p['failures']:>7} {p.get('requests_per_s') or '':>7} "
                f"{p.get('p50_ms') or '':>7} {p.get('p95_ms') or '':>7} {p.get('p99_ms') or '':>7} "
                f"{p.get('max_ms') or '':>7}"
            )
        for failure in f["failures"]:
            self.stdout.write(f"failure: {failure['name']}: {failure['error']} ×{failure['occurrences']}")
        self.stdout.write(f"gunicorn worker timeouts {f['worker_timeouts']}, tracebacks {f['server_tracebacks']}; "
                          f"target (0 errors, p95 < {TARGET_P95_MS} ms on every page) met: {f['target_met']}")


def read_stats(path: Path) -> dict[str, dict]:
    """Locust's *_stats.csv: per request name (and "Aggregated") the counts and percentiles."""
    pages = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "requests_per_s": round(float(row["Requests/s"]), 1),
                "max_ms": round(float(row["Max Response Time"])),
            }
            for key, column in PERCENTILES.items():
                value = row.get(column, "N/A")
                figures[key] = None if value in ("", "N/A") else round(float(value))
            pages[row["Name"]] = figures
    return pages


def read_failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [{"name": row["Name"], "error": row["Error"][:300], "occurrences": int(row["Occurrences"])}
                for row in csv.DictReader(handle)]


def _seconds(run_time: str) -> float:
    units = {"h": 3600, "m": 60, "s": 1}
    total, number = 0.0, ""
    for char in run_time.strip():
        if char.isdigit() or char == ".":
            number += char
        elif char in units and number:
            total, number = total + float(number) * units[char], ""
        else:
            raise CommandError(f"--run-time {run_time!r}: use e.g. 60s, 2m or 1m30s.")
    return total + (float(number) if number else 0)


def _locust(explicit: str | None) -> str:
    candidates = [explicit] if explicit else [str(Path(sys.executable).with_name("locust")), shutil.which("locust")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise CommandError("locust not found: pip install -r requirements-tools.txt, or pass --locust PATH.")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _analyst(password: str) -> None:
    """One analyst for every user of the run, made by create_user (a new password each run)."""
    get_user_model().objects.filter(username=USERNAME).delete()
    call_command("create_user", USERNAME, "--role", "analyst", f"--password={password}", stdout=open(os.devnull, "w"))


def _targets() -> dict:
    """What the users pick from: sampled from the database, so the locustfile knows no data."""
    import random

    rng = random.Random(13)
    article_ids = list(Article.objects.values_list("pk", flat=True))
    top = list(Speaker.objects.annotate(n=Count("quotes")).order_by("-n", "pk").values_list("slug", flat=True)[:20])
    others = list(Speaker.objects.exclude(slug__in=top).values_list("slug", flat=True))
    words = set()
    for text in Quote.objects.order_by("?").values_list("text", flat=True)[:200]:
        words.update(word.strip(".,;:!?“”\"'’").lower() for word in text.split())
    words = sorted(word for word in words if len(word) >= 6 and word.isalpha())
    outlets = sorted(set(Article.objects.exclude(outlet="").values_list("outlet", flat=True).distinct()[:50]))
    return {
        "articles": rng.sample(article_ids, min(1000, len(article_ids))),
        "speakers": top + rng.sample(others, min(180, len(others))),
        "topics": list(Topic.objects.filter(is_active=True).values_list("slug", flat=True)) or [""],
        "outlets": outlets or [""],
        "words": rng.sample(words, min(40, len(words))) or ["said"],
        "explorer_pages": max(2, min(200, Quote.objects.count() // 50)),
    }


def _cache_url() -> str:
    """The broker's Redis server, one database up, for the pages' shared cache."""
    from django.conf import settings

    base, _, db = settings.REDIS_URL.rpartition("/")
    return f"{base}/{int(db) + 1 if db.isdigit() else 1}"


def _gunicorn(port: int, workers: int, debug: bool, log_path: Path) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env.update({
        "DATABASE_URL": _database_url(), "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0", "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
    })
    # Several workers share one cache in a deployment; measure that (a Redis db of its own).
    env.setdefault("NEWSDESK_CACHE_URL", _cache_url())
    if debug:
        env["DEBUG"] = "true"
    else:
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    executable = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    return subprocess.Popen(
        [*executable, "newsdesk.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "30", "--graceful-timeout", "10", "--error-logfile", "-"],
        cwd=PROJECT_ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )


def _wait_until_serving(host: str, server: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn exited {server.returncode}: {log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{host}/accounts/login/", timeout=5) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise CommandError(f"gunicorn did not serve the login page within {timeout:.0f} s: "
                       f"{log_path.read_text(errors='replace')[-3000:]}")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: workers finish their request
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for pid in _children(server.pid):
                _kill(pid)
            server.kill()
            server.wait()
