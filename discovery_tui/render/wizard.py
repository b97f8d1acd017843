"""The wizard's own lines: the last screen (next steps) and failed providers. The preview and the
fetch display are ``render.plan`` and ``render.progress``; the result prints nothing more."""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from discovery_tui.commands.wizard import WizardResult
    from discovery_tui.plan import Plan
    from discovery_tui.render.console import Screen


def show(result: WizardResult, screen: Screen) -> None:
    """Nothing to add: the wizard's last screen is already on the terminal."""


@dataclass(frozen=True)
class NextSteps:
    """What the wizard's last screen names: the proxy to start, then `discovery-tui launch`."""

    config_path: Path
    proxy_command: str
    launch_flags: tuple[tuple[str, Path | None], ...]  # (--config, value), (--profile, value)
    launch_choice_saved: bool


def quote(path: object) -> str:
    text = str(path)
    if os.name == "nt":
        return f'"{text}"' if " " in text else text
    return shlex.quote(text)


def show_next_steps(steps: NextSteps, console: Console) -> None:
    if not steps.launch_choice_saved:
        console.print("Demo run: the launch choice is not saved (pass --profile to keep it).")
    launch = ["discovery-tui", "launch"]
    for flag, value in steps.launch_flags:
        if value is not None:
            launch += [flag, quote(value)]
    proxy = f"{quote(steps.proxy_command)} --config {quote(steps.config_path)}"
    console.print()
    console.print("Next, start the proxy:")
    console.print(f"  {proxy}", soft_wrap=True, markup=False)  # one line, to copy
    console.print("then Claude Code (this also starts the proxy when none is running):")
    console.print(f"  {' '.join(launch)}", soft_wrap=True, markup=False)


def show_failures(plan: Plan, console: Console) -> None:
    for outcome in plan.failed:
        console.print(f"[red]{outcome.name} failed[/], its entries were kept: {outcome.error}")


def show_replanned(path: Path, console: Console, *, applied: bool) -> None:
    """The config changed between the preview and the write (the plan was built again)."""
    if applied:
        console.print(f"[yellow]{path} changed while you looked;[/] applying:")
    else:
        console.print(f"[yellow]{path} changed while you looked: nothing applied; run again.[/]")
