"""The first session in a real pseudo-terminal, as README tells it: the wizard on the demo with
Enter at every prompt (it creates the master key in a test keyring), then
`discovery-tui launch --print-env` works with no key typed by hand. A private HOME, a file-based
keyring (tests/pty_support/file_keyring.py), no network. Screens at 60 and 100 columns."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from discovery_tui.providers import PROVIDERS

pexpect = pytest.importorskip("pexpect", reason="pexpect runs on POSIX only")

WAIT = 60
REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


SCREENS = {  # the first screen, before the first question
    60: [
        "Config:  ~/config.yaml (a new file)",
        "Profile: not written (a demo run; pass --profile to keep your choices)",
        "Nothing is written before your last answer; Ctrl-C quits at",
        "any question.",
        "",
    ],
    100: [
        "Config:  ~/config.yaml (a new file)",
        "Profile: not written (a demo run; pass --profile to keep your choices)",
        "Nothing is written before your last answer; Ctrl-C quits at any question.",
        "",
    ],
}


def plain(text: str) -> str:
    return ANSI.sub("", text)


def environment(home: Path) -> dict[str, str]:
    keyed = {s.key_env for s in PROVIDERS.values() if s.key_env}
    bases = {s.api_base_env for s in PROVIDERS.values()}
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in keyed | bases
        and not k.startswith(("DISCOVERY_TUI_", "LITELLM_", "ANTHROPIC_", "XDG_"))
        and k not in {"CI", "NO_COLOR", "COLUMNS", "LINES", "PYTHON_KEYRING_BACKEND"}
    }
    env.update(
        {
            "HOME": str(home),
            "TERM": "xterm",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
            "DISCOVERY_TUI_TEST_KEYRING": str(home / "keyring.json"),
            "PYTHONPATH": os.pathsep.join([str(REPO / "tests" / "pty_support"), str(REPO)]),
        }
    )
    return env


def normalise(text: str, home: Path) -> list[str]:
    """Lines without trailing blanks; the private HOME becomes ~."""
    return [line.rstrip().replace(str(home), "~") for line in plain(text).splitlines()]


def wizard(home: Path, columns: int) -> tuple[int, str, str, str]:
    """Enter at every prompt; returns (exit status, screen before the first question, the
    screen before the apply question, the rest)."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "discovery_tui", "--demo", "--no-llm", "--config", str(home / "config.yaml")],
        env=environment(home),
        cwd=str(home),
        dimensions=(40, columns),
        encoding="utf-8",
        timeout=WAIT,
    )
    child.expect("Which providers should be refreshed")
    first = child.before
    child.send("\r")
    child.expect("Create one and keep it in the keyring")
    child.send("\r")
    child.expect("Apply these changes")
    preview = child.before
    child.send("\r")
    child.expect("Which model should Claude Code launch with")
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus or 0), first, preview, child.before


@pytest.mark.parametrize("columns", [60, 100])
def test_demo_wizard_then_launch_print_env(tmp_path: Path, columns: int) -> None:
    home = tmp_path / "home"
    home.mkdir()

    code, first, preview, rest = wizard(home, columns)

    assert code == 0, plain(rest)
    screen = normalise(first, home)
    assert screen[-1] == "?"  # the question starts
    assert screen[:-1] == SCREENS[columns]
    shown = normalise(preview, home)
    summary = shown[shown.index("Providers (entries: + added, ~ updated, - removed)") :]
    closing = "~/config.yaml: 29 added, 26 aliases changed, 16 fallbacks changed, 1 setting added."
    assert closing in summary
    assert len(summary[: summary.index(closing) + 1]) + 4 <= 40  # with the question: one screen
    lines = normalise(rest, home)
    start = lines.index("Written:")
    assert lines[start : start + 4] == [
        "Written:",
        "  config      ~/config.yaml (a new file)",
        "  master key  the keyring (discovery-tui/LITELLM_MASTER_KEY)",
        "To undo the config change: discovery-tui undo --config ~/config.yaml",
    ]
    stored = json.loads((home / "keyring.json").read_text(encoding="utf-8"))
    key = stored["discovery-tui/LITELLM_MASTER_KEY"]
    assert key.startswith("sk-")
    config = (home / "config.yaml").read_text("utf-8")
    assert key not in plain(rest) and key not in config
    # the config names the variable the key is read from (README: the proxy you start)
    assert config.endswith("general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n")

    printed = subprocess.run(
        [sys.executable, "-m", "discovery_tui", "launch", "--print-env", "--shell", "sh",
         "--config", str(home / "config.yaml"), "--proxy-url", "http://127.0.0.1:9"],
        env=environment(home),
        cwd=str(home),
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert printed.returncode == 0, printed.stderr
    variables = dict(
        line.removeprefix("export ").split("=", 1) for line in printed.stdout.splitlines()
    )
    assert variables["ANTHROPIC_AUTH_TOKEN"] == key  # from the keyring, typed by no one
    assert variables["ANTHROPIC_BASE_URL"] == "http://127.0.0.1:9"
    assert not any(name.endswith("_API_KEY") for name in variables)
