"""The wizard's live fetch display: one line per provider (spinner, then ok/failed), then the
choosing step. It is transient while it runs; its final state stays on the screen."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from discovery_tui.fetch import FetchResult


class FetchBoard:
    """A live view: one line per provider (spinner, then ok/failed), then the choosing step."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = dict(labels)  # provider name -> label, in display order
        self.results: dict[str, FetchResult] = {}
        self.done = False

    def on_fetched(self, result: FetchResult) -> None:
        self.results[result.provider] = result

    def __rich__(self) -> RenderableType:
        from rich.spinner import Spinner
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=6)  # "failed"
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for name, label in self.labels.items():
            result = self.results.get(name)
            if result is None:
                grid.add_row(Spinner("dots", style="cyan"), label, "[dim]fetching the catalog[/]")
            elif result.catalog is not None:
                grid.add_row("[green]ok[/]", label, f"{len(result.catalog.models)} models")
            else:
                grid.add_row("[red]failed[/]", label, result.error or "")
        if len(self.results) == len(self.labels):
            mark: RenderableType = "[green]ok[/]" if self.done else Spinner("dots", style="cyan")
            grid.add_row(mark, "best model per family", "" if self.done else "[dim]choosing[/]")
        return grid


@contextmanager
def live_progress(console: Console, labels: Mapping[str, str]) -> Iterator[FetchBoard]:
    """Show a :class:`FetchBoard` while the body runs; then print its final state once."""
    from rich.live import Live

    board = FetchBoard(labels)
    console.print()
    with Live(board, console=console, refresh_per_second=10, transient=True):
        yield board
    board.done = True
    console.print(board)  # the final state stays on the screen, in every mode
