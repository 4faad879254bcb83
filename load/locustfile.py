"""Locust users of Newsdesk: log in as an analyst, then browse the explorer (with and without
filters, later pages), article pages and speaker pages, like a person reading.

Run by `manage.py bench_http` (which starts gunicorn, writes the targets file and reads the CSV and
the login phase file: the figures until every user has logged in, kept apart from browsing);
by hand: `LOAD_TARGETS=targets.json LOAD_USERNAME=… LOAD_PASSWORD=… locust -f load/locustfile.py
--headless -u 50 -r 10 --run-time 60s --host http://127.0.0.1:8000`.

LOAD_TARGETS is JSON: {"articles": [ids], "speakers": [slugs], "topics": [slugs], "outlets": [...],
"words": [...], "explorer_pages": N}. LOAD_WAIT is the think time between pages, "MIN,MAX" seconds.
Every page must answer 200 with the page itself: a login form instead (the session was lost) is
a failure too. Only HTML is fetched: a browser caches the static files.
"""
from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import HttpUser, between, task

_TARGETS_FILE = os.environ.get("LOAD_TARGETS")
TARGETS = json.loads(Path(_TARGETS_FILE).read_text(encoding="utf-8")) if _TARGETS_FILE else {}
USERNAME = os.environ.get("LOAD_USERNAME", "")
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(","))
# Where to write the figures of the login phase (until every user has logged in), after which
# the statistics start again: the CSV then holds only browsing by logged-in users.
LOGIN_PHASE_FILE = os.environ.get("LOAD_LOGIN_PHASE")
# Seconds of browsing after the last login that are not measured either: the requests queued
# behind the logins finish then.
SETTLE_S = float(os.environ.get("LOAD_SETTLE", "0"))
LOGIN_PATH = "/accounts/login/"
LOGIN_FORM = 'id="login-form"'


_logins_finished = 0


def _login_finished(environment) -> None:
    """After the last user's login (and SETTLE_S more): save the figures so far, then start the
    statistics again."""
    global _logins_finished
    _logins_finished += 1
    if LOGIN_PHASE_FILE and _logins_finished == environment.parsed_options.num_users:
        logged_in_at = time.time()
        gevent.spawn_later(SETTLE_S, _login_phase_end, environment, logged_in_at)


def _login_phase_end(environment, logged_in_at: float) -> None:
    stats = environment.runner.stats
    phase = {
        "logged_in_at": logged_in_at, "at": time.time(),
        "pages": {name: _figures(entry) for (name, _method), entry in stats.entries.items()},
        "requests": stats.total.num_requests, "errors": stats.total.num_failures,
        "failures": [{"name": error.name, "error": str(error.error)[:300], "occurrences": error.occurrences}
                     for error in stats.errors.values()],
    }
    Path(LOGIN_PHASE_FILE).write_text(json.dumps(phase), encoding="utf-8")
    stats.reset_all()


def _figures(entry) -> dict:
    return {
        "requests": entry.num_requests, "failures": entry.num_failures,
        "p50_ms": round(entry.get_response_time_percentile(0.5) or 0),
        "p95_ms": round(entry.get_response_time_percentile(0.95) or 0),
        "p99_ms": round(entry.get_response_time_percentile(0.99) or 0),
        "max_ms": round(entry.max_response_time or 0),
    }


class Analyst(HttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        try:
            self.client.get(LOGIN_PATH, name="login page")
            token = self.client.cookies.get("csrftoken", "")
            with self.client.post(
                LOGIN_PATH, data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token,
                                  "next": "/"},
                headers={"Referer": self.host + LOGIN_PATH}, name="log in", catch_response=True,
            ) as response:
                if response.status_code != 200 or LOGIN_FORM in response.text:
                    response.failure(f"login refused ({response.status_code})")
        finally:
            _login_finished(self.environment)

    def _page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif LOGIN_FORM in response.text:
                response.failure("the login page instead of the page (session lost)")

    @task(2)
    def explorer(self) -> None:
        self._page("/quotes/", "explorer")

    @task(4)
    def explorer_filtered(self) -> None:
        """One to three of the explorer's filters, as a person combines them."""
        choices = {
            "topic": lambda: random.choice(TARGETS["topics"]),
            "stance": lambda: random.choice(["favor", "against", "none"]),
            "is_direct": lambda: random.choice(["true", "false"]),
            "q": lambda: random.choice(TARGETS["words"]),
            "outlet": lambda: random.choice(TARGETS["outlets"]),
            "speaker": lambda: random.choice(TARGETS["speakers"]),
            "published_after": lambda: random.choice(["2024-01-01", "2025-06-01", "2026-01-01"]),
            "min_confidence": lambda: random.choice(["0.5", "0.8"]),
            "sort": lambda: random.choice(["newest", "oldest", "confidence"]),
        }
        picked = random.sample(sorted(choices), random.randint(1, 3))
        if "stance" in picked and "topic" not in picked:
            picked.append("topic")
        self._page("/quotes/?" + urlencode({key: choices[key]() for key in picked}), "explorer (filters)")

    @task(1)
    def explorer_later_page(self) -> None:
        self._page(f"/quotes/?page={random.randint(2, max(2, TARGETS.get('explorer_pages', 2)))}", "explorer (page N)")

    @task(3)
    def article(self) -> None:
        self._page(f"/articles/{random.choice(TARGETS['articles'])}/", "article")

    @task(3)
    def speaker(self) -> None:
        self._page(f"/speakers/{random.choice(TARGETS['speakers'])}/", "speaker")
