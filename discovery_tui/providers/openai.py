"""OpenAI: ``GET {base}/models``, Bearer key; entries are ``{id, object, created, owned_by}`` only.

``created`` is the release day. The list also holds the account's fine-tunes (``ft:...``): they
are dropped, since they are private checkpoints of one account, not catalog models a family
could mean. Image, video and speech models (``dall-e-*``, ``gpt-image-*``, ``sora*``, ``tts-*``)
get their output modalities from the id; everything else stays for ranking to judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.openai_compatible import base_model, list_provider

NAME = "openai"
LABEL = "OpenAI"
PREFIX = "openai"


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    model = base_model(obj, provider=NAME, prefix=PREFIX)
    if model is None or model.id.startswith("ft:"):
        return None
    return model


SPEC = list_provider(
    name=NAME,
    label=LABEL,
    key_env="OPENAI_API_KEY",
    default_api_base="https://api.openai.com/v1",
    parse=parse_model,
    vendor="openai",
)
