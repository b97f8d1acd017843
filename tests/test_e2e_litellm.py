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
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_upstream import (
    REPLY,
    FakeUpstream,
    builtin_catalogs,
    memory_keyring,
    real_catalogs,
    real_claude_code,
    write_stand_in_claude,
)

from discovery_tui.proxy import (
    ProxyProcess,
    is_live,
    new_probe_client,
    start_proxy,
    wait_until_ready,
)

pytestmark = pytest.mark.litellm

DEFAULT_ALIASES = [
    *("default", "claude", "claude-strong", "claude-fast", "gpt", "gemini", "gemini-flash"),
    *("cheap", "grok", "deepseek", "reasoning", "kimi", "glm", "qwen", "sonar", "mistral"),
]
REQUIRED_ALIASES = {"claude", "default", "grok", "gemini", "cheap"}  # issue 5, "done when"
# Not in precedence order on purpose: aliases follow first-party providers whatever the order.
PROVIDERS = ("openrouter", "xai", "gemini")
FAKE_KEYS = {
    "OPENROUTER_API_KEY": "fk-openrouter-" + secrets.token_hex(6),
    "XAI_API_KEY": "fk-xai-" + secrets.token_hex(6),
    "GEMINI_API_KEY": "fk-gemini-" + secrets.token_hex(6),
}
MASTER_KEY = "sk-e2e-" + secrets.token_hex(12)  # not sk-1234: LiteLLM refuses the public one
HAND_EDIT = f"""
# added by hand, like a user would: the proxy's master key
general_settings:
  master_key: {MASTER_KEY}
"""
REPO = Path(__file__).resolve().parents[1]


def litellm_executable() -> str:
    path = os.environ.get("DISCOVERY_TUI_LITELLM", "").strip()
    if not path:
        pytest.skip(
            "DISCOVERY_TUI_LITELLM is not set: run `export DISCOVERY_TUI_LITELLM=$(bash "
            "scripts/litellm-venv.sh | tail -n 1)` to run the real LiteLLM proxy tier"
        )
    if not os.access(path, os.X_OK):
        pytest.fail(f"DISCOVERY_TUI_LITELLM={path} is not an executable: re-run the venv script")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any real provider key, API base or HTTP proxy."""
    drop = ("_API_KEY", "_API_BASE")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(drop) and "proxy" not in k.lower() and k != "LITELLM_MASTER_KEY"
    }
    env.update(NO_PROXY="127.0.0.1,localhost", DISCOVERY_TUI_NO_KEYRING="1", **extra)
    return env


@dataclass(frozen=True)
class Refreshed:
    config: Path
    profile: Path
    aliases: dict[str, str]
    env: dict[str, str]
    text_before_second_refresh: str
    text_after_second_refresh: str


def discovery(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "discovery_tui", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def refresh(config: Path, profile: Path, env: dict[str, str]) -> dict[str, Any]:
    args = ["refresh", *PROVIDERS, "--no-llm", "--yes", "--json"]
    result = discovery([*args, "--config", str(config), "--profile", str(profile)], env)
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


@pytest.fixture(scope="module")
def litellm() -> str:
    return litellm_executable()


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    server = FakeUpstream(catalogs=real_catalogs() or builtin_catalogs())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def refreshed(
    litellm: str, upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Refreshed:
    work = tmp_path_factory.mktemp("e2e")
    config, profile = work / "config.yaml", work / "profile.yaml"
    bases = {f"{p.upper()}_API_BASE": upstream.base(p) for p in PROVIDERS}
    env = clean_env(**FAKE_KEYS, **bases, DISCOVERY_TUI_CACHE_DIR=str(work / "cache"))
    aliases = refresh(config, profile, env)["aliases"]
    config.write_text(config.read_text(encoding="utf-8") + HAND_EDIT, encoding="utf-8")
    before = config.read_text(encoding="utf-8")
    refresh(config, profile, env)  # a second refresh must keep the hand edit, byte for byte
    after = config.read_text(encoding="utf-8")
    return Refreshed(config, profile, aliases, env, before, after)


@pytest.fixture(scope="module")
def proxy_url(litellm: str, refreshed: Refreshed) -> Iterator[str]:
    url = f"http://127.0.0.1:{free_port()}"
    env = clean_env(**FAKE_KEYS, LITELLM_LOCAL_MODEL_COST_MAP="True")
    argv = [litellm, "--config", str(refreshed.config), "--host", "127.0.0.1"]
    argv += ["--port", url.rsplit(":", 1)[1]]
    log = refreshed.config.parent / "proxy.log"
    proxy: ProxyProcess = start_proxy(argv, url=url, env=env, log_path=log)
    try:
        wait_until_ready(proxy, new_probe_client(), timeout=180)
        yield url
    finally:
        proxy.stop()


def call(url: str, path: str, body: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {MASTER_KEY}", "anthropic-version": "2023-06-01"}
    return httpx.post(url + path, json=body, headers=headers, timeout=60)


def sse_events(text: str) -> list[dict[str, Any]]:
    events = []
    for line in text.splitlines():
        if line.startswith("data:") and line[5:].strip() not in ("", "[DONE]"):
            events.append(json.loads(line[5:]))
    return events


def use_env(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    """Make ``os.environ`` exactly ``env`` for this test."""
    for name in list(os.environ):
        if name not in env:
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def alias_or_skip(refreshed: Refreshed, alias: str) -> str:
    if alias not in refreshed.aliases:
        pytest.skip(f"the catalogs have no candidate for alias {alias!r}")
    return refreshed.aliases[alias]


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


def assert_upstream_called(requests: list[Any], target: str) -> None:
    """The proxy called the provider of ``target`` for that model, with its key from the env."""
    provider, model = target.split("/", 1)
    key = FAKE_KEYS[f"{provider.upper()}_API_KEY"]
    for request in requests:
        headers = {k.lower(): v for k, v in request.headers.items()}
        sent_key = headers.get("authorization", "").removeprefix("Bearer ")
        sent_key = sent_key or headers.get("x-goog-api-key", "")
        body_model = request.body.get("model") if isinstance(request.body, dict) else None
        if request.path.startswith(f"/{provider}/") and model in (body_model, _path_model(request)):
            assert sent_key == key
            return
    raise AssertionError(f"no upstream call for {target}: {[r.path for r in requests]}")


def _path_model(request: Any) -> str | None:
    if "/models/" not in request.path:
        return None
    return str(request.path.rsplit("/models/", 1)[1].split(":", 1)[0])


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
    assert result.stdout.splitlines() == [
        f"export ANTHROPIC_BASE_URL={proxy_url}",
        f"export ANTHROPIC_AUTH_TOKEN={MASTER_KEY}",
        "export ANTHROPIC_MODEL=claude",
        "export ANTHROPIC_DEFAULT_OPUS_MODEL=claude-strong",
        "export ANTHROPIC_DEFAULT_SONNET_MODEL=claude",
        "export ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-fast",
    ]
    assert not any(key in result.stdout for key in FAKE_KEYS.values())


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
