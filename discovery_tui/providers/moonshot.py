"""Moonshot (Kimi): ``GET {base}/models`` (base ``https://api.moonshot.ai/v1``), Bearer key.

Entries add ``context_length``, ``supports_image_in`` (image input) and ``supports_reasoning``.
``created`` is taken as the release day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from discovery_tui.models import Model
from discovery_tui.providers.base import ProviderSpec, as_int
from discovery_tui.providers.openai_compatible import (
    base_model,
    bearer,
    fetch_list,
    key_hint,
    models_or_error,
)

if TYPE_CHECKING:
    import httpx

NAME = "moonshot"
LABEL = "Moonshot"
PREFIX = "moonshot"
KEY_ENV = "MOONSHOT_API_KEY"
KEY_HINT = key_hint(NAME, KEY_ENV)


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


async def fetch_models(
    client: httpx.AsyncClient, *, api_base: str, api_key: str | None
) -> list[Model]:
    objects = await fetch_list(
        client, url=f"{api_base}/models", label=LABEL, hint=KEY_HINT, headers=bearer(api_key)
    )
    return models_or_error([parse_model(obj) for obj in objects], LABEL)


SPEC = ProviderSpec(
    name=NAME,
    label=LABEL,
    litellm_prefix=PREFIX,
    key_env=KEY_ENV,
    default_api_base="https://api.moonshot.ai/v1",
    fetch=fetch_models,
    vendor="moonshotai",
)
