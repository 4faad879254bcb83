"""The cache and session settings: a shared Redis cache only where one is configured."""
import os
import subprocess
import sys

from django.conf import settings


def _settings_in_child(extra_env: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "NEWSDESK_CACHE_URL")}
    env.update({"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "newsdesk.settings", **extra_env})
    code = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_suite_uses_a_local_memory_cache_and_cached_db_sessions():
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_redis_cache_only_when_a_cache_url_is_set():
    assert "LocMemCache" in _settings_in_child({})
    # The broker's Redis is not the cache by default: a Redis outage must not fail every page.
    assert "LocMemCache" in _settings_in_child({"REDIS_URL": "redis://127.0.0.1:6379/4"})
    assert "RedisCache" in _settings_in_child({"NEWSDESK_CACHE_URL": "redis://127.0.0.1:6379/5"})
