"""Shared fixtures: the real shipped model, loaded once per test session (no mocks)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model must load without any hub


@pytest.fixture(scope="session")
def stance_model():
    from quotes.stance import get_model

    return get_model()
