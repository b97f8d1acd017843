"""The one helper for OpenAI-style list endpoints, and user-declared compatible servers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import httpx
import pytest
from provider_kit import BASE, KEY, Script, by_id, fetch, ok

from discovery_tui.errors import ProviderError
from discovery_tui.models import Model
from discovery_tui.providers import PROVIDERS
from discovery_tui.providers.openai_compatible import (
    base_model,
    list_parser,
    list_provider,
    make_spec,
)


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


async def test_list_provider_builds_a_spec_from_what_differs() -> None:
    def details(model: Model, obj: Mapping[str, Any]) -> Model | None:
        if obj.get("hidden") is True:
            return None
        return replace(model, context_window=obj.get("ctx"))

    def keep(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [obj for obj in objects if obj.get("id") != "acme-alias"]

    spec = list_provider(
        "acme",
        label="Acme",
        api_base="https://api.acme.test/v1/",
        parse=list_parser("acme", details),
        vendor="acme",
        keep=keep,
    )
    payload = {
        "data": [
            {"id": "acme-1", "created": 1750000000, "ctx": 4096},
            {"id": "acme-alias"},
            {"id": "acme-hidden", "hidden": True},
        ]
    }
    script = Script({"/models": [ok(payload)]})
    models = await fetch(spec, script)
    assert models == [
        Model(
            provider="acme",
            id="acme-1",
            litellm_model="acme/acme-1",
            released=date(2025, 6, 15),
            context_window=4096,
        )
    ]
    assert str(script.requests[0].url) == f"{BASE}/models"
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert (spec.litellm_prefix, spec.key_env, spec.api_base_env, spec.default_api_base) == (
        "acme",
        "ACME_API_KEY",  # <NAME>_API_KEY unless given
        "ACME_API_BASE",
        "https://api.acme.test/v1",
    )
    assert spec.catalog_needs_key and not spec.entries_need_api_base
    assert base_model({"id": "acme-2"}, provider="acme", prefix="acme") == Model(
        provider="acme", id="acme-2", litellm_model="acme/acme-2"
    )


async def test_list_provider_rejected_key_names_the_variable() -> None:
    spec = PROVIDERS["deepseek"]
    script = Script({"/models": [httpx.Response(401, json={"error": KEY})]})
    with pytest.raises(ProviderError) as caught:
        await fetch(spec, script)
    assert str(caught.value) == (
        "DeepSeek rejected the key (HTTP 401): set DEEPSEEK_API_KEY or run "
        "`discovery-tui keys set deepseek`"
    )
