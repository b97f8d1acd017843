"""xAI: ``/language-models`` with prices, the ``/models`` fallback, a real catalog."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from fake_provider import FakeProvider
from provider_kit import KEY, Script, by_id, fetch, fetch_real, ok, serve_file

from discovery_tui.errors import ProviderError
from discovery_tui.models import Model

XAI_LANGUAGE_MODELS = {
    "models": [
        {
            "id": "grok-4-0709",
            "created": 1752019200,
            "version": "1.0",
            "input_modalities": ["text", "image"],
            "output_modalities": ["text"],
            "prompt_text_token_price": 30000,
            "completion_text_token_price": 150000,
            "aliases": ["grok-4", "grok-4-latest"],
        },
        {
            "id": "grok-4-1-fast-non-reasoning",
            "created": 1763510400,
            "input_modalities": ["text"],
            "output_modalities": ["text"],
            "prompt_text_token_price": 2000,
            "completion_text_token_price": 5000,
            "aliases": [],
        },
    ]
}


XAI_MODELS = {
    "object": "list",
    "data": [
        {"id": "grok-4.20-0309-reasoning", "created": 1773014400, "object": "model"},
        {"id": "grok-4.20-0309-non-reasoning", "created": 1773014400, "object": "model"},
        {"id": "grok-imagine-image", "created": 1769558400, "object": "model"},
        {"id": "grok-imagine-video", "created": 1769558400, "object": "model"},
        {"id": "grok-2-image-1212", "created": 1736726400, "object": "model"},
        {"id": "grok-3", "created": 1743724800, "object": "model"},
    ],
}


async def test_xai_reads_language_models_with_prices_in_cents_per_100m() -> None:
    script = Script({"/language-models": [ok(XAI_LANGUAGE_MODELS)]})
    models = by_id(await fetch("xai", script))
    assert models["grok-4-0709"] == Model(
        provider="xai",
        id="grok-4-0709",
        litellm_model="xai/grok-4-0709",
        released=date(2025, 7, 9),
        input_cost_per_token=3e-06,
        output_cost_per_token=1.5e-05,
        input_modalities=("text", "image"),
        output_modalities=("text",),
    )
    assert models["grok-4-1-fast-non-reasoning"].input_cost_per_token == 2e-07
    assert models["grok-4-1-fast-non-reasoning"].supports_reasoning is False
    assert set(models) == {"grok-4-0709", "grok-4-1-fast-non-reasoning"}  # aliases are not models
    assert [r.url.path for r in script.requests] == ["/v1/language-models"]


async def test_xai_falls_back_to_models_on_404() -> None:
    script = Script({"/v1/models": [ok(XAI_MODELS)]})
    models = by_id(await fetch("xai", script))
    assert [r.url.path for r in script.requests] == ["/v1/language-models", "/v1/models"]
    assert models["grok-imagine-image"].output_modalities == ("image",)
    assert models["grok-imagine-video"].output_modalities == ("video",)
    assert models["grok-2-image-1212"].output_modalities == ("image",)
    assert models["grok-3"].output_modalities == ("text",)
    assert models["grok-4.20-0309-reasoning"].supports_reasoning is True
    assert models["grok-4.20-0309-non-reasoning"].supports_reasoning is False
    assert models["grok-3"].supports_reasoning is None
    assert models["grok-3"].released == date(2025, 4, 4)
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in script.requests)


async def test_xai_does_not_fall_back_when_the_key_is_rejected() -> None:
    script = Script({"/language-models": [httpx.Response(401)], "/v1/models": [ok(XAI_MODELS)]})
    with pytest.raises(ProviderError, match=r"xAI rejected the key \(HTTP 401\)"):
        await fetch("xai", script)
    assert len(script.requests) == 1


async def test_real_xai_catalog(catalogs_dir: Path) -> None:
    models = by_id(await serve_file("xai", catalogs_dir / "xai__lim-asdk-v1-models.json"))
    assert len(models) == 14
    assert models["grok-imagine-video"].output_modalities == ("video",)
    assert models["grok-imagine-image-pro"].output_modalities == ("image",)
    text = [i for i, m in models.items() if m.output_modalities == ("text",)]
    assert len(text) == 11
    assert models["grok-4.20-0309-reasoning"].released == date(2026, 3, 9)


async def test_fake_server_serves_a_real_catalog(
    fake_provider: FakeProvider, catalogs_dir: Path
) -> None:
    payload = json.loads((catalogs_dir / "xai__lim-asdk-v1-models.json").read_text())
    base = fake_provider.serve_catalog("xai", payload)
    models = await fetch_real("xai", base)
    assert len(models) == 14
    paths = [r.path for r in fake_provider.requests]
    assert paths == ["/xai/v1/language-models", "/xai/v1/models"]
    assert fake_provider.requests[-1].headers["authorization"] == f"Bearer {KEY}"
