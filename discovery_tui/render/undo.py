"""``undo``: the coloured diff of what a restore changes, and the line that says what was done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.commands.undo import UndoResult
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
