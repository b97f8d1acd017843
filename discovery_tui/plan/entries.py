"""The entries a refresh wants, and the three-way merge of each with what the config holds.

For every owned key of an owned entry (see :mod:`discovery_tui.ownership`): a value the user did
not touch since the tool wrote it follows the catalog; a value the user changed (its hash no longer
matches the entry's record), deleted, or added is the user's and gets no edit; the record keeps the
hash the tool wrote, so the value stays the user's on every later run. Running twice is once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from discovery_tui.models import OWNER_KEY, Entry, Model
from discovery_tui.ownership import (
    LEGACY_KEYS,
    REASONING_PARAMS,
    RECORD_KEY,
    RECORDED_KEYS,
    OwnedEntry,
    Section,
    TargetState,
    decode_record,
    encode_record,
    owned_keys,
    value_hash,
)
from discovery_tui.plan.model import EntryChange, KeptEdit, KeyEdit, PlanNote, ProviderOutcome
from discovery_tui.plan.reasoning import model_reasons

if TYPE_CHECKING:
    from discovery_tui.providers.base import ProviderSpec

_RECORDED = frozenset(RECORDED_KEYS)
ENV_PREFIX = "os.environ/"


# ------------------------------------------------------------------------- wanted entries
def entry_for(model: Model, spec: ProviderSpec, *, api_base: str | None) -> Entry:
    """The config entry of one catalog model: a key reference, never a key.

    A model that does not reason drops the reasoning parameters Claude Code sends (LiteLLM
    answers 400 or the upstream does otherwise). Whether it reasons: the catalog's flag, else the
    rule of :mod:`discovery_tui.plan.reasoning` (Claude 3.7+, o-series, grok-4, ...; unknown
    drops: a model that could reason then only loses the thinking, never the answer).
    """
    params: dict[str, object] = {"model": model.litellm_model}
    if spec.key_env:
        params["api_key"] = f"os.environ/{spec.key_env}"
    if api_base:
        params["api_base"] = api_base
    if not model_reasons(model):
        params["additional_drop_params"] = list(REASONING_PARAMS)
    info: dict[str, object] = {OWNER_KEY: spec.name, "mode": "chat"}
    optional: dict[str, object | None] = {
        "max_input_tokens": model.context_window,
        "max_output_tokens": model.max_output_tokens,
        "input_cost_per_token": model.input_cost_per_token,
        "output_cost_per_token": model.output_cost_per_token,
        "cache_read_input_token_cost": model.cache_read_cost_per_token,
        "cache_creation_input_token_cost": model.cache_write_cost_per_token,
        "supports_function_calling": model.supports_tools,
        "supports_reasoning": model.supports_reasoning,
        "supports_vision": ("image" in model.input_modalities) or None,
        "release_date": model.released.isoformat() if model.released else None,
        # LiteLLM's key for the day the model is retired: doctor warns without a fetch
        "deprecation_date": model.expires.isoformat() if model.expires else None,
    }
    info.update({key: value for key, value in optional.items() if value is not None})
    return Entry(model.litellm_model, spec.name, params, info)


def entries_for(
    spec: ProviderSpec, candidates: Mapping[str, Sequence[Model]], *, api_base: str | None
) -> tuple[Entry, ...]:
    """Every family-matched eligible model of one provider, family by family, best first."""
    seen: set[str] = set()
    entries: list[Entry] = []
    for models in candidates.values():
        for model in models:
            if model.litellm_model not in seen:
                seen.add(model.litellm_model)
                entries.append(entry_for(model, spec, api_base=api_base))
    return tuple(entries)


def with_record(entry: Entry, record: str) -> Entry:
    """``entry`` with the three-way record as the last key of its model_info."""
    info = {k: v for k, v in entry.model_info.items() if k != RECORD_KEY}
    info[RECORD_KEY] = record
    return Entry(entry.model_name, entry.provider, dict(entry.litellm_params), info)


def fresh_record(entry: Entry) -> str:
    """The record of an entry the tool writes whole."""
    return encode_record(
        {
            (section, key): value_hash(plain(value))
            for section, values in _sections(entry)
            for key, value in values.items()
            if (section, key) in _RECORDED
        }
    )


def _sections(entry: Entry) -> tuple[tuple[Section, Mapping[str, object]], ...]:
    return (("litellm_params", entry.litellm_params), ("model_info", entry.model_info))


# ------------------------------------------------------------------------- the changes
def conflicting_names(state: TargetState, entries: Sequence[Entry]) -> list[str]:
    """The names among ``entries`` held by an entry not owned by the entry's provider
    (hand-written, or another provider's) and not already the provider's: skipped.

    (Hand-written entries that share a model_name are LiteLLM load-balancing groups: fine.)
    """
    clashes: list[str] = []
    for entry in entries:
        held = state.holders.get(entry.model_name)
        if held and entry.provider not in held and entry.model_name not in clashes:
            clashes.append(entry.model_name)
    return clashes


def entry_changes(
    state: TargetState,
    outcomes: Sequence[ProviderOutcome],
    conflicts: set[str],
    models: Mapping[str, Model],
) -> list[EntryChange]:
    """Per refreshed provider: its wanted entries added or updated (in order), then removals."""
    changes: list[EntryChange] = []
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        current = state.owned.get(outcome.name, {})
        anchor = next(reversed(list(current)), None)  # new entries go after the last owned one
        wanted_names: set[str] = set()
        for entry in outcome.entries:
            if entry.model_name in conflicts or entry.model_name in wanted_names:
                continue
            wanted_names.add(entry.model_name)
            model = models.get(entry.model_name)
            existing = current.get(entry.model_name)
            if existing is None:
                whole = with_record(entry, fresh_record(entry))
                changes.append(
                    EntryChange(entry.model_name, outcome.name, "added", model, whole, anchor)
                )
                continue
            merged = merge_entry(existing, entry)
            if merged.edits:
                changes.append(
                    EntryChange(
                        entry.model_name,
                        outcome.name,
                        "updated",
                        model,
                        with_record(entry, merged.record),
                        edits=merged.edits,
                        kept=merged.kept,
                    )
                )
        changes.extend(
            EntryChange(name, outcome.name, "removed")
            for name in current
            if name not in wanted_names
        )
    return changes


def kept_edits(
    state: TargetState, outcomes: Sequence[ProviderOutcome], conflicts: set[str]
) -> list[KeptEdit]:
    """Every owned value of a refreshed provider's entries kept because the user changed it
    (and the catalog says otherwise), whether or not the entry has other edits."""
    kept: list[KeptEdit] = []
    for outcome in outcomes:
        current = state.owned.get(outcome.name, {}) if outcome.status == "ok" else {}
        for entry in outcome.entries:
            existing = current.get(entry.model_name)
            if existing is not None and entry.model_name not in conflicts:
                merged = merge_entry(existing, entry)
                kept.extend(
                    KeptEdit(entry.model_name, outcome.name, k, existing.merged.get(k))
                    for k in merged.kept
                )
    return list(dict.fromkeys(kept))


def key_routes(state: TargetState, kept: Sequence[KeptEdit]) -> list[PlanNote]:
    """A loud note for every owned entry whose ``api_base`` is the user's (written or merged in):
    its provider's key goes there, which the user may mean (a gateway) or not."""
    from discovery_tui.secrets import redact_url

    notes: list[PlanNote] = []
    for edit in kept:
        entry = state.owned.get(edit.provider, {}).get(edit.model_name)
        base = entry.litellm_params.get("api_base") if entry else None
        if edit.key != "litellm_params.api_base" or entry is None or not isinstance(base, str):
            continue
        key = entry.litellm_params.get("api_key")
        var = key.removeprefix(ENV_PREFIX) if isinstance(key, str) else ""
        sent = var if isinstance(key, str) and key.startswith(ENV_PREFIX) else "its api_key"
        via = f", via <<: *{edit.via}" if edit.via else ""
        notes.append(
            PlanNote(
                "key_route",
                edit.model_name,
                f"{edit.model_name} sends {sent} to {redact_url(base)} (your api_base{via})",
            )
        )
    return notes


# ------------------------------------------------------------------------- three-way merge
@dataclass(frozen=True)
class Merge:
    """The edits of one entry, the keys kept as the user's, and the entry's new record."""

    edits: tuple[KeyEdit, ...]
    kept: tuple[str, ...]
    record: str


def merge_entry(current: OwnedEntry, entry: Entry) -> Merge:
    """Three-way: the record (what the tool wrote), the entry as it is, the entry wanted."""
    record = decode_record(current.model_info.get(RECORD_KEY))
    removals: list[KeyEdit] = []
    sets: list[KeyEdit] = []
    kept: list[str] = []
    new_record: dict[tuple[Section, str], str] = {}
    sections: tuple[tuple[Section, Mapping[str, object], Mapping[str, object]], ...] = (
        ("litellm_params", current.litellm_params, entry.litellm_params),
        ("model_info", current.model_info, entry.model_info),
    )
    for section, have, want in sections:
        owned = owned_keys(section, have, entry) - {RECORD_KEY}
        for key in [k for k in have if k in owned and k not in want] + list(want):
            position = (section, key)
            wanted = plain(want[key]) if key in want else None
            if users_value(position, key in have, have.get(key), wanted, record):
                if record is not None and position in record:
                    new_record[position] = record[position]
                # a value the tool would write differently, or one of the keys it writes
                # (api_base, prices) that it would not write here (a merged-in api_base too)
                unwanted = key in have and position in _RECORDED
                if (key not in have or have[key] != wanted) if key in want else unwanted:
                    kept.append(f"{section}.{key}")
                continue
            if key not in want:
                removals.append(KeyEdit(section, key, remove=True))
                continue
            if position in _RECORDED:
                new_record[position] = value_hash(wanted)
            if key not in have or have[key] != wanted:
                sets.append(KeyEdit(section, key, want[key]))
    text = encode_record(new_record)
    edits = removals + sets
    if current.model_info.get(RECORD_KEY) != text:
        edits.append(KeyEdit("model_info", RECORD_KEY, text))
    return Merge(tuple(edits), tuple(kept), text)


def users_value(
    position: tuple[Section, str],
    present: bool,
    value: object,
    wanted: object,
    record: Mapping[tuple[Section, str], str] | None,
) -> bool:
    """Whether an owned key's value (or its absence) is the user's, to be kept."""
    if position not in _RECORDED:  # never written by the tool (its own marks aside)
        return present and value != wanted and not position[1].startswith(OWNER_KEY)
    if record is None:  # written by a version without the record: untouched
        return position not in LEGACY_KEYS and present
    if position in record:
        return not present or value_hash(value) != record[position]
    return present


def key_edits(current: OwnedEntry, entry: Entry) -> tuple[KeyEdit, ...]:
    """The owned keys to remove, to set (new or different), and the record: the edits of
    :func:`merge_entry`."""
    return merge_entry(current, entry).edits


def plain(value: object) -> object:
    """Tuples as lists, so a wanted value compares equal to the same value read back."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
