"""`discovery-tui launch`: a stand-in `claude` on PATH records what it got; fake proxies on
127.0.0.1 (the real LiteLLM proxy: test_e2e_litellm.py)."""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from fake_upstream import FakeProxy, memory_keyring, write_stand_in_claude

from discovery_tui.cli import main
from discovery_tui.providers import PROVIDERS
from discovery_tui.proxy import is_live, new_probe_client


def live(url: str) -> bool:
    with new_probe_client() as client:
        return is_live(client, url)

MASTER = "sk-launch-master-42c1"
FAKE_KEYS = {"OPENROUTER_API_KEY": "or-key-aa11bb22", "XAI_API_KEY": "xai-key-cc33dd44"}
MODELS = ("openrouter/anthropic/claude-sonnet-4.5", "openrouter/openai/gpt-5", "xai/grok-4")
ALIASES = {
    "claude": MODELS[0],
    "claude-strong": MODELS[0],
    "claude-fast": MODELS[0],
    "gpt": MODELS[1],
    "claude-gpt": MODELS[1],
    "grok": MODELS[2],
}
FAKE_PROXY_SCRIPT = Path(__file__).resolve().parent / "fake_upstream.py"


def config_text(master_key: str | None = MASTER) -> str:
    lines = ["model_list:"]
    for name in MODELS:
        var = "XAI_API_KEY" if name.startswith("xai/") else "OPENROUTER_API_KEY"
        lines += [f"  - model_name: {name}", "    litellm_params:", f"      model: {name}"]
        lines += [f"      api_key: os.environ/{var}"]
    lines += ["router_settings:", "  model_group_alias:"]
    lines += [f"    {alias}: {target}" for alias, target in ALIASES.items()]
    if master_key:
        lines += ["general_settings:", f"  master_key: {master_key}"]
    return "\n".join(lines) + "\n"


def free_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment, config.yaml with a master key, a stand-in claude first on PATH."""
    for spec in PROVIDERS.values():
        if spec.key_env:
            monkeypatch.delenv(spec.key_env, raising=False)
    for name in ("LITELLM_MASTER_KEY", "DISCOVERY_TUI_CONFIG", "DISCOVERY_TUI_NO_KEYRING"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config.yaml").write_text(config_text(), encoding="utf-8")
    write_stand_in_claude(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("STAND_IN_CLAUDE_RECORD", str(tmp_path / "claude.json"))
    monkeypatch.setenv("DISCOVERY_TUI_PROFILE", str(tmp_path / "profile.yaml"))
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def proxy() -> Iterator[FakeProxy]:
    server = FakeProxy(master_key=MASTER, aliases=ALIASES, model_names=MODELS)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def backend() -> Iterator[Any]:
    previous = keyring.get_keyring()
    memory = memory_keyring()
    keyring.set_keyring(memory)
    try:
        yield memory
    finally:
        keyring.set_keyring(previous)


def recorded(work: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((work / "claude.json").read_text(encoding="utf-8"))
    return data


def write_profile(work: Path, **proxy: str) -> Path:
    lines = ["proxy:"] + [f"  {key}: {json.dumps(value)}" for key, value in proxy.items()]
    (work / "profile.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return work / "profile.yaml"


# --- --print-env --------------------------------------------------------------------------


def test_print_env_sh(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var, value in FAKE_KEYS.items():
        monkeypatch.setenv(var, value)
    url = free_url()
    assert main(["launch", "--print-env", "--shell", "sh", "--proxy-url", url + "/v1"]) == 0
    out = capsys.readouterr()
    assert out.out == (
        f"export ANTHROPIC_BASE_URL={url}\n"
        f"export ANTHROPIC_AUTH_TOKEN={MASTER}\n"
        "export ANTHROPIC_MODEL=claude\n"
        "export ANTHROPIC_DEFAULT_OPUS_MODEL=claude-strong\n"
        "export ANTHROPIC_DEFAULT_SONNET_MODEL=claude\n"
        "export ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-fast\n"
    )
    assert not any(value in out.out + out.err for value in FAKE_KEYS.values())
    assert "no proxy answers" in out.err


def test_print_env_powershell(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LITELLM_MASTER_KEY", 'sk-a"b$c`d')
    url = free_url()
    args = ["launch", "--print-env", "--shell", "powershell", "--proxy-url", url]
    assert main([*args, "--model", "gpt"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f'$env:ANTHROPIC_BASE_URL="{url}"',
        '$env:ANTHROPIC_AUTH_TOKEN="sk-a`"b`$c``d"',
        '$env:ANTHROPIC_MODEL="claude-gpt"',
        '$env:ANTHROPIC_DEFAULT_OPUS_MODEL="claude-strong"',
        '$env:ANTHROPIC_DEFAULT_SONNET_MODEL="claude"',
        '$env:ANTHROPIC_DEFAULT_HAIKU_MODEL="claude-fast"',
    ]


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
    assert seen["status"] == 200 and "message_stop" in seen["stream"]
    assert live(proxy.url)  # a proxy it did not start is left running


def test_claude_not_on_path(
    work: Path, proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("PATH", str(work / "empty"))
    assert main(["launch", "--proxy-url", proxy.url]) == 1
    assert "not on PATH" in capsys.readouterr().err


# --- starting the proxy -------------------------------------------------------------------


def fake_proxy_command() -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE_PROXY_SCRIPT))} proxy"


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
    monkeypatch.setattr("discovery_tui.commands.launch.is_live", lambda client, url: False)
    assert main(["launch", "--proxy-url", "http://proxy.example:4000"]) == 1
    assert "not on this machine" in capsys.readouterr().err
