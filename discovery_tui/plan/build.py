"""Building the plan: what the run wants, compared with a plain snapshot of the target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discovery_tui.plan.aliases import AliasRecord, family_targets, names_of, plan_aliases
from discovery_tui.plan.entries import conflicting_names, entry_changes, kept_edits, key_routes
from discovery_tui.plan.fallbacks import plan_fallbacks
from discovery_tui.plan.model import EntryChange, KeptEdit, Plan, PlanNote, Retirement
from discovery_tui.plan.retirements import retirements
from discovery_tui.plan.settings import setting_changes

if TYPE_CHECKING:
    from discovery_tui.ownership import TargetState
    from discovery_tui.pipeline import Computation


def build_plan(state: TargetState, computation: Computation) -> Plan:
    """Compare what is wanted with the target's state: the exact entry, alias and fallback
    edits, and the notes that explain what is not done (kept edits, shadowed aliases, ...)."""
    outcomes = computation.outcomes
    written = computation.written if state.written is None else state.written
    wanted = [e for o in outcomes if o.status == "ok" for e in o.entries]
    conflicts = conflicting_names(state, wanted)
    changes, pinned = unpinned(
        state, entry_changes(state, outcomes, set(conflicts), computation.models)
    )
    names = names_of(
        state,
        removed={c.model_name for c in changes if c.kind == "removed"},
        added={c.model_name for c in changes if c.kind == "added"},
    )
    targets = family_targets(
        computation.families,
        outcomes,
        recorded_picks=computation.recorded_picks,
        provider_order=computation.provider_order,
        names=names,
    )
    record = AliasRecord(computation.families, written, computation.recorded_picks)
    aliases = plan_aliases(record, targets, state, names, computation.models)
    alias_families = {a: name for name, f in computation.families.items() for a in f.aliases}
    fallbacks = plan_fallbacks(targets.chains, alias_families, aliases.final, state, written)
    retired = retirements(computation.families, outcomes, changes, state.aliases, aliases.final)
    kept = kept_edits(state, outcomes, set(conflicts))
    return Plan(
        config_path=state.path,
        providers=outcomes,
        changes=tuple(changes),
        aliases=aliases.final,
        alias_changes=tuple(aliases.changes),
        conflicts=tuple(sorted(conflicts)),
        fallbacks=fallbacks.final,
        fallback_changes=tuple(fallbacks.changes),
        kept=tuple(kept),
        retirements=tuple(retired),
        notes=tuple(all_notes(kept, aliases.notes, fallbacks.notes, retired, state) + pinned),
        setting_changes=setting_changes(state, computation.settings),
    )


def unpinned(
    state: TargetState, changes: list[EntryChange]
) -> tuple[list[EntryChange], list[PlanNote]]:
    """The changes without those of pinned entries (owned entries that define a YAML anchor
    something else uses: editing them would edit that too), and a note for each left out."""
    kept = [
        c for c in changes if c.kind == "added" or (c.provider, c.model_name) not in state.pinned
    ]
    notes = [
        PlanNote(
            "pinned",
            c.model_name,
            f"kept as it is: {c.model_name} is shared with a hand-written entry "
            "(a YAML anchor another entry uses)",
        )
        for c in changes
        if c not in kept
    ]
    return kept, notes


def all_notes(
    kept: list[KeptEdit],
    alias_notes: list[PlanNote],
    fallback_notes: list[PlanNote],
    retired: list[Retirement],
    state: TargetState,
) -> list[PlanNote]:
    """Every note of the plan, in a stable order: retirements, aliases, fallbacks, includes,
    kept edits."""
    notes = key_routes(state, kept)  # first: a key that goes to a base the tool did not choose
    notes += [PlanNote(r.reason, r.aliases[0], r.text) for r in retired]
    notes += alias_notes + fallback_notes
    notes += [
        PlanNote(
            "include_override",
            name,
            f"{name} (included) has its own router_settings, which replaces the one in "
            f"{state.path.name}: LiteLLM will not use the aliases and fallbacks written here",
        )
        for name in state.router_overrides
    ]
    notes += [PlanNote("kept", k.model_name, k.text) for k in kept]
    return notes


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
