"""What the tool owns in a config, and a plain-data snapshot of it (:class:`TargetState`).

An entry of ``model_list`` is the tool's when ``model_info[OWNER_KEY]`` names a provider. Owned
keys of such an entry: ``litellm_params.model``, ``.api_key``, ``.api_base`` (and any other
``litellm_params`` key the tool's Entry carries), and in ``model_info`` the keys the Entry carries,
:data:`OWNED_MODEL_INFO_KEYS` and every key starting with ``OWNER_KEY``. Every other key of an
owned entry is the user's and survives a refresh.

The three-way record (as ``kubectl apply`` keeps a last-applied annotation): ``model_info``
``RECORD_KEY`` holds a short hash of every owned value the tool last wrote into the entry
(:func:`encode_record`). A value whose hash no longer matches was changed by the user and is
kept; an entry without the record (written by an older version) counts as untouched.
What the tool last wrote into ``router_settings`` (its aliases and fallbacks) is recorded in
profile.yaml (``written:``), read with :func:`read_written`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from discovery_tui.models import OWNER_KEY, Entry

Section = Literal["litellm_params", "model_info"]

OWNED_PARAMS = ("model", "api_key", "api_base", "additional_drop_params")
RECORD_KEY = f"{OWNER_KEY}_written"  # model_info key of the three-way record
# What Claude Code sends that a model without reasoning cannot take (issue 13 findings a.).
REASONING_PARAMS = ("reasoning_effort", "thinking")
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
    # "litellm_params.api_base" -> "defaults": owned-section keys the entry gets only through a
    # merge key (``<<: *defaults``), by the anchor they come from (:func:`merged_keys`)
    merged: Mapping[str, str] = field(default_factory=dict)


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
    # router_settings.fallbacks as alias -> model_names (one-key items; the first per key wins)
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # included files (as the ``include:`` list names them) with a router_settings of their own
    router_overrides: tuple[str, ...] = ()
    # (provider, model_name) of owned entries that define a YAML anchor something else uses:
    # a refresh leaves them as they are (configfile/sharing.py; filled by ConfigDocument)
    pinned: frozenset[tuple[str, str]] = frozenset()
    # top-level sections a plan may set keys in (plan/settings.py: general_settings), by name,
    # as plain data; a section absent from the target is absent here. None: the target cannot
    # say (a proxy's model API), so no setting is planned
    settings: Mapping[str, object] | None = None
    # what the target itself records the tool wrote into its router settings (a proxy: its
    # models' claims, shared by every machine); None: the profile's ``written:`` counts
    written: WrittenRouter | None = None


def owned_keys(section: Section, current: Mapping[str, object], entry: Entry) -> set[str]:
    """The keys of one section of an owned entry that belong to the tool; the rest is the user's."""
    if section == "litellm_params":
        return set(OWNED_PARAMS) | set(entry.litellm_params)
    marks = {k for k in current if k.startswith(OWNER_KEY)}
    return set(OWNED_MODEL_INFO_KEYS) | set(entry.model_info) | marks


def merged_keys(item: Mapping[str, object]) -> dict[str, str]:
    """``"litellm_params.api_base" -> "defaults"`` for every key of an entry's
    ``litellm_params`` / ``model_info`` that is not written in the section itself but merged in
    (``<<: *defaults``; LiteLLM resolves merge keys). Reads ruamel's nodes by duck typing."""
    found: dict[str, str] = {}
    for section in ("litellm_params", "model_info"):
        node = item.get(section)
        own = set(getattr(node, "_ok", ()) or ())
        for source in getattr(node, "merge", None) or ():
            mapping = source[1] if isinstance(source, tuple) else source
            if not isinstance(mapping, Mapping):
                continue
            anchor = getattr(getattr(mapping, "anchor", None), "value", None) or "?"
            for key in (k for k in mapping if k not in own):
                found.setdefault(f"{section}.{key}", str(anchor))
    return found


# ------------------------------------------------------------------------- the three-way record
# Positions of the record: append only (a record of an older version is a prefix of this list).
RECORDED_KEYS: tuple[tuple[Section, str], ...] = (
    ("litellm_params", "model"),
    ("litellm_params", "api_key"),
    ("litellm_params", "api_base"),
    ("litellm_params", "additional_drop_params"),
    ("model_info", "mode"),
    ("model_info", "max_input_tokens"),
    ("model_info", "max_output_tokens"),
    ("model_info", "input_cost_per_token"),
    ("model_info", "output_cost_per_token"),
    ("model_info", "cache_read_input_token_cost"),
    ("model_info", "cache_creation_input_token_cost"),
    ("model_info", "supports_function_calling"),
    ("model_info", "supports_reasoning"),
    ("model_info", "supports_vision"),
    ("model_info", "release_date"),
    ("model_info", "supports_prompt_caching"),
    ("model_info", "max_tokens"),
    ("model_info", "deprecation_date"),
)
# What versions without the record wrote: an entry without a record took these from the tool.
LEGACY_KEYS = (
    frozenset(RECORDED_KEYS[:3]) | frozenset(RECORDED_KEYS[4:9]) | frozenset(RECORDED_KEYS[11:15])
)
_RECORD_VERSION = "v1."
_ABSENT = "."
_HASH_CHARS = 4  # 24 bits: an edit goes unnoticed once in 16 million


def value_hash(value: object) -> str:
    """Four characters that change when the value changes (as read back from YAML)."""
    text = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"))
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=3).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def _canonical(value: object) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def encode_record(written: Mapping[tuple[Section, str], str]) -> str:
    """The record of (section, key) -> value hash: ``v1.`` then, per RECORDED_KEYS position,
    the hash or ``.`` (not written); trailing ``.`` dropped. No spaces: it never wraps."""
    parts = [written.get(position, _ABSENT) for position in RECORDED_KEYS]
    return _RECORD_VERSION + "".join(parts).rstrip(_ABSENT)


def decode_record(text: object) -> dict[tuple[Section, str], str] | None:
    """The hashes a record holds; None when there is no (readable) record: untouched."""
    if not isinstance(text, str) or not text.startswith(_RECORD_VERSION):
        return None
    body, index, result = text[len(_RECORD_VERSION) :], 0, {}
    for position in RECORDED_KEYS:
        if index >= len(body):
            break
        if body[index] == _ABSENT:
            index += 1
            continue
        chunk = body[index : index + _HASH_CHARS]
        if len(chunk) != _HASH_CHARS or _ABSENT in chunk:
            return None
        result[position] = chunk
        index += _HASH_CHARS
    return result if index == len(body) else None


# ------------------------------------------------------------------------- router_settings
@dataclass(frozen=True)
class WrittenRouter:
    """What the tool last wrote into ``router_settings`` (profile.yaml ``written:``).

    None: no record (a profile of an older version); then the aliases that families.yaml defines
    are the tool's, as before, and no fallback is.
    """

    aliases: Mapping[str, str] | None = None
    fallbacks: Mapping[str, tuple[str, ...]] | None = None


WRITTEN_KEY = "written"  # the profile.yaml key


def read_written(profile_path: Path) -> WrittenRouter:
    """The record in profile.yaml; a missing or unreadable one is no record."""
    from discovery_tui.errors import ConfigError
    from discovery_tui.yamlio import load_yaml

    try:
        data = load_yaml(profile_path, fix="fix it, or delete the file to start a new profile")
    except ConfigError:
        return WrittenRouter()
    record = data.get(WRITTEN_KEY) if isinstance(data, Mapping) else None
    if not isinstance(record, Mapping):
        return WrittenRouter()
    aliases = record.get("aliases")
    fallbacks = record.get("fallbacks")
    return WrittenRouter(
        aliases={str(k): str(v) for k, v in aliases.items()}
        if isinstance(aliases, Mapping)
        else None,
        fallbacks=fallback_table(fallbacks) if isinstance(fallbacks, Mapping) else None,
    )


def written_for_profile(
    aliases: Mapping[str, str], fallbacks: Mapping[str, Sequence[str]]
) -> dict[str, object]:
    """The ``written:`` value to save in profile.yaml."""
    return {
        "aliases": dict(aliases),
        "fallbacks": {alias: list(names) for alias, names in fallbacks.items()},
    }


def fallback_table(value: object) -> dict[str, tuple[str, ...]]:
    """alias -> model_names from a fallbacks value: a list of one-key mappings (LiteLLM's form)
    or a mapping (the profile's); the first item of a key wins; other shapes are skipped."""
    items: list[tuple[object, object]] = []
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list):
        one_key = [item for item in value if isinstance(item, Mapping) and len(item) == 1]
        items = [next(iter(item.items())) for item in one_key]
    table: dict[str, tuple[str, ...]] = {}
    for key, names in items:
        if not isinstance(key, str) or not isinstance(names, list) or key in table:
            continue
        if all(isinstance(name, str) for name in names):
            table[key] = tuple(str(name) for name in names)
    return table


def router_overrides(config_path: Path, include: object) -> tuple[str, ...]:
    """The files of ``include:`` (and their includes) with a ``router_settings`` of their own:
    LiteLLM merges included files over the config, so theirs replaces the one written here."""
    from discovery_tui.errors import ConfigError
    from discovery_tui.yamlio import load_yaml

    found: list[str] = []
    pending = [(str(name), config_path) for name in _names(include)]
    seen: set[Path] = {config_path.resolve()}
    while pending:
        name, declared_in = pending.pop(0)
        path = (declared_in.parent / name).resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        try:
            data = load_yaml(path, fix="fix the included file")
        except ConfigError:
            continue
        if isinstance(data, Mapping):
            if data.get("router_settings") is not None:
                found.append(name)
            pending.extend((str(inner), path) for inner in _names(data.get("include")))
    return tuple(found)


def _names(include: object) -> list[str]:
    return [name for name in include if isinstance(name, str)] if isinstance(include, list) else []
