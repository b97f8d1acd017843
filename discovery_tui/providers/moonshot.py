"""Moonshot (Kimi): ``GET {base}/models`` (base ``https://api.moonshot.ai/v1``), Bearer key.

Entries add ``context_length``, ``supports_image_in`` (image input) and ``supports_reasoning``.
``created`` is taken as the release day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.base import as_int
from discovery_tui.providers.openai_compatible import base_model, list_provider

NAME = "moonshot"
PREFIX = "moonshot"


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    model = base_model(obj, provider=NAME, prefix=PREFIX)
    if model is None:
        return None
    images = obj.get("supports_image_in") is True
    return replace(
        model,
        context_window=as_int(obj.get("context_length")),
        input_modalities=("text", "image") if images else ("text",),
        supports_reasoning=_flag(obj.get("supports_reasoning")),
    )


SPEC = list_provider(
    name=NAME,
    label="Moonshot",
    key_env="MOONSHOT_API_KEY",
    default_api_base="https://api.moonshot.ai/v1",
    parse=parse_model,
    vendor="moonshotai",
)
