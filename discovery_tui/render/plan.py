"""Render a Plan: rich tables for people (fit 80 columns, respect NO_COLOR), JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from discovery_tui.formatting import context_text, price_per_million, shorten_middle
from discovery_tui.plan import Plan, ProviderOutcome

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from discovery_tui.models import Model

STATUS_STYLE = {"ok": "green", "failed": "red", "skipped": "dim"}
CHANGE_MARK = {"added": "+", "removed": "-", "updated": "~"}
CHANGE_STYLE = {"added": "green", "removed": "red", "updated": "yellow"}


def plan_to_json(plan: Plan, *, written: bool) -> dict[str, Any]:
    """The one JSON object of ``--json`` (its shape is an interface: see the design)."""
    providers = {
        outcome.name: {
            "status": outcome.status,
            "error": outcome.error,
            "models": outcome.models,
            "picks": {
                family: {
                    "model": pick.model.id,
                    "by": pick.by,
                    "reason": pick.reason + (f" ({pick.note})" if pick.note else ""),
                }
                for family, pick in outcome.picks.items()
            },
        }
        for outcome in plan.providers
    }
    return {
        "providers": providers,
        "aliases": dict(plan.aliases),
        "changes": {kind: plan.names(kind) for kind in ("added", "removed", "updated")},
        "written": written,
    }


def dumps_json(plan: Plan, *, written: bool) -> str:
    return json.dumps(plan_to_json(plan, written=written), indent=2, ensure_ascii=False)


def model_facts(model: Model | None) -> tuple[str, str]:
    """(context, "$in/$out per Mtok") of a model, for tables."""
    if model is None:
        return "", ""
    prices = "/".join(
        price_per_million(v) for v in (model.input_cost_per_token, model.output_cost_per_token)
    )
    return context_text(model.context_window), prices


def _table(title: str | None, columns: Iterable[tuple[str, dict[str, Any]]]) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        title_style="bold",
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for name, options in columns:
        table.add_column(name, **options)
    return table


def _text(text: str, style: str = "") -> Text:
    """A cell that is never read as markup (ids may hold brackets)."""
    from rich.text import Text

    return Text(text, style=style)


def entry_counts(plan: Plan, outcome: ProviderOutcome) -> dict[str, int]:
    """added / removed / updated / kept (unchanged) entries of one refreshed provider."""
    counts = {kind: 0 for kind in (*CHANGE_MARK, "kept")}
    for change in plan.changes:
        if change.provider == outcome.name:
            counts[change.kind] += 1
    conflicts = set(plan.conflicts)
    wanted = sum(1 for e in outcome.entries if e.model_name not in conflicts)
    counts["kept"] = max(0, wanted - counts["added"] - counts["updated"])
    return counts


def counts_text(counts: dict[str, int]) -> str:
    changed = [f"{counts[kind]} {kind}" for kind in CHANGE_MARK if counts[kind]]
    if not changed:
        return f"no change ({counts['kept']} entries kept as is)"
    kept = f"; {counts['kept']} kept as is" if counts["kept"] else ""
    return ", ".join(changed) + kept


def providers_table(plan: Plan) -> Table:
    """The chosen providers: ok with their entry changes, failed with the reason (kept as is)."""
    table = _table(
        "Providers",
        [
            ("provider", {"no_wrap": True}),
            ("status", {"no_wrap": True}),
            ("models", {"justify": "right", "no_wrap": True}),
            ("entries", {"overflow": "fold"}),
        ],
    )
    for outcome in plan.providers:
        if outcome.status == "skipped":
            continue
        if outcome.status == "failed":
            note = f"kept as is: {outcome.error or 'failed'}"
        else:
            note = counts_text(entry_counts(plan, outcome))
        table.add_row(
            _text(outcome.name),
            _text(outcome.status, STATUS_STYLE[outcome.status]),
            str(outcome.models or ""),
            _text(note),
        )
    return table


def skipped_line(plan: Plan) -> str | None:
    skipped = [o.name for o in plan.providers if o.status == "skipped"]
    return f"Not chosen, kept as is: {', '.join(skipped)}." if skipped else None


def picks_table(plan: Plan) -> Table:
    """Each pick with how it was made (``by``) and why, the reason under the model."""
    from rich.markup import escape

    table = _table(
        "Best per family",
        [
            ("family", {"no_wrap": True}),
            ("provider", {"no_wrap": True}),
            ("by", {"no_wrap": True}),
            ("model / why", {"overflow": "fold", "ratio": 1}),
        ],
    )
    for outcome in plan.providers:
        for family, pick in outcome.picks.items():
            why = pick.reason + (f"; {pick.note}" if pick.note else "")
            cell = f"{escape(shorten_middle(pick.model.id, 44))}\n[dim]{escape(why)}[/]"
            table.add_row(family, outcome.name, pick.by, cell)
    return table


FACT_COLUMNS: list[tuple[str, dict[str, Any]]] = [
    ("context", {"justify": "right", "no_wrap": True}),
    ("$/Mtok in/out", {"justify": "right", "no_wrap": True}),
]
GAP = 2  # between two columns (no edges): see _table
FACTS_WIDTH = 7 + 13 + 2 * GAP  # the two fact columns and the gaps before them


def changes_table(plan: Plan, *, provider: str | None = None, width: int = 80) -> Table:
    """Entries added (+), removed (-), updated (~): of one provider, or of all."""
    title = "Entries"
    outcome = next((o for o in plan.providers if o.name == provider), None)
    if outcome is not None:
        title = f"{outcome.name}: {counts_text(entry_counts(plan, outcome))}"
    table = _table(title, [("", {"no_wrap": True}), ("model_name", {"no_wrap": True})])
    for name, options in FACT_COLUMNS:
        table.add_column(name, **options)
    facts = _facts_by_name(plan)
    room = max(20, width - FACTS_WIDTH - 1 - GAP)
    for change in plan.changes:
        if provider is not None and change.provider != provider:
            continue
        context, prices = (
            model_facts(change.model) if change.model else facts.get(change.model_name, ("", ""))
        )
        mark = _text(CHANGE_MARK[change.kind], CHANGE_STYLE[change.kind])
        table.add_row(mark, _text(shorten_middle(change.model_name, room)), context, prices)
    return table


def _facts_by_name(plan: Plan) -> dict[str, tuple[str, str]]:
    """(context, prices) from the wanted entries' model_info, for changes without a model."""
    facts: dict[str, tuple[str, str]] = {}
    for entry in plan.entries:
        info = entry.model_info
        context = info.get("max_input_tokens")
        prices = "/".join(
            price_per_million(v if isinstance(v, (int, float)) else None)
            for v in (info.get("input_cost_per_token"), info.get("output_cost_per_token"))
        )
        facts[entry.model_name] = (
            context_text(context if isinstance(context, int) else None),
            prices,
        )
    return facts


def aliases_table(plan: Plan, *, width: int = 80) -> Table:
    """Alias changes, old above ``-> new``, with the context and price of the new target."""
    alias_width = max((len(c.alias) for c in plan.alias_changes), default=5)
    room = max(20, width - alias_width - GAP - FACTS_WIDTH)
    table = _table("Aliases", [("alias", {"no_wrap": True}), ("old -> new", {"no_wrap": True})])
    for name, options in FACT_COLUMNS:
        table.add_column(name, vertical="bottom", **options)  # beside the new target
    for change in plan.alias_changes:
        context, prices = model_facts(change.target) if change.new else ("", "")
        new = shorten_middle(change.new, room - 3) if change.new else "(removed)"
        cell = f"-> {new}"  # a new alias: no old line
        if change.old:
            cell = f"{shorten_middle(change.old, room)}\n{cell}"
        table.add_row(_text(change.alias), _text(cell), context, prices)
    return table


def summary_line(plan: Plan) -> str:
    counts = ", ".join(f"{len(plan.names(k))} {k}" for k in ("added", "removed", "updated"))
    aliases = len(plan.alias_changes)
    if not plan.has_changes:
        return f"{plan.config_path}: nothing to change."
    return f"{plan.config_path}: {counts}; {aliases} alias change{'s' if aliases != 1 else ''}."


def render_plan(plan: Plan, console: Console) -> None:
    """The preview: providers, picks, entry changes per provider, alias changes, summary."""
    width = console.width
    console.print(providers_table(plan))
    skipped = skipped_line(plan)
    if skipped:
        console.print(_text(skipped, "dim"))
    if any(o.picks for o in plan.providers):
        console.print()
        console.print(picks_table(plan))
    for outcome in plan.providers:
        if any(c.provider == outcome.name for c in plan.changes):
            console.print()
            console.print(changes_table(plan, provider=outcome.name, width=width))
    if plan.alias_changes:
        console.print()
        console.print(aliases_table(plan, width=width))
    console.print()
    for name in plan.conflicts:
        console.print(
            f"[yellow]kept[/] {escape_text(name)}: a hand-written entry has this model_name; "
            "ours is skipped"
        )
    console.print(_text(summary_line(plan)))


def escape_text(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def apply_question(plan: Plan) -> str:
    """The confirm prompt of the wizard and of ``refresh`` on a terminal."""
    return f"Apply these changes to {plan.config_path}? (the old file is kept as .bak)"
