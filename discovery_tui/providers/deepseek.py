"""DeepSeek: ``GET {base}/models`` (base ``https://api.deepseek.com``), Bearer key.

Entries are ``{id, object, owned_by}``: no dates, limits or prices, so models carry only their id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from discovery_tui.models import Model
from discovery_tui.providers.base import ProviderSpec
from discovery_tui.providers.openai_compatible import (
    base_model,
    bearer,
    fetch_list,
    key_hint,
    models_or_error,
)

if TYPE_CHECKING:
    import httpx

NAME = "deepseek"
LABEL = "DeepSeek"
PREFIX = "deepseek"
KEY_ENV = "DEEPSEEK_API_KEY"
KEY_HINT = key_hint(NAME, KEY_ENV)


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    return base_model(obj, provider=NAME, prefix=PREFIX)


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
    default_api_base="https://api.deepseek.com",
    fetch=fetch_models,
    vendor="deepseek",
)
