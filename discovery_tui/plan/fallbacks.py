"""Cross-provider fallbacks in ``router_settings.fallbacks``, owned like the aliases.

For every alias the tool writes whose family is served by more than one provider (refreshed, or
recorded in the profile), LiteLLM gets ``{ALIAS: [next provider's pick, ...]}`` in the profile's
provider order. LiteLLM looks a fallback up by the name the client asked for, so the key is the
alias, not its target (issue 13 findings c.). The tool owns the items it wrote (profile.yaml
records them); an item the user wrote for an alias is theirs, and the tool writes none beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from discovery_tui.ownership import TargetState, WrittenRouter
from discovery_tui.plan.model import FallbackChange, PlanNote


@dataclass(frozen=True)
class FallbackPlan:
    final: dict[str, tuple[str, ...]]  # every owned fallback item after the change
    changes: list[FallbackChange]
    notes: list[PlanNote]


def plan_fallbacks(
    chains: Mapping[str, tuple[str, ...]],
    alias_families: Mapping[str, str],
    final_aliases: Mapping[str, str],
    state: TargetState,
    written: WrittenRouter,
) -> FallbackPlan:
    """``chains``: family -> its providers' targets in precedence order; ``alias_families``:
    alias -> family, for the families.yaml aliases; ``final_aliases``: the owned aliases after."""
    recorded = written.fallbacks or {}
    wanted: dict[str, tuple[str, ...]] = {}
    for alias, target in final_aliases.items():
        family = alias_families.get(alias)
        rest = tuple(t for t in chains.get(family, ()) if t != target) if family else ()
        if rest:
            wanted[alias] = rest
    final: dict[str, tuple[str, ...]] = {}
    changes: list[FallbackChange] = []
    notes: list[PlanNote] = []
    for alias, names in wanted.items():
        old = state.fallbacks.get(alias)
        if old is not None and old != names and recorded.get(alias) != old:
            text = f"{alias}: your fallbacks for {alias} are kept; none written"
            notes.append(PlanNote("fallback_user", alias, text))
            continue
        final[alias] = names
        if old != names:
            changes.append(FallbackChange(alias, old, names))
    for alias, old in state.fallbacks.items():
        if alias not in final and recorded.get(alias) == old:
            changes.append(FallbackChange(alias, old, None))  # a provider or the alias left
    return FallbackPlan(final, changes, notes)
