"""The real Celery app, with an extractor that crashes on one marker: a poison article for the tests.

Started as `celery -A tests.integration.faulty_app worker`; nothing here is loaded in production.
"""
from newsdesk.celery import app  # noqa: F401  (the app celery -A finds)
from quotes.extraction import extractor

POISON_MARKER = "POISON-PILL-FOR-TESTS"
_real_extract = extractor.QuoteExtractor.extract


def _extract_or_crash(self, text, *args, **kwargs):
    if POISON_MARKER in text:
        raise RuntimeError("the extractor crashed on this text (test poison)")
    return _real_extract(self, text, *args, **kwargs)


extractor.QuoteExtractor.extract = _extract_or_crash
