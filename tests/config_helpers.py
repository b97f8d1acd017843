"""Refreshing a config through the real plan: ``build_plan`` on the document's state, then the
document executes the plan (what :class:`discovery_tui.apply.ConfigFileTarget` does under its
lock). Aliases a test names are added to the plan as ``AliasChange``s (executor tests); the
alias rules themselves are exercised through families and picks (tests/test_config_properties)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from discovery_tui.ownership import WrittenRouter
from discovery_tui.pipeline import Computation
from discovery_tui.plan import AliasChange, Plan, ProviderOutcome, build_plan

if TYPE_CHECKING:
    from discovery_tui.configfile import ConfigDocument
    from discovery_tui.models import Entry


def entries_run(
    providers: Collection[str], entries: Sequence[Entry], **fields: object
) -> Computation:
    """A run in which each of ``providers`` was refreshed and wants exactly its ``entries``."""
    order = list(dict.fromkeys(e.provider for e in entries))
    unknown = set(order) - set(providers)
    assert not unknown, f"entries of providers not refreshed: {unknown}"
    order += sorted(set(providers) - set(order))
    outcomes = tuple(
        ProviderOutcome(p, "ok", entries=tuple(e for e in entries if e.provider == p))
        for p in order
    )
    values: dict[str, object] = {
        "outcomes": outcomes,
        "families": {},
        "provider_order": tuple(order),
        "recorded_picks": {},
        "models": {},
        "written": WrittenRouter(),
    }
    values.update(fields)
    return Computation(**values)  # type: ignore[arg-type]


def plan_refresh(
    doc: ConfigDocument,
    *,
    replace_providers: Collection[str],
    entries: Sequence[Entry],
    aliases: Mapping[str, str | None],
) -> Plan:
    """Build the plan of a refresh of ``replace_providers`` on ``doc`` and execute it in
    memory (``doc.write()`` writes it); ``aliases``: alias -> model_name (None removes it)."""
    state = doc.state()
    plan = build_plan(state, entries_run(replace_providers, entries))
    named = tuple(AliasChange(a, state.aliases.get(a), t) for a, t in aliases.items())
    plan = replace(plan, alias_changes=named)
    doc.execute(plan)
    return plan
