"""``keys``: the list of key sources (table or JSON) and the lines of a set or delete."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from discovery_tui.commands.keys import KeyList, KeysResult, KeyStatus
    from discovery_tui.render.console import Screen


def show(result: KeysResult, screen: Screen) -> None:
    from discovery_tui.commands.keys import KeyList

    if not isinstance(result, KeyList):
        for line in result.lines:
            screen.line(line)
    elif result.as_json:
        print(json.dumps(to_json(result), indent=2))
    else:
        show_table(result, screen.out)


def to_json(result: KeyList) -> dict[str, object]:
    return {
        "keyring": result.keyring,
        "providers": {
            s.provider: {"variable": s.variable, "source": s.source, "in_keyring": s.in_keyring}
            for s in result.statuses
        },
    }


def describe(status: KeyStatus) -> str:
    if status.source == "env":
        extra = " (also in the keyring)" if status.in_keyring else ""
        return f"env {status.variable}{extra}"
    if status.source == "keyring":
        return "keyring"
    if status.source == "keyless":
        return "none (its catalog is public; completions still need a key)"
    return "none"


def show_table(result: KeyList, console: Console) -> None:
    from rich.table import Table

    table = Table(title="Provider keys (values are never shown)")
    for column in ("provider", "variable", "source"):
        table.add_column(column)
    for s in result.statuses:
        table.add_row(s.provider, s.variable or "-", describe(s))
    console.print(table)
    if not result.keyring:
        console.print(
            "No keyring backend here: keys come from environment variables only "
            "(set the variable shown, e.g. in your shell profile)."
        )
