"""The console every screen prints on, and one plain line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def make_console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A console that fits 80 columns when not on a terminal, and honours NO_COLOR."""
    from rich.console import Console

    return Console(stderr=stderr, width=width, highlight=False, soft_wrap=False)


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
