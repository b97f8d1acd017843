"""OpenAI: ``GET {base}/models``, Bearer key in ``OPENAI_API_KEY``.

Entries are ``{id, object, created, owned_by}`` only.

``created`` is the release day. The list also holds the account's fine-tunes (``ft:...``): they
are dropped, since they are private checkpoints of one account, not catalog models a family
could mean. Image, video and speech models (``dall-e-*``, ``gpt-image-*``, ``sora*``, ``tts-*``)
get their output modalities from the id; everything else stays for ranking to judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.openai_compatible import list_parser, list_provider

NAME = "openai"


def _not_fine_tune(model: Model, obj: Mapping[str, Any]) -> Model | None:
    return None if model.id.startswith("ft:") else model


parse_model = list_parser(NAME, _not_fine_tune)

SPEC = list_provider(
    NAME, label="OpenAI", api_base="https://api.openai.com/v1", parse=parse_model, vendor="openai"
)
