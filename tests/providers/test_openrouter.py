"""OpenRouter: parsing, the keyless catalog, real catalogs, faults over real sockets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fake_provider import FakeProvider, Reply
from provider_kit import BASE, KEY, Script, by_id, fetch, fetch_real, ok, serve_file

from discovery_tui.errors import ProviderError
from discovery_tui.models import Model
from discovery_tui.providers import PROVIDERS

OPENROUTER_SONNET = {
    "id": "anthropic/claude-sonnet-4.6",
    "name": "Anthropic: Claude Sonnet 4.6",
    "created": 1771342990,
    "context_length": 1000000,
    "architecture": {
        "modality": "text+image+file->text",
        "input_modalities": ["text", "image", "file"],
        "output_modalities": ["text"],
    },
    "pricing": {"prompt": "0.000003", "completion": "0.000015", "web_search": "0.01"},
    "top_provider": {"context_length": 1000000, "max_completion_tokens": 128000},
    "supported_parameters": ["max_tokens", "reasoning", "tools", "tool_choice"],
    "expiration_date": None,
}


OPENROUTER_AUTO = {
    "id": "openrouter/auto",
    "name": "Auto Router",
    "created": 1699401600,
    "context_length": 2000000,
    "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
    "pricing": {"prompt": "-1", "completion": "-1"},
    "top_provider": {"context_length": None, "max_completion_tokens": None},
    "supported_parameters": ["max_tokens", "tools"],
}


OPENROUTER_EXPIRING = {
    "id": "google/gemini-2.0-flash-001",
    "created": 1738769413,
    "context_length": 1048576,
    "pricing": {"prompt": "0.0000001", "completion": "0.0000004"},
    "expiration_date": "2026-06-01",
}


async def test_openrouter_parses_every_field() -> None:
    payload = {"data": [OPENROUTER_SONNET, OPENROUTER_AUTO, OPENROUTER_EXPIRING, {"name": "x"}]}
    models = by_id(await fetch("openrouter", Script({"/models": [ok(payload)]})))
    assert models["anthropic/claude-sonnet-4.6"] == Model(
        provider="openrouter",
        id="anthropic/claude-sonnet-4.6",
        litellm_model="openrouter/anthropic/claude-sonnet-4.6",
        name="Anthropic: Claude Sonnet 4.6",
        released=date(2026, 2, 17),
        context_window=1000000,
        max_output_tokens=128000,
        input_cost_per_token=3e-06,
        output_cost_per_token=1.5e-05,
        input_modalities=("text", "image", "file"),
        output_modalities=("text",),
        supports_tools=True,
        supports_reasoning=True,
    )
    auto = models["openrouter/auto"]
    assert (auto.input_cost_per_token, auto.output_cost_per_token) == (None, None)
    assert (auto.supports_tools, auto.supports_reasoning, auto.max_output_tokens) == (
        True,
        False,
        None,
    )
    expiring = models["google/gemini-2.0-flash-001"]
    assert expiring.expires == date(2026, 6, 1)
    assert expiring.supports_tools is None  # no supported_parameters: unknown, not False
    assert len(models) == 3


async def test_openrouter_accepts_a_bare_array_and_needs_no_key() -> None:
    script = Script({"/models": [ok([OPENROUTER_SONNET])]})
    models = await fetch("openrouter", script, api_key=None)
    assert [m.id for m in models] == ["anthropic/claude-sonnet-4.6"]
    assert "authorization" not in script.requests[0].headers
    assert not PROVIDERS["openrouter"].catalog_needs_key


async def test_openrouter_sends_the_key_as_bearer_when_given() -> None:
    script = Script({"/models": [ok({"data": [OPENROUTER_SONNET]})]})
    await fetch("openrouter", script)
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert str(script.requests[0].url) == f"{BASE}/models"


@pytest.mark.parametrize(
    ("file", "count"),
    [
        ("openrouter__models-dev-repo-models-json.json", 364),
        ("openrouter__skissue-gptel-openrouter-models.json", 371),
        ("openrouter__xiechengqi-openrouter-free-api.json", 347),
    ],
)
async def test_real_openrouter_catalogs(catalogs_dir: Path, file: str, count: int) -> None:
    models = by_id(await serve_file("openrouter", catalogs_dir / file))
    assert len(models) == count
    assert all(m.litellm_model == f"openrouter/{m.id}" for m in models.values())
    assert all(m.released is not None for m in models.values())


async def test_real_openrouter_prices_and_expiry(catalogs_dir: Path) -> None:
    newest = catalogs_dir / "openrouter__models-dev-repo-models-json.json"
    models = by_id(await serve_file("openrouter", newest))
    sonnet = models["anthropic/claude-sonnet-4.6"]
    assert isinstance(sonnet.input_cost_per_token, float)
    assert (sonnet.input_cost_per_token, sonnet.output_cost_per_token) == (3e-06, 1.5e-05)
    assert (sonnet.context_window, sonnet.max_output_tokens) == (1000000, 128000)
    assert sonnet.supports_tools and sonnet.supports_reasoning
    assert models["openrouter/auto"].input_cost_per_token is None  # priced "-1"
    assert "~anthropic/claude-sonnet-latest" in models
    sorted_file = catalogs_dir / "openrouter__skissue-gptel-openrouter-models.json"
    expiring = [m for m in await serve_file("openrouter", sorted_file) if m.expires]
    assert len(expiring) == 11


async def test_fake_server_429_then_200(fake_provider: FakeProvider) -> None:
    base = fake_provider.serve_catalog(
        "openrouter",
        {"data": [OPENROUTER_SONNET]},
        replies=[Reply(status=429, json={"error": "slow down"}, headers={"Retry-After": "0"})],
    )
    models = await fetch_real("openrouter", base)
    assert [m.id for m in models] == ["anthropic/claude-sonnet-4.6"]
    assert [r.path for r in fake_provider.requests] == ["/openrouter/api/v1/models"] * 2


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(reset=True), "broke off the connection"),
        (Reply(json={"data": [OPENROUTER_SONNET]}, truncate=True), "broke off the connection"),
        (
            Reply(body=b"<html>gateway</html>", headers={"Content-Type": "text/html"}),
            "sent an HTML page",
        ),
        (
            Reply(body=b'{"data": [', headers={"Content-Type": "application/json"}),
            "sent broken JSON",
        ),
    ],
    ids=["reset", "truncate", "html", "broken-json"],
)
async def test_fake_server_faults_become_provider_errors(
    fake_provider: FakeProvider, reply: Reply, words: str
) -> None:
    fake_provider.route(fake_provider.catalog_path("openrouter"), reply)
    with pytest.raises(ProviderError, match=words) as caught:
        await fetch_real("openrouter", fake_provider.base_url("openrouter"))
    assert "\n" not in str(caught.value)


async def test_fake_server_hang_is_a_timeout(fake_provider: FakeProvider) -> None:
    fake_provider.route(fake_provider.catalog_path("openrouter"), Reply(hang=True))
    with pytest.raises(ProviderError, match="did not answer in time"):
        await fetch_real("openrouter", fake_provider.base_url("openrouter"), timeout=0.2)
