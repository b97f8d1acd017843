"""The offline demo catalog shipped in the package (`--demo`): no key, no network."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

from discovery_tui.models import Model

PER_MILLION = 1_000_000


def _price(value: Any) -> float | None:
    return round(float(value) / PER_MILLION, 15) if value is not None else None


def _model(provider: str, prefix: str, raw: dict[str, Any]) -> Model:
    released = raw.get("released")
    return Model(
        provider=provider,
        id=raw["id"],
        litellm_model=f"{prefix}/{raw['id']}",
        name=raw.get("name"),
        released=date.fromisoformat(released) if released else None,
        context_window=raw.get("context"),
        max_output_tokens=raw.get("max_output"),
        input_cost_per_token=_price(raw.get("in")),
        output_cost_per_token=_price(raw.get("out")),
        input_modalities=tuple(raw.get("input", ["text"])),
        output_modalities=tuple(raw.get("output", ["text"])),
        supports_tools=raw.get("tools"),
        supports_reasoning=raw.get("reasoning"),
        source="demo",
    )


def load_demo_catalog() -> dict[str, list[Model]]:
    """provider -> models of the demo catalog, with each provider's LiteLLM prefix."""
    from discovery_tui.providers import PROVIDERS

    text = resources.files("discovery_tui").joinpath("data/demo_catalog.json").read_text("utf-8")
    providers: dict[str, list[dict[str, Any]]] = json.loads(text)["providers"]
    return {
        name: [_model(name, PROVIDERS[name].litellm_prefix, raw) for raw in models]
        for name, models in providers.items()
    }
