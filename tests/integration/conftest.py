"""Real `celery worker` processes against the test database and the real Redis broker."""
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import require

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _broker_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _test_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Starts worker processes on both queues; each is stopped at the end of the test."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, *, app_module: str = "newsdesk", beat: bool = False, **extra_env: str) -> subprocess.Popen:
        """A worker (`app_module`: a test app may wrap the real one); `beat` embeds the sweep's schedule."""
        from newsdesk.celery import app

        name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        log_path = self.log_dir / f"{name}.log"
        env = {**os.environ, "DATABASE_URL": _test_database_url(), "CELERY_TASK_ALWAYS_EAGER": "false", **extra_env}
        beat_options = ["-B", "--schedule", str(self.log_dir / f"{name}.beat")] if beat else []
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app_module, "worker", "-Q", "extraction,stance",
             "--concurrency", "1", "--hostname", name, "--without-gossip", "--without-mingle",
             "--loglevel", "INFO", *beat_options],
            cwd=PROJECT_ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
        )
        process.log_path = log_path
        self.processes.append(process)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if app.control.ping(destination=[name], timeout=1):
                return process
            assert process.poll() is None, f"worker exited early: {log_path.read_text()[-3000:]}"
        pytest.fail(f"worker {name} did not answer within 90 s: {log_path.read_text()[-3000:]}")

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def workers(transactional_db, tmp_path):
    from django.db import connection

    from newsdesk.celery import app

    require(connection.vendor == "postgresql", "integration tests need DATABASE_URL pointing at PostgreSQL")
    require(_broker_answers(), f"Redis does not answer at {settings.CELERY_BROKER_URL}")
    app.control.purge()  # tasks left over from an earlier run would hit this run's database
    pool = Workers(tmp_path)
    yield pool
    for process in pool.processes:
        if process.poll() is None:
            pool.stop(process)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
