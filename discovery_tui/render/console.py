"""The console every screen prints on, and one plain line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console as Console  # re-exported: commands name the type here


PIPE_WIDTH = 10_000  # output that is not a terminal is never wrapped


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """The console of a command: a terminal's own width; a pipe or a file gets lines that are
    never wrapped (``PIPE_WIDTH``, whatever ``COLUMNS`` says). Honours NO_COLOR."""
    from rich.console import Console

    console = Console(stderr=stderr, width=width, highlight=False, soft_wrap=False)
    if width is None and not console.is_terminal:
        console.width = PIPE_WIDTH
    return console


def say(console: Console, message: str) -> None:
    """One plain line: never wrapped, never read as markup (paths may hold brackets)."""
    console.print(message, markup=False, soft_wrap=True)


@dataclass(frozen=True)
class Screen:
    """Where a command's lines go: ``out`` (standard output) and ``err`` (notes, on stderr)."""

    out: Console
    err: Console

    def line(self, message: str) -> None:
        say(self.out, message)

    def note(self, message: str) -> None:
        say(self.err, message)
