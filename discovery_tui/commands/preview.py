"""The preview and its question, shared by ``refresh`` and the wizard: the summary first, the
per-entry tables on request (``--details``, or "Show details" at the prompt)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from discovery_tui.pipeline import Computation
    from discovery_tui.plan import Plan
    from discovery_tui.prompt import Prompter
    from discovery_tui.render.console import Console

Answer = Literal["apply", "details", "skip"]
ANSWERS: dict[Answer, str] = {
    "apply": "Apply",
    "details": "Show details (every entry, then ask again)",
    "skip": "Don't apply",
}


def show_preview(
    plan: Plan, console: Console, computation: Computation | None = None, *, details: bool
) -> None:
    from discovery_tui.render.plan import render_preview

    render_preview(plan, console, computation, details=details)


def ask_to_apply(
    prompter: Prompter,
    console: Console,
    plan: Plan,
    computation: Computation | None = None,
    *,
    details_shown: bool = False,
) -> bool:
    """Apply / Show details / Don't apply, through ``prompter.select``; "Show details" prints
    the tables and asks again without it. True: apply."""
    from discovery_tui.prompt import Option
    from discovery_tui.render.plan import apply_answer, apply_question, render_details

    titles = {**ANSWERS, "apply": apply_answer(plan)}
    offered: list[Answer] = ["apply", "skip"] if details_shown else ["apply", "details", "skip"]
    while True:
        options = [Option(answer, titles[answer]) for answer in offered]
        answer = prompter.select(apply_question(plan), options, default="apply")
        if answer != "details":
            return answer == "apply"
        render_details(plan, console, computation)
        offered = ["apply", "skip"]
