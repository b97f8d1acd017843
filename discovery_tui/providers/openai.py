"""OpenAI: ``GET {base}/models``, Bearer key; entries are ``{id, object, created, owned_by}`` only.

``created`` is the release day. The list also holds the account's fine-tunes (``ft:...``): they
are dropped, since they are private checkpoints of one account, not catalog models a family
could mean. Image, video and speech models (``dall-e-*``, ``gpt-image-*``, ``sora*``, ``tts-*``)
get their output modalities from the id; everything else stays for ranking to judge.
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

NAME = "openai"
LABEL = "OpenAI"
PREFIX = "openai"
KEY_ENV = "OPENAI_API_KEY"
KEY_HINT = key_hint(NAME, KEY_ENV)


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    model = base_model(obj, provider=NAME, prefix=PREFIX)
    if model is None or model.id.startswith("ft:"):
        return None
    return model


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
    default_api_base="https://api.openai.com/v1",
    fetch=fetch_models,
    vendor="openai",
)
