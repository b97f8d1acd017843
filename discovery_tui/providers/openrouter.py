"""OpenRouter: ``GET {base}/models``, a public catalog (a key, ``OPENROUTER_API_KEY``, is sent
only when one is given).

Prices are strings in USD per token, ``"-1"`` for routers whose price is unknown; ``created`` is
a unix time (the release day); ``expiration_date`` is an ISO date. Ids carry their vendor
(``anthropic/claude-sonnet-4.6``); variants (``:free``, ``:thinking``) and alias ids
(``~anthropic/claude-sonnet-latest``) are kept: ranking decides what they are worth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.base import litellm_model
from discovery_tui.providers.openai_compatible import list_provider
from discovery_tui.providers.text import short_description, text_or_none
from discovery_tui.providers.values import (
    as_int,
    as_mapping,
    as_price,
    as_strings,
    date_from_iso,
    date_from_unix,
)

NAME = "openrouter"


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    model_id = obj.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        return None
    arch = as_mapping(obj.get("architecture"))
    top = as_mapping(obj.get("top_provider"))
    pricing = as_mapping(obj.get("pricing"))
    params = obj.get("supported_parameters")
    params = [p for p in params if isinstance(p, str)] if isinstance(params, list) else None
    return Model(
        provider=NAME,
        id=model_id,
        litellm_model=litellm_model(NAME, model_id),
        name=text_or_none(obj.get("name")),
        released=date_from_unix(obj.get("created")),
        context_window=as_int(obj.get("context_length")) or as_int(top.get("context_length")),
        max_output_tokens=as_int(top.get("max_completion_tokens")),
        input_cost_per_token=as_price(pricing.get("prompt")),
        output_cost_per_token=as_price(pricing.get("completion")),
        cache_read_cost_per_token=as_price(pricing.get("input_cache_read")),
        cache_write_cost_per_token=as_price(pricing.get("input_cache_write")),
        input_modalities=as_strings(arch.get("input_modalities")) or ("text",),
        output_modalities=as_strings(arch.get("output_modalities")) or ("text",),
        supports_tools=None if params is None else "tools" in params,
        supports_reasoning=None if params is None else "reasoning" in params,
        expires=date_from_iso(obj.get("expiration_date")),
        description=short_description(obj.get("description")),
    )


SPEC = list_provider(
    NAME,
    label="OpenRouter",
    api_base="https://openrouter.ai/api/v1",
    parse=parse_model,
    vendor=None,
    catalog_needs_key=False,
)
