"""Anthropic: ``after_id`` pages, capabilities, ``x-api-key``; a real catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
from provider_kit import KEY, Script, by_id, fetch, ok, serve_file

from discovery_tui.models import Model

ANTHROPIC_NEW = {
    "type": "model",
    "id": "claude-sonnet-4-6",
    "display_name": "Claude Sonnet 4.6",
    "created_at": "2026-02-17T00:00:00Z",
    "max_input_tokens": 1000000,
    "max_tokens": 64000,
    "capabilities": {
        "image_input": {"supported": True},
        "pdf_input": {"supported": True},
        "thinking": {"supported": True, "types": {"enabled": {"supported": True}}},
    },
}


ANTHROPIC_OLD = {
    "type": "model",
    "id": "claude-3-5-haiku-20241022",
    "display_name": "Claude Haiku 3.5",
    "created_at": "2024-10-22T00:00:00Z",
}


def anthropic_pages(request: httpx.Request) -> httpx.Response:
    if request.url.params.get("after_id") == "claude-sonnet-4-6":
        return ok({"data": [ANTHROPIC_OLD], "has_more": False, "last_id": ANTHROPIC_OLD["id"]})
    return ok({"data": [ANTHROPIC_NEW], "has_more": True, "last_id": "claude-sonnet-4-6"})


async def test_anthropic_follows_after_id_and_parses_capabilities() -> None:
    script = Script({"/models": anthropic_pages})
    models = by_id(await fetch("anthropic", script))
    assert [r.url.params.get("after_id") for r in script.requests] == [None, "claude-sonnet-4-6"]
    assert all(r.url.params["limit"] == "1000" for r in script.requests)
    assert models["claude-sonnet-4-6"] == Model(
        provider="anthropic",
        id="claude-sonnet-4-6",
        litellm_model="anthropic/claude-sonnet-4-6",
        name="Claude Sonnet 4.6",
        released=date(2026, 2, 17),
        context_window=1000000,
        max_output_tokens=64000,
        input_modalities=("text", "image", "pdf"),
        supports_reasoning=True,
    )
    old = models["claude-3-5-haiku-20241022"]
    assert (old.context_window, old.supports_reasoning, old.released) == (
        None,
        None,
        date(2024, 10, 22),
    )


async def test_anthropic_sends_x_api_key_and_version() -> None:
    script = Script({"/models": anthropic_pages})
    await fetch("anthropic", script)
    for request in script.requests:
        assert request.headers["x-api-key"] == KEY
        assert request.headers["anthropic-version"] == "2023-06-01"
        assert "authorization" not in request.headers
        assert KEY not in str(request.url)


async def test_real_anthropic_catalog(catalogs_dir: Path) -> None:
    anthropic = by_id(await serve_file("anthropic", catalogs_dir / "anthropic__gptportal.json"))
    assert len(anthropic) == 11
    assert anthropic["claude-opus-4-20250514"].name == "Claude Opus 4"
    assert anthropic["claude-opus-4-20250514"].released == date(2025, 5, 22)
