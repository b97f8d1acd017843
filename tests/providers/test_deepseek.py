"""DeepSeek: ids only, the base without ``/v1``; a real catalog."""

from __future__ import annotations

from pathlib import Path

from provider_kit import Script, fetch, ok, serve_file

from discovery_tui.models import Model


async def test_deepseek_parses_ids_only() -> None:
    payload = {
        "object": "list",
        "data": [
            {"id": "deepseek-v4-pro", "object": "model", "owned_by": "deepseek"},
            {"id": "deepseek-v4-flash", "object": "model", "owned_by": "deepseek"},
        ],
    }
    script = Script({"/models": [ok(payload)]})
    models = await fetch("deepseek", script, api_base="https://api.deepseek.com")
    assert models[0] == Model(
        provider="deepseek", id="deepseek-v4-pro", litellm_model="deepseek/deepseek-v4-pro"
    )
    assert str(script.requests[0].url) == "https://api.deepseek.com/models"


async def test_real_deepseek_catalog(catalogs_dir: Path) -> None:
    deepseek_file = catalogs_dir / "deepseek__ndunks-nodejs-llm-function-calls.json"
    deepseek = await serve_file("deepseek", deepseek_file)
    assert [m.id for m in deepseek] == ["deepseek-chat", "deepseek-reasoner"]
