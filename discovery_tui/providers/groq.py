"""Groq: ``GET {base}/models`` (base ``https://api.groq.com/openai/v1``), Bearer key in
``GROQ_API_KEY``.

Entries add ``context_window``, ``max_completion_tokens`` and ``active`` (``false``: the model is
deprecated). ``created`` is the day Groq added the model, used as its release day. Ids such as
``moonshotai/kimi-k2-instruct`` or ``openai/gpt-oss-120b`` carry their vendor; bare ids
(``llama-3.3-70b-versatile``) have none, hence the spec's ``vendor=None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.openai_compatible import list_parser, list_provider
from discovery_tui.providers.values import as_int

NAME = "groq"


def _details(model: Model, obj: Mapping[str, Any]) -> Model:
    return replace(
        model,
        context_window=as_int(obj.get("context_window")),
        max_output_tokens=as_int(obj.get("max_completion_tokens")),
        deprecated=obj.get("active") is False,
    )


parse_model = list_parser(NAME, _details)

SPEC = list_provider(
    NAME, label="Groq", api_base="https://api.groq.com/openai/v1", parse=parse_model, vendor=None
)
