"""``launch``: with ``--print-env``, the lines to ``eval`` (plain, never wrapped)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.commands.launch import LaunchResult
    from discovery_tui.render.console import Screen


def show(result: LaunchResult, screen: Screen) -> None:
    if result.env_lines is not None:
        print(result.env_lines)
