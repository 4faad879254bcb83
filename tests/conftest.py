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


@pytest.fixture
def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def topic(db):
    from tests.factories import TopicFactory

    return TopicFactory()


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
