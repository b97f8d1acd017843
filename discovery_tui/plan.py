"""Compute what a refresh will change, as a frozen Plan that rendering and prompting only read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui.models import OWNER_KEY, Entry, Model, Pick

if TYPE_CHECKING:
    from discovery_tui.configfile import ConfigDocument
    from discovery_tui.families import Family
    from discovery_tui.providers.base import ProviderSpec


@dataclass(frozen=True)
class ProviderOutcome:
    """One provider in this run: ok (refreshed), failed (kept as is) or skipped (not chosen)."""

    name: str
    status: str  # "ok" | "failed" | "skipped"
    error: str | None = None
    models: int = 0
    picks: Mapping[str, Pick] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    candidates: tuple[Model, ...] = ()  # the family-matched models behind ``entries``


@dataclass(frozen=True)
class EntryChange:
    model_name: str
    provider: str
    kind: str  # "added" | "removed" | "updated"
    model: Model | None = None  # the catalog model, for added and updated entries


@dataclass(frozen=True)
class AliasChange:
    alias: str
    old: str | None
    new: str | None
    target: Model | None = None  # the model the alias now points at, when known


@dataclass(frozen=True)
class Plan:
    config_path: Path
    providers: tuple[ProviderOutcome, ...]
    changes: tuple[EntryChange, ...]
    aliases: Mapping[str, str]  # every owned alias after the change
    alias_changes: tuple[AliasChange, ...]
    conflicts: tuple[str, ...] = ()  # model_names held by hand-written entries: ours skipped

    def names(self, kind: str) -> list[str]:
        return [change.model_name for change in self.changes if change.kind == kind]

    @property
    def refreshed(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.providers if p.status == "ok")

    @property
    def failed(self) -> tuple[ProviderOutcome, ...]:
        return tuple(p for p in self.providers if p.status == "failed")

    @property
    def has_changes(self) -> bool:
        return bool(self.changes or self.alias_changes)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for p in self.providers if p.status == "ok" for e in p.entries)


def entry_for(model: Model, spec: ProviderSpec, *, api_base: str | None) -> Entry:
    """The config entry of one catalog model: a key reference, never a key."""
    params: dict[str, object] = {"model": model.litellm_model}
    if spec.key_env:
        params["api_key"] = f"os.environ/{spec.key_env}"
    if api_base:
        params["api_base"] = api_base
    info: dict[str, object] = {OWNER_KEY: spec.name, "mode": "chat"}
    optional: dict[str, object | None] = {
        "max_input_tokens": model.context_window,
        "max_output_tokens": model.max_output_tokens,
        "input_cost_per_token": model.input_cost_per_token,
        "output_cost_per_token": model.output_cost_per_token,
        "supports_function_calling": model.supports_tools,
        "supports_reasoning": model.supports_reasoning,
        "supports_vision": ("image" in model.input_modalities) or None,
        "release_date": model.released.isoformat() if model.released else None,
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


def entry_changes(
    doc: ConfigDocument,
    outcomes: Sequence[ProviderOutcome],
    conflicts: set[str],
    models: Mapping[str, Model],
) -> list[EntryChange]:
    owned = doc.owned_entries()
    changes: list[EntryChange] = []
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        current = owned.get(outcome.name, {})
        wanted_names = set()
        for entry in outcome.entries:
            if entry.model_name in conflicts:
                continue
            wanted_names.add(entry.model_name)
            model = models.get(entry.model_name)
            if entry.model_name not in current:
                changes.append(EntryChange(entry.model_name, outcome.name, "added", model))
            elif doc.entry_changed(entry):
                changes.append(EntryChange(entry.model_name, outcome.name, "updated", model))
        changes.extend(
            EntryChange(name, outcome.name, "removed")
            for name in current
            if name not in wanted_names
        )
    return changes


def precedence(order: Sequence[str], registry_order: Sequence[str]) -> list[str]:
    """The profile's provider order first, then the registry's (first-party before aggregators)."""
    ranked = [name for name in order if name in registry_order]
    return ranked + [name for name in registry_order if name not in ranked]


def alias_targets(
    families: Mapping[str, Family],
    outcomes: Sequence[ProviderOutcome],
    *,
    recorded_picks: Mapping[str, Mapping[str, str]],
    provider_order: Sequence[str],
    names_after: set[str],
) -> dict[str, str]:
    """family -> model_name: the pick of the first provider (in precedence order) that has one.

    Refreshed providers offer their new picks; the others offer the picks recorded in the
    profile, as long as that entry is still in the config.
    """
    fresh = {o.name: o for o in outcomes if o.status == "ok"}
    targets: dict[str, str] = {}
    for family in families:
        for provider in provider_order:
            target = _provider_target(provider, family, fresh, recorded_picks, names_after)
            if target:
                targets[family] = target
                break
    return targets


def _provider_target(
    provider: str,
    family: str,
    fresh: Mapping[str, ProviderOutcome],
    recorded: Mapping[str, Mapping[str, str]],
    names_after: set[str],
) -> str | None:
    if provider in fresh:
        pick = fresh[provider].picks.get(family)
        target = pick.model.litellm_model if pick else None
    else:
        target = recorded.get(provider, {}).get(family)
    return target if target and target in names_after else None


def alias_changes(
    families: Mapping[str, Family],
    targets: Mapping[str, str],
    current: Mapping[str, str],
    names_after: set[str],
    models: Mapping[str, Model],
) -> tuple[dict[str, str], list[AliasChange]]:
    """The owned aliases after the change, and the changes to them.

    A family with no pick anywhere keeps its alias while the target still exists, and loses it
    when the target is gone (a dangling alias breaks LiteLLM).
    """
    final: dict[str, str] = {}
    changes: list[AliasChange] = []
    for name, family in families.items():
        for alias in family.aliases:
            old = current.get(alias)
            new = targets.get(name) or (old if old in names_after else None)
            if new:
                final[alias] = new
            if new != old:
                changes.append(AliasChange(alias, old, new, models.get(new) if new else None))
    return final, changes
