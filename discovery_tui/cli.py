"""Command line: argparse only; each command lives in ``discovery_tui/commands/<verb>.py``,
imported when used (the bare command is ``commands/wizard.py``).

A command module exposes ``add_arguments(parser)`` and ``run(args, io) -> result`` (a frozen
dataclass with ``exit_code``); ``discovery_tui/render/<verb>.py`` prints the result. The CLI
catches only DiscoveryError and KeyboardInterrupt, prints one line, and returns an exit code;
``DISCOVERY_TUI_DEBUG=1`` shows the traceback instead.

Options mean the same before and after the command: ``discovery-tui --config X doctor`` is
parsed as ``discovery-tui doctor --config X`` (:func:`command_first`). A mistyped command,
action or option is answered in one line with the closest match (:class:`SuggestingParser`).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from discovery_tui import __version__
from discovery_tui.errors import EXIT_INTERRUPTED, EXIT_USAGE, DiscoveryError

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
_INVALID_CHOICE = re.compile(r"invalid choice: (['\"])(?P<value>.*?)\1")
_REQUIRED = "the following arguments are required"


class SuggestingParser(argparse.ArgumentParser):
    """Usage errors in one line, with the closest command, action or option suggested; a
    missing action (a bare ``keys``) shows the command's own usage."""

    def error(self, message: str) -> NoReturn:
        if message.startswith(_REQUIRED):
            self.print_help(sys.stderr)
            self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")
        choice = _INVALID_CHOICE.search(message)
        if choice:
            self.exit(EXIT_USAGE, f"{self.prog}: {self.invalid_choice(choice['value'])}\n")
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")

    def invalid_choice(self, value: str) -> str:
        from discovery_tui.suggest import did_you_mean

        for action in self._actions:
            if action.choices is None or value in action.choices:
                continue
            choices = list(action.choices)
            hint = did_you_mean(value, choices)
            if isinstance(action, argparse._SubParsersAction):
                return f"{value} is not a command{hint} (commands: {', '.join(choices)})"
            return f"{value} is not one of {', '.join(choices)}{hint}"
        return f"{value} is not a valid choice (see `{self.prog} --help`)"

    def unknown_arguments(self, extras: Sequence[str]) -> NoReturn:
        """``--dryrun`` -> "did you mean --dry-run?"; other words are named as unexpected."""
        from discovery_tui.suggest import did_you_mean

        options = [s for a in self._actions for s in a.option_strings if s.startswith("--")]
        first = extras[0]
        if first.startswith("-"):
            hint = did_you_mean(first.split("=", 1)[0], options) or self.command_hint(first)
            text = f"unknown option {first}{hint}"
        else:
            text = f"unexpected argument {first}"
        self.exit(EXIT_USAGE, f"{self.prog}: {text} (see `{self.prog} --help`)\n")


    def command_hint(self, option: str) -> str:
        """For the bare command: ``"; did you mean `refresh --dry-run`?"`` (a command's option)."""
        from discovery_tui.suggest import closest

        if isinstance(self, CommandParser):
            return ""
        for name, parser in _subparsers(self).choices.items():
            parser.format_help()  # a CommandParser adds its module's arguments
            known = [s for a in parser._actions for s in a.option_strings if s.startswith("--")]
            match = closest(option.split("=", 1)[0], known)
            if match and match != "--help":
                return f"; did you mean `{name} {match}`?"
        return ""


class CommandParser(SuggestingParser):
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
    parser = SuggestingParser(
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


def command_first(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """``--config X doctor --json`` -> ``doctor --config X --json``: options given before the
    command go to the command, so they mean the same before and after it."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--" or not token.startswith("-") or token == "-":
            break
        index += 1 + _takes_value(parser, token)
    if 0 < index < len(argv) and argv[index] in SUBCOMMANDS:
        return [argv[index], *argv[:index], *argv[index + 1 :]]
    return list(argv)


def _takes_value(parser: argparse.ArgumentParser, token: str) -> int:
    """1 when ``token`` is an option of ``parser`` whose value is the next word, else 0."""
    if "=" in token:
        return 0
    action = parser._option_string_actions.get(token)
    return 1 if action is not None and action.nargs is None else 0


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The arguments, commands first; a usage error exits 2 with one line (and a suggestion)."""
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    args, extras = parser.parse_known_args(command_first(parser, words))
    if extras:
        owner = parser
        if args.command:
            owner = _subparsers(parser).choices[args.command]
        if isinstance(owner, SuggestingParser):
            owner.unknown_arguments(extras)
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[Any]:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


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
    args = parse(argv)
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
