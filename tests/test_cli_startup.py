"""`discovery-tui --help` starts at once: it imports no subcommand module and no heavy library.

Each subcommand's module adds its arguments only when that command is parsed or its help shown
(``cli.CommandParser``), and the options of the bare command import nothing of the pipeline.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from discovery_tui.cli import SUBCOMMANDS, build_parser, main

HEAVY = ("asyncio", "httpx", "openai", "ruamel.yaml", "rich", "questionary", "keyring")
PIPELINE = ("discovery_tui.pipeline", "discovery_tui.fetch", "discovery_tui.providers")


def modules_after(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after ``discovery-tui ARGV`` (help exits)."""
    code = (
        "import sys\n"
        "from discovery_tui.cli import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write('\\n'.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stderr.splitlines())


def test_help_imports_no_subcommand_and_no_heavy_library() -> None:
    loaded = modules_after("--help")

    commands = {module for module, _ in SUBCOMMANDS.values()} | {"discovery_tui.commands.wizard"}
    assert loaded.isdisjoint(commands)
    assert loaded.isdisjoint(HEAVY + PIPELINE)


def test_a_subcommand_imports_its_own_module_only() -> None:
    loaded = modules_after("undo", "--help")

    assert "discovery_tui.commands.undo" in loaded
    assert "discovery_tui.commands.refresh" not in loaded


def test_a_subcommand_still_has_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["refresh", "xai", "--dry-run", "--timeout", "5"])
    assert (args.command, args.providers, args.dry_run, args.timeout) == (
        "refresh",
        ["xai"],
        True,
        5.0,
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["refresh", "--help"])
    assert exit_info.value.code == 0
    assert "--dry-run" in capsys.readouterr().out
