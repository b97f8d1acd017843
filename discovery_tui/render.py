"""Render a Plan: rich tables for people (fit 80 columns, respect NO_COLOR), JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from discovery_tui.plan import Plan

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from discovery_tui.models import Model

STATUS_STYLE = {"ok": "green", "failed": "red", "skipped": "dim"}
CHANGE_MARK = {"added": "+", "removed": "-", "updated": "~"}


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


def shorten_middle(text: str, width: int) -> str:
    """``openrouter/anthropic/claude-…-4.6``: keep both ends, never wrap."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return f"{text[:head]}…{text[len(text) - tail :]}"


def price_per_million(value: float | None) -> str:
    if value is None:
        return "?"
    per_million = value * 1_000_000
    return f"{per_million:.2f}".rstrip("0").rstrip(".") if per_million else "0"


def context_text(tokens: int | None) -> str:
    if not tokens:
        return "?"
    if tokens >= 1_000_000:
        return f"{tokens / 1_000_000:.3g}M"
    return f"{round(tokens / 1000):d}k"


def model_facts(model: Model | None) -> tuple[str, str]:
    """(context, "$in/$out per Mtok") of a model, for tables."""
    if model is None:
        return "", ""
    prices = "/".join(
        price_per_million(v) for v in (model.input_cost_per_token, model.output_cost_per_token)
    )
    return context_text(model.context_window), prices


def _table(title: str, columns: Iterable[tuple[str, dict[str, Any]]]) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for name, options in columns:
        table.add_column(name, **options)
    return table


def providers_table(plan: Plan) -> Table:
    table = _table(
        "Providers",
        [
            ("provider", {"no_wrap": True}),
            ("status", {"no_wrap": True}),
            ("models", {"justify": "right"}),
            ("note", {"overflow": "fold", "max_width": 52}),
        ],
    )
    for outcome in plan.providers:
        note = outcome.error or ("not chosen: kept as is" if outcome.status == "skipped" else "")
        if outcome.status == "failed":
            note = f"kept as is: {note}"
        style = STATUS_STYLE[outcome.status]
        table.add_row(
            outcome.name, f"[{style}]{outcome.status}[/]", str(outcome.models or ""), note
        )
    return table


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


def changes_table(plan: Plan) -> Table:
    table = _table(
        "Entries",
        [
            ("", {"no_wrap": True}),
            ("model_name", {"no_wrap": True}),
            ("context", {"justify": "right", "no_wrap": True}),
            ("$/Mtok in/out", {"justify": "right", "no_wrap": True}),
        ],
    )
    styles = {"added": "green", "removed": "red", "updated": "yellow"}
    for change in plan.changes:
        context, prices = model_facts(change.model)
        mark = f"[{styles[change.kind]}]{CHANGE_MARK[change.kind]}[/]"
        table.add_row(mark, shorten_middle(change.model_name, 50), context, prices)
    return table


def aliases_table(plan: Plan) -> Table:
    table = _table(
        "Aliases",
        [
            ("alias", {"no_wrap": True}),
            ("old -> new", {"no_wrap": True}),
            ("context", {"justify": "right", "no_wrap": True}),
            ("$/Mtok", {"justify": "right", "no_wrap": True}),
        ],
    )
    for change in plan.alias_changes:
        context, prices = model_facts(change.target)
        old = shorten_middle(change.old, 20) if change.old else "(none)"
        new = shorten_middle(change.new, 28) if change.new else "(removed)"
        table.add_row(change.alias, f"{old} -> {new}", context, prices)
    return table


def summary_line(plan: Plan) -> str:
    counts = ", ".join(f"{len(plan.names(k))} {k}" for k in ("added", "removed", "updated"))
    aliases = len(plan.alias_changes)
    if not plan.has_changes:
        return f"{plan.config_path}: nothing to change."
    return f"{plan.config_path}: {counts}; {aliases} alias change{'s' if aliases != 1 else ''}."


def render_plan(plan: Plan, console: Console) -> None:
    console.print(providers_table(plan))
    if any(o.picks for o in plan.providers):
        console.print(picks_table(plan))
    if plan.changes:
        console.print(changes_table(plan))
    if plan.alias_changes:
        console.print(aliases_table(plan))
    for name in plan.conflicts:
        console.print(
            f"[yellow]kept[/] {name}: a hand-written entry has this model_name; ours is skipped"
        )
    console.print(summary_line(plan))


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A console that fits 80 columns when not on a terminal, and honours NO_COLOR."""
    from rich.console import Console

    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False)
