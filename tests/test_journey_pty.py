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


SCREENS = {  # the first screen, before the first question: wrapped between words only
    60: [
        "Config:  config.yaml (a new file)",
        "Profile: not written (a demo run; pass --profile to keep",
        "         your choices)",
        "Nothing is written before your last answer; Ctrl-C quits at",
        "any question.",
        "",
    ],
    100: [
        "Config:  config.yaml (a new file)",
        "Profile: not written (a demo run; pass --profile to keep your choices)",
        "Nothing is written before your last answer; Ctrl-C quits at any question.",
        "",
    ],
}


SUMMARIES = {
    60: [
        'Providers (entries: + added, ~ updated, - removed)',
        '  anthropic   ok       5 models  +5',
        '  openai      ok       5 models  +3',
        '  gemini      ok       7 models  +4',
        '  xai         ok       4 models  +3',
        '  deepseek    ok       2 models  +1',
        '  openrouter  ok      16 models  +13',
        '  Not refreshed: moonshot, mistral, perplexity, groq',
        '',
        'Aliases',
        "  anthropic's picks (openrouter also has one of each):",
        '    claude, default      -> anthropic/claude-sonnet-4-6',
        '    claude-strong        -> anthropic/claude-opus-4-7',
        '    claude-fast          -> anthropic/clau…aiku-4-5-20251001',
        "  openai's pick (openrouter also has one):",
        '    gpt                  -> openai/gpt-5.5',
        "  gemini's picks (openrouter also has one of each):",
        '    gemini               -> gemini/gemini-3.1-pro-preview',
        '    gemini-flash, cheap  -> gemini/gemini-3-flash-preview',
        "  xai's pick (openrouter also has one):",
        '    grok                 -> xai/grok-4.3',
        "  deepseek's pick (openrouter also has one):",
        '    deepseek, reasoning  -> deepseek/deepseek-v4-pro',
        "  openrouter's picks:",
        '    kimi                 -> openrouter/moonshotai/kimi-k2.6',
        '    glm                  -> openrouter/z-ai/glm-5.1',
        '    qwen                 -> openrouter/qwen/qwen3-max',
        '    sonar                -> openrouter/perplexity/sonar-pro',
        '    mistral              -> openrouter/mis…istral-large-2512',
        "  + 10 claude-* twins of these (Claude Code's /model picker)",
        '',
        'general_settings',
        '  + master_key: os.environ/LITELLM_MASTER_KEY',
        '',
        'config.yaml: 29 added, 26 aliases changed, 16 fallbacks',
        '  changed, 1 setting added.',
    ],
    100: [
        'Providers (entries: + added, ~ updated, - removed)',
        '  anthropic   ok       5 models  +5',
        '  openai      ok       5 models  +3',
        '  gemini      ok       7 models  +4',
        '  xai         ok       4 models  +3',
        '  deepseek    ok       2 models  +1',
        '  openrouter  ok      16 models  +13',
        '  Not refreshed: moonshot, mistral, perplexity, groq',
        '',
        'Aliases',
        "  anthropic's picks (openrouter also has one of each):",
        '    claude, default      -> anthropic/claude-sonnet-4-6',
        '    claude-strong        -> anthropic/claude-opus-4-7',
        '    claude-fast          -> anthropic/claude-haiku-4-5-20251001',
        "  openai's pick (openrouter also has one):",
        '    gpt                  -> openai/gpt-5.5',
        "  gemini's picks (openrouter also has one of each):",
        '    gemini               -> gemini/gemini-3.1-pro-preview',
        '    gemini-flash, cheap  -> gemini/gemini-3-flash-preview',
        "  xai's pick (openrouter also has one):",
        '    grok                 -> xai/grok-4.3',
        "  deepseek's pick (openrouter also has one):",
        '    deepseek, reasoning  -> deepseek/deepseek-v4-pro',
        "  openrouter's picks:",
        '    kimi                 -> openrouter/moonshotai/kimi-k2.6',
        '    glm                  -> openrouter/z-ai/glm-5.1',
        '    qwen                 -> openrouter/qwen/qwen3-max',
        '    sonar                -> openrouter/perplexity/sonar-pro',
        '    mistral              -> openrouter/mistralai/mistral-large-2512',
        "  + 10 claude-* twins of these (Claude Code's /model picker)",
        '',
        'general_settings',
        '  + master_key: os.environ/LITELLM_MASTER_KEY',
        '',
        'config.yaml: 29 added, 26 aliases changed, 16 fallbacks changed, 1 setting added.',
    ],
}


MENUS = {
    60: [
        'anthropic…onnet-4-6  claude +1           1M  $3/$15',
        'anthropic…-opus-4-7  claude-strong       1M  $5/$25',
        'anthropic…-20251001  claude-fast       200k  $1/$5',
        'openai/gpt-5.5       gpt              1.05M  $5/$30',
        'gemini/ge…o-preview  gemini           1.05M',
        'gemini/ge…h-preview  gemini-flash +1  1.05M',
        'xai/grok-4.3         grok                1M  $1.25/$2.5',
        'deepseek/…ek-v4-pro  deepseek +1      1.05M  $0.43/$0.87',
        'openroute…kimi-k2.6  kimi              262k  $0.73/$3.49',
        'openroute…i/glm-5.1  glm               203k  $0.98/$3.08',
        'openroute…qwen3-max  qwen              262k  $0.78/$3.9',
        'openroute…sonar-pro  sonar             200k  $3/$15',
        'openroute…arge-2512  mistral           262k  $0.5/$1.5',
        'anthropic…-20250929                      1M  $3/$15',
        'anthropic…-opus-4-6                      1M  $5/$25',
        'openai/gpt-5.4                        1.05M  $2.5/$15',
        'openai/gpt-5                           400k  $1.25/$10',
        'gemini/ge…i-2.5-pro                   1.05M',
        'gemini/ge…2.5-flash                   1.05M',
        'xai/grok-4.20                            2M  $1.25/$2.5',
        'xai/grok-4-0709                        256k  $3/$15',
        'openroute…onnet-4.6                      1M  $3/$15',
        'openroute…-opus-4.7                      1M  $5/$25',
        'openroute…haiku-4.5                    200k  $1/$5',
        'openroute…i/gpt-5.5                   1.05M  $5/$30',
        'openroute…o-preview                   1.05M  $2/$12',
        'openroute…h-preview                   1.05M  $0.5/$3',
        'openroute…/grok-4.3                      1M  $1.25/$2.5',
    ],
    100: [
        'anthropic/claude-sonnet-4-6               claude, default         1M  $3/$15',
        'anthropic/claude-opus-4-7                 claude-strong           1M  $5/$25',
        'anthropic/claude-haiku-4-5-20251001       claude-fast           200k  $1/$5',
        'openai/gpt-5.5                            gpt                  1.05M  $5/$30',
        'gemini/gemini-3.1-pro-preview             gemini               1.05M',
        'gemini/gemini-3-flash-preview             gemini-flash, cheap  1.05M',
        'xai/grok-4.3                              grok                    1M  $1.25/$2.5',
        'deepseek/deepseek-v4-pro                  deepseek, reasoning  1.05M  $0.43/$0.87',
        'openrouter/moonshotai/kimi-k2.6           kimi                  262k  $0.73/$3.49',
        'openrouter/z-ai/glm-5.1                   glm                   203k  $0.98/$3.08',
        'openrouter/qwen/qwen3-max                 qwen                  262k  $0.78/$3.9',
        'openrouter/perplexity/sonar-pro           sonar                 200k  $3/$15',
        'openrouter/mistralai/mistral-large-2512   mistral               262k  $0.5/$1.5',
        'anthropic/claude-sonnet-4-5-20250929                              1M  $3/$15',
        'anthropic/claude-opus-4-6                                         1M  $5/$25',
        'openai/gpt-5.4                                                 1.05M  $2.5/$15',
        'openai/gpt-5                                                    400k  $1.25/$10',
        'gemini/gemini-2.5-pro                                          1.05M',
        'gemini/gemini-2.5-flash                                        1.05M',
        'xai/grok-4.20                                                     2M  $1.25/$2.5',
        'xai/grok-4-0709                                                 256k  $3/$15',
        'openrouter/anthropic/claude-sonnet-4.6                            1M  $3/$15',
        'openrouter/anthropic/claude-opus-4.7                              1M  $5/$25',
        'openrouter/anthropic/claude-haiku-4.5                           200k  $1/$5',
        'openrouter/openai/gpt-5.5                                      1.05M  $5/$30',
        'openrouter/google/gemini-3.1-pro-preview                       1.05M  $2/$12',
        'openrouter/google/gemini-3-flash-preview                       1.05M  $0.5/$3',
        'openrouter/x-ai/grok-4.3                                          1M  $1.25/$2.5',
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


def wizard(home: Path, columns: int) -> tuple[int, str, str, str, str]:
    """Enter at every prompt; returns (exit status, screen before the first question, the
    screen before the apply question, the launch menu, the rest)."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "discovery_tui", "--demo", "--no-llm", "--config", "config.yaml"],  # README's
        env=environment(home),
        cwd=str(home),
        dimensions=(40, columns),
        encoding="utf-8",
        timeout=WAIT,
    )
    child.expect("Providers to refresh")
    first = child.before
    child.send("\r")
    child.expect("Create one and keep it in the keyring")
    child.send("\r")
    child.expect("Apply these changes")
    preview = child.before
    child.send("\r")
    child.expect("Which model should Claude Code launch with")
    child.expect("type to filter\\)")
    child.expect("openrouter/deepseek/deepseek-v4-pro|openroute…ek-v4-pro")  # the last row
    menu = child.before
    child.send("\r")
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus or 0), first, preview, menu, child.before


@pytest.mark.parametrize("columns", [60, 100])
def test_demo_wizard_then_launch_print_env(tmp_path: Path, columns: int) -> None:
    home = tmp_path / "home"
    home.mkdir()

    code, first, preview, menu, rest = wizard(home, columns)

    assert code == 0, plain(rest)
    screen = normalise(first, home)
    assert screen[-1] == "?"  # the question starts
    assert screen[:-1] == SCREENS[columns]
    shown = normalise(preview, home)
    summary = shown[shown.index("Providers (entries: + added, ~ updated, - removed)") : -1]
    assert summary == SUMMARIES[columns]
    assert len(summary) + 4 <= 40  # with the question and its answers: one screen
    rows = [line[3:] for line in normalise(menu, home) if line.strip()]
    assert rows == MENUS[columns]  # the last row is the one pexpect waited for
    assert all(len(row) + 3 < columns for row in rows)  # " » " before each: nothing cut
    lines = normalise(rest, home)
    assert lines[0].endswith("? Which model should Claude Code launch with? claude")
    start = lines.index("Written:")
    assert lines[start : start + 5] == [
        "Written:",
        "  config      config.yaml (a new file)",
        "  master key  the keyring (discovery-tui/LITELLM_MASTER_KEY)",
        "To undo the config change:",
        "  discovery-tui undo --config config.yaml",
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
