"""`discovery-tui launch`: a stand-in `claude` on PATH records what it got; fake proxies on
127.0.0.1 (the real LiteLLM proxy: test_e2e_litellm.py)."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_upstream import FakeProxy, memory_backend
from launch_harness import (
    FAKE_KEYS,
    MASTER,
    config_text,
    fake_proxy_command,
    free_url,
    live,
    prepare_work,
    recorded,
    serve_fake_proxy,
    write_profile,
)

from discovery_tui.cli import main


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return prepare_work(tmp_path, monkeypatch)


@pytest.fixture
def proxy() -> Iterator[FakeProxy]:
    yield from serve_fake_proxy()


@pytest.fixture
def backend() -> Iterator[Any]:
    yield from memory_backend()


# --- --print-env --------------------------------------------------------------------------


def test_print_env_sh(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var, value in FAKE_KEYS.items():
        monkeypatch.setenv(var, value)
    url = free_url()
    assert main(["launch", "--print-env", "--shell", "sh", "--proxy-url", url + "/v1"]) == 0
    out = capsys.readouterr()
    sonnet = [
        "_NAME='Sonnet 4.5 via openrouter'",
        "_DESCRIPTION='openrouter/anthropic/claude-sonnet-4.5 · 200k context · $3/$15 per 1M'",
        "_SUPPORTED_CAPABILITIES=effort,thinking,adaptive_thinking",
    ]
    tiers = [("OPUS", "claude-strong"), ("SONNET", "claude"), ("HAIKU", "claude-fast")]
    assert out.out.splitlines() == [
        f"export ANTHROPIC_BASE_URL={url}",
        f"export ANTHROPIC_AUTH_TOKEN={MASTER}",
        "export ANTHROPIC_MODEL=claude",
        *(
            line
            for tier, alias in tiers
            for line in (
                f"export ANTHROPIC_DEFAULT_{tier}_MODEL={alias}",
                *(f"export ANTHROPIC_DEFAULT_{tier}_MODEL{label}" for label in sonnet),
            )
        ),
        "export CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1",
        "export CLAUDE_CODE_MAX_OUTPUT_TOKENS=64000",
    ]
    assert not any(value in out.out + out.err for value in FAKE_KEYS.values())
    assert "no proxy answers" in out.err


def test_print_env_powershell(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LITELLM_MASTER_KEY", 'sk-a"b$c`d')
    url = free_url()
    args = ["launch", "--print-env", "--shell", "powershell", "--proxy-url", url]
    assert main([*args, "--model", "gpt"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        f'$env:ANTHROPIC_BASE_URL="{url}"',
        '$env:ANTHROPIC_AUTH_TOKEN="sk-a`"b`$c``d"',
        '$env:ANTHROPIC_MODEL="claude-gpt"',
        '$env:ANTHROPIC_DEFAULT_OPUS_MODEL="claude-strong"',
    ]
    assert (
        '$env:ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION="openrouter/anthropic/claude-sonnet-4.5'
        ' · 200k context · `$3/`$15 per 1M"' in lines
    )
    # gpt: a hand-written entry without model_info: named by its id, no guess at capabilities;
    # the output cap comes from the tiers the session may also use
    assert lines[-5:-1] == [
        '$env:ANTHROPIC_CUSTOM_MODEL_OPTION="claude-gpt"',
        '$env:ANTHROPIC_CUSTOM_MODEL_OPTION_NAME="GPT 5 via openrouter"',
        '$env:ANTHROPIC_CUSTOM_MODEL_OPTION_DESCRIPTION="openrouter/openai/gpt-5"',
        '$env:CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY="1"',
    ]
    assert lines[-1].startswith('$env:CLAUDE_CODE_MAX_OUTPUT_TOKENS="')


def test_print_env_quotes_for_sh(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LITELLM_MASTER_KEY", "sk-with space'quote")
    assert main(["launch", "--print-env", "--shell", "sh", "--proxy-url", free_url()]) == 0
    line = capsys.readouterr().out.splitlines()[1]
    assert shlex.split(line) == ["export", "ANTHROPIC_AUTH_TOKEN=sk-with space'quote"]


@pytest.mark.parametrize(
    ("model", "expected"),
    [("gpt", "claude-gpt"), ("grok", "grok"), ("claude-strong", "claude-strong")],
)
def test_model_is_made_reachable_from_the_picker(
    model: str, expected: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["launch", "--print-env", "--shell", "sh", "--model", model]) == 0
    assert f"export ANTHROPIC_MODEL={expected}\n" in capsys.readouterr().out


def test_launch_model_from_the_profile(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "profile.yaml").write_text("launch_model: grok\n", encoding="utf-8")
    assert main(["launch", "--print-env", "--shell", "sh"]) == 0
    assert "export ANTHROPIC_MODEL=grok\n" in capsys.readouterr().out


def test_master_key_env_named_by_the_profile_wins(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_profile(work, master_key_env="TEAM_KEY")
    monkeypatch.setenv("TEAM_KEY", "sk-team-key-1")
    assert main(["launch", "--print-env", "--shell", "sh"]) == 0
    assert "export ANTHROPIC_AUTH_TOKEN=sk-team-key-1\n" in capsys.readouterr().out


def test_no_master_key(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "config.yaml").write_text(config_text(master_key=None), encoding="utf-8")
    assert main(["launch", "--print-env"]) == 1
    err = capsys.readouterr().err
    assert "LITELLM_MASTER_KEY" in err and "general_settings.master_key" in err


# --- through a running proxy --------------------------------------------------------------


def test_runs_claude_with_the_variables_and_its_exit_code(
    work: Path, proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAND_IN_CLAUDE_EXIT", "5")
    monkeypatch.setenv("STAND_IN_CLAUDE_REQUEST", "1")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-would-win-over-the-token")
    code = main(["launch", "--proxy-url", proxy.url, "--model", "gpt", "--", "-p", "hi there"])
    assert code == 5
    seen = recorded(work)
    assert seen["argv"] == ["-p", "hi there"]
    env = seen["env"]
    assert env["ANTHROPIC_BASE_URL"] == proxy.url
    assert env["ANTHROPIC_AUTH_TOKEN"] == MASTER
    assert env["ANTHROPIC_MODEL"] == "claude-gpt"
    assert env["ANTHROPIC_DEFAULT_OPUS_MODEL"] == "claude-strong"
    assert env["ANTHROPIC_DEFAULT_SONNET_MODEL"] == "claude"
    assert env["ANTHROPIC_DEFAULT_HAIKU_MODEL"] == "claude-fast"
    assert "ANTHROPIC_API_KEY" not in env
    # gpt's entry does not say its limit; the tiers the session may also use do
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"].isdigit()
    assert seen["status"] == 200 and "message_stop" in seen["stream"]
    assert live(proxy.url)  # a proxy it did not start is left running


def test_claude_not_on_path(
    work: Path, proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("PATH", str(work / "empty"))
    assert main(["launch", "--proxy-url", proxy.url]) == 1
    assert "not on PATH" in capsys.readouterr().err


# --- starting the proxy -------------------------------------------------------------------


def test_starts_the_proxy_with_keyring_keys_and_stops_it(
    work: Path, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = free_url()
    write_profile(work, url=url, command=fake_proxy_command())
    backend.set_password("discovery-tui", "openrouter", FAKE_KEYS["OPENROUTER_API_KEY"])
    backend.set_password("discovery-tui", "xai", FAKE_KEYS["XAI_API_KEY"])
    backend.set_password("discovery-tui", "gemini", "gemini-key-not-referenced")
    monkeypatch.setenv("FAKE_PROXY_ENV_FILE", str(work / "proxy-env.json"))
    monkeypatch.setenv("STAND_IN_CLAUDE_REQUEST", "1")
    assert main(["launch"]) == 0
    proxy_env = json.loads((work / "proxy-env.json").read_text(encoding="utf-8"))
    for var, value in FAKE_KEYS.items():
        assert proxy_env[var] == value  # the keyring's keys, in the proxy's environment
    assert "GEMINI_API_KEY" not in proxy_env  # only what the config references
    seen = recorded(work)
    assert seen["status"] == 200  # Claude Code talked to the proxy launch started
    assert not any(value in json.dumps(seen["env"]) for value in FAKE_KEYS.values())
    assert not live(url)  # stopped when Claude Code exited


def test_environment_keys_win_over_the_keyring(
    work: Path, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = free_url()
    write_profile(work, url=url, command=fake_proxy_command())
    backend.set_password("discovery-tui", "openrouter", "from-keyring")
    monkeypatch.setenv("OPENROUTER_API_KEY", "from-env")
    monkeypatch.setenv("FAKE_PROXY_ENV_FILE", str(work / "proxy-env.json"))
    assert main(["launch"]) == 0
    proxy_env = json.loads((work / "proxy-env.json").read_text(encoding="utf-8"))
    assert proxy_env["OPENROUTER_API_KEY"] == "from-env"


def test_proxy_that_exits_is_reported_with_its_log(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crash = f"{shlex.quote(sys.executable)} -c \"print('boom: bad config'); raise SystemExit(3)\""
    write_profile(work, url=free_url(), command=crash)
    assert main(["launch"]) == 1
    err = capsys.readouterr().err
    assert "exited with code 3" in err and "litellm-proxy.log" in err and "boom" in err
    assert not (work / "claude.json").exists()


def test_proxy_that_never_gets_ready_times_out(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sleeper = f'{shlex.quote(sys.executable)} -c "import time; time.sleep(60)"'
    write_profile(work, url=free_url(), command=sleeper)
    assert main(["launch", "--proxy-timeout", "0.5"]) == 1
    err = capsys.readouterr().err
    assert "did not become ready" in err and "litellm-proxy.log" in err


def test_proxy_command_not_found(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_profile(work, url=free_url(), command="no-such-litellm-here")
    assert main(["launch"]) == 1
    err = capsys.readouterr().err
    assert "no-such-litellm-here" in err and "scripts/litellm-venv.sh" in err


def test_remote_proxy_is_not_started(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # no probe leaves the machine
    monkeypatch.setattr("discovery_tui.commands.launch_proxy.is_live", lambda client, url: False)
    assert main(["launch", "--proxy-url", "http://proxy.example:4000"]) == 1
    assert "not on this machine" in capsys.readouterr().err


@pytest.mark.parametrize(("own", "given"), [("4000", "4000"), ("99999", "64000"), ("x", "64000")])
def test_a_smaller_output_cap_of_the_user_is_kept(
    own: str, given: str, work: Path, proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_CODE_MAX_OUTPUT_TOKENS", own)
    assert main(["launch", "--proxy-url", proxy.url]) == 0
    assert recorded(work)["env"]["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == given
