"""Shared fixtures. Real services only: integration and browser tests skip on a laptop that
lacks them, and fail in CI (CI=true), where they must run."""
import os
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_ARTICLE = FIXTURES / "riyadh-talks.txt"
SEED_GOLD = FIXTURES / "riyadh-talks.gold.json"


def require(condition: bool, reason: str) -> None:
    """Skip when a real service is missing, except in CI, where that is a failure."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the dashboard keeps its costly figures there a minute)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def topic(db):
    from tests.factories import TopicFactory

    return TopicFactory()


@pytest.fixture
def client_as(db, client):
    """Log the test client in as a new user of a role and return it (its `.user` is the user).

    `client_as("editor")`, `"analyst"`, `"admin"` (staff, may use the admin) or `None` (a user
    with no role). Extra keywords go to UserFactory. With `enforce_csrf=True` it returns a fresh
    client that checks CSRF like a browser and sends a valid token with every request; for one
    that sends none, use `Client(enforce_csrf_checks=True)` and `force_login`.
    """
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    from tests.factories import UserFactory

    def log_in(role, *, enforce_csrf=False, **user_fields):
        user = UserFactory(role=role, **user_fields)
        logged_in = client
        if enforce_csrf:
            token = get_random_string(32)
            logged_in = Client(enforce_csrf_checks=True, headers={"X-CSRFToken": token})
            logged_in.cookies[settings.CSRF_COOKIE_NAME] = token
        logged_in.force_login(user)
        logged_in.user = user
        return logged_in

    return log_in


@pytest.fixture(scope="session")
def chromium_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    require(bool(browser and driver), "Debian's chromium and chromium-driver are not installed")
    return browser, driver


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached counts (quotes.selectors._cached) never leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
