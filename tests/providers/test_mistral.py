"""Mistral: alias entries dropped, ``created`` ignored, capabilities; a real catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from provider_kit import Script, by_id, fetch, ok, serve_file

from discovery_tui.models import Model

MISTRAL_LARGE = {
    "id": "mistral-large-2411",
    "object": "model",
    "created": 1748021692,
    "owned_by": "mistralai",
    "capabilities": {"completion_chat": True, "function_calling": True, "vision": False},
    "name": "mistral-large-2411",
    "max_context_length": 131072,
    "aliases": ["mistral-large-latest"],
    "deprecation": "2026-03-30T12:00:00Z",
    "type": "base",
}


MISTRAL_LARGE_ALIAS = {
    **MISTRAL_LARGE,
    "id": "mistral-large-latest",
    "aliases": ["mistral-large-2411"],
}


MISTRAL_EMBED = {
    "id": "mistral-embed",
    "created": 1748021692,
    "capabilities": {"completion_chat": False, "function_calling": False, "vision": False},
    "name": "mistral-embed",
    "max_context_length": 32768,
    "aliases": [],
    "deprecation": None,
}


MISTRAL_PIXTRAL = {
    "id": "pixtral-12b-2409",
    "created": 1748021692,
    "capabilities": {"completion_chat": True, "function_calling": True, "vision": True},
    "name": "pixtral-12b-2409",
    "max_context_length": 131072,
    "aliases": ["pixtral-12b"],
    "deprecation": None,
}


async def test_mistral_drops_alias_entries_and_ignores_created() -> None:
    payload = {
        "object": "list",
        "data": [MISTRAL_LARGE, MISTRAL_LARGE_ALIAS, MISTRAL_EMBED, MISTRAL_PIXTRAL],
    }
    models = by_id(await fetch("mistral", Script({"/models": [ok(payload)]})))
    assert set(models) == {"mistral-large-2411", "mistral-embed", "pixtral-12b-2409"}
    assert models["mistral-large-2411"] == Model(
        provider="mistral",
        id="mistral-large-2411",
        litellm_model="mistral/mistral-large-2411",
        context_window=131072,
        supports_tools=True,
        expires=date(2026, 3, 30),
    )
    assert models["mistral-embed"].output_modalities == ("embedding",)
    assert models["pixtral-12b-2409"].input_modalities == ("text", "image")
    assert all(m.released is None for m in models.values())


async def test_mistral_keeps_an_alias_whose_canonical_entry_is_missing() -> None:
    payload = {"data": [MISTRAL_LARGE_ALIAS]}
    models = await fetch("mistral", Script({"/models": [ok(payload)]}))
    assert [m.id for m in models] == ["mistral-large-latest"]


async def test_real_mistral_catalog(catalogs_dir: Path) -> None:
    mistral = by_id(await serve_file("mistral", catalogs_dir / "mistral__gptportal.json"))
    assert len(mistral) == 26
    assert "mistral-large-2411" in mistral and "mistral-large-latest" not in mistral
    assert not any(i.endswith("-latest") for i in mistral)
    assert mistral["mistral-moderation-2411"].output_modalities == ("moderation",)
