"""What the tool owns in a config, and a plain-data snapshot of it (:class:`TargetState`).

An entry of ``model_list`` is the tool's when ``model_info[OWNER_KEY]`` names a provider. Owned
keys of such an entry: ``litellm_params.model``, ``.api_key``, ``.api_base`` (and any other
``litellm_params`` key the tool's Entry carries), and in ``model_info`` the keys the Entry carries,
:data:`OWNED_MODEL_INFO_KEYS` and every key starting with ``OWNER_KEY``. Every other key of an
owned entry is the user's and survives a refresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from discovery_tui.models import OWNER_KEY, Entry

Section = Literal["litellm_params", "model_info"]

OWNED_PARAMS = ("model", "api_key", "api_base")
OWNED_MODEL_INFO_KEYS = frozenset(
    {
        OWNER_KEY,
        "mode",
        "max_tokens",
        "max_input_tokens",
        "max_output_tokens",
        "input_cost_per_token",
        "output_cost_per_token",
        "cache_read_input_token_cost",
        "cache_creation_input_token_cost",
        "supports_function_calling",
        "supports_tool_choice",
        "supports_reasoning",
        "supports_vision",
        "supports_pdf_input",
        "supports_audio_input",
        "supports_audio_output",
        "supports_prompt_caching",
        "supports_response_schema",
        "supports_web_search",
        "release_date",
        "deprecation_date",
    }
)


# ------------------------------------------------------------------------- the target's state
@dataclass(frozen=True)
class OwnedEntry:
    """One entry the tool owns, as plain data (``{}`` where the target has no mapping)."""

    model_name: str
    provider: str
    litellm_params: Mapping[str, object]
    model_info: Mapping[str, object]


@dataclass(frozen=True)
class TargetState:
    """A plain-data snapshot of an apply target: all a plan needs, nothing of ruamel.

    ``owned``: provider -> model_name -> entry, in the target's order. ``holders``: model_name ->
    who holds it (a provider, or None for a hand-written entry). ``model_names``: every entry's
    name in the target's order. ``aliases``: ``router_settings.model_group_alias`` as alias ->
    target. ``path``: where it was read (for a proxy target: its name).
    """

    path: Path
    owned: Mapping[str, Mapping[str, OwnedEntry]] = field(default_factory=dict)
    holders: Mapping[str, frozenset[str | None]] = field(default_factory=dict)
    model_names: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    exists: bool = True  # False: the target is not there yet (a config file to be created)


def owned_keys(section: Section, current: Mapping[str, object], entry: Entry) -> set[str]:
    """The keys of one section of an owned entry that belong to the tool; the rest is the user's."""
    if section == "litellm_params":
        return set(OWNED_PARAMS) | set(entry.litellm_params)
    marks = {k for k in current if k.startswith(OWNER_KEY)}
    return set(OWNED_MODEL_INFO_KEYS) | set(entry.model_info) | marks
