"""Shared fixtures: the real shipped model, loaded once per test session (no mocks)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model must load without any hub
# One torch thread: on a shared 2-core box two threads wait on each other and tests crawl.
os.environ.setdefault("STANCE_TORCH_THREADS", "1")


@pytest.fixture(scope="session")
def stance_model():
    from quotes.stance import get_model

    return get_model()
