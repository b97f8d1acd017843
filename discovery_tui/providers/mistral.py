"""Mistral: ``GET {base}/models`` (base ``https://api.mistral.ai/v1``), Bearer key in
``MISTRAL_API_KEY``.

Entries give ``capabilities`` (``completion_chat``, ``function_calling``, ``vision``),
``max_context_length``, ``deprecation`` (ISO: when the model is retired), ``name`` (the canonical
id) and ``aliases``. Every alias is listed again as an entry of its own; an entry whose id is an
alias of a canonical entry (one whose ``id`` equals its ``name``) is dropped, so each model appears
once under its canonical id (``mistral-large-latest`` goes, ``mistral-large-2411`` stays).
``created`` is the time of the request, not a release day, so it is not used. A model that cannot
chat (``completion_chat: false``) gets a non-text output modality naming its kind
(``embedding``, ``moderation``, ``ocr``, else ``other``). Account fine-tunes (``ft:...``) are
dropped, as for OpenAI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from discovery_tui.models import Model
from discovery_tui.providers.openai_compatible import list_parser, list_provider
from discovery_tui.providers.text import short_description
from discovery_tui.providers.values import as_bool, as_int, as_mapping, date_from_iso

NAME = "mistral"


def non_chat_kind(model_id: str) -> str:
    for needle, kind in (("embed", "embedding"), ("moderation", "moderation"), ("ocr", "ocr")):
        if needle in model_id:
            return kind
    return "other"


def _details(model: Model, obj: Mapping[str, Any]) -> Model | None:
    if model.id.startswith("ft:"):
        return None
    caps = as_mapping(obj.get("capabilities"))
    chat = as_bool(caps.get("completion_chat"))
    return replace(
        model,
        context_window=as_int(obj.get("max_context_length")),
        input_modalities=("text", "image") if caps.get("vision") is True else ("text",),
        output_modalities=(non_chat_kind(model.id),) if chat is False else model.output_modalities,
        supports_tools=as_bool(caps.get("function_calling")),
        supports_reasoning=as_bool(caps.get("reasoning")),
        expires=date_from_iso(obj.get("deprecation")),
        description=short_description(obj.get("description")),
    )


parse_model = list_parser(NAME, _details, created_is_release=False)


def alias_ids(objects: Sequence[Mapping[str, Any]]) -> set[str]:
    """Ids that are only aliases of a canonical entry present in the same list."""
    canonical = {obj["id"] for obj in objects if obj.get("name") == obj.get("id")}
    aliases: set[str] = set()
    for obj in objects:
        if obj.get("id") in canonical and isinstance(obj.get("aliases"), list):
            aliases.update(a for a in obj["aliases"] if isinstance(a, str))
    return aliases - canonical


def canonical_entries(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries that are not only an alias of another entry of the list."""
    skip = alias_ids(objects)
    return [obj for obj in objects if obj.get("id") not in skip]


SPEC = list_provider(
    NAME,
    label="Mistral",
    api_base="https://api.mistral.ai/v1",
    parse=parse_model,
    vendor="mistralai",
    keep=canonical_entries,
)
