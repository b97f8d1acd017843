"""The wizard in-process: prompt_toolkit pipe input drives questionary, the fake provider serves.

Every branch: Enter through the defaults, unselecting providers, --provider, a provider without
a key (skip it, enter a key into an in-memory keyring, no keyring at all), Ctrl-C at each prompt
(exit 130, every file untouched: bytes and mtimes), declining, nothing to change, the launch
choice, a failed provider (exit 3), and the apply question `refresh` asks too.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import keyring
import pytest
from fake_provider import FakeProvider, Reply
from keyring.backend import KeyringBackend
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from discovery_tui.cli import build_parser
from discovery_tui.commands.wizard import last_refresh_text, run_wizard
from discovery_tui.commands.wizard_launch import launch_default
from discovery_tui.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL, Cancelled, UsageError
from discovery_tui.profile import Profile
from discovery_tui.prompt import Prompter
from discovery_tui.providers import PROVIDERS
from discovery_tui.render.console import PIPE_WIDTH

ENTER = "\r"
SPACE = " "
DOWN = "\x1b[B"
CTRL_C = "\x03"
ORDER = list(PROVIDERS)  # the checkbox lists providers in registry order

DAY = 86_400
MAY_2026 = 1_777_593_600

OPENROUTER_CATALOG = {
    "data": [
        {
            "id": "anthropic/claude-sonnet-4.6",
            "name": "Anthropic: Claude Sonnet 4.6",
            "created": MAY_2026,
            "context_length": 1_000_000,
            "pricing": {"prompt": "0.000003", "completion": "0.000015"},
            "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
            "supported_parameters": ["tools", "reasoning"],
        },
        {
            "id": "anthropic/claude-sonnet-4.5",
            "created": MAY_2026 - 200 * DAY,
            "context_length": 1_000_000,
            "pricing": {"prompt": "0.000003", "completion": "0.000015"},
            "supported_parameters": ["tools"],
        },
        {
            "id": "openai/gpt-5.5",
            "created": MAY_2026,
            "context_length": 1_050_000,
            "pricing": {"prompt": "0.000005", "completion": "0.00003"},
            "supported_parameters": ["tools"],
        },
        {
            "id": "some-lab/not-a-family-model",
            "created": MAY_2026,
            "context_length": 32_000,
            "pricing": {"prompt": "0", "completion": "0"},
        },
    ]
}
XAI_CATALOG = {
    "data": [
        {"id": "grok-4.3", "created": MAY_2026, "owned_by": "xai"},
        {"id": "grok-4", "created": MAY_2026 - 300 * DAY, "owned_by": "xai"},
        {"id": "grok-imagine-image", "created": MAY_2026, "owned_by": "xai"},
    ]
}
DEEPSEEK_CATALOG = {"data": [{"id": "deepseek-v4-pro", "object": "model", "owned_by": "deepseek"}]}
CATALOGS = {"openrouter": OPENROUTER_CATALOG, "xai": XAI_CATALOG, "deepseek": DEEPSEEK_CATALOG}
XAI_KEY = "xai-test-key-0123"


def clean_environment(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    """No real key, base, profile, config or CI setting leaks in; no real keyring is touched."""
    for spec in PROVIDERS.values():
        if spec.key_env:
            monkeypatch.delenv(spec.key_env, raising=False)
        monkeypatch.delenv(spec.api_base_env, raising=False)
    for name in (
        "DISCOVERY_TUI_CONFIG",
        "DISCOVERY_TUI_PROFILE",
        "DISCOVERY_TUI_JUDGE_API_KEY",
        "DISCOVERY_TUI_LOCK_TIMEOUT",
        "DISCOVERY_TUI_DEBUG",
        "NO_COLOR",
        "CI",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(cache))
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")


def serve_catalogs(server: FakeProvider) -> dict[str, str]:
    """Serve the three catalogs; returns the environment that points the providers at them."""
    env = {
        f"{name.upper()}_API_BASE": server.serve_catalog(name, c) for name, c in CATALOGS.items()
    }
    env["XAI_API_KEY"] = XAI_KEY
    return env


@dataclass
class World:
    tmp: Path
    config: Path
    profile: Path
    server: FakeProvider

    def run(self, keys: str, *argv: str, console_width: int = PIPE_WIDTH) -> Result:
        """Run the wizard with ``keys`` typed ahead; the input closes after them (no hang)."""
        args = build_parser().parse_args(
            ["--no-llm", "--config", str(self.config), "--profile", str(self.profile), *argv]
        )
        buffer = io.StringIO()
        console = Console(
            file=buffer, width=console_width, no_color=True, force_terminal=False, highlight=False
        )
        with create_pipe_input() as pipe:
            pipe.send_text(keys)
            pipe.close()
            code = run_wizard(
                args, prompter=Prompter(input=pipe, output=DummyOutput()), console=console
            )
        return Result(code, buffer.getvalue())

    def requested(self, provider: str) -> bool:
        return any(r.path.startswith(f"/{provider}/") for r in self.server.requests)

    def model_names(self) -> list[str]:
        from discovery_tui.configfile import ConfigDocument

        return ConfigDocument.load(self.config).model_names()

    def aliases(self) -> dict[str, str]:
        from discovery_tui.configfile import ConfigDocument

        return dict(ConfigDocument.load(self.config).aliases())

    def launch_model(self) -> str | None:
        return Profile.load(self.profile).launch_model

    def snapshot(self) -> dict[str, tuple[bytes, int]]:
        """Every file under tmp (but the cache) with its bytes and mtime."""
        return {
            str(p.relative_to(self.tmp)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(self.tmp.rglob("*"))
            if p.is_file() and "cache" not in p.relative_to(self.tmp).parts
        }


@dataclass(frozen=True)
class Result:
    code: int
    text: str

    def before(self, marker: str) -> str:
        assert marker in self.text, self.text
        return self.text.split(marker, 1)[0]


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider) -> World:
    clean_environment(monkeypatch, tmp_path / "cache")
    for name, value in serve_catalogs(fake_provider).items():
        monkeypatch.setenv(name, value)
    return World(tmp_path, tmp_path / "config.yaml", tmp_path / "profile.yaml", fake_provider)


class MemoryKeyring(KeyringBackend):
    """A keyring backend that lives in this process only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("DISCOVERY_TUI_NO_KEYRING", raising=False)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def toggle(*names: str) -> str:
    """Keys that move the checkbox cursor from the top and toggle each named provider."""
    keys, at = "", 0
    for name in sorted(names, key=ORDER.index):
        keys += DOWN * (ORDER.index(name) - at) + SPACE
        at = ORDER.index(name)
    return keys


def of(provider: str, names: list[str]) -> list[str]:
    prefix = PROVIDERS[provider].litellm_prefix + "/"
    return [n for n in names if n.startswith(prefix)]


HAND_WRITTEN = """\
# my proxy
model_list:
  - model_name: my-local  # hand-written: never touched
    litellm_params:
      model: openai/llama
      api_base: http://localhost:11434/v1
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
"""


# --------------------------------------------------------------------------- Enter through


def test_enter_through_every_prompt_refreshes_the_preselected_providers(world: World) -> None:
    result = world.run(ENTER * 3)  # providers, apply?, launch model

    assert result.code == EXIT_OK, result.text
    names = world.model_names()
    assert of("openrouter", names) == [
        "openrouter/anthropic/claude-sonnet-4.6",
        "openrouter/anthropic/claude-sonnet-4.5",
        "openrouter/openai/gpt-5.5",
    ]
    assert of("xai", names) == ["xai/grok-4.3", "xai/grok-4"]
    assert world.launch_model() == "claude"
    assert world.aliases()["claude"] == "openrouter/anthropic/claude-sonnet-4.6"
    assert world.aliases()["grok"] == "xai/grok-4.3"  # first-party before the aggregator
    # Keyless OpenRouter and xAI (key in the environment) were fetched; nobody else was.
    assert world.requested("openrouter") and world.requested("xai")
    assert not world.requested("deepseek")
    # no OpenRouter key here: its public catalog is read without one (headers are lower-case)
    (catalog_request, *_) = world.server.requests_to("/openrouter/api/v1/models")
    assert "authorization" not in catalog_request.headers


SUMMARY_SCREEN = """\
Providers (entries: + added, ~ updated, - removed)
  xai         ok      3 models  +2
  openrouter  ok      4 models  +3
  Not refreshed: anthropic, openai, gemini, deepseek, moonshot, mistral,
  perplexity, groq

Aliases
  openrouter's picks:
    claude, default  -> openrouter/anthropic/claude-sonnet-4.6
    gpt              -> openrouter/openai/gpt-5.5
  xai's pick:
    grok             -> xai/grok-4.3
  + claude-gpt and claude-grok (Claude Code's /model picker)

CONFIG: 5 added, 6 aliases changed.
"""


def screen_after_progress(result: Result, config: Path, end: str) -> str:
    """The text from the summary (after the fetch display) to ``end``, the config path as
    CONFIG, trailing blanks gone."""
    text = result.before(end).split("best model per family", 1)[1].split("\n", 2)[2]
    lines: list[str] = []
    for line in text.splitlines():
        if lines and lines[-1].startswith(str(config)) and line.startswith("  "):
            lines[-1] += " " + line.strip()  # the closing line, wrapped after a long path
        else:
            lines.append(line.rstrip())
    return "\n".join(line.replace(str(config), "CONFIG") for line in lines).strip("\n") + "\n"


def test_the_wizard_shows_the_summary_first_exactly(world: World) -> None:
    # providers, Apply, launch model
    result = world.run(ENTER * 3, "--no-enrich", console_width=80)

    assert result.code == EXIT_OK, result.text
    assert screen_after_progress(result, world.config, "\nWritten:") == SUMMARY_SCREEN
    assert "Best per family" not in result.text  # the tables only on request
    assert "some-lab/not-a-family-model" not in result.text
    lines = result.text.splitlines()
    commands = [line.strip() for line in lines]  # indented when the line has room
    assert f"litellm --config {world.config}" in commands  # one line each, to copy
    assert f"discovery-tui launch --config {world.config} --profile {world.profile}" in commands
    # paths stay whole (to copy); every other line fits the width
    narrow = [line for line in result.before("Written:").splitlines() if str(world.tmp) not in line]
    assert all(len(line) <= 80 for line in narrow)


DETAILS_SCREEN = """\
Best per family
family  provider    by         model / why
────────────────────────────────────────────────────────────────────────────────
grok    xai         heuristic  grok-4.3
                               newest generally available generation (4.3) among
                               2 candidates
claude  openrouter  heuristic  anthropic/claude-sonnet-4.6
                               newest generally available generation (4.6) among
                               2 candidates
gpt     openrouter  heuristic  openai/gpt-5.5
                               the only eligible candidate

xai: 2 added
   model_name    context  $/Mtok in/out
───────────────────────────────────────
+  xai/grok-4.3        ?            ?/?
+  xai/grok-4          ?            ?/?

openrouter: 3 added
   model_name                              context  $/Mtok in/out
─────────────────────────────────────────────────────────────────
+  openrouter/anthropic/claude-sonnet-4.6       1M           3/15
+  openrouter/anthropic/claude-sonnet-4.5       1M           3/15
+  openrouter/openai/gpt-5.5                 1.05M           5/30
"""


def test_show_details_prints_every_entry_then_asks_again(world: World) -> None:
    # providers, "Show details", then Apply (asked again, without "Show details"), launch model
    result = world.run(ENTER + DOWN + ENTER + ENTER + ENTER, "--no-enrich", console_width=80)

    assert result.code == EXIT_OK, result.text
    screen = screen_after_progress(result, world.config, "\nWritten:")
    assert screen == SUMMARY_SCREEN + "\n" + DETAILS_SCREEN
    assert of("xai", world.model_names()) == ["xai/grok-4.3", "xai/grok-4"]


def test_details_flag_shows_the_tables_and_the_question_has_no_details_answer(
    world: World,
) -> None:
    # the answers are Apply / Don't apply: DOWN is "Don't apply"
    result = world.run(ENTER + DOWN + ENTER + ENTER, "--no-enrich", "--details", console_width=80)

    assert result.code == EXIT_OK, result.text
    screen = screen_after_progress(result, world.config, "Not applied:")
    assert screen == SUMMARY_SCREEN + "\n" + DETAILS_SCREEN
    assert not world.config.exists()


def test_progress_lines_show_each_provider_with_its_model_count(world: World) -> None:
    result = world.run(ENTER * 3)

    progress = result.before("Providers")
    assert "ok     xAI" in progress or "ok xAI" in " ".join(progress.split())
    assert "3 models" in progress  # xAI: 3 models in its catalog
    assert "4 models" in progress  # OpenRouter
    assert "best model per family" in progress


# --------------------------------------------------------------------------- choices


def test_unselecting_a_provider_refreshes_only_the_others(world: World) -> None:
    result = world.run(toggle("xai") + ENTER + ENTER + ENTER)

    assert result.code == EXIT_OK, result.text
    assert not world.requested("xai")
    assert of("xai", world.model_names()) == []
    assert of("openrouter", world.model_names())
    assert "Not refreshed: anthropic, openai, gemini, xai," in result.text


def test_unselecting_the_keyless_provider_skips_it(world: World) -> None:
    result = world.run(toggle("openrouter") + ENTER + ENTER + ENTER)

    assert result.code == EXIT_OK, result.text
    assert not world.requested("openrouter")
    assert of("openrouter", world.model_names()) == []
    assert of("xai", world.model_names()) == ["xai/grok-4.3", "xai/grok-4"]
    assert world.launch_model() == "grok"  # no claude alias: the first alias is the default


def test_provider_flag_preselects_only_that_provider(world: World) -> None:
    result = world.run(ENTER * 3, "--provider", "xai")

    assert result.code == EXIT_OK, result.text
    assert not world.requested("openrouter")
    assert of("xai", world.model_names()) == ["xai/grok-4.3", "xai/grok-4"]


def test_an_unknown_provider_flag_is_a_usage_error_before_any_prompt(world: World) -> None:
    with pytest.raises(UsageError, match="Unknown provider nope"):
        world.run("", "--provider", "nope")
    assert world.snapshot() == {}


def test_choosing_no_provider_is_refused_until_one_is_chosen(world: World) -> None:
    # Unselect both, try Enter (refused), select xAI again, Enter.
    keys = toggle("xai", "openrouter") + ENTER + "\x1b[A" * 6 + SPACE + ENTER + ENTER + ENTER
    result = world.run(keys)

    assert result.code == EXIT_OK, result.text
    assert of("xai", world.model_names()) == ["xai/grok-4.3", "xai/grok-4"]
    assert not world.requested("openrouter")


# --------------------------------------------------------------------------- keys


def test_a_provider_without_key_can_be_skipped(world: World, memory_keyring: MemoryKeyring) -> None:
    # Choose DeepSeek (no key), then "Skip DeepSeek this time" at the key question.
    result = world.run(toggle("deepseek") + ENTER + DOWN + ENTER + "n" + ENTER + ENTER)

    assert result.code == EXIT_OK, result.text
    assert not world.requested("deepseek")
    assert memory_keyring.store == {}
    assert of("deepseek", world.model_names()) == []


def test_an_empty_key_skips_the_provider(world: World, memory_keyring: MemoryKeyring) -> None:
    result = world.run(toggle("deepseek") + ENTER + ENTER + ENTER + "n" + ENTER + ENTER)

    assert result.code == EXIT_OK, result.text
    assert "No key entered: skipping deepseek" in result.text
    assert memory_keyring.store == {}
    assert not world.requested("deepseek")


def test_a_key_entered_is_stored_in_the_keyring_and_used(
    world: World, memory_keyring: MemoryKeyring
) -> None:
    secret = "sk-typed-SECRET-42"
    result = world.run(toggle("deepseek") + ENTER + ENTER + secret + ENTER + "n" + ENTER + ENTER)

    assert result.code == EXIT_OK, result.text
    assert memory_keyring.store == {("discovery-tui", "deepseek"): secret}
    assert "DEEPSEEK_API_KEY" not in os.environ
    (request,) = world.server.requests_to("/deepseek/models")
    assert request.headers["authorization"] == f"Bearer {secret}"
    assert of("deepseek", world.model_names()) == ["deepseek/deepseek-v4-pro"]
    assert secret not in world.config.read_text(encoding="utf-8")
    assert secret not in world.profile.read_text(encoding="utf-8")
    assert secret not in result.text
    assert "os.environ/DEEPSEEK_API_KEY" in world.config.read_text(encoding="utf-8")


def test_a_key_the_provider_rejects_is_not_stored(
    world: World, memory_keyring: MemoryKeyring
) -> None:
    world.server.route("/deepseek/models", Reply(401, json={"error": "bad key"}))

    result = world.run(toggle("deepseek") + ENTER + ENTER + "sk-typo" + ENTER + "n" + ENTER + ENTER)

    assert result.code == EXIT_PARTIAL, result.text
    assert memory_keyring.store == {}
    assert "The DeepSeek key was not stored" in result.text
    assert "DEEPSEEK_API_KEY" not in os.environ  # the typed key lived in the run only


def test_the_wizard_creates_the_master_key_in_the_keyring_by_default(
    world: World, memory_keyring: MemoryKeyring
) -> None:
    result = world.run(ENTER * 4)  # providers, master key (yes), apply, launch model

    assert result.code == EXIT_OK, result.text
    key = memory_keyring.store[("discovery-tui", "LITELLM_MASTER_KEY")]
    assert key.startswith("sk-") and len(key) > 40
    assert key not in result.text
    assert key not in world.config.read_text(encoding="utf-8")
    assert key not in world.profile.read_text(encoding="utf-8")
    written = result.text.split("Written:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert written == [
        f"  config      {world.config} (a new file)",
        f"  profile     {world.profile}",
        "  master key  the keyring (discovery-tui/LITELLM_MASTER_KEY)",
        "To undo the config change:",
        f"  discovery-tui undo --config {world.config}",
    ]
    # the config names the key's variable (never the key) in a general_settings at its end
    assert world.config.read_text(encoding="utf-8").endswith(
        "general_settings:\n  master_key: os.environ/LITELLM_MASTER_KEY\n"
    )
    shown = result.text.splitlines()
    at = shown.index("general_settings")
    assert shown[at - 1 : at + 2] == [
        "",
        "general_settings",
        "  + master_key: os.environ/LITELLM_MASTER_KEY",
    ]
    assert f"{world.config}: 5 added, 6 aliases changed, 1 setting added." in shown
    again = world.run(ENTER * 2)  # found now: no question, and nothing to change
    assert "Create one" not in again.text
    assert f"{world.config}: nothing to change; 2 providers checked, all current." in again.text
    assert memory_keyring.store[("discovery-tui", "LITELLM_MASTER_KEY")] == key


def test_the_master_key_reference_is_one_new_line_in_the_users_file(
    world: World, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    assert world.run(ENTER * 3).code == EXIT_OK  # no keyring: entries only, no question
    monkeypatch.delenv("DISCOVERY_TUI_NO_KEYRING")
    mine = "general_settings:\n    database_url: x   # mine\n    # my note\n\n# the end\n"
    with world.config.open("a", encoding="utf-8") as config:
        config.write(mine)
    before = world.config.read_text(encoding="utf-8")

    result = world.run(ENTER * 4)  # providers, master key (yes), Apply, launch model

    assert result.code == EXIT_OK, result.text
    assert f"{world.config}: 1 setting added." in result.text.splitlines()
    reference = "    master_key: os.environ/LITELLM_MASTER_KEY\n"
    at = "    database_url: x   # mine\n"
    assert world.config.read_text(encoding="utf-8") == before.replace(at, at + reference)
    key = memory_keyring.store[("discovery-tui", "LITELLM_MASTER_KEY")]
    assert key not in world.config.read_text(encoding="utf-8")


def test_a_master_key_setting_of_the_user_is_never_replaced(
    world: World, memory_keyring: MemoryKeyring
) -> None:
    world.config.write_text(
        HAND_WRITTEN.replace("LITELLM_MASTER_KEY", "MY_PROXY_KEY"), encoding="utf-8"
    )

    result = world.run(ENTER * 4)  # the named variable is unset: a key is made for it

    assert result.code == EXIT_OK, result.text
    text = world.config.read_text(encoding="utf-8")
    assert text.count("master_key") == 1 and "master_key: os.environ/MY_PROXY_KEY" in text
    assert ("discovery-tui", "MY_PROXY_KEY") in memory_keyring.store


def test_a_master_key_in_the_environment_means_no_question(
    world: World, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LITELLM_MASTER_KEY", "sk-from-the-environment")
    result = world.run(ENTER * 3)

    assert result.code == EXIT_OK, result.text
    assert "master key" not in result.text
    assert memory_keyring.store == {}


def test_ctrl_c_after_the_master_key_question_stores_nothing(
    world: World, memory_keyring: MemoryKeyring
) -> None:
    result = world.run(ENTER + ENTER + CTRL_C)  # yes to the key, then Ctrl-C at the apply

    assert result.code == EXIT_INTERRUPTED
    assert memory_keyring.store == {}
    assert not world.config.exists()


def test_without_a_keyring_the_master_key_export_lines_are_shown(world: World) -> None:
    result = world.run(ENTER * 3)

    assert result.code == EXIT_OK, result.text
    assert "  export LITELLM_MASTER_KEY='sk-...'" in result.text.splitlines()
    assert "  PowerShell: $env:LITELLM_MASTER_KEY = 'sk-...'" in result.text.splitlines()
    assert "secrets.token_hex()" in result.text


def test_the_master_key_commands_are_whole_lines_at_60_columns(world: World) -> None:
    result = world.run(ENTER * 3, console_width=60)

    shown = result.before("\n\n" + "ok ")
    lines = [line.rstrip() for line in shown.split("any question.\n\n", 1)[1].splitlines()]
    assert lines == [
        "The proxy has no master key, and no keyring is available",
        "here to keep one. Make one:",
        "python3 -c \"import secrets;print('sk-'+secrets.token_hex())\"",  # 59: no indent
        "and add it to your shell's startup file:",
        "  export LITELLM_MASTER_KEY='sk-...'",
        "  PowerShell: $env:LITELLM_MASTER_KEY = 'sk-...'",
    ]


@pytest.mark.parametrize("width", [60, 100])
def test_the_demo_preview_and_its_question_fit_40_rows(
    world: World, memory_keyring: MemoryKeyring, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the first run of README: a master key is made, so the preview has its setting too;
    # README's short config path (the closing line's rows do not depend on the test's tmp)
    monkeypatch.chdir(world.tmp)
    world = replace(world, config=Path("config.yaml"))
    result = world.run(ENTER * 4, "--demo", console_width=width)

    assert result.code == EXIT_OK, result.text
    lines = result.text.splitlines()
    start = lines.index("Providers (entries: + added, ~ updated, - removed)")
    end = next(i for i, line in enumerate(lines) if line.startswith(f"{world.config}:"))
    last = next(i for i in range(end, len(lines)) if not lines[i + 1].startswith("  "))
    preview = lines[start : last + 1]
    question_rows = 4  # the question and its three answers
    assert len(preview) + question_rows <= 40, "\n".join(preview)
    assert all(len(line) <= width for line in preview if str(world.config) not in line)
    assert "  + master_key: os.environ/LITELLM_MASTER_KEY" in preview
    assert " ".join(line.strip() for line in lines[end : last + 1]) == (
        f"{world.config}: 29 added, 26 aliases changed, 16 fallbacks changed, 1 setting added."
    )


def test_the_first_screen_names_the_config_and_profile(world: World) -> None:
    result = world.run(ENTER * 3)

    assert result.text.splitlines()[:3] == [
        f"Config:  {world.config} (a new file)",
        f"Profile: {world.profile}",
        "Nothing is written before your last answer; Ctrl-C quits at any question.",
    ]


def test_without_a_keyring_it_names_the_variable_and_skips(world: World) -> None:
    result = world.run(toggle("deepseek") + ENTER + ENTER + ENTER)  # no key question at all

    assert result.code == EXIT_OK, result.text
    assert "set DEEPSEEK_API_KEY" in " ".join(result.text.split())
    assert not world.requested("deepseek")


def test_the_checkbox_shows_key_state_and_last_refresh(world: World) -> None:
    from discovery_tui.commands.wizard import provider_options, start_session

    world.profile.write_text("last_refresh:\n  xai: '2026-05-01T10:00:00'\n", encoding="utf-8")
    args = build_parser().parse_args(
        ["--config", str(world.config), "--profile", str(world.profile)]
    )
    session = start_session(args, Prompter(), Console(file=io.StringIO()))
    titles = {o.value: (o.title, o.checked) for o in provider_options(session, {"xai"})}

    assert titles["xai"][1] and not titles["openrouter"][1]
    assert "key in $XAI_API_KEY" in titles["xai"][0]
    assert "refreshed 2026-05-01 10:00" in titles["xai"][0]
    assert "no key needed" in titles["openrouter"][0]
    assert "never refreshed" in titles["openrouter"][0]
    assert "no key " in titles["deepseek"][0]


# --------------------------------------------------------------------------- cancel


CANCEL_AT = {
    "providers": CTRL_C,
    "key choice": toggle("deepseek") + ENTER + CTRL_C,
    "key entry": toggle("deepseek") + ENTER + ENTER + "sk-half" + CTRL_C,
    "apply": ENTER + CTRL_C,
    "apply, after a key was typed": toggle("deepseek") + ENTER + ENTER + "sk-new" + ENTER + CTRL_C,
    "launch": ENTER + ENTER + CTRL_C,
    "launch, input closed": ENTER + ENTER,
}


@pytest.mark.parametrize("where", list(CANCEL_AT))
def test_ctrl_c_at_any_prompt_leaves_every_file_untouched(
    world: World, memory_keyring: MemoryKeyring, where: str
) -> None:
    world.config.write_text(HAND_WRITTEN, encoding="utf-8")
    world.profile.write_text("# mine\nlaunch_model: my-local\n", encoding="utf-8")
    for path in (world.config, world.profile):
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = world.snapshot()

    result = world.run(CANCEL_AT[where])

    assert result.code == EXIT_INTERRUPTED, result.text
    assert "Cancelled: nothing was written." in result.text
    assert world.snapshot() == before
    assert memory_keyring.store == {}


def test_declining_writes_nothing_but_keeps_the_launch_choice(world: World) -> None:
    world.config.write_text(HAND_WRITTEN, encoding="utf-8")

    result = world.run(ENTER + DOWN + DOWN + ENTER + ENTER)  # providers, Don't apply, launch

    assert result.code == EXIT_OK, result.text
    assert world.config.read_text(encoding="utf-8") == HAND_WRITTEN
    assert not world.config.with_name("config.yaml.bak").exists()
    assert f"Not applied: {world.config} stays as it is." in result.text.splitlines()
    assert world.launch_model() == "my-local"  # the only model of the unchanged config
    assert Profile.load(world.profile).last_refresh == {}


# --------------------------------------------------------------------------- second run, launch


def test_a_second_run_has_nothing_to_change_and_asks_no_confirmation(world: World) -> None:
    assert world.run(ENTER * 3).code == EXIT_OK
    config_after_first = world.config.read_bytes()

    result = world.run(ENTER * 2)  # providers, launch model: no "apply?" question

    assert result.code == EXIT_OK, result.text
    assert result.text.lower().count("nothing to change") == 1  # said once
    assert "Apply these changes" not in result.text
    assert world.config.read_bytes() == config_after_first
    assert world.launch_model() == "claude"
    assert set(Profile.load(world.profile).last_refresh) == {"openrouter", "xai"}


def test_the_launch_choice_is_saved(world: World) -> None:
    # One row per model, aliases' targets first: (claude, default), gpt, grok, then the rest
    result = world.run(ENTER + ENTER + DOWN + ENTER)

    assert result.code == EXIT_OK, result.text
    assert world.launch_model() == "gpt"


def test_typing_filters_the_launch_menu(world: World) -> None:
    result = world.run(ENTER + ENTER + "grok-4" + ENTER)

    assert result.code == EXIT_OK, result.text
    assert world.launch_model() == "grok"  # the alias that points at xai/grok-4.3 comes first


def test_the_current_launch_model_is_preselected(world: World) -> None:
    world.profile.write_text("launch_model: grok\n", encoding="utf-8")

    assert world.run(ENTER * 3).code == EXIT_OK
    assert world.launch_model() == "grok"


def test_a_model_can_be_the_launch_choice(world: World) -> None:
    world.profile.write_text("launch_model: xai/grok-4\n", encoding="utf-8")

    assert world.run(ENTER * 3).code == EXIT_OK
    assert world.launch_model() == "xai/grok-4"
    assert "xai/grok-4" in world.model_names()


def test_launch_default_prefers_current_then_claude_then_default() -> None:
    assert launch_default("grok", ["claude", "grok"]) == "grok"
    assert launch_default("gone", ["x", "claude", "default"]) == "claude"
    assert launch_default(None, ["x", "default"]) == "default"
    assert launch_default(None, ["x", "y"]) == "x"


# --------------------------------------------------------------------------- failures


def test_a_failed_provider_keeps_its_entries_and_exits_3(world: World) -> None:
    assert world.run(ENTER * 3).code == EXIT_OK
    world.server.route("/xai/v1/models", Reply(401, json={"error": "bad key"}))

    result = world.run(ENTER * 3, console_width=200)

    assert result.code == EXIT_PARTIAL, result.text
    assert of("xai", world.model_names()) == ["xai/grok-4.3", "xai/grok-4"]
    lines = result.text.splitlines()
    assert f"{world.config}: nothing to change; xai failed (its entries were kept)." in lines
    assert (
        "xai failed, its entries were kept as is: xAI rejected the key (HTTP 401): "
        "set XAI_API_KEY or run `discovery-tui keys set xai`"
    ) in lines
    assert world.aliases()["grok"] == "xai/grok-4.3"


def test_when_every_chosen_provider_fails_nothing_is_written(world: World) -> None:
    world.server.route("/xai/v1/models", Reply(401, json={"error": "bad key"}))

    # xAI only: no further question
    result = world.run(toggle("openrouter") + ENTER, console_width=200)

    assert result.code == EXIT_PARTIAL, result.text
    line = f"{world.config}: no chosen provider could be read; nothing to change."
    assert result.text.count("could be read") == 1 and line in result.text.splitlines()
    assert "Apply these changes" not in result.text
    assert not world.config.exists()
    assert world.launch_model() is None


# --------------------------------------------------------------------------- the apply question


def _plan(tmp: Path) -> Any:
    from discovery_tui.plan import EntryChange, Plan

    return Plan(
        config_path=tmp / "config.yaml",
        providers=(),
        changes=(EntryChange("xai/grok-4.3", "xai", "added"),),
        aliases={},
        alias_changes=(),
    )


class RecordingPrompter(Prompter):
    """Records each select question with its answers' titles (DummyOutput shows nothing)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.asked: list[tuple[str, list[str]]] = []

    def select(self, message: str, options: Any, *, default: str, search: bool = False) -> str:
        self.asked.append((message, [o.title for o in options if o is not None]))
        return super().select(message, options, default=default, search=search)


def ask(keys: str, plan: Any, *, details_shown: bool = False) -> tuple[bool, RecordingPrompter]:
    from discovery_tui.commands.preview import ask_to_apply

    console = Console(file=io.StringIO(), width=80)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        prompter = RecordingPrompter(input=pipe, output=DummyOutput())
        return ask_to_apply(prompter, console, plan, details_shown=details_shown), prompter


@pytest.mark.parametrize(
    ("keys", "answer", "asked_again"),
    [(ENTER, True, False), (DOWN + DOWN + ENTER, False, False), (DOWN + ENTER + ENTER, True, True)],
    ids=["apply", "dont-apply", "details-then-apply"],
)
def test_the_apply_question_defaults_to_apply(
    tmp_path: Path, keys: str, answer: bool, asked_again: bool
) -> None:
    applied, prompter = ask(keys, _plan(tmp_path))

    assert applied is answer
    question = f"Apply these changes to {tmp_path / 'config.yaml'}?"
    first = [
        "Apply (creates config.yaml)",
        "Show details (every entry, then ask again)",
        "Don't apply",
    ]
    again = [(question, ["Apply (creates config.yaml)", "Don't apply"])] if asked_again else []
    assert prompter.asked == [(question, first), *again]


def test_the_apply_answer_names_the_backup_of_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("model_list: []\n", encoding="utf-8")

    applied, prompter = ask(ENTER, _plan(tmp_path), details_shown=True)

    assert applied is True
    assert prompter.asked[0][1] == [
        "Apply (the previous file is kept as config.yaml.bak)",
        "Don't apply",
    ]


def test_the_apply_question_ctrl_c_is_cancelled(tmp_path: Path) -> None:
    with pytest.raises(Cancelled) as cancelled:
        ask(CTRL_C, _plan(tmp_path))
    assert cancelled.value.exit_code == EXIT_INTERRUPTED


# --------------------------------------------------------------------------- the preview


def _model(model_id: str, context: int, price_in: float, price_out: float, prefix: str) -> Any:
    from datetime import date

    from discovery_tui.models import Model

    return Model(
        provider=prefix,
        id=model_id,
        litellm_model=f"{prefix}/{model_id}",
        context_window=context,
        input_cost_per_token=price_in,
        output_cost_per_token=price_out,
        released=date(2026, 4, 30),
    )


def preview_plan() -> Any:
    """Every kind of row: added, removed, kept, failed, skipped; alias moved, new, removed."""
    from discovery_tui.models import Entry, Pick
    from discovery_tui.plan import AliasChange, EntryChange, Plan, ProviderOutcome

    grok43 = _model("grok-4.3", 1_000_000, 1.25e-6, 2.5e-6, "xai")
    grok4 = _model("grok-4", 256_000, 3e-6, 15e-6, "xai")
    sonnet = _model("anthropic/claude-sonnet-4.6", 1_000_000, 3e-6, 15e-6, "openrouter")
    long_id = "mistralai/mistral-large-2512-instruct-preview-experimental"
    mistral = _model(long_id, 262_000, 0.5e-6, 1.5e-6, "openrouter")

    def entry(m: Any) -> Entry:
        return Entry(m.litellm_model, m.provider, {"model": m.litellm_model}, {})

    xai = ProviderOutcome(
        "xai",
        "ok",
        models=3,
        picks={"grok": Pick("grok", grok43, "llm", "newest flagship; grok-4 is older")},
        entries=(entry(grok43), entry(grok4)),
    )
    openrouter = ProviderOutcome(
        "openrouter",
        "ok",
        models=412,
        picks={"claude": Pick("claude", sonnet, "heuristic", "the only eligible candidate")},
        entries=(entry(sonnet), entry(mistral)),
    )
    deepseek = ProviderOutcome(
        "deepseek",
        "failed",
        error="DeepSeek rejected the key (HTTP 401): run `discovery-tui keys set deepseek`",
    )
    return Plan(
        config_path=Path("config.yaml"),
        providers=(xai, openrouter, deepseek, ProviderOutcome("groq", "skipped")),
        changes=(
            EntryChange("xai/grok-4.3", "xai", "added", grok43),
            EntryChange("xai/grok-3", "xai", "removed"),
            EntryChange(mistral.litellm_model, "openrouter", "added", mistral),
        ),
        aliases={"grok": "xai/grok-4.3", "claude": sonnet.litellm_model},
        alias_changes=(
            AliasChange("grok", "xai/grok-3", "xai/grok-4.3", grok43),
            AliasChange("claude", None, sonnet.litellm_model, sonnet),
            AliasChange("mistral", "openrouter/mistralai/mistral-medium", None, None),
        ),
    )


PREVIEW_80 = """\
Providers (entries: + added, ~ updated, - removed)
  xai         ok        3 models  +1 -1
  openrouter  ok      412 models  +1
  deepseek    failed              entries kept as is
  Not refreshed: groq

Aliases
  xai's pick:
    grok     xai/grok-3 -> xai/grok-4.3
  openrouter's pick:
    claude   -> openrouter/anthropic/claude-sonnet-4.6
  removed:
    mistral  openrouter/mistralai/mistral-medium -> removed

config.yaml: 2 added, 1 removed, 3 aliases changed.
"""

DETAILS_80 = """\

Best per family
family  provider    by         model / why
───────────────────────────────────────────────────────────────
grok    xai         llm        grok-4.3
                               newest flagship; grok-4 is older
claude  openrouter  heuristic  anthropic/claude-sonnet-4.6
                               the only eligible candidate

xai: 1 added, 1 removed; 1 unchanged
   model_name    context  $/Mtok in/out
───────────────────────────────────────
+  xai/grok-4.3       1M       1.25/2.5
-  xai/grok-3

openrouter: 1 added; 1 unchanged
   model_name                                             context  $/Mtok in/out
────────────────────────────────────────────────────────────────────────────────
+  openrouter/mistralai/mistr…truct-preview-experimental     262k        0.5/1.5
"""


def render_text(plan: Any, width: int, *, details: bool = True) -> str:
    from discovery_tui.render.plan import render_preview

    console = Console(
        width=width,
        no_color=True,
        force_terminal=False,
        record=True,
        highlight=False,
        file=io.StringIO(),
    )
    render_preview(plan, console, details=details)
    return console.export_text()


def test_the_preview_renders_exactly_in_80_columns() -> None:
    summary = render_text(preview_plan(), 80, details=False)
    full = render_text(preview_plan(), 80)

    assert "\n".join(line.rstrip() for line in summary.splitlines()) + "\n" == PREVIEW_80
    assert "\n".join(line.rstrip() for line in full.splitlines()) + "\n" == PREVIEW_80 + DETAILS_80
    assert max(len(line) for line in full.splitlines()) <= 80


@pytest.mark.parametrize("width", [60, 80, 100])
def test_the_preview_never_wraps_ids_and_fits_the_width(width: int) -> None:
    text = render_text(preview_plan(), width)

    assert max(len(line) for line in text.splitlines()) <= width
    long_name = "openrouter/mistralai/mistral-large-2512-instruct-preview-experimental"
    if width >= 100:
        assert long_name in text
    else:  # shortened in the middle, on one line: both ends stay readable
        assert long_name not in text
        assert any("openrouter/mistr" in ln and "experimental" in ln for ln in text.splitlines())


def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    from discovery_tui.render.console import make_console
    from discovery_tui.render.plan import render_plan

    monkeypatch.setenv("NO_COLOR", "1")
    buffer = io.StringIO()
    console = make_console()
    console.file = buffer
    assert console.no_color
    render_plan(preview_plan(), console)
    assert "\x1b[3" not in buffer.getvalue()  # no foreground colour codes


# --------------------------------------------------------------------------- small pieces


def test_last_refresh_text() -> None:
    assert last_refresh_text(None) == "never refreshed"
    assert last_refresh_text("2026-05-01T10:00:00") == "refreshed 2026-05-01 10:00"
    assert last_refresh_text("yesterday") == "refreshed yesterday"


def test_undo_after_the_wizard_created_the_config_moves_it_aside(world: World) -> None:
    assert world.run(ENTER * 3).code == EXIT_OK
    created = world.config.read_bytes()

    def undo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "discovery_tui", "undo", "--config", str(world.config), "-y"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    moved = undo()
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.splitlines()[-1] == (
        f"Moved {world.config} aside to config.yaml.bak (run `discovery-tui undo` again to "
        "bring it back)."
    )
    assert not world.config.exists()
    assert world.config.with_name("config.yaml.bak").read_bytes() == created
    back = undo()
    assert back.returncode == 0, back.stderr
    assert world.config.read_bytes() == created


def test_without_a_terminal_it_exits_2_and_names_the_command(tmp_path: Path) -> None:
    config, profile = tmp_path / "config.yaml", tmp_path / "profile.yaml"
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["DISCOVERY_TUI_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-m", "discovery_tui", "--config", str(config), "--profile", str(profile)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "discovery-tui refresh --yes" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_edit_made_while_the_wizard_asks_is_kept(world: World) -> None:
    """The wizard plans on the file read at the start; an edit made before the answer is
    noticed under the lock, and the change is applied to the edited file."""
    world.config.write_text(HAND_WRITTEN, encoding="utf-8")
    edit = "litellm_settings:\n  drop_params: true  # edited while the wizard asked\n"

    class EditingPrompter(Prompter):
        def select(self, message: str, options: Any, *, default: str, search: bool = False) -> str:
            if message.startswith("Apply these changes"):
                with world.config.open("a", encoding="utf-8") as config:
                    config.write(edit)
            return super().select(message, options, default=default, search=search)

    args = build_parser().parse_args(
        ["--no-llm", "--config", str(world.config), "--profile", str(world.profile)]
    )
    with create_pipe_input() as pipe:
        pipe.send_text(ENTER * 3)
        pipe.close()
        code = run_wizard(
            args,
            prompter=EditingPrompter(input=pipe, output=DummyOutput()),
            console=Console(file=io.StringIO(), width=80),
        )

    assert code == EXIT_OK
    text = world.config.read_text(encoding="utf-8")
    assert "drop_params: true  # edited while the wizard asked" in text
    assert "my-local" in world.model_names() and len(world.model_names()) > 1
