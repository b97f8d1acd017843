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


def wrap_words(text: str, width: int, *, indent: str = "", hanging: str = "  ") -> list[str]:
    """``text`` wrapped between words at ``width``: the first line indented by ``indent``, the
    rest by ``hanging``. A word is never broken; one that fits on no line (a long path) stays
    on the line of the word before it, so a label and its path are never parted."""
    import re

    chunks = re.findall(r"\s*\S+", text)  # each word with the spaces before it
    if not chunks:
        return [indent.rstrip()]
    lines = [indent + chunks[0]]
    for chunk in chunks[1:]:
        word = chunk.lstrip()
        if len(lines[-1]) + len(chunk) <= width or len(hanging) + len(word) > width:
            lines[-1] += chunk
        else:
            lines.append(hanging + word)
    return lines


def say_wrapped(console: Console, message: str, *, indent: str = "", hanging: str = "  ") -> None:
    """One plain text, wrapped between words at the console's width (a pipe: never), the
    lines after the first indented by ``hanging``; never read as markup."""
    for line in wrap_words(message, console.width, indent=indent, hanging=hanging):
        say(console, line)


@dataclass(frozen=True)
class Screen:
    """Where a command's lines go: ``out`` (standard output) and ``err`` (notes, on stderr)."""

    out: Console
    err: Console

    def line(self, message: str) -> None:
        say(self.out, message)

    def note(self, message: str) -> None:
        say(self.err, message)
