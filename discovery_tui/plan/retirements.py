"""Retirements: an alias's target left its provider's catalog, or expires within 30 days.

The target's entry goes (the ranking never keeps a model that expires within 30 days), the alias
moves to the family's new target, and the plan says so: "xai/grok-4-0709 retired, grok moves to
xai/grok-4.3". A target that is still in the catalog without an expiry date (a narrower
families.yaml, say) is no retirement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from discovery_tui.plan.model import EntryChange, ProviderOutcome, Retirement

if TYPE_CHECKING:
    from discovery_tui.families import Family
    from discovery_tui.models import Model


def retirements(
    families: Mapping[str, Family],
    outcomes: Sequence[ProviderOutcome],
    changes: Sequence[EntryChange],
    current_aliases: Mapping[str, str],
    final_aliases: Mapping[str, str],
) -> list[Retirement]:
    """One retirement per family whose owned alias pointed at an entry this plan removes
    because the model left (or is leaving) its refreshed provider's catalog."""
    removed = {c.model_name: c.provider for c in changes if c.kind == "removed"}
    catalogs = {o.name: o.catalog for o in outcomes if o.status == "ok" and o.catalog}
    found: list[Retirement] = []
    for name, family in families.items():
        moved: dict[str, list[str]] = {}
        for alias in family.aliases:
            old = current_aliases.get(alias)
            if old is not None and old in removed and final_aliases.get(alias) != old:
                moved.setdefault(old, []).append(alias)
        for old, aliases in moved.items():
            provider = removed[old]
            if provider not in catalogs:
                continue  # no catalog to tell a retirement from another removal
            retirement = _retirement(name, aliases, provider, old, catalogs[provider])
            if retirement is not None:
                replacement = final_aliases.get(aliases[0])
                found.append(_with_replacement(retirement, replacement))
    return found


def _retirement(
    family: str, aliases: list[str], provider: str, old: str, catalog: Sequence[Model]
) -> Retirement | None:
    model = next((m for m in catalog if m.litellm_model == old), None)
    if model is None:
        return Retirement(family, tuple(aliases), provider, old, "retired", None, None)
    if model.expires is not None:
        return Retirement(family, tuple(aliases), provider, old, "expires", model.expires, None)
    return None


def _with_replacement(retirement: Retirement, replacement: str | None) -> Retirement:
    from dataclasses import replace

    return replace(retirement, replacement=replacement)
