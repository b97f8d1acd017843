"""Shared fixtures. Keep each fixture small and documented; add new ones in their own section."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_provider import FakeProvider

# --- models.dev: never the internet ---------------------------------------------------------

# A closed port on 127.0.0.1: a run that would ask models.dev fails at once with a note.
# Every test process and every child it starts inherits it; a test that wants enrichment
# serves a sample on the fake server and sets MODELS_DEV_API_URL itself.
UNREACHABLE_MODELS_DEV = "http://127.0.0.1:9/models-dev-is-not-asked-in-tests.json"


@pytest.fixture(autouse=True, scope="session")
def _models_dev_stays_local() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODELS_DEV_API_URL", UNREACHABLE_MODELS_DEV)
        yield


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
