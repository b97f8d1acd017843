"""Moonshot: context, image input and reasoning flags."""

from __future__ import annotations

from datetime import date

from provider_kit import Script, by_id, fetch, ok

from discovery_tui.models import Model


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
