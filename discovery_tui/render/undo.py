"""``undo``: what a restore changes, by name (entries that come back, go or change; aliases that
move), the raw line diff below it only on request (``--diff``), and the line that says what was
done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.commands.undo import UndoResult, UndoSummary
    from discovery_tui.render.console import Screen

STYLES = {"+": "green", "-": "red", "@": "cyan"}


def show(result: UndoResult, screen: Screen) -> None:
    screen.line(result.message)


def show_diff(lines: Sequence[str], backup_name: str, screen: Screen) -> None:
    """A unified diff (lines end with a newline), then how many lines go and come back."""
    from rich.text import Text

    text = Text()
    for line in lines:
        style = "bold" if line.startswith(("+++", "---")) else STYLES.get(line[:1], "")
        text.append(line, style=style)
    screen.out.print(text, end="", soft_wrap=True)
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    screen.line(f"undo: {removed} lines go, {added} lines come back from {backup_name}.")


def summary_lines(summary: UndoSummary, backup_name: str) -> list[str]:
    """The summary, as plain lines: one per kind of change, names listed."""
    lines = [f"undo brings back {backup_name}:"]
    for label, names in (
        ("entries back", summary.back),
        ("entries gone", summary.gone),
        ("entries changed", summary.changed),
    ):
        if names:
            lines.append(f"  {label}: {len(names)}: {', '.join(names)}")
    for alias, now, after in summary.aliases:
        lines.append(f"  alias {alias}: {now or '(none)'} -> {after or '(none)'}")
    if len(lines) == 1:
        lines.append("  no entry or alias changes; other lines of the file differ")
    return lines


DIFF_HINT = "(`discovery-tui undo --diff` shows the line diff)"


def show_summary(
    summary: UndoSummary, lines: Sequence[str] | None, backup_name: str, screen: Screen
) -> None:
    """The summary by name, as the preview gives one; the line diff only when asked
    (``lines`` given: ``undo --diff`` / ``--details``)."""
    for line in summary_lines(summary, backup_name):
        screen.line(line)
    if lines is None:
        screen.line(DIFF_HINT)
        return
    screen.line("")
    show_diff(lines, backup_name, screen)


def created_lines(path: object, backup_name: str, names: Sequence[str]) -> list[str]:
    """What undo can do for a config discovery-tui created (there is no backup: no file was
    there before)."""
    shown = ", ".join(names[:6]) + (f", and {len(names) - 6} more" if len(names) > 6 else "")
    return [
        f"{path} has no backup: discovery-tui created it (there was no file before).",
        f"  entries it wrote: {len(names)}: {shown}",
        f"undo can move it aside to {backup_name}; `discovery-tui undo` again brings it back.",
        "",
    ]
