"""The wizard's launch menu: each model the config will serve, once, with its aliases, context
window and price (``anthropic/claude-sonnet-4-6   claude, default   200k  $3/$15``).

An alias ``claude-X`` that points where ``X`` points is the /model picker's twin of ``X``: it
shares ``X``'s row and is not listed. A row launches with its first alias (the current launch
model when that is one of the row's), or with the model name when no alias points at it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from discovery_tui.formatting import context_text, price_per_million, shorten_middle

if TYPE_CHECKING:
    from discovery_tui.commands.wizard import Session
    from discovery_tui.ownership import TargetState
    from discovery_tui.plan import Plan

MAX_TARGET_WIDTH = 44
MIN_TARGET_WIDTH = 12
MIN_ROW_WIDTH = 40
MENU_MARGIN = 4  # the select's " » " before a row, and a column for the cursor
GAP = "  "
LAUNCH_QUESTION = "Which model should Claude Code launch with?"
PICKER_TWIN = "claude-"

Facts = Mapping[str, Mapping[str, object]]  # model_name -> its model_info


@dataclass(frozen=True)
class LaunchRow:
    """One row of the menu: the name it launches with, its model and what is known of it."""

    value: str
    target: str
    aliases: tuple[str, ...]
    context: str
    price: str


def launch_facts(state: TargetState, plan: Plan | None) -> dict[str, Mapping[str, object]]:
    """model_name -> model_info of every owned entry, as the config will have them."""
    facts: dict[str, Mapping[str, object]] = {}
    for entries in state.owned.values():
        for name, entry in entries.items():
            facts[name] = entry.model_info
    if plan is not None:
        facts.update({wanted.model_name: wanted.model_info for wanted in plan.entries})
    return facts


def shown_aliases(aliases: Mapping[str, str]) -> dict[str, list[str]]:
    """target -> its aliases in config order, without the picker twins (``claude-X`` of X)."""
    by_target: dict[str, list[str]] = {}
    for alias, target in aliases.items():
        twin_of = alias.removeprefix(PICKER_TWIN)
        if alias.startswith(PICKER_TWIN) and aliases.get(twin_of) == target:
            continue
        by_target.setdefault(target, []).append(alias)
    return by_target


def launch_rows(
    aliases: Mapping[str, str], models: Sequence[str], facts: Facts, *, current: str | None
) -> list[LaunchRow]:
    """Targets of aliases first (in alias order), then every other model, each once."""
    by_target = shown_aliases(aliases)
    every_alias: dict[str, list[str]] = {}
    for alias, target in aliases.items():
        every_alias.setdefault(target, []).append(alias)
    targets = list(by_target) + [m for m in models if m not in by_target]
    rows = []
    for target in targets:
        names = by_target.get(target, [])
        value = names[0] if names else target
        if current is not None and current in every_alias.get(target, []):
            value = current
        info = facts.get(target, {})
        rows.append(LaunchRow(value, target, tuple(names), *facts_text(info)))
    return rows


def facts_text(info: Mapping[str, object]) -> tuple[str, str]:
    """(context, price) as the menu shows them: ``200k``, ``$3/$15``; empty when unknown."""
    context = _number(info.get("max_input_tokens"))
    tokens = int(context) if context is not None else None
    prices = [_number(info.get(k)) for k in ("input_cost_per_token", "output_cost_per_token")]
    price = ""
    if any(p is not None for p in prices):
        price = "/".join(f"${price_per_million(p)}" for p in prices)
    return (context_text(tokens) if tokens else ""), price


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def row_titles(rows: Sequence[LaunchRow], *, width: int = 100) -> list[str]:
    """One line per row, in columns that fit ``width`` (the terminal's): model, aliases,
    context, price. When the full aliases leave the model too little room they become
    ``gemini-flash +1``; a model name still too long is shortened in the middle."""
    room = max(width - MENU_MARGIN, MIN_ROW_WIDTH)
    facts = _facts_column(rows)
    facts_width = max((len(f) for f in facts), default=0)
    target_full = min(max((len(r.target) for r in rows), default=0), MAX_TARGET_WIDTH)
    aliases = [", ".join(r.aliases) for r in rows]
    if _fixed(aliases, facts_width) + target_full > room:
        aliases = [_compact_aliases(r.aliases) for r in rows]
    target_width = max(min(target_full, room - _fixed(aliases, facts_width)), MIN_TARGET_WIDTH)
    alias_width = max((len(a) for a in aliases), default=0)
    titles = []
    for row, alias, fact in zip(rows, aliases, facts, strict=True):
        parts = [f"{shorten_middle(row.target, target_width):<{target_width}}"]
        parts += [f"{alias:<{alias_width}}"] if alias_width else []
        parts += [f"{fact:<{facts_width}}"] if facts_width else []
        titles.append(GAP.join(parts).rstrip())
    return titles


def _facts_column(rows: Sequence[LaunchRow]) -> list[str]:
    """`` 200k  $3/$15`` per row, the context right-aligned; empty when nothing is known."""
    context_width = max((len(r.context) for r in rows), default=0)
    if not context_width:
        return [r.price for r in rows]
    return [f"{r.context:>{context_width}}{GAP}{r.price}".rstrip() for r in rows]


def _fixed(aliases: Sequence[str], facts_width: int) -> int:
    """The columns a row needs besides the model name (its gaps included)."""
    alias_width = max((len(a) for a in aliases), default=0)
    return sum(width + len(GAP) for width in (alias_width, facts_width) if width)


def _compact_aliases(aliases: Sequence[str]) -> str:
    """``claude +1``: the first alias and how many more."""
    if len(aliases) <= 1:
        return "".join(aliases)
    return f"{aliases[0]} +{len(aliases) - 1}"


# --------------------------------------------------------------------------- the question


def launch_default(current: str | None, values: Sequence[str]) -> str:
    for candidate in (current, "claude", "default"):
        if candidate and candidate in values:
            return candidate
    return values[0]


def ask_launch_model(session: Session, plan: Plan | None) -> str | None:
    """One row per model the config serves after ``plan`` (None: as it is now), the current
    launch model preselected; None when the config has no model to launch with."""
    from discovery_tui.plan import names_after
    from discovery_tui.prompt import Option

    state = session.target.state()
    aliases, models = names_after(state, plan)
    if not aliases and not models:
        session.console.print("The config has no models yet: no launch model to choose.")
        return None
    facts = launch_facts(state, plan)
    rows = launch_rows(aliases, models, facts, current=session.profile.launch_model)
    titles = row_titles(rows, width=session.prompter.width())
    options = [
        Option(r.value, title, answer=r.value, search=" ".join([r.target, *r.aliases]))
        for r, title in zip(rows, titles, strict=True)
    ]
    default = launch_default(session.profile.launch_model, [o.value for o in options])
    return session.prompter.select(
        LAUNCH_QUESTION,
        options,
        default=default,
        search=True,
    )
