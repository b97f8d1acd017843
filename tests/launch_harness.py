"""Shared by the launch tests: a config.yaml as refresh writes it, a clean working folder with
a stand-in ``claude`` first on PATH, a fake proxy, an in-memory keyring (each test module wraps
the generators in its own fixtures)."""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_upstream import FakeProxy, write_stand_in_claude

from discovery_tui import warmproxy
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


INFO = {  # model_info as refresh writes it (the gpt entry is hand-written: none)
    MODELS[0]: [
        "discovery_tui: openrouter",
        "max_input_tokens: 200000",
        "max_output_tokens: 64000",
        "input_cost_per_token: 3.0e-06",
        "output_cost_per_token: 1.5e-05",
        "supports_reasoning: true",
    ],
    MODELS[2]: ["discovery_tui: xai", "max_input_tokens: 256000", "max_output_tokens: 8000"],
}


def config_text(master_key: str | None = MASTER) -> str:
    lines = ["model_list:"]
    for name in MODELS:
        var = "XAI_API_KEY" if name.startswith("xai/") else "OPENROUTER_API_KEY"
        lines += [f"  - model_name: {name}", "    litellm_params:", f"      model: {name}"]
        lines += [f"      api_key: os.environ/{var}"]
        if name.startswith("xai/"):
            lines += ["      additional_drop_params: [reasoning_effort, thinking]"]
        if name in INFO:
            lines += ["    model_info:", *(f"      {line}" for line in INFO[name])]
    lines += ["router_settings:", "  model_group_alias:"]
    lines += [f"    {alias}: {target}" for alias, target in ALIASES.items()]
    if master_key:
        lines += ["general_settings:", f"  master_key: {master_key}"]
    return "\n".join(lines) + "\n"


def free_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def prepare_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
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


def keyless_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The launch working folder with the keyring turned off; every proxy launch left running
    (a state file in the cache) is stopped at the end."""
    folder = prepare_work(tmp_path, monkeypatch)
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    try:
        yield folder
    finally:
        for state in (folder / "cache").glob("proxy-*.json"):
            warm = warmproxy.read(json.loads(state.read_text(encoding="utf-8"))["url"])
            if warm is not None:
                warmproxy.stop(warm, timeout=5)


def serve_fake_proxy() -> Iterator[FakeProxy]:
    server = FakeProxy(master_key=MASTER, aliases=ALIASES, model_names=MODELS)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def recorded(work: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((work / "claude.json").read_text(encoding="utf-8"))
    return data


def write_profile(work: Path, **proxy: str) -> Path:
    lines = ["proxy:"] + [f"  {key}: {json.dumps(value)}" for key, value in proxy.items()]
    (work / "profile.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return work / "profile.yaml"


def fake_proxy_command() -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE_PROXY_SCRIPT))} proxy"
