"""Command line: argparse only; each command lives in ``discovery_tui/commands/<verb>.py``,
imported when used (the bare command is ``commands/wizard.py``).

A command module exposes ``add_arguments(parser)`` and ``run(args, io) -> result`` (a frozen
dataclass with ``exit_code``); ``discovery_tui/render/<verb>.py`` prints the result. The CLI
catches only DiscoveryError and KeyboardInterrupt, prints one line, and returns an exit code;
``DISCOVERY_TUI_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from discovery_tui import __version__
from discovery_tui.errors import EXIT_INTERRUPTED, DiscoveryError

# name -> (module, one-line help). Adding a command: one module, one line here.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "refresh": ("discovery_tui.commands.refresh", "refresh providers without prompts"),
    "doctor": (
        "discovery_tui.commands.doctor",
        "check config.yaml and the running proxy, alias by alias",
    ),
    "launch": ("discovery_tui.commands.launch", "start Claude Code through the proxy"),
    "keys": ("discovery_tui.commands.keys", "set, list or delete provider keys in the keyring"),
    "undo": (
        "discovery_tui.commands.undo",
        "restore config.yaml.bak (the restore is itself undoable)",
    ),
}


class CommandParser(argparse.ArgumentParser):
    """A subcommand's parser. Its module is imported, and adds its arguments, only when the
    command is parsed (or its help shown): `discovery-tui --help` imports no subcommand module."""

    def __init__(self, *args: Any, module: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._module = module

    def _add_module_arguments(self) -> None:
        module, self._module = self._module, None
        if module is not None:
            importlib.import_module(module).add_arguments(self)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._add_module_arguments()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self._add_module_arguments()
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="discovery-tui",
        description=(
            "Keep a LiteLLM proxy's config.yaml current. Without a command: the interactive "
            "wizard (needs a terminal)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    from discovery_tui.options import add_wizard_arguments

    add_wizard_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        commands.add_parser(name, help=help_text, description=help_text, module=module_name)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run the command's module, print its result with the matching render module."""
    from discovery_tui.commands import Io

    verb = args.command or "wizard"
    io = Io.terminal()
    result = importlib.import_module(f"discovery_tui.commands.{verb}").run(args, io)
    importlib.import_module(f"discovery_tui.render.{verb}").show(result, io.screen)
    code: int = result.exit_code
    return code


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run_command(args)
    except DiscoveryError as exc:
        if os.environ.get("DISCOVERY_TUI_DEBUG"):
            raise
        from discovery_tui.fileio import completed_writes, interrupted_message

        cancelled = exc.exit_code == EXIT_INTERRUPTED and completed_writes()
        print(f"discovery-tui: {interrupted_message() if cancelled else exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        if os.environ.get("DISCOVERY_TUI_DEBUG"):
            raise
        from discovery_tui.fileio import interrupted_message

        print(f"discovery-tui: {interrupted_message()}", file=sys.stderr)
        return EXIT_INTERRUPTED
