"""Groq: ``GET {base}/models`` (base ``https://api.groq.com/openai/v1``), Bearer key.

Entries add ``context_window``, ``max_completion_tokens`` and ``active`` (``false``: the model is
deprecated). ``created`` is the day Groq added the model, used as its release day. Ids such as
``moonshotai/kimi-k2-instruct`` or ``openai/gpt-oss-120b`` carry their vendor; bare ids
(``llama-3.3-70b-versatile``) have none, hence the spec's ``vendor=None``.
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

NAME = "groq"
LABEL = "Groq"
PREFIX = "groq"
KEY_ENV = "GROQ_API_KEY"
KEY_HINT = key_hint(NAME, KEY_ENV)


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    model = base_model(obj, provider=NAME, prefix=PREFIX)
    if model is None:
        return None
    return replace(
        model,
        context_window=as_int(obj.get("context_window")),
        max_output_tokens=as_int(obj.get("max_completion_tokens")),
        deprecated=obj.get("active") is False,
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
    default_api_base="https://api.groq.com/openai/v1",
    fetch=fetch_models,
    vendor=None,
)
