"""Command line: argparse only; each subcommand lives in its own module, imported when used.

A subcommand module exposes ``add_arguments(parser)`` and ``run(args) -> int``. The CLI catches
only DiscoveryError and KeyboardInterrupt, prints one line, and returns an exit code;
``DISCOVERY_TUI_DEBUG=1`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from discovery_tui import __version__
from discovery_tui.errors import EXIT_INTERRUPTED, DiscoveryError

# name -> (module, one-line help). Adding a command: one module, one line here.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "refresh": ("discovery_tui.refresh", "refresh providers without prompts"),
    "doctor": ("discovery_tui.doctor", "check config.yaml and the running proxy, alias by alias"),
    "launch": ("discovery_tui.launch", "start Claude Code through the proxy"),
    "keys": ("discovery_tui.keys", "set, list or delete provider keys in the keyring"),
    "undo": ("discovery_tui.undo", "restore config.yaml.bak (the restore is itself undoable)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="discovery-tui",
        description=(
            "Keep a LiteLLM proxy's config.yaml current. Without a command: the interactive "
            "wizard (needs a terminal)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    wizard = importlib.import_module("discovery_tui.wizard_args")
    wizard.add_arguments(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=help_text)
        importlib.import_module(module_name).add_arguments(sub)
    return parser


def run_command(args: argparse.Namespace) -> int:
    wizard = "discovery_tui.wizard_args"
    module_name = wizard if args.command is None else SUBCOMMANDS[args.command][0]
    result: int = importlib.import_module(module_name).run(args)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run_command(args)
    except DiscoveryError as exc:
        if os.environ.get("DISCOVERY_TUI_DEBUG"):
            raise
        print(f"discovery-tui: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        if os.environ.get("DISCOVERY_TUI_DEBUG"):
            raise
        print("discovery-tui: interrupted; nothing was written", file=sys.stderr)
        return EXIT_INTERRUPTED
