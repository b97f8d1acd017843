"""Shared fixtures. Keep each fixture small and documented; add new ones in their own section."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_provider import FakeProvider

# --- real catalog samples (outside the repository; absent in a fresh clone) -----------------

CATALOGS_DIR = Path(__file__).resolve().parents[2] / "shared" / "catalogs"


@pytest.fixture
def catalogs_dir() -> Path:
    """``../shared/catalogs`` next to the repository; skips the test when it is absent."""
    if not CATALOGS_DIR.is_dir():
        pytest.skip(f"real catalog samples not found at {CATALOGS_DIR}")
    return CATALOGS_DIR


# --- fake provider server on 127.0.0.1 -------------------------------------------------------


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    """A running FakeProvider (see tests/fake_provider.py), stopped after the test."""
    server = FakeProvider().start()
    try:
        yield server
    finally:
        server.stop()
