"""xAI: ``GET {base}/language-models`` (rich), else ``GET {base}/models`` (ids only).

Bearer key in ``XAI_API_KEY``.
``/language-models`` answers ``{"models": [{id, created, input_modalities, output_modalities,
prompt_text_token_price, completion_text_token_price, aliases}]}`` with prices in USD cents per
100M tokens; only its canonical ids become models (its ``aliases`` are other names of the same
model). When a base does not have it (HTTP 404: a proxy, an older API, the fake server), the
plain OpenAI-style ``/models`` is read: ``{id, created, owned_by}`` only.

Image and video models (``grok-imagine-*``, ``grok-2-image*``) get their non-text output
modalities from the id; ``-reasoning`` / ``-non-reasoning`` ids say whether they reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from discovery_tui.models import Model
from discovery_tui.providers.base import (
    CONVENTIONAL_KEY_ENV,
    get_json,
    key_hint,
    provider_spec,
    require_list,
)
from discovery_tui.providers.openai_compatible import (
    bearer,
    list_fetch,
    list_parser,
    media_output,
    models_or_error,
)
from discovery_tui.providers.values import as_price, as_strings, parse_each

if TYPE_CHECKING:
    import httpx

NAME = "xai"
LABEL = "xAI"
KEY_HINT = key_hint(NAME, CONVENTIONAL_KEY_ENV)
CENTS_PER_100M = 1e-10  # USD cents per 100M tokens -> USD per token


def reasoning_from_id(model_id: str) -> bool | None:
    if "non-reasoning" in model_id:
        return False
    if "reasoning" in model_id:
        return True
    return None


def _reasoning(model: Model, obj: Mapping[str, Any]) -> Model:
    return replace(model, supports_reasoning=reasoning_from_id(model.id))


parse_model = list_parser(NAME, _reasoning)
"""An entry of ``/models`` (OpenAI style: id, created, owned_by)."""


def parse_language_model(obj: Mapping[str, Any]) -> Model | None:
    """An entry of ``/language-models``: modalities and prices as well."""
    model = parse_model(obj)
    if model is None:
        return None
    return replace(
        model,
        input_modalities=as_strings(obj.get("input_modalities")) or model.input_modalities,
        output_modalities=media_output(model.id)
        or as_strings(obj.get("output_modalities"))
        or model.output_modalities,
        input_cost_per_token=as_price(obj.get("prompt_text_token_price"), scale=CENTS_PER_100M),
        output_cost_per_token=as_price(
            obj.get("completion_text_token_price"), scale=CENTS_PER_100M
        ),
        cache_read_cost_per_token=as_price(
            obj.get("cached_prompt_text_token_price"), scale=CENTS_PER_100M
        ),
    )


_fetch_plain_list = list_fetch(label=LABEL, hint=KEY_HINT, parse=parse_model)


async def fetch_models(
    client: httpx.AsyncClient, *, api_base: str, api_key: str | None
) -> list[Model]:
    headers = bearer(api_key)
    rich = await get_json(
        client,
        f"{api_base}/language-models",
        label=LABEL,
        key_hint=KEY_HINT,
        headers=headers,
        missing_ok=True,
    )
    if rich is not None:
        objects = require_list(rich, "models", LABEL)
        return models_or_error(parse_each(objects, parse_language_model), LABEL)
    return await _fetch_plain_list(client, api_base=api_base, api_key=api_key)


SPEC = provider_spec(
    NAME, label=LABEL, api_base="https://api.x.ai/v1", fetch=fetch_models, vendor="x-ai"
)
