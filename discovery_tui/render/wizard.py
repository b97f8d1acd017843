"""The wizard's own lines: the first screen (what it will write), the master key's export lines,
the last screen (what was written where, how to undo, next steps) and failed providers. The
preview and the fetch display are ``render.plan`` and ``render.progress``."""

from __future__ import annotations

import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.commands.wizard import WizardResult
    from discovery_tui.plan import Plan
    from discovery_tui.render.console import Console, Screen


def show(result: WizardResult, screen: Screen) -> None:
    """Nothing to add: the wizard's last screen is already on the terminal."""


@dataclass(frozen=True)
class Targets:
    """What the wizard will write, named before its first question."""

    config_path: Path
    config_exists: bool
    profile_path: Path | None  # None: a demo run keeps its choices out of the profile


def show_targets(targets: Targets, console: Console) -> None:
    config = f"{targets.config_path}" + ("" if targets.config_exists else " (a new file)")
    profile = (
        str(targets.profile_path)
        if targets.profile_path is not None
        else "not written (a demo run; pass --profile to keep your choices)"
    )
    from discovery_tui.render.console import say_wrapped

    say_wrapped(console, f"Config:  {config}", hanging=" " * 9)
    say_wrapped(console, f"Profile: {profile}", hanging=" " * 9)
    say_wrapped(
        console,
        "Nothing is written before your last answer; Ctrl-C quits at any question.",
        hanging="",
    )
    console.print()


def show_master_key_export(variable: str, console: Console) -> None:
    """No keyring: the line to add to the shell's startup file (the key is the user's to make).
    Commands are lines of their own, never wrapped, to copy."""
    from discovery_tui.render.console import say, say_wrapped

    say_wrapped(
        console,
        "The proxy has no master key, and no keyring is available here to keep one. Make one:",
        hanging="",
    )
    say(console, command_line(MAKE_MASTER_KEY, console.width))
    say_wrapped(console, "and add it to your shell's startup file:", hanging="")
    say(console, command_line(f"export {variable}='sk-...'", console.width))
    say(console, command_line(f"PowerShell: $env:{variable} = 'sk-...'", console.width))


MAKE_MASTER_KEY = "python3 -c \"import secrets;print('sk-'+secrets.token_hex())\""


def command_line(command: str, width: int) -> str:
    """A command to copy, on a line of its own: indented when that still fits, never wrapped
    by us (a command broken over lines does not paste)."""
    return f"  {command}" if len(command) + 2 <= width else command


def show_written(written: Sequence[tuple[str, str]], undo: str | None, console: Console) -> None:
    """What this run wrote where, one line each, and the command that undoes the config write."""
    from discovery_tui.render.console import say, say_wrapped

    console.print()
    if not written:
        console.print("Nothing was written.")
        return
    width = max(len(kind) for kind, _ in written)
    console.print("Written:")
    for kind, where in written:
        say_wrapped(console, f"  {kind:<{width}}  {where}", hanging=" " * (width + 4))
    if undo is not None:
        say_wrapped(console, "To undo the config change:")
        say(console, command_line(undo, console.width))


def show_file_notes(notes: Sequence[str], console: Console) -> None:
    """The config file's notes of this run (a recovered undo, a key written twice), one line
    each under ``Notes about the file:``; nothing when there are none."""
    from discovery_tui.render.console import say_wrapped
    from discovery_tui.safetext import printable

    if not notes:
        return
    console.print("Notes about the file:")
    for note in notes:
        say_wrapped(console, printable(note), indent="  ", hanging="    ")


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
    from discovery_tui.render.console import say, say_wrapped

    if not steps.launch_choice_saved:
        say_wrapped(
            console,
            "Demo run: the launch choice is not saved (pass --profile to keep it).",
            hanging="",
        )
    launch = ["discovery-tui", "launch"]
    for flag, value in steps.launch_flags:
        if value is not None:
            launch += [flag, quote(value)]
    proxy = f"{quote(steps.proxy_command)} --config {quote(steps.config_path)}"
    console.print()
    console.print("Next, start the proxy:")
    say(console, command_line(proxy, console.width))  # one line, to copy
    say_wrapped(
        console, "then Claude Code (this also starts the proxy when none is running):", hanging=""
    )
    say(console, command_line(" ".join(launch), console.width))


def show_failures(plan: Plan, console: Console) -> None:
    """A line per failed provider, with its reason and fix (escaped: never read as markup)."""
    from rich.markup import escape

    for outcome in plan.failed:
        reason = escape(outcome.error or "no reason given")
        name = escape(outcome.name)
        console.print(f"[red]{name} failed[/], its entries were kept as is: {reason}")


def show_replanned(path: Path, console: Console, *, applied: bool) -> None:
    """The config changed between the preview and the write (the plan was built again)."""
    if applied:
        console.print(f"[yellow]{path} changed while you looked;[/] applying:")
    else:
        console.print(f"[yellow]{path} changed while you looked: nothing applied; run again.[/]")
