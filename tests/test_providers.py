"""Provider modules: parsing, pagination, keys, failures, retries; real catalogs; real sockets."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_provider import FakeProvider, Reply

from discovery_tui.errors import ConfigError, ProviderError
from discovery_tui.models import Model
from discovery_tui.providers import PROVIDERS, all_providers, custom_spec
from discovery_tui.providers.base import ProviderSpec
from discovery_tui.providers.openai_compatible import make_spec

KEY = "sk-test-SECRET-0123456789"
BASE = "https://api.example.test/v1"

Handler = Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport handler: replies per path suffix, in order (the last repeats)."""

    def __init__(self, routes: dict[str, list[httpx.Response] | Handler]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for suffix, route in self.routes.items():
            if request.url.path.endswith(suffix):
                if callable(route):
                    return route(request)
                return route.pop(0) if len(route) > 1 else route[0]
        return httpx.Response(404, json={"error": "not found"})


def ok(payload: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=payload, headers=headers)


async def fetch(
    name: str | ProviderSpec,
    script: Script,
    *,
    api_key: str | None = KEY,
    api_base: str = BASE,
) -> list[Model]:
    spec = PROVIDERS[name] if isinstance(name, str) else name
    async with httpx.AsyncClient(transport=httpx.MockTransport(script)) as client:
        return await spec.fetch(client, api_base=api_base, api_key=api_key)


def by_id(models: list[Model]) -> dict[str, Model]:
    return {model.id: model for model in models}


# --- OpenRouter -------------------------------------------------------------------------------

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


# --- xAI --------------------------------------------------------------------------------------

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


# --- Gemini -----------------------------------------------------------------------------------

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


# --- Anthropic --------------------------------------------------------------------------------

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


# --- Perplexity -------------------------------------------------------------------------------


async def test_perplexity_is_a_builtin_list_without_http() -> None:
    script = Script({})
    models = by_id(await fetch("perplexity", script))
    assert script.requests == []
    assert set(models) == {"sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research"}
    assert all(m.source == "builtin" for m in models.values())
    assert models["sonar-pro"].litellm_model == "perplexity/sonar-pro"
    assert models["sonar-pro"].context_window == 200000
    assert models["sonar"].input_cost_per_token == 1e-06
    assert PROVIDERS["perplexity"].builtin_catalog
    assert PROVIDERS["perplexity"].key_env == "PERPLEXITYAI_API_KEY"


# --- OpenAI, DeepSeek, Groq, Mistral, Moonshot ---------------------------------------------------


async def test_openai_drops_account_fine_tunes_and_marks_image_models() -> None:
    payload = {
        "object": "list",
        "data": [
            {"id": "gpt-4.1", "object": "model", "created": 1744316542, "owned_by": "system"},
            {"id": "dall-e-3", "object": "model", "created": 1698785189, "owned_by": "system"},
            {"id": "gpt-image-1", "object": "model", "created": 1745517030, "owned_by": "system"},
            {"id": "ft:gpt-3.5-turbo-0125:personal:x:9UhSsUFR", "created": 1717103945},
        ],
    }
    models = by_id(await fetch("openai", Script({"/models": [ok(payload)]})))
    assert set(models) == {"gpt-4.1", "dall-e-3", "gpt-image-1"}
    assert models["gpt-4.1"] == Model(
        provider="openai",
        id="gpt-4.1",
        litellm_model="openai/gpt-4.1",
        released=date(2025, 4, 10),
    )
    assert models["dall-e-3"].output_modalities == ("image",)
    assert models["gpt-image-1"].output_modalities == ("image",)


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


async def test_moonshot_reads_context_images_and_reasoning() -> None:
    payload = {
        "object": "list",
        "data": [
            {
                "id": "kimi-k2.6",
                "object": "model",
                "created": 1776729600,
                "owned_by": "moonshot",
                "context_length": 262144,
                "supports_image_in": True,
                "supports_reasoning": True,
            },
            {
                "id": "moonshot-v1-8k",
                "created": 1712000000,
                "context_length": 8192,
                "supports_image_in": False,
                "supports_reasoning": False,
            },
        ],
    }
    models = by_id(await fetch("moonshot", Script({"/models": [ok(payload)]})))
    assert models["kimi-k2.6"] == Model(
        provider="moonshot",
        id="kimi-k2.6",
        litellm_model="moonshot/kimi-k2.6",
        released=date(2026, 4, 21),
        context_window=262144,
        input_modalities=("text", "image"),
        supports_reasoning=True,
    )
    assert models["moonshot-v1-8k"].input_modalities == ("text",)
    assert models["moonshot-v1-8k"].supports_reasoning is False


# --- OpenAI-compatible custom providers ---------------------------------------------------------


async def test_custom_provider_reads_together_style_bare_arrays() -> None:
    spec = make_spec(
        name="together",
        base_url="https://api.together.xyz/v1/",
        key_env="TOGETHERAI_API_KEY",
        prefix="together_ai",
    )
    payload = [
        {
            "id": "Qwen/Qwen3-235B-A22B-Instruct-2507-tput",
            "object": "model",
            "created": 1753488000,
            "type": "chat",
            "display_name": "Qwen3 235B A22B Instruct 2507 FP8 Throughput",
            "context_length": 262144,
            "pricing": {"hourly": 0, "input": 0.2, "output": 0.6, "base": 0, "finetune": 0},
        },
        {
            "id": "BAAI/bge-large-en-v1.5",
            "type": "embedding",
            "context_length": 512,
            "pricing": {"input": 0.02, "output": 0},
        },
    ]
    script = Script({"/models": [ok(payload)]})
    models = by_id(await fetch(spec, script, api_base=spec.default_api_base))
    assert spec.default_api_base == "https://api.together.xyz/v1"
    assert str(script.requests[0].url) == "https://api.together.xyz/v1/models"
    assert models["Qwen/Qwen3-235B-A22B-Instruct-2507-tput"] == Model(
        provider="together",
        id="Qwen/Qwen3-235B-A22B-Instruct-2507-tput",
        litellm_model="together_ai/Qwen/Qwen3-235B-A22B-Instruct-2507-tput",
        name="Qwen3 235B A22B Instruct 2507 FP8 Throughput",
        released=date(2025, 7, 26),
        context_window=262144,
        input_cost_per_token=2e-07,
        output_cost_per_token=6e-07,
    )
    embed = models["BAAI/bge-large-en-v1.5"]
    assert (embed.output_modalities, embed.output_cost_per_token) == (("embedding",), None)


async def test_keyless_custom_provider_sends_no_authorization() -> None:
    spec = make_spec(name="local", base_url="http://127.0.0.1:11434/v1", key_env=None)
    payload = {"object": "list", "data": [{"id": "qwen3:32b", "object": "model", "created": 0}]}
    script = Script({"/models": [ok(payload)]})
    models = await fetch(spec, script, api_key=None)
    assert models == [Model(provider="local", id="qwen3:32b", litellm_model="openai/qwen3:32b")]
    assert "authorization" not in script.requests[0].headers
    assert not spec.catalog_needs_key
    assert spec.api_base_env == "LOCAL_API_BASE"


# --- the registry -----------------------------------------------------------------------------


def test_registry_order_is_first_party_before_aggregators() -> None:
    assert list(PROVIDERS) == [
        "anthropic", "openai", "gemini", "xai", "deepseek", "moonshot", "mistral",
        "perplexity", "groq", "openrouter",
    ]  # fmt: skip
    assert all(name == spec.name for name, spec in PROVIDERS.items())


@pytest.mark.parametrize(
    ("name", "key_env", "prefix", "base_env"),
    [
        ("openrouter", "OPENROUTER_API_KEY", "openrouter", "OPENROUTER_API_BASE"),
        ("xai", "XAI_API_KEY", "xai", "XAI_API_BASE"),
        ("gemini", "GEMINI_API_KEY", "gemini", "GEMINI_API_BASE"),
        ("perplexity", "PERPLEXITYAI_API_KEY", "perplexity", "PERPLEXITY_API_BASE"),
        ("openai", "OPENAI_API_KEY", "openai", "OPENAI_API_BASE"),
        ("anthropic", "ANTHROPIC_API_KEY", "anthropic", "ANTHROPIC_API_BASE"),
        ("deepseek", "DEEPSEEK_API_KEY", "deepseek", "DEEPSEEK_API_BASE"),
        ("groq", "GROQ_API_KEY", "groq", "GROQ_API_BASE"),
        ("mistral", "MISTRAL_API_KEY", "mistral", "MISTRAL_API_BASE"),
        ("moonshot", "MOONSHOT_API_KEY", "moonshot", "MOONSHOT_API_BASE"),
    ],
)
def test_registry_keys_prefixes_and_base_variables(
    name: str, key_env: str, prefix: str, base_env: str
) -> None:
    spec = PROVIDERS[name]
    assert (spec.key_env, spec.litellm_prefix, spec.api_base_env) == (key_env, prefix, base_env)
    assert spec.default_api_base.startswith("https://")
    assert not spec.default_api_base.endswith("/")


def test_all_providers_appends_custom_providers() -> None:
    providers = all_providers(
        [{"name": "local", "base_url": "http://localhost:11434/v1", "key_env": None}]
    )
    assert list(providers)[:10] == list(PROVIDERS)
    local = providers["local"]
    assert (local.litellm_prefix, local.key_env, local.default_api_base) == (
        "openai",
        None,
        "http://localhost:11434/v1",
    )
    assert all_providers() == PROVIDERS


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"base_url": "http://x/v1"}, r"custom_providers\[0\] is missing 'name'"),
        ({"name": "Bad Name", "base_url": "http://x/v1"}, r"custom_providers\[0\]\.name"),
        ({"name": "local"}, r"custom_providers\[0\] is missing 'base_url'"),
        ({"name": "local", "base_url": "localhost:8000"}, r"base_url must start with http"),
        ({"name": "local", "base_url": "http://x", "key_env": "MY KEY"}, r"\.key_env 'MY KEY'"),
        ({"name": "local", "base_url": "http://x", "prefix": "Open/AI"}, r"\.prefix"),
        ({"name": "local", "base_url": "http://x", "url": "http://y"}, r"unknown field 'url'"),
        ({"name": "openrouter", "base_url": "http://x"}, r"'openrouter' is already a built-in"),
        ("local", r"custom_providers\[0\] must be a mapping"),
    ],
)
def test_custom_provider_errors_name_the_field_and_the_fix(entry: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        all_providers([entry])
    assert "\n" not in str(caught.value)
    assert "profile.yaml" in str(caught.value)


def test_two_custom_providers_with_one_name_are_an_error() -> None:
    entry = {"name": "local", "base_url": "http://x/v1"}
    with pytest.raises(ConfigError, match=r"custom_providers\[1\]\.name: 'local' is already"):
        all_providers([entry, entry])


def test_custom_spec_defaults() -> None:
    spec = custom_spec({"name": "gw", "base_url": "https://gw.example/v1", "key_env": "GW_KEY"})
    assert (spec.name, spec.label, spec.key_env, spec.catalog_needs_key) == (
        "gw",
        "gw",
        "GW_KEY",
        True,
    )


def test_importing_the_registry_does_not_import_httpx() -> None:
    import subprocess
    import sys

    code = "import sys; import discovery_tui.providers; print('httpx' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"


# --- failures common to every HTTP provider -----------------------------------------------------

HTTP_PROVIDERS = [name for name, spec in PROVIDERS.items() if not spec.builtin_catalog]
LIST_KEY = {"gemini": "models"}


def minimal(name: str) -> Any:
    if name == "gemini":
        return {
            "models": [
                {"name": "models/gemini-9-pro", "supportedGenerationMethods": ["generateContent"]}
            ]
        }
    if name == "anthropic":
        return {"data": [{"type": "model", "id": "claude-x-1"}], "has_more": False}
    return {"data": [{"id": "vendor-model-1", "created": 1750000000}]}


def catalog_route(response: list[httpx.Response] | Handler) -> dict[str, Any]:
    """Route ``/models`` only, so that xAI's ``/language-models`` answers 404 and falls back."""
    return {"/v1/models": response}


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_key_goes_in_a_header_never_the_url(name: str) -> None:
    script = Script(catalog_route([ok(minimal(name))]))
    models = await fetch(name, script)
    assert len(models) == 1
    header = {"gemini": "x-goog-api-key", "anthropic": "x-api-key"}.get(name, "authorization")
    for request in script.requests:
        assert KEY not in str(request.url)
        assert KEY in request.headers[header]


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_an_empty_list_is_a_failure(name: str) -> None:
    empty: dict[str, list[Any]] = {LIST_KEY.get(name, "data"): []}
    script = Script(catalog_route([ok(empty)]))
    with pytest.raises(ProviderError) as caught:
        await fetch(name, script)
    message = str(caught.value)
    assert "empty model list" in message
    assert message.startswith(PROVIDERS[name].label)
    assert "\n" not in message


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
@pytest.mark.parametrize(
    "payload",
    [{"result": {"models": []}}, "models", {"data": "none", "models": "none"}],
    ids=["wrapped", "string", "not-a-list"],
)
async def test_a_changed_schema_is_a_failure(name: str, payload: Any) -> None:
    script = Script(catalog_route([ok(payload)]))
    with pytest.raises(ProviderError, match="the API may have changed") as caught:
        await fetch(name, script)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_entries_without_ids_are_a_failure(name: str) -> None:
    key = LIST_KEY.get(name, "data")
    script = Script(catalog_route([ok({key: [{"id": ""}, {"object": "model"}, 7]})]))
    with pytest.raises(ProviderError):
        await fetch(name, script)


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_retries_429_honouring_retry_after_then_succeeds(name: str) -> None:
    replies = [
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(503, headers={"Retry-After": "0"}),
        ok(minimal(name)),
    ]
    script = Script(catalog_route(replies))
    models = await fetch(name, script)
    assert len(models) == 1
    assert len([r for r in script.requests if r.url.path.endswith("/v1/models")]) == 3


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "rejected the key (HTTP 401)"),
        (403, "refused access (HTTP 403)"),
        (404, "has no model list at"),
        (500, "failed on its side (HTTP 500)"),
    ],
)
async def test_http_errors_become_one_line_messages(name: str, status: int, words: str) -> None:
    spec = PROVIDERS[name]
    response = httpx.Response(status, headers={"Retry-After": "0"}, json={"error": KEY})
    script = Script(catalog_route([response]))
    with pytest.raises(ProviderError) as caught:
        await fetch(name, script)
    message = str(caught.value)
    assert message.startswith(spec.label)
    assert words in message
    assert KEY not in message
    assert "\n" not in message
    if status in (401, 403):
        assert f"set {spec.key_env} or run `discovery-tui keys set {name}`" in message


# --- real catalogs from ../shared/catalogs ----------------------------------------------------


async def serve_file(name: str, path: Path) -> list[Model]:
    body = path.read_bytes()
    script = Script(catalog_route([httpx.Response(200, content=body)]))
    return await fetch(name, script)


async def test_real_gemini_catalog(catalogs_dir: Path) -> None:
    models = by_id(await serve_file("gemini", catalogs_dir / "gemini__aylivdele-metaboxaibot.json"))
    assert len(models) == 33
    assert not any(i.startswith("models/") for i in models)
    assert not any(i.startswith(("veo-", "imagen-", "gemini-embedding", "aqa")) for i in models)
    assert "gemini-2.5-flash-native-audio-latest" not in models  # bidiGenerateContent only
    assert models["gemini-3.1-pro-preview"].context_window == 1048576
    assert models["gemini-2.5-pro"].litellm_model == "gemini/gemini-2.5-pro"
    assert models["gemini-2.5-pro"].max_output_tokens == 65536


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


async def test_real_xai_catalog(catalogs_dir: Path) -> None:
    models = by_id(await serve_file("xai", catalogs_dir / "xai__lim-asdk-v1-models.json"))
    assert len(models) == 14
    assert models["grok-imagine-video"].output_modalities == ("video",)
    assert models["grok-imagine-image-pro"].output_modalities == ("image",)
    text = [i for i, m in models.items() if m.output_modalities == ("text",)]
    assert len(text) == 11
    assert models["grok-4.20-0309-reasoning"].released == date(2026, 3, 9)


async def test_real_anthropic_openai_mistral_groq_deepseek(catalogs_dir: Path) -> None:
    anthropic = by_id(await serve_file("anthropic", catalogs_dir / "anthropic__gptportal.json"))
    assert len(anthropic) == 11
    assert anthropic["claude-opus-4-20250514"].name == "Claude Opus 4"
    assert anthropic["claude-opus-4-20250514"].released == date(2025, 5, 22)

    openai = by_id(await serve_file("openai", catalogs_dir / "openai__gptportal.json"))
    assert len(openai) == 76  # 82 minus 6 fine-tunes
    assert not any(i.startswith("ft:") for i in openai)
    assert openai["gpt-4.1"].released == date(2025, 4, 10)

    mistral = by_id(await serve_file("mistral", catalogs_dir / "mistral__gptportal.json"))
    assert len(mistral) == 26
    assert "mistral-large-2411" in mistral and "mistral-large-latest" not in mistral
    assert not any(i.endswith("-latest") for i in mistral)
    assert mistral["mistral-moderation-2411"].output_modalities == ("moderation",)

    groq = by_id(await serve_file("groq", catalogs_dir / "groq__omegaaiagent.json"))
    assert len(groq) == 16
    kimi = groq["moonshotai/kimi-k2-instruct-0905"]
    assert (kimi.context_window, kimi.max_output_tokens) == (262144, 16384)

    deepseek_file = catalogs_dir / "deepseek__ndunks-nodejs-llm-function-calls.json"
    deepseek = await serve_file("deepseek", deepseek_file)
    assert [m.id for m in deepseek] == ["deepseek-chat", "deepseek-reasoner"]


# --- through the fake server, over real sockets -------------------------------------------------


async def fetch_real(name: str, base: str, *, timeout: float = 10.0) -> list[Model]:
    async with httpx.AsyncClient(timeout=timeout) as client:
        return await PROVIDERS[name].fetch(client, api_base=base, api_key=KEY)


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


async def test_fake_server_429_then_200(fake_provider: FakeProvider) -> None:
    base = fake_provider.serve_catalog(
        "openrouter",
        {"data": [OPENROUTER_SONNET]},
        replies=[Reply(status=429, json={"error": "slow down"}, headers={"Retry-After": "0"})],
    )
    models = await fetch_real("openrouter", base)
    assert [m.id for m in models] == ["anthropic/claude-sonnet-4.6"]
    assert [r.path for r in fake_provider.requests] == ["/openrouter/api/v1/models"] * 2


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
