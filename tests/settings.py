"""Settings for the test suite: the real ones, with what tests need set in the environment
first (a local DEBUG run, a throwaway key, API rates no walk of the URLs can reach; tests of
those limits set them lower themselves)."""
import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("NEWSDESK_API_ANON_RATE", "100000/minute")

from newsdesk.settings import *  # noqa: E402,F403

# The suite clears the cache between tests: never a shared Redis (whose clear() flushes its
# database), whatever NEWSDESK_CACHE_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
