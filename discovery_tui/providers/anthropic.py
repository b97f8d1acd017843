"""Anthropic: ``GET {base}/models?limit=1000``, ``x-api-key`` and ``anthropic-version``.

Pages follow ``has_more`` / ``last_id`` (sent back as ``after_id``). Entries give ``id``,
``display_name`` and ``created_at`` (ISO, the release day); the current API adds
``max_input_tokens``, ``max_tokens`` and ``capabilities`` (each capability an object with
``supported``), read when present. The list has no prices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import ProviderError
from discovery_tui.models import Model
from discovery_tui.providers.base import (
    CONVENTIONAL_KEY_ENV,
    get_json,
    key_hint,
    litellm_model,
    provider_spec,
    require_list,
)
from discovery_tui.providers.openai_compatible import models_or_error
from discovery_tui.providers.text import text_or_none
from discovery_tui.providers.values import as_bool, as_int, as_mapping, date_from_iso, parse_each

if TYPE_CHECKING:
    import httpx

NAME = "anthropic"
LABEL = "Anthropic"
KEY_HINT = key_hint(NAME, CONVENTIONAL_KEY_ENV)  # ANTHROPIC_API_KEY
API_VERSION = "2023-06-01"
PAGE_LIMIT = 1000
MAX_PAGES = 50


def _supported(capabilities: Mapping[str, Any], name: str) -> bool | None:
    value = capabilities.get(name)
    if isinstance(value, Mapping):
        value = value.get("supported")
    return as_bool(value)


def _input_modalities(capabilities: Mapping[str, Any]) -> tuple[str, ...]:
    modalities = ["text"]
    if _supported(capabilities, "image_input"):
        modalities.append("image")
    if _supported(capabilities, "pdf_input"):
        modalities.append("pdf")
    return tuple(modalities)


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    model_id = obj.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        return None
    if obj.get("type", "model") != "model":
        return None
    caps = as_mapping(obj.get("capabilities"))
    display = obj.get("display_name")
    return Model(
        provider=NAME,
        id=model_id,
        litellm_model=litellm_model(NAME, model_id),
        name=text_or_none(display),
        released=date_from_iso(obj.get("created_at")),
        context_window=as_int(obj.get("max_input_tokens")),
        max_output_tokens=as_int(obj.get("max_tokens")),
        input_modalities=_input_modalities(caps),
        supports_reasoning=_supported(caps, "thinking"),
    )


async def _pages(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        params: dict[str, str | int] = {"limit": PAGE_LIMIT}
        if after:
            params["after_id"] = after
        payload = await get_json(
            client, url, label=LABEL, key_hint=KEY_HINT, headers=headers, params=params
        )
        if after and isinstance(payload, dict) and payload.get("data") == []:
            return objects  # a last, empty page
        objects.extend(require_list(payload, "data", LABEL))
        last = payload.get("last_id")
        if payload.get("has_more") is not True or not isinstance(last, str) or last == after:
            return objects
        after = last
    raise ProviderError(f"{LABEL} kept sending more pages of models: try again later")


async def fetch_models(
    client: httpx.AsyncClient, *, api_base: str, api_key: str | None
) -> list[Model]:
    headers = {"anthropic-version": API_VERSION}
    if api_key:
        headers["x-api-key"] = api_key
    objects = await _pages(client, f"{api_base}/models", headers)
    return models_or_error(parse_each(objects, parse_model), LABEL)


SPEC = provider_spec(
    NAME,
    label=LABEL,
    api_base="https://api.anthropic.com/v1",
    fetch=fetch_models,
    vendor="anthropic",
)
