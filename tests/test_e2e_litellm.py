"""End-to-end: `refresh` writes a config from provider catalogs, the REAL LiteLLM proxy serves it.

A fake upstream on 127.0.0.1 (tests/fake_upstream.py) plays both the providers' catalogs and the
LLM APIs behind them. `discovery-tui refresh` reads the catalogs of OpenRouter, xAI and Gemini
(the real responses of ../shared/catalogs when present, else small built-in ones); the proxy is
started once for the module on that config (plus a master key added by hand, as a user would);
then every default alias must answer, `claude` on every Claude Code and OpenAI route, and
`doctor` and `launch` must work against it.

Needs the proxy from `bash scripts/litellm-venv.sh`: ``export DISCOVERY_TUI_LITELLM=<path of
litellm>``. Without it the module is skipped.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_upstream import (
    REPLY,
    FakeUpstream,
    memory_keyring,
    real_catalogs,
    real_claude_code,
    write_stand_in_claude,
)
from litellm_harness import (
    DEFAULT_ALIASES,
    FAKE_KEYS,
    HAND_EDIT,
    MASTER_KEY,
    REQUIRED_ALIASES,
    Refreshed,
    alias_or_skip,
    assert_upstream_called,
    call,
    clean_env,
    discovery,
    free_port,
    litellm_executable,
    refresh_twice,
    serve_proxy,
    serve_upstream,
    sse_events,
    use_env,
)

from discovery_tui.proxy import is_live, new_probe_client

pytestmark = pytest.mark.litellm


@pytest.fixture(scope="module")
def litellm() -> str:
    return litellm_executable()


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    yield from serve_upstream()


@pytest.fixture(scope="module")
def refreshed(
    litellm: str, upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Refreshed:
    return refresh_twice(upstream, tmp_path_factory)


@pytest.fixture(scope="module")
def proxy_url(litellm: str, refreshed: Refreshed) -> Iterator[str]:
    yield from serve_proxy(litellm, refreshed)


# --- the config refresh wrote -------------------------------------------------------------


def test_refresh_writes_the_required_aliases(refreshed: Refreshed) -> None:
    assert set(refreshed.aliases) >= REQUIRED_ALIASES
    # first-party before aggregators, so every upstream dialect is exercised below
    assert refreshed.aliases["gemini"].startswith("gemini/")
    assert refreshed.aliases["grok"].startswith("xai/")
    assert refreshed.aliases["claude"].startswith("openrouter/")
    extra = set(refreshed.aliases) - set(DEFAULT_ALIASES)
    assert all(name.startswith("claude-") for name in extra), extra
    if real_catalogs() is None:  # the built-in catalogs have a model for every family
        assert set(DEFAULT_ALIASES) <= set(refreshed.aliases)


def test_hand_edit_survives_a_second_refresh(refreshed: Refreshed) -> None:
    assert HAND_EDIT.strip() in refreshed.text_after_second_refresh
    assert refreshed.text_after_second_refresh == refreshed.text_before_second_refresh


# --- the real proxy serves it -------------------------------------------------------------


def test_proxy_lists_every_alias(proxy_url: str, refreshed: Refreshed) -> None:
    response = httpx.get(
        proxy_url + "/v1/models", headers={"Authorization": f"Bearer {MASTER_KEY}"}
    )
    assert response.status_code == 200, response.text
    listed = {m["id"] for m in response.json()["data"]}
    assert set(refreshed.aliases) <= listed


@pytest.mark.parametrize("alias", DEFAULT_ALIASES)
def test_alias_answers_chat_completions(
    alias: str, proxy_url: str, refreshed: Refreshed, upstream: FakeUpstream
) -> None:
    target = alias_or_skip(refreshed, alias)
    seen = len(upstream.requests)
    body = {"model": alias, "max_tokens": 1, "messages": [{"role": "user", "content": "hi"}]}
    response = call(proxy_url, "/v1/chat/completions", body)
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == REPLY
    assert_upstream_called(upstream.requests[seen:], target)


def test_every_other_alias_answers_chat_completions(proxy_url: str, refreshed: Refreshed) -> None:
    """Aliases beyond the defaults (e.g. the claude- names for Claude Code's /model picker)."""
    failures = {}
    for alias in sorted(set(refreshed.aliases) - set(DEFAULT_ALIASES)):
        body = {"model": alias, "max_tokens": 1, "messages": [{"role": "user", "content": "hi"}]}
        response = call(proxy_url, "/v1/chat/completions", body)
        if response.status_code != 200:
            failures[alias] = response.text[:200]
    assert not failures


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_claude_answers_messages(stream: bool, proxy_url: str, refreshed: Refreshed) -> None:
    alias_or_skip(refreshed, "claude")
    body = {"model": "claude", "max_tokens": 16, "stream": stream}
    body["messages"] = [{"role": "user", "content": "hi"}]
    response = call(proxy_url, "/v1/messages?beta=true", body)
    assert response.status_code == 200, response.text
    if not stream:
        assert response.json()["content"][0]["text"] == REPLY
        return
    events = sse_events(response.text)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    text = "".join(e["delta"].get("text", "") for e in events if e["type"] == "content_block_delta")
    assert text == REPLY


@pytest.mark.parametrize("alias", DEFAULT_ALIASES)
def test_alias_answers_streaming_messages(alias: str, proxy_url: str, refreshed: Refreshed) -> None:
    """Claude Code started with any alias (`launch --model gpt`) streams /v1/messages."""
    alias_or_skip(refreshed, alias)
    body = {"model": alias, "max_tokens": 16, "stream": True}
    body["messages"] = [{"role": "user", "content": "hi"}]
    response = call(proxy_url, "/v1/messages?beta=true", body)
    assert response.status_code == 200, response.text
    deltas = [e for e in sse_events(response.text) if e["type"] == "content_block_delta"]
    assert "".join(e["delta"].get("text", "") for e in deltas) == REPLY


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_claude_answers_responses(stream: bool, proxy_url: str, refreshed: Refreshed) -> None:
    alias_or_skip(refreshed, "claude")
    response = call(
        proxy_url, "/v1/responses", {"model": "claude", "input": "hi", "stream": stream}
    )
    assert response.status_code == 200, response.text
    if stream:
        events = sse_events(response.text)
        assert events[-1]["type"] == "response.completed"
        output = events[-1]["response"]["output"]
    else:
        output = response.json()["output"]
    texts = [c["text"] for item in output for c in item.get("content", []) if "text" in c]
    assert texts == [REPLY]


# --- doctor against the real proxy --------------------------------------------------------


def doctor(refreshed: Refreshed, url: str) -> tuple[int, dict[str, Any], str]:
    env = clean_env(**FAKE_KEYS)  # no LITELLM_MASTER_KEY: the config's master key is used
    args = ["doctor", "--json", "--config", str(refreshed.config), "--proxy-url", url]
    result = discovery([*args, "--profile", str(refreshed.profile)], env)
    return result.returncode, json.loads(result.stdout), result.stdout + result.stderr


def test_doctor_passes_against_the_proxy(proxy_url: str, refreshed: Refreshed) -> None:
    code, report, output = doctor(refreshed, proxy_url)
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert code == 0 and not failed, failed
    answered = {c["name"] for c in report["checks"] if c["status"] == "ok"}
    assert {f"alias {a}" for a in refreshed.aliases} <= answered
    assert MASTER_KEY not in output
    assert not any(key in output for key in FAKE_KEYS.values())


def test_doctor_fails_when_the_proxy_is_down(refreshed: Refreshed) -> None:
    code, report, _ = doctor(refreshed, f"http://127.0.0.1:{free_port()}")
    assert code == 1
    statuses = {c["name"]: c["status"] for c in report["checks"]}
    assert statuses["proxy live"] == "fail"


# --- launch against the real proxy --------------------------------------------------------


def test_launch_print_env_for_the_proxy(proxy_url: str, refreshed: Refreshed) -> None:
    args = ["launch", "--print-env", "--shell", "sh", "--proxy-url", proxy_url]
    result = discovery(
        [*args, "--config", str(refreshed.config), "--profile", str(refreshed.profile)],
        clean_env(**FAKE_KEYS),
    )
    assert result.returncode == 0, result.stderr
    words = [shlex.split(line) for line in result.stdout.splitlines()]
    assert all(w[0] == "export" and len(w) == 2 for w in words), result.stdout
    env = dict(w[1].split("=", 1) for w in words)
    assert [(k, v) for k, v in env.items() if k.endswith(("_URL", "_TOKEN", "_MODEL"))] == [
        ("ANTHROPIC_BASE_URL", proxy_url),
        ("ANTHROPIC_AUTH_TOKEN", MASTER_KEY),
        ("ANTHROPIC_MODEL", "claude"),
        ("ANTHROPIC_DEFAULT_OPUS_MODEL", "claude-strong"),
        ("ANTHROPIC_DEFAULT_SONNET_MODEL", "claude"),
        ("ANTHROPIC_DEFAULT_HAIKU_MODEL", "claude-fast"),
    ]
    entries = config_entries(refreshed.config)
    for tier, alias in (("OPUS", "claude-strong"), ("SONNET", "claude"), ("HAIKU", "claude-fast")):
        target = refreshed.aliases[alias]
        provider = entries[target]["model_info"]["discovery_tui"]
        assert env[f"ANTHROPIC_DEFAULT_{tier}_MODEL_NAME"].endswith(f" via {provider}")
        assert env[f"ANTHROPIC_DEFAULT_{tier}_MODEL_DESCRIPTION"].startswith(f"{target} · ")
    assert env["CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"] == "1"
    limits = [
        entries[refreshed.aliases[alias]]["model_info"].get("max_output_tokens")
        for alias in ("claude", "claude-strong", "claude-fast")
    ]
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == str(min(n for n in limits if n))
    assert not any(key in result.stdout for key in FAKE_KEYS.values())


def config_entries(config: Path) -> dict[str, dict[str, Any]]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(config.read_text(encoding="utf-8"))
    return {str(e["model_name"]): e for e in data["model_list"]}


def test_launch_runs_claude_through_the_running_proxy(
    proxy_url: str, refreshed: Refreshed, tmp_path: Path
) -> None:
    write_stand_in_claude(tmp_path / "bin")
    record = tmp_path / "claude.json"
    env = clean_env(
        **FAKE_KEYS,
        PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        STAND_IN_CLAUDE_RECORD=str(record),
        STAND_IN_CLAUDE_REQUEST="1",
        STAND_IN_CLAUDE_EXIT="7",
    )
    args = ["launch", "--proxy-url", proxy_url, "--config", str(refreshed.config)]
    result = discovery([*args, "--profile", str(refreshed.profile), "--", "-p", "hi"], env)
    assert result.returncode == 7, result.stderr
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert seen["argv"] == ["-p", "hi"]
    assert seen.get("status") == 200, seen.get("error")
    deltas = [e for e in sse_events(seen["stream"]) if e["type"] == "content_block_delta"]
    assert "".join(e["delta"]["text"] for e in deltas) == REPLY


def test_launch_starts_the_proxy_with_keyring_keys(
    litellm: str,
    refreshed: Refreshed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No proxy runs: launch starts the real one with the keyring's keys, and stops it."""
    import keyring

    from discovery_tui.cli import main

    backend = memory_keyring()
    for var, value in FAKE_KEYS.items():
        backend.set_password("discovery-tui", var.removesuffix("_API_KEY").lower(), value)
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    url = f"http://127.0.0.1:{free_port()}"
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"proxy:\n  url: {url}\n  command: {json.dumps(litellm)}\n", "utf-8")
    write_stand_in_claude(tmp_path / "bin")
    record = tmp_path / "claude.json"
    env = clean_env(
        PATH=f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        STAND_IN_CLAUDE_RECORD=str(record),
        STAND_IN_CLAUDE_REQUEST="1",
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        DISCOVERY_TUI_CACHE_DIR=str(tmp_path / "cache"),
    )
    env.pop("DISCOVERY_TUI_NO_KEYRING")
    use_env(monkeypatch, env)
    try:
        code = main(["launch", "--config", str(refreshed.config), "--profile", str(profile)])
    finally:
        keyring.set_keyring(previous)
    assert code == 0, capsys.readouterr().err
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert seen.get("status") == 200, seen.get("error")
    assert not any(value in json.dumps(seen["env"]) for value in FAKE_KEYS.values())
    assert not is_live(new_probe_client(), url)  # stopped when Claude Code exited


# --- the real Claude Code, when one is given ----------------------------------------------


@pytest.mark.parametrize("model", ["claude", "grok", "gemini"])
def test_real_claude_code_through_launch(
    model: str, proxy_url: str, refreshed: Refreshed, tmp_path: Path
) -> None:
    """The real Claude Code: ``DISCOVERY_TUI_CLAUDE`` or the pinned one of tests/e2e/claude-code.

    Claude Code runs offline here: a private HOME, no non-essential traffic, every call to the
    proxy on 127.0.0.1. (tests/test_e2e_claude_code.py checks what the upstream receives.)
    """
    found = real_claude_code()
    if found is None:
        pytest.skip(
            "no Claude Code: `cd tests/e2e/claude-code && npm ci` or set DISCOVERY_TUI_CLAUDE"
        )
    claude = str(found)
    alias_or_skip(refreshed, model)
    (tmp_path / "home").mkdir()
    env = clean_env(
        **FAKE_KEYS,
        HOME=str(tmp_path / "home"),
        USERPROFILE=str(tmp_path / "home"),
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        PATH=f"{Path(claude).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    args = ["launch", "--proxy-url", proxy_url, "--config", str(refreshed.config)]
    args += ["--profile", str(refreshed.profile), "--model", model]
    result = discovery([*args, "--", "-p", "say hi", "--output-format", "json"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["result"] == REPLY
