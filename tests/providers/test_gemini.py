"""Gemini: pagination, generateContent models only, the key in a header; a real catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_provider import FakeProvider, Reply
from provider_kit import KEY, Script, by_id, fetch, fetch_real, ok, serve_file

from discovery_tui.errors import ProviderError
from discovery_tui.models import Model

GEMINI_PRO = {
    "name": "models/gemini-2.5-pro",
    "version": "2.5",
    "displayName": "Gemini 2.5 Pro",
    "inputTokenLimit": 1048576,
    "outputTokenLimit": 65536,
    "supportedGenerationMethods": ["generateContent", "countTokens"],
    "thinking": True,
}


GEMINI_EMBED = {
    "name": "models/gemini-embedding-001",
    "inputTokenLimit": 2048,
    "outputTokenLimit": 1,
    "supportedGenerationMethods": ["embedContent"],
}


GEMINI_TTS = {
    "name": "models/gemini-2.5-flash-preview-tts",
    "inputTokenLimit": 8192,
    "outputTokenLimit": 16384,
    "supportedGenerationMethods": ["countTokens", "generateContent"],
}


GEMINI_LIVE = {
    "name": "models/gemini-3.1-flash-live-preview",
    "supportedGenerationMethods": ["bidiGenerateContent"],
}


GEMINI_IMAGE = {
    "name": "models/gemini-2.5-flash-image",
    "supportedGenerationMethods": ["generateContent"],
}


def gemini_pages(request: httpx.Request) -> httpx.Response:
    if request.url.params.get("pageToken") == "page-2":
        return ok({"models": [GEMINI_TTS, GEMINI_LIVE, GEMINI_IMAGE]})
    return ok({"models": [GEMINI_PRO, GEMINI_EMBED], "nextPageToken": "page-2"})


async def test_gemini_follows_next_page_token_and_keeps_generate_content_models() -> None:
    script = Script({"/models": gemini_pages})
    models = by_id(await fetch("gemini", script))
    assert [r.url.params.get("pageToken") for r in script.requests] == [None, "page-2"]
    assert all(r.url.params["pageSize"] == "1000" for r in script.requests)
    assert set(models) == {
        "gemini-2.5-pro",
        "gemini-2.5-flash-preview-tts",
        "gemini-2.5-flash-image",
    }
    assert models["gemini-2.5-pro"] == Model(
        provider="gemini",
        id="gemini-2.5-pro",
        litellm_model="gemini/gemini-2.5-pro",
        name="Gemini 2.5 Pro",
        context_window=1048576,
        max_output_tokens=65536,
        supports_reasoning=True,
    )
    assert models["gemini-2.5-flash-preview-tts"].output_modalities == ("audio",)
    assert models["gemini-2.5-flash-image"].output_modalities == ("text", "image")


async def test_gemini_sends_the_key_in_a_header_never_in_the_url() -> None:
    script = Script({"/models": gemini_pages})
    await fetch("gemini", script)
    for request in script.requests:
        assert request.headers["x-goog-api-key"] == KEY
        assert KEY not in str(request.url)
        assert "key" not in request.url.params


async def test_gemini_without_generate_content_models_is_a_failure() -> None:
    script = Script({"/models": [ok({"models": [GEMINI_EMBED, GEMINI_LIVE]})]})
    with pytest.raises(ProviderError, match="Gemini returned no usable model entries"):
        await fetch("gemini", script)


async def test_real_gemini_catalog(catalogs_dir: Path) -> None:
    models = by_id(await serve_file("gemini", catalogs_dir / "gemini__aylivdele-metaboxaibot.json"))
    assert len(models) == 33
    assert not any(i.startswith("models/") for i in models)
    assert not any(i.startswith(("veo-", "imagen-", "gemini-embedding", "aqa")) for i in models)
    assert "gemini-2.5-flash-native-audio-latest" not in models  # bidiGenerateContent only
    assert models["gemini-3.1-pro-preview"].context_window == 1048576
    assert models["gemini-2.5-pro"].litellm_model == "gemini/gemini-2.5-pro"
    assert models["gemini-2.5-pro"].max_output_tokens == 65536


async def test_fake_server_gemini_pagination(fake_provider: FakeProvider) -> None:
    def pages(request: Any) -> Reply:
        if request.param("pageToken") == "t2":
            return Reply(json={"models": [GEMINI_TTS]})
        return Reply(json={"models": [GEMINI_PRO], "nextPageToken": "t2"})

    fake_provider.route(fake_provider.catalog_path("gemini"), pages)
    models = await fetch_real("gemini", fake_provider.base_url("gemini"))
    assert [m.id for m in models] == ["gemini-2.5-pro", "gemini-2.5-flash-preview-tts"]
    assert [r.param("pageToken") for r in fake_provider.requests] == [None, "t2"]
    assert all(r.headers["x-goog-api-key"] == KEY for r in fake_provider.requests)
