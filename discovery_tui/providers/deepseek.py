"""DeepSeek: ``GET {base}/models`` (base ``https://api.deepseek.com``), Bearer key.

Entries are ``{id, object, owned_by}``: no dates, limits or prices, so models carry only their id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.openai_compatible import base_model, list_provider

NAME = "deepseek"
PREFIX = "deepseek"


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    return base_model(obj, provider=NAME, prefix=PREFIX)


SPEC = list_provider(
    name=NAME,
    label="DeepSeek",
    key_env="DEEPSEEK_API_KEY",
    default_api_base="https://api.deepseek.com",
    parse=parse_model,
    vendor="deepseek",
)
