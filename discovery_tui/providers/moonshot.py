"""Moonshot (Kimi): ``GET {base}/models`` (base ``https://api.moonshot.ai/v1``), Bearer key in
``MOONSHOT_API_KEY``.

Entries add ``context_length``, ``supports_image_in`` (image input) and ``supports_reasoning``.
``created`` is taken as the release day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.openai_compatible import list_parser, list_provider
from discovery_tui.providers.values import as_bool, as_int

NAME = "moonshot"


def _details(model: Model, obj: Mapping[str, Any]) -> Model:
    images = obj.get("supports_image_in") is True
    return replace(
        model,
        context_window=as_int(obj.get("context_length")),
        input_modalities=("text", "image") if images else ("text",),
        supports_reasoning=as_bool(obj.get("supports_reasoning")),
    )


parse_model = list_parser(NAME, _details)

SPEC = list_provider(
    NAME,
    label="Moonshot",
    api_base="https://api.moonshot.ai/v1",
    parse=parse_model,
    vendor="moonshotai",
)
