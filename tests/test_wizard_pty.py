"""The wizard end to end in a real pseudo-terminal (pexpect), against the fake provider server.

As a new user would: Enter through every prompt; Ctrl-C at the first prompt; input from
/dev/null. ``PROMPT_TOOLKIT_NO_CPR=1`` keeps prompt_toolkit from asking the terminal for the
cursor position (pexpect does not answer).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import takewhile
from pathlib import Path

import pytest
from fake_provider import FakeProvider
from test_wizard import serve_catalogs

from discovery_tui.providers import PROVIDERS

pexpect = pytest.importorskip("pexpect", reason="pexpect runs on POSIX only")

pytestmark = [
    pytest.mark.pty,
    pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals on Windows"),
]

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")
WAIT = 60  # seconds pexpect waits for a screen before failing the test (not a timing check)


def plain(text: str) -> str:
    return ANSI.sub("", text).replace("\r", "")


@dataclass
class Terminal:
    tmp: Path
    env: dict[str, str]

    @property
    def config(self) -> Path:
        return self.tmp / "config.yaml"

    @property
    def profile(self) -> Path:
        return self.tmp / "profile.yaml"

    def argv(self) -> list[str]:
        return [
            "-m",
            "discovery_tui",
            "--no-llm",
            "--config",
            str(self.config),
            "--profile",
            str(self.profile),
        ]

    def spawn(self) -> pexpect.spawn:
        return pexpect.spawn(
            sys.executable,
            self.argv(),
            env=self.env,
            cwd=str(self.tmp),
            dimensions=(40, 100),
            encoding="utf-8",
            timeout=WAIT,
        )

    def files(self) -> list[str]:
        return sorted(p.name for p in self.tmp.iterdir() if p.name != "cache")


@pytest.fixture
def terminal(tmp_path: Path, fake_provider: FakeProvider) -> Iterator[Terminal]:
    env = {k: v for k, v in os.environ.items() if not _leaks(k)}
    env.update(serve_catalogs(fake_provider))
    env.update(
        {
            "TERM": "xterm",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "DISCOVERY_TUI_NO_KEYRING": "1",
            "DISCOVERY_TUI_CACHE_DIR": str(tmp_path / "cache"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        }
    )
    yield Terminal(tmp_path, env)


def _leaks(name: str) -> bool:
    """Real keys, API bases and settings that must not reach the child."""
    keyed = {s.key_env for s in PROVIDERS.values() if s.key_env}
    bases = {s.api_base_env for s in PROVIDERS.values()}
    return (
        name in keyed
        or name in bases
        or name.startswith("DISCOVERY_TUI_")
        or name in {"CI", "NO_COLOR", "COLUMNS", "LINES"}
    )


def test_enter_through_every_prompt_in_a_real_terminal(terminal: Terminal) -> None:
    from discovery_tui.configfile import ConfigDocument
    from discovery_tui.profile import Profile

    child = terminal.spawn()
    child.expect("Providers to refresh")
    child.send("\r")
    child.expect("Apply these changes")
    shown = plain(child.before)
    child.send("\r")
    child.expect("Which model should Claude Code launch with")
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    rest = plain(child.before)

    assert child.exitstatus == 0, rest
    # The summary was on the screen before the question; the tables were not.
    lines = [line.rstrip() for line in shown.splitlines()]
    start = lines.index("Providers (entries: + added, ~ updated, - removed)")
    assert lines[start : start + 3] == [
        "Providers (entries: + added, ~ updated, - removed)",
        "  xai         ok      3 models  +2",
        "  openrouter  ok      4 models  +3",
    ]
    end = next(i for i, line in enumerate(lines) if line.startswith(f"{terminal.config}:"))
    closing = [lines[end], *takewhile(lambda line: line.startswith("  "), lines[end + 1 :])]
    # a long path: the rest goes under it, indented, between words
    assert " ".join(line.strip() for line in closing) == (
        f"{terminal.config}: 5 added, 6 aliases changed."
    )
    assert "Best per family" not in shown
    assert "discovery-tui launch" in rest
    doc = ConfigDocument.load(terminal.config)
    names = doc.model_names()
    assert any(n.startswith("xai/") for n in names)
    assert any(n.startswith("openrouter/") for n in names)
    launch = Profile.load(terminal.profile).launch_model
    assert launch is not None
    assert launch in doc.aliases() or launch in names


def test_show_details_at_the_question_then_apply(terminal: Terminal) -> None:
    child = terminal.spawn()
    child.expect("Providers to refresh")
    child.send("\r")
    child.expect("Apply these changes")
    child.expect("Don't apply")  # the first question is on the screen
    child.send("\x1b[B\r")  # Show details
    child.expect("Best per family")
    child.expect("Apply these changes")  # asked again, after the tables
    details = plain(child.before)
    child.send("\r")
    child.expect("Which model should Claude Code launch with")
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0, plain(child.before)
    added = [" ".join(line.split()) for line in details.splitlines()]
    for name in ("xai/grok-4.3", "openrouter/anthropic/claude-sonnet-4.6"):
        assert any(line.startswith(f"+ {name} ") for line in added), details
    assert "family  provider    by         model / why" in details
    assert terminal.config.exists()


def test_ctrl_c_at_the_first_prompt_writes_nothing(terminal: Terminal) -> None:
    child = terminal.spawn()
    child.expect("Providers to refresh")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 130, plain(child.before)
    assert "nothing was written" in plain(child.before)
    assert terminal.files() == []


def test_ctrl_c_at_the_confirmation_writes_nothing(terminal: Terminal) -> None:
    child = terminal.spawn()
    child.expect("Providers to refresh")
    child.send("\r")
    child.expect("Apply these changes")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 130, plain(child.before)
    assert terminal.files() == []


def test_input_from_dev_null_exits_2_and_names_the_command(terminal: Terminal) -> None:
    """stdout is the terminal, stdin is /dev/null: no prompt, exit 2, nothing written."""
    command = shlex.join([sys.executable, *terminal.argv()]) + " < /dev/null"
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", command],
        env=terminal.env,
        cwd=str(terminal.tmp),
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=WAIT,
    )
    child.expect(pexpect.EOF)
    child.close()
    text = " ".join(plain(child.before).split())

    assert child.exitstatus == 2, text
    assert "discovery-tui refresh --yes" in text
    assert terminal.files() == []
