"""The aliases of ``router_settings.model_group_alias``: which are the tool's, where they point.

The tool owns the aliases it wrote and only those (profile.yaml records them; a profile of an
older version: the aliases families.yaml defines). An alias
- never takes a name a model of the config already has (LiteLLM lets an alias win over a model);
- never points at a name held by an entry that is not the tool's: it goes to the next provider's
  pick, or is not written;
- goes with its family when families.yaml no longer has the family;
- the user re-pointed is the user's and is kept;
- that points at the recorded pick of a provider whose fetch failed is kept as it is, also when
  an entry that is not the tool's now holds that name: a failed provider changes nothing of its
  own, and the next refresh that reaches it settles the alias (by the rules above).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from discovery_tui.ownership import TargetState, WrittenRouter
from discovery_tui.plan.model import AliasChange, PlanNote, ProviderOutcome

if TYPE_CHECKING:
    from discovery_tui.families import Family
    from discovery_tui.models import Model


def precedence(order: Sequence[str], registry_order: Sequence[str]) -> list[str]:
    """The profile's provider order first, then the registry's (first-party before aggregators)."""
    ranked = [name for name in order if name in registry_order]
    return ranked + [name for name in registry_order if name not in ranked]


@dataclass(frozen=True)
class Names:
    """The model names of the target once the entry changes are made."""

    all: frozenset[str]  # every entry's model_name (hand-written ones too)
    hand: frozenset[str]  # names held by an entry that is not the tool's

    def ours(self, name: str | None) -> bool:
        return name is not None and name in self.all and name not in self.hand


def names_of(state: TargetState, removed: set[str], added: set[str]) -> Names:
    hand = frozenset(name for name, who in state.holders.items() if None in who)
    return Names(frozenset((set(state.model_names) - removed) | added | hand), hand)


@dataclass(frozen=True)
class Targets:
    """family -> the providers' valid targets, in precedence order (the first is the alias's)."""

    chains: Mapping[str, tuple[str, ...]]
    notes: tuple[PlanNote, ...] = ()
    skipped: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # hand-held picks
    # family -> (hand-held recorded pick, its provider) of a provider whose fetch failed: the
    # alias that points there is held as it is
    held: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def family_targets(
    families: Mapping[str, Family],
    outcomes: Sequence[ProviderOutcome],
    *,
    recorded_picks: Mapping[str, Mapping[str, str]],
    provider_order: Sequence[str],
    names: Names,
) -> Targets:
    """Per family, each provider's pick that the target will hold as the tool's entry.

    Refreshed providers offer their new picks; the others the picks recorded in the profile.
    A pick whose name a hand-written entry holds is passed over (the next provider's wins).
    """
    fresh = {o.name: o for o in outcomes if o.status == "ok"}
    failed = {o.name for o in outcomes if o.status == "failed"}
    chains: dict[str, tuple[str, ...]] = {}
    skipped: dict[str, tuple[str, ...]] = {}
    held: dict[str, tuple[str, str]] = {}
    for family in families:
        chain: list[str] = []
        passed: list[str] = []
        for provider in provider_order:
            target = _offered(provider, family, fresh, recorded_picks)
            if target is None or target in chain:
                continue
            if names.ours(target):
                chain.append(target)
            elif target in names.hand and not chain:
                passed.append(target)
                if provider in failed and family not in held:
                    held[family] = (target, provider)
        chains[family] = tuple(chain)
        if passed:
            skipped[family] = tuple(passed)
    return Targets(chains, skipped=skipped, held=held)


def _offered(
    provider: str,
    family: str,
    fresh: Mapping[str, ProviderOutcome],
    recorded: Mapping[str, Mapping[str, str]],
) -> str | None:
    if provider in fresh:
        pick = fresh[provider].picks.get(family)
        return pick.model.litellm_model if pick else None
    return recorded.get(provider, {}).get(family)


@dataclass(frozen=True)
class AliasRecord:
    """What tells the tool's aliases from the user's: families.yaml, the profile's ``written:``
    record, and the picks recorded per provider (for families that are gone)."""

    families: Mapping[str, Family]
    written: WrittenRouter
    recorded_picks: Mapping[str, Mapping[str, str]]

    def is_ours(self, alias: str, value: str) -> bool:
        """Whether the alias as the config has it is the tool's."""
        if self.written.aliases is not None:
            return self.written.aliases.get(alias) == value
        defined = {a for f in self.families.values() for a in f.aliases}
        recorded = {family for picks in self.recorded_picks.values() for family in picks}
        return alias in defined or alias in recorded - set(self.families)


@dataclass(frozen=True)
class AliasPlan:
    final: dict[str, str]  # every owned alias after the change
    changes: list[AliasChange]
    notes: list[PlanNote]


def plan_aliases(
    record: AliasRecord,
    targets: Targets,
    state: TargetState,
    names: Names,
    models: Mapping[str, Model],
) -> AliasPlan:
    """The owned aliases after the change, the changes to them, and why some are not written."""
    families = record.families
    final: dict[str, str] = {}
    changes: list[AliasChange] = []
    notes: list[PlanNote] = []

    def ours(alias: str, chain: tuple[str, ...]) -> bool:
        """Free, recorded as the tool's, or already what the tool would write (adopted)."""
        old = state.aliases.get(alias)
        if old is None or (chain and old == chain[0]):
            return True
        return record.is_ours(alias, old)

    for name, family in families.items():
        chain = targets.chains.get(name, ())
        hold, failed = targets.held.get(name, (None, ""))
        passed = [t for t in targets.skipped.get(name, ()) if t != hold]
        notes.extend(_passed_notes(family.aliases, passed, chain))
        if hold is not None and hold in (state.aliases.get(a) for a in family.aliases):
            notes.append(_held_note(family.aliases, hold, failed))
        for alias in family.aliases:
            old = state.aliases.get(alias)
            if not ours(alias, chain):
                if chain:
                    text = f"{alias}: kept your alias ({old})"
                    notes.append(PlanNote("alias_user", alias, text))
                continue
            if alias in names.all:
                new = None
                verb = "removed" if old is not None else "not written"
                text = (
                    f"{alias}: {verb}, your model_name {alias} has this name "
                    "(an alias would win over it)"
                )
                notes.append(PlanNote("alias_shadowed", alias, text))
            elif hold is not None and old == hold:
                new = old  # its provider failed: kept as it is
            else:
                new = chain[0] if chain else (old if names.ours(old) else None)
            if new:
                final[alias] = new
            if new != old:
                changes.append(AliasChange(alias, old, new, models.get(new) if new else None))
    defined = {a for f in families.values() for a in f.aliases}
    for alias, old in state.aliases.items():
        if alias not in defined and record.is_ours(alias, old):
            changes.append(AliasChange(alias, old, None))  # its family is gone
    return AliasPlan(final, changes, notes)


def _held_note(aliases: Sequence[str], target: str, provider: str) -> PlanNote:
    subject = " and ".join(aliases)
    kept = "is kept as it is" if len(aliases) == 1 else "are kept as they are"
    return PlanNote(
        "alias_not_ours",
        aliases[0],
        f"{subject}: {target} is your own entry, not written by discovery-tui; "
        f"{subject} {kept} until {provider} is refreshed",
    )


def _passed_notes(
    aliases: Sequence[str], passed: Sequence[str], chain: Sequence[str]
) -> list[PlanNote]:
    subject = " and ".join(aliases)
    where = f"points at {chain[0]} instead" if chain else "is not written"
    if chain and len(aliases) > 1:
        where = f"point at {chain[0]} instead"
    elif not chain and len(aliases) > 1:
        where = "are not written"
    return [
        PlanNote(
            "alias_not_ours",
            aliases[0],
            f"{subject}: {name} is your own entry, not written by discovery-tui; {subject} {where}",
        )
        for name in passed
    ]
