"""Groq: limits and inactive models; a real catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from provider_kit import Script, by_id, fetch, ok, serve_file

from discovery_tui.models import Model
from discovery_tui.providers import PROVIDERS


async def test_groq_reads_limits_and_inactive_models() -> None:
    payload = {
        "object": "list",
        "data": [
            {
                "id": "moonshotai/kimi-k2-instruct-0905",
                "created": 1757046093,
                "owned_by": "Moonshot AI",
                "active": True,
                "context_window": 262144,
                "max_completion_tokens": 16384,
            },
            {"id": "gemma2-9b-it", "created": 1693721698, "active": False, "context_window": 8192},
        ],
    }
    models = by_id(await fetch("groq", Script({"/models": [ok(payload)]})))
    assert models["moonshotai/kimi-k2-instruct-0905"] == Model(
        provider="groq",
        id="moonshotai/kimi-k2-instruct-0905",
        litellm_model="groq/moonshotai/kimi-k2-instruct-0905",
        released=date(2025, 9, 5),
        context_window=262144,
        max_output_tokens=16384,
    )
    assert models["gemma2-9b-it"].deprecated is True
    assert PROVIDERS["groq"].vendor is None


async def test_real_groq_catalog(catalogs_dir: Path) -> None:
    groq = by_id(await serve_file("groq", catalogs_dir / "groq__omegaaiagent.json"))
    assert len(groq) == 16
    kimi = groq["moonshotai/kimi-k2-instruct-0905"]
    assert (kimi.context_window, kimi.max_output_tokens) == (262144, 16384)
