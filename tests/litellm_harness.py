"""The real LiteLLM proxy tier of tests/test_e2e_litellm.py: the providers refreshed from a fake
upstream into a config (twice, with a hand edit between), the proxy started on it, and the
helpers the tests call it with."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_upstream import FakeUpstream, builtin_catalogs, real_catalogs

from discovery_tui.proxy import new_probe_client
from discovery_tui.proxyprocess import ProxyProcess, start_proxy, wait_until_ready

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


def scrubbed_env(also_drop: Callable[[str], bool], extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without real provider keys, API bases, HTTP proxies or the variables
    `also_drop` names, plus `extra`."""
    drop = ("_API_KEY", "_API_BASE")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(drop) and "proxy" not in k.lower() and not also_drop(k)
    }
    env.update(NO_PROXY="127.0.0.1,localhost", DISCOVERY_TUI_NO_KEYRING="1", **extra)
    return env


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any real provider key, API base or HTTP proxy."""
    return scrubbed_env(lambda k: k == "LITELLM_MASTER_KEY", extra)


@dataclass(frozen=True)
class Refreshed:
    config: Path
    profile: Path
    aliases: dict[str, str]
    env: dict[str, str]
    text_before_second_refresh: str
    text_after_second_refresh: str


def discovery(
    args: list[str], env: dict[str, str], *, cwd: Path = REPO, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "discovery_tui", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def refresh(config: Path, profile: Path, env: dict[str, str]) -> dict[str, Any]:
    args = ["refresh", *PROVIDERS, "--no-llm", "--yes", "--json"]
    result = discovery([*args, "--config", str(config), "--profile", str(profile)], env)
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def serve_upstream() -> Iterator[FakeUpstream]:
    server = FakeUpstream(catalogs=real_catalogs() or builtin_catalogs())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def refresh_twice(upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory) -> Refreshed:
    """Refresh into a new config, add the master key by hand, refresh again."""
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


def serve_proxy(litellm: str, refreshed: Refreshed) -> Iterator[str]:
    """The real proxy on the refreshed config, until the generator is closed."""
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
