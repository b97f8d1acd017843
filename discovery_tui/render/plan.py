"""Render a Plan: the summary (``render.summary``) and, on request, rich tables of every entry
for people (fit the width, respect NO_COLOR); JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from discovery_tui.formatting import context_text, price_per_million, shorten_middle
from discovery_tui.plan import Plan, ProviderOutcome
from discovery_tui.safetext import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from discovery_tui.models import Model
    from discovery_tui.pipeline import Computation

STATUS_STYLE = {"ok": "green", "failed": "red", "skipped": "dim"}
CHANGE_MARK = {"added": "+", "removed": "-", "updated": "~"}
CHANGE_STYLE = {"added": "green", "removed": "red", "updated": "yellow"}


def plan_to_json(
    plan: Plan, *, written: bool, computation: Computation | None = None
) -> dict[str, Any]:
    """The one JSON object of ``--json`` (its shape is an interface: see the design; keys are
    only ever added)."""
    notes = computation.notes if computation else {}
    filled = computation.filled if computation else {}
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
            "notes": list(notes.get(outcome.name, ())),
            "filled": dict(filled.get(outcome.name, {})),
            "not_in_family": [
                {"name": line.name, "vendor": line.vendor, "models": list(line.models)}
                for line in outcome.unmatched
            ],
        }
        for outcome in plan.providers
    }
    data: dict[str, Any] = {
        "providers": providers,
        "aliases": dict(plan.aliases),
        "changes": {kind: plan.names(kind) for kind in ("added", "removed", "updated")},
        "written": written,
    }
    data.update(_plan_notes_json(plan))
    if computation is not None:
        data["enrichment"] = computation.enrichment.as_json()
    return data


def _plan_notes_json(plan: Plan) -> dict[str, Any]:
    return {
        "notes": [note.text for note in plan.notes],
        "kept": [{"model_name": k.model_name, "key": k.key} for k in plan.kept],
        "fallbacks": {alias: list(names) for alias, names in plan.fallbacks.items()},
        "retirements": [
            {
                "aliases": list(r.aliases),
                "family": r.family,
                "provider": r.provider,
                "model": r.model,
                "reason": r.reason,
                "expires": r.expires.isoformat() if r.expires else None,
                "replacement": r.replacement,
            }
            for r in plan.retirements
        ],
        "conflicts": list(plan.conflicts),
    }


def dumps_json(plan: Plan, *, written: bool, computation: Computation | None = None) -> str:
    data = plan_to_json(plan, written=written, computation=computation)
    return json.dumps(data, indent=2, ensure_ascii=False)


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
        return "no change"
    kept = f"; {counts['kept']} unchanged" if counts["kept"] else ""
    return ", ".join(changed) + kept


def picks_table(plan: Plan, *, width: int = 80) -> Table:
    """Each pick with how it was made (``by``) and why, the reason under the model."""
    from rich.markup import escape

    table = _table(
        "Best per family",
        [
            ("family", {"no_wrap": True}),
            ("provider", {"no_wrap": True}),
            ("by", {"no_wrap": True}),
            ("model / why", {"ratio": 1}),
        ],
    )
    rows = [(f, o.name, p) for o in plan.providers for f, p in o.picks.items()]
    fixed = max((len(f) for f, _, _ in rows), default=6) + max(
        (len(n) for _, n, _ in rows), default=8
    )
    room = max(20, width - fixed - len("heuristic") - 3 * GAP)
    for family, provider, pick in rows:
        why = printable(pick.reason + (f"; {pick.note}" if pick.note else ""))
        model = escape(shorten_middle(pick.model.id, room))
        table.add_row(family, provider, pick.by, f"{model}\n[dim]{escape(why)}[/]")
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


def render_preview(
    plan: Plan,
    console: Console,
    computation: Computation | None = None,
    *,
    details: bool = False,
) -> None:
    """The one-screen summary (``render.summary``); with ``details`` the per-entry tables too."""
    from discovery_tui.render.console import say
    from discovery_tui.render.summary import summary_lines

    for line in summary_lines(plan, computation, width=console.width):
        say(console, line)
    if details and plan.refreshed:
        render_details(plan, console, computation)


def render_details(
    plan: Plan, console: Console, computation: Computation | None = None
) -> None:
    """Best per family, then the entries added, updated and removed, provider by provider, and
    every catalog note and model in no family, one per line."""
    from discovery_tui.render.console import say

    width = console.width
    if any(o.picks for o in plan.providers):
        console.print()
        print_table(console, picks_table(plan, width=width))
    for outcome in plan.providers:
        if any(c.provider == outcome.name for c in plan.changes):
            console.print()
            print_table(console, changes_table(plan, provider=outcome.name, width=width))
    notes = computation.notes if computation else {}
    extra = [
        *(f"{name}: {note}" for name, found in notes.items() for note in found),
        *(
            f"not in any family ({o.name}): {line.name}: {', '.join(line.models)}"
            for o in plan.providers
            for line in o.unmatched
        ),
    ]
    if extra:
        console.print()
    for text in extra:
        say(console, printable(text))


def print_table(console: Console, table: Table) -> None:
    """``table`` as rich draws it; to a pipe or file without the spaces rich pads each row with
    up to the table's width (rich has no option for that: its lines are cut here)."""
    from rich.segment import Segment, Segments

    if console.is_terminal:
        console.print(table)
        return
    for line in console.render_lines(table, pad=False):
        while line and not line[-1].control and not line[-1].text.rstrip():
            line.pop()
        if line:
            last = line[-1]
            line[-1] = Segment(last.text.rstrip(), last.style, last.control)
        console.print(Segments([*line, Segment.line()]), soft_wrap=True)


def render_plan(plan: Plan, console: Console) -> None:
    """The summary and every table (kept for callers of the former full preview)."""
    render_preview(plan, console, details=True)


def escape_text(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def apply_question(plan: Plan) -> str:
    """The apply question of the wizard and of ``refresh`` on a terminal (the answers say
    where the previous version goes: :func:`apply_answer`)."""
    return f"Apply these changes to {plan.config_path}?"


def apply_answer(plan: Plan) -> str:
    """The "Apply" answer: ``Apply (the previous file is kept as config.yaml.bak)``."""
    if plan.config_path.exists():
        return f"Apply (the previous file is kept as {plan.config_path.name}.bak)"
    return f"Apply (creates {plan.config_path.name})"
