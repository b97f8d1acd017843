"""Cache read/write prices and descriptions, read from the catalogs that carry them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from provider_kit import Script, by_id, fetch, ok, serve_file

from discovery_tui.providers.text import short_description


async def test_openrouter_reads_cache_prices_and_a_short_description() -> None:
    entry = {
        "id": "anthropic/claude-sonnet-4.6",
        "created": 1_760_000_000,
        "pricing": {
            "prompt": "0.000003",
            "completion": "0.000015",
            "input_cache_read": "0.0000003",
            "input_cache_write": "0.00000375",
        },
        "description": "Sonnet 4.6 is Anthropic's most capable [Sonnet](/anthropic) model yet. "
        "It excels at\n\niterative development...",
    }
    models = await fetch("openrouter", Script({"/v1/models": [ok({"data": [entry]})]}))
    sonnet = models[0]
    assert sonnet.cache_read_cost_per_token == pytest.approx(3e-7)
    assert sonnet.cache_write_cost_per_token == pytest.approx(3.75e-6)
    assert sonnet.description == "Sonnet 4.6 is Anthropic's most capable Sonnet model yet."


async def test_xai_reads_its_cached_prompt_price_in_cents_per_100m() -> None:
    entry = {
        "id": "grok-4",
        "created": 1_760_000_000,
        "prompt_text_token_price": 30_000,
        "completion_text_token_price": 150_000,
        "cached_prompt_text_token_price": 7_500,
    }
    script = Script({"/v1/language-models": [ok({"models": [entry]})]})
    grok = (await fetch("xai", script))[0]
    assert grok.input_cost_per_token == pytest.approx(3e-6)
    assert grok.cache_read_cost_per_token == pytest.approx(7.5e-7)
    assert grok.cache_write_cost_per_token is None


async def test_gemini_and_mistral_read_descriptions() -> None:
    gemini_entry = {
        "name": "models/gemini-2.5-pro",
        "supportedGenerationMethods": ["generateContent"],
        "description": "Stable release (June 17th, 2025) of Gemini 2.5 Pro",
    }
    script = Script({"/v1/models": [ok({"models": [gemini_entry]})]})
    gemini = (await fetch("gemini", script))[0]
    assert gemini.description == "Stable release (June 17th, 2025) of Gemini 2.5 Pro"
    mistral_entry = {
        "id": "mistral-large-2411",
        "description": "Official mistral-large-2411 Mistral AI model",
        "capabilities": {"completion_chat": True},
    }
    mistral = (await fetch("mistral", Script({"/v1/models": [ok({"data": [mistral_entry]})]})))[0]
    assert mistral.description == "Official mistral-large-2411 Mistral AI model"


@pytest.mark.parametrize(
    ("raw", "short"),
    [
        ("One line.", "One line."),
        ("First sentence. Second sentence.", "First sentence."),
        ("Control\x1b[31m chars\u202e gone", "Control[31m chars gone"),
        ("A [link](https://x.test/y) inside", "A link inside"),
        ("   ", None),
        (42, None),
        ("x" * 400, "x" * 159 + "…"),
    ],
)
def test_short_description(raw: object, short: str | None) -> None:
    assert short_description(raw) == short


async def test_a_bad_cache_price_is_dropped_and_the_model_kept() -> None:
    entry = {
        "id": "vendor/m",
        "pricing": {"prompt": "0.000001", "input_cache_read": "NaN", "input_cache_write": "1e9"},
    }
    model = (await fetch("openrouter", Script({"/v1/models": [ok({"data": [entry]})]})))[0]
    assert model.input_cost_per_token == pytest.approx(1e-6)
    assert model.cache_read_cost_per_token is None
    assert model.cache_write_cost_per_token is None


async def test_real_openrouter_catalog_cache_prices(catalogs_dir: Path) -> None:
    path = catalogs_dir / "openrouter__models-dev-repo-models-json.json"
    models = by_id(await serve_file("openrouter", path))
    with_read = [m for m in models.values() if m.cache_read_cost_per_token is not None]
    with_write = [m for m in models.values() if m.cache_write_cost_per_token is not None]
    assert len(with_read) == 159
    assert len(with_write) == 43
    sonnet = models["anthropic/claude-sonnet-4.6"]
    assert sonnet.cache_read_cost_per_token == pytest.approx(3e-7)
    assert sonnet.cache_write_cost_per_token == pytest.approx(3.75e-6)
    assert sonnet.description is not None
    assert sonnet.description.startswith("Sonnet 4.6 is Anthropic's most capable Sonnet-class")
    assert all(m.description is None or len(m.description) <= 160 for m in models.values())


async def test_real_gemini_catalog_descriptions(catalogs_dir: Path) -> None:
    body = (catalogs_dir / "gemini__aylivdele-metaboxaibot.json").read_bytes()
    script = Script({"/v1/models": [httpx.Response(200, content=body)]})
    models = by_id(await fetch("gemini", script))
    assert models["gemini-2.5-pro"].description == (
        "Stable release (June 17th, 2025) of Gemini 2.5 Pro"
    )
