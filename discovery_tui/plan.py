"""What a refresh will change, as a frozen Plan that rendering and prompting only read.

The plan decides, apply executes: :func:`build_plan` compares what the run wants with a plain-data
snapshot of the target (:class:`TargetState`) and records the exact edits (entries added and
where, removed, updated key by key, skipped because a name is not ours, aliases set and removed).
An apply target (the config file; later a proxy's model API) performs exactly these edits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from discovery_tui.models import OWNER_KEY, Entry, Model, Pick
from discovery_tui.ownership import (
    OwnedEntry,
    Section,
    TargetState,
    owned_keys,
)

if TYPE_CHECKING:
    from discovery_tui.families import Family
    from discovery_tui.pipeline import Computation
    from discovery_tui.providers.base import ProviderSpec

ChangeKind = Literal["added", "removed", "updated"]
OutcomeStatus = Literal["ok", "failed", "skipped"]


# ------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class ProviderOutcome:
    """One provider in this run: ok (refreshed), failed (kept as is) or skipped (not chosen)."""

    name: str
    status: OutcomeStatus
    error: str | None = None
    models: int = 0
    picks: Mapping[str, Pick] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    candidates: tuple[Model, ...] = ()  # the family-matched models behind ``entries``


@dataclass(frozen=True)
class KeyEdit:
    """Set one owned key of an entry to ``value``, or (``remove``) delete it."""

    section: Section
    key: str
    value: object = None
    remove: bool = False


@dataclass(frozen=True)
class EntryChange:
    """One edit of ``model_list``, exact enough for a target to perform without deciding.

    added: ``entry`` goes after the owned entry named ``after`` (None: at the end), in plan
    order. updated: ``edits`` are applied to the existing entry, in order (``entry`` gives the
    key order for keys that are new). removed: the provider's entry of that name goes.
    """

    model_name: str
    provider: str
    kind: ChangeKind
    model: Model | None = None  # the catalog model, for added and updated entries
    entry: Entry | None = None
    after: str | None = None
    edits: tuple[KeyEdit, ...] = ()


@dataclass(frozen=True)
class AliasChange:
    """``alias`` goes from ``old`` to ``new`` (None: the alias is added / removed)."""

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

    def names(self, kind: ChangeKind) -> list[str]:
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

    def same_edits(self, other: Plan) -> bool:
        """Whether ``other`` makes exactly the same edits (what a user approved)."""
        return (self.changes, self.alias_changes) == (other.changes, other.alias_changes)


# ------------------------------------------------------------------------- wanted entries
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


# ------------------------------------------------------------------------- building the plan
def build_plan(state: TargetState, computation: Computation) -> Plan:
    """Compare what is wanted with the target's state: the exact entry and alias edits."""
    outcomes = computation.outcomes
    wanted = [e for o in outcomes if o.status == "ok" for e in o.entries]
    conflicts = conflicting_names(state, wanted)
    changes = entry_changes(state, outcomes, set(conflicts), computation.models)
    names_after = set(state.model_names)
    names_after -= {c.model_name for c in changes if c.kind == "removed"}
    names_after |= {c.model_name for c in changes if c.kind == "added"}
    targets = alias_targets(
        computation.families,
        outcomes,
        recorded_picks=computation.recorded_picks,
        provider_order=computation.provider_order,
        names_after=names_after,
    )
    final, alias_diff = alias_changes(
        computation.families, targets, state.aliases, names_after, computation.models
    )
    return Plan(
        config_path=state.path,
        providers=outcomes,
        changes=tuple(changes),
        aliases=final,
        alias_changes=tuple(alias_diff),
        conflicts=tuple(sorted(conflicts)),
    )


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
                changes.append(
                    EntryChange(entry.model_name, outcome.name, "added", model, entry, anchor)
                )
            elif edits := key_edits(existing, entry):
                changes.append(
                    EntryChange(
                        entry.model_name, outcome.name, "updated", model, entry, edits=edits
                    )
                )
        changes.extend(
            EntryChange(name, outcome.name, "removed")
            for name in current
            if name not in wanted_names
        )
    return changes


def key_edits(current: OwnedEntry, entry: Entry) -> tuple[KeyEdit, ...]:
    """The owned keys to remove (not wanted any more) and to set (new or different)."""
    edits: list[KeyEdit] = []
    sections: tuple[tuple[Section, Mapping[str, object], Mapping[str, object]], ...] = (
        ("litellm_params", current.litellm_params, entry.litellm_params),
        ("model_info", current.model_info, entry.model_info),
    )
    for section, have, want in sections:
        owned = owned_keys(section, have, entry)
        edits.extend(
            KeyEdit(section, key, remove=True) for key in have if key in owned and key not in want
        )
        edits.extend(
            KeyEdit(section, key, value)
            for key, value in want.items()
            if key not in have or have[key] != plain(value)
        )
    return tuple(edits)


def plain(value: object) -> object:
    """Tuples as lists, so a wanted value compares equal to the same value read back."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


# ------------------------------------------------------------------------- aliases
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


# ------------------------------------------------------------------------- after the plan
def names_after(state: TargetState, plan: Plan | None) -> tuple[dict[str, str], list[str]]:
    """(aliases, model names) of the target once ``plan`` is applied (None: as it is now),
    in the order the target will have them (for the wizard's launch-model menu)."""
    if plan is None:
        return dict(state.aliases), list(state.model_names)
    aliases = dict(state.aliases)
    for change in plan.alias_changes:
        if change.new is None:
            aliases.pop(change.alias, None)
        else:
            aliases[change.alias] = change.new
    removed = set(plan.names("removed"))
    inserts: dict[str | None, list[str]] = {}
    for added in plan.changes:
        if added.kind == "added":
            inserts.setdefault(added.after, []).append(added.model_name)
    names: list[str] = []
    for name in state.model_names:
        if name not in removed:
            names.append(name)
        names.extend(inserts.pop(name, ()))
    names.extend(inserts.pop(None, ()))
    return aliases, names
