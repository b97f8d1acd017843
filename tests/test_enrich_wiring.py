"""models.dev in a run: one request beside the catalogs, the provider's own values win, a
failure is a note, ``enrich=False`` and the demo ask nothing, a fresh cache asks nothing.

models.dev is played by the fake provider server on 127.0.0.1 (``MODELS_DEV_API_URL``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_harness import Harness, harness_for, openrouter_catalog, xai_catalog, xai_path
from fake_provider import Reply

from discovery_tui.enrich import CACHE_FILE, URL_ENV
from discovery_tui.pipeline import Computation, RunOptions, compute
from discovery_tui.profile import Profile

MODELS_DEV_PATH = "/models-dev/api.json"

MODELS_DEV: dict[str, Any] = {
    "openrouter": {
        "id": "openrouter",
        "models": {
            "anthropic/claude-sonnet-4.5": {
                "id": "anthropic/claude-sonnet-4.5",
                "cost": {"input": 99, "output": 99, "cache_read": 0.3, "cache_write": 3.75},
                "limit": {"context": 1, "output": 1},
            }
        },
    },
    "xai": {
        "id": "xai",
        "models": {
            "grok-4": {"id": "grok-4", "cost": {"input": 3, "output": 15, "cache_read": 0.75}},
        },
    },
}


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        harness.serve()
        monkeypatch.setenv(URL_ENV, harness.server.url + MODELS_DEV_PATH)
        yield harness


def options(h: Harness, **overrides: Any) -> RunOptions:
    values: dict[str, Any] = {
        "config_path": h.config,
        "profile_path": h.profile,
        "providers": ("openrouter", "xai"),
        "no_llm": True,
        **overrides,
    }
    return RunOptions(**values)


async def run(h: Harness, **overrides: Any) -> Computation:
    return await compute(options(h, **overrides), Profile(path=h.profile))


def models_dev_requests(h: Harness) -> int:
    return len(h.server.requests_to(MODELS_DEV_PATH))


def model(result: Computation, name: str) -> Any:
    return result.models[name]


async def test_a_run_fills_what_catalogs_leave_empty_and_keeps_their_own(h: Harness) -> None:
    h.server.json(MODELS_DEV_PATH, MODELS_DEV)
    result = await run(h)
    assert models_dev_requests(h) == 1
    assert result.enrichment.as_json() == {"source": "models.dev", "status": "ok", "note": None}
    sonnet = model(result, "openrouter/anthropic/claude-sonnet-4.5")
    assert sonnet.input_cost_per_token == pytest.approx(3e-6)  # the catalog's, not 99
    assert sonnet.context_window == 200_000
    assert sonnet.cache_read_cost_per_token == pytest.approx(3e-7)
    assert sonnet.filled_from("cache_read_cost_per_token") == "models.dev"
    assert sonnet.filled_from("input_cost_per_token") is None
    grok = model(result, "xai/grok-4")
    assert grok.cache_read_cost_per_token == pytest.approx(7.5e-7)
    assert result.filled == {
        "openrouter": {"cache_read_cost_per_token": 1, "cache_write_cost_per_token": 1},
        "xai": {"cache_read_cost_per_token": 1},
    }


async def test_the_catalogs_own_cache_price_wins_over_models_dev(h: Harness) -> None:
    catalog = openrouter_catalog()
    for entry in catalog["data"]:
        entry["pricing"]["input_cache_read"] = "0.0000001"
    h.server.route(h.server.catalog_path("openrouter"), Reply(json=catalog))
    h.server.json(MODELS_DEV_PATH, MODELS_DEV)
    result = await run(h)
    sonnet = model(result, "openrouter/anthropic/claude-sonnet-4.5")
    assert sonnet.cache_read_cost_per_token == pytest.approx(1e-7)
    assert sonnet.filled_from("cache_read_cost_per_token") is None


async def test_a_models_dev_failure_is_a_note_never_a_failed_run(h: Harness) -> None:
    h.server.route(MODELS_DEV_PATH, Reply(status=500, json={"error": "down"}))
    result = await run(h)
    assert [o.status for o in result.outcomes][:2] == ["ok", "ok"]
    assert result.enrichment.status == "failed"
    assert result.enrichment.note == (
        f"models.dev answered HTTP 500 ({h.server.url}{MODELS_DEV_PATH}); "
        "prices and limits are the catalogs' only"
    )
    assert result.filled == {}


async def test_no_enrich_asks_nothing(h: Harness) -> None:
    h.server.json(MODELS_DEV_PATH, MODELS_DEV)
    result = await run(h, enrich=False)
    assert models_dev_requests(h) == 0
    assert result.enrichment.as_json() == {
        "source": "models.dev",
        "status": "skipped",
        "note": None,
    }
    assert model(result, "xai/grok-4").cache_read_cost_per_token is None


async def test_the_demo_asks_nothing(h: Harness) -> None:
    h.server.json(MODELS_DEV_PATH, MODELS_DEV)
    result = await run(h, demo=True, providers=())
    assert models_dev_requests(h) == 0
    assert result.enrichment.status == "skipped"


async def test_a_fresh_cache_serves_the_next_run_without_a_request(h: Harness) -> None:
    h.server.json(MODELS_DEV_PATH, MODELS_DEV)
    await run(h)
    assert (h.cache / CACHE_FILE).is_file()
    second = await run(h)
    assert models_dev_requests(h) == 1
    assert second.enrichment.status == "ok"
    assert second.filled["xai"] == {"cache_read_cost_per_token": 1}


async def test_custom_providers_alone_do_not_ask_models_dev(h: Harness) -> None:
    base = h.server.serve_catalog("local", {"data": [{"id": "llama-3", "created": 1}]})
    profile = Profile(
        path=h.profile, custom_providers=({"name": "local", "base_url": base, "key_env": None},)
    )
    h.server.json(MODELS_DEV_PATH, MODELS_DEV)
    result = await compute(options(h, providers=("local",)), profile)
    assert models_dev_requests(h) == 0
    assert result.enrichment.status == "skipped"


async def test_the_tests_default_models_dev_is_a_closed_local_port(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """conftest's guard: without a test's own URL, a run fails fast on 127.0.0.1."""
    from conftest import UNREACHABLE_MODELS_DEV

    monkeypatch.setenv(URL_ENV, UNREACHABLE_MODELS_DEV)
    result = await run(h)
    assert result.enrichment.status == "failed"
    assert result.enrichment.note is not None
    assert "127.0.0.1:9" in result.enrichment.note


async def test_catalog_notes_reach_the_computation(h: Harness) -> None:
    catalog = xai_catalog()
    catalog["models"].append({**catalog["models"][0], "id": "grok\x1b[2J"})
    h.server.route(xai_path(h.server), Reply(json=catalog))
    result = await run(h, enrich=False)
    assert result.notes == {
        "xai": ("model 'grok\\x1b[2J' left out: its id has spaces or control characters",)
    }
