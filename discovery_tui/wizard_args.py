"""Arguments of the bare `discovery-tui` command (the wizard); the flow is in wizard.py."""

from __future__ import annotations

import argparse

from discovery_tui.errors import UsageError
from discovery_tui.options import add_common_arguments, is_interactive


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument(
        "--provider",
        action="append",
        default=[],
        metavar="NAME",
        help="preselect only this provider (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    if not is_interactive():
        raise UsageError(
            "The wizard needs a terminal: run `discovery-tui refresh --yes` (add --dry-run to "
            "preview, --json for scripts)"
        )
    from discovery_tui.wizard import run_wizard

    return run_wizard(args)
