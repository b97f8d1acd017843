"""The end-to-end tier with the REAL Claude Code (tests/test_e2e_claude_code.py): the strict fake
upstream's rules, the config as the tool writes it plus the keys issue 13 adds, the real proxy
started once per module, and `discovery-tui launch` run as a subprocess with a clean environment.
Findings behind the config keys used here: docs/findings-claude-code.md.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_upstream import FakeUpstream, LlmCall, ModelRules, Usage, real_claude_code
from litellm_harness import free_port, litellm_executable, scrubbed_env

MASTER_KEY = "sk-e2e-cc-" + secrets.token_hex(12)
FAKE_KEYS = {
    name: f"fk-{name.lower()}-" + secrets.token_hex(6)
    for name in (
        "OPENROUTER_API_KEY",
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
        "PERPLEXITYAI_API_KEY",
    )
}
REASONING_PARAMS = {"reasoning_effort", "reasoning", "thinking", "generationConfig.thinkingConfig"}
DROP = ["reasoning_effort", "thinking"]  # findings (a): enough for every provider measured

# upstream model id (as the upstream sees it) -> how strict it is
SONNET_OR, SONNET_AN, HAIKU_OR = (
    "anthropic/claude-sonnet-4.5",
    "claude-sonnet-4-5",
    "anthropic/claude-haiku-4.5",
)
RULES = {
    SONNET_OR: ModelRules(reasoning=True, max_output=64000, usage=Usage(10000, 100, cached=8000)),
    SONNET_AN: ModelRules(reasoning=True, max_output=64000),
    HAIKU_OR: ModelRules(reasoning=True, max_output=64000),
    "sonar": ModelRules(reasoning=False, max_output=8000),
    "gemini-2.5-pro": ModelRules(reasoning=True, max_output=65536),
}
# prices per token of the OpenRouter Sonnet entry, cache prices as the catalog gives them
PRICES = {
    "input_cost_per_token": 3e-6,
    "output_cost_per_token": 1.5e-5,
    "cache_read_input_token_cost": 3e-7,
    "cache_creation_input_token_cost": 3.75e-6,
}


def claude_executable() -> str:
    path = real_claude_code()
    if path is None:
        pytest.skip(
            "no Claude Code: run `cd tests/e2e/claude-code && npm ci` "
            "or set DISCOVERY_TUI_CLAUDE=<path of claude>"
        )
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not an executable: re-run `npm ci` in tests/e2e/claude-code")
    return str(path)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without real provider keys, API bases, HTTP proxies or Claude settings."""
    return scrubbed_env(lambda k: k.startswith(("ANTHROPIC_", "CLAUDE_CODE_", "LITELLM_")), extra)


# --- the config: entries shaped as the tool writes them, plus the keys issue 13 adds --------


def entry(
    provider: str, model: str, base: str, *, info: dict[str, Any], drop: bool = False
) -> dict[str, Any]:
    name = f"{provider}/{model}"
    key_env = "PERPLEXITYAI_API_KEY" if provider == "perplexity" else f"{provider.upper()}_API_KEY"
    params: dict[str, Any] = {"model": name, "api_key": f"os.environ/{key_env}", "api_base": base}
    if drop:
        params["additional_drop_params"] = DROP
    mark = {"discovery_tui": provider, "mode": "chat", "supports_reasoning": not drop}
    return {"model_name": name, "litellm_params": params, "model_info": {**mark, **info}}


def config_for(upstream: FakeUpstream) -> dict[str, Any]:
    sonnet_info = {"max_output_tokens": 64000, "max_input_tokens": 200000, **PRICES}
    entries = [
        entry("openrouter", SONNET_OR, upstream.base("openrouter"), info=sonnet_info),
        entry(
            "openrouter", HAIKU_OR, upstream.base("openrouter"), info={"max_output_tokens": 64000}
        ),
        entry(
            "anthropic", SONNET_AN, upstream.url + "/anthropic", info={"max_output_tokens": 64000}
        ),
        entry(
            "perplexity",
            "sonar",
            upstream.base("perplexity"),
            info={"max_output_tokens": 8000},
            drop=True,
        ),
        entry(
            "gemini",
            "gemini-2.5-pro",
            upstream.base("gemini").removesuffix("/v1beta"),
            info={"max_output_tokens": 65536},
        ),
    ]
    aliases = {
        "claude": f"openrouter/{SONNET_OR}",
        "claude-strong": f"openrouter/{SONNET_OR}",
        "claude-fast": f"openrouter/{HAIKU_OR}",
        "sonar": "perplexity/sonar",
        "claude-sonar": "perplexity/sonar",  # launch --model sonar uses it (README)
        "gemini": "gemini/gemini-2.5-pro",
        "claude-gemini": "gemini/gemini-2.5-pro",
    }
    return {
        "model_list": entries,
        "router_settings": {
            "model_group_alias": aliases,
            # findings (c): keyed on the alias the client asks for; router_settings or
            # litellm_settings both work in 1.106.2
            "fallbacks": [{"claude": [f"anthropic/{SONNET_AN}"]}],
            "num_retries": 0,  # the failing provider is asked once, not three times (speed)
        },
        "general_settings": {"master_key": MASTER_KEY},
    }


@dataclass(frozen=True)
class Setup:
    proxy_url: str
    config: Path
    profile: Path
    work: Path


def serve_upstream() -> Iterator[FakeUpstream]:
    server = FakeUpstream(rules=dict(RULES))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def start_setup(
    upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Setup]:
    """The real proxy on the module's config (its log in the work folder), for a module fixture."""
    litellm = litellm_executable()
    claude_executable()  # skip before paying for a proxy start
    work = tmp_path_factory.mktemp("e2e-claude-code")
    config, profile = work / "config.yaml", work / "profile.yaml"
    config.write_text(json.dumps(config_for(upstream), indent=2), encoding="utf-8")  # JSON is YAML
    profile.write_text("launch_model: claude\n", encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = clean_env(**FAKE_KEYS, LITELLM_LOCAL_MODEL_COST_MAP="True")
    argv = [litellm, "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
    with (work / "proxy.log").open("wb") as log:
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(url, process, work / "proxy.log")
        yield Setup(url, config, profile, work)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the proxy exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/health/readiness", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the proxy was not ready within {timeout} s:\n{log.read_text()[-2000:]}")


def launch(setup: Setup, model: str, home: Path, **extra_env: str) -> dict[str, Any]:
    """``discovery-tui launch --model MODEL -- -p ...`` with the real Claude Code: its JSON."""
    claude = claude_executable()
    home.mkdir(exist_ok=True)
    env = clean_env(
        HOME=str(home),
        USERPROFILE=str(home),
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        PATH=f"{Path(claude).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        **extra_env,
    )
    args = ["launch", "--proxy-url", setup.proxy_url, "--config", str(setup.config)]
    args += ["--profile", str(setup.profile), "--model", model]
    args += ["--", "-p", "say hi", "--output-format", "json"]
    result = subprocess.run(
        [sys.executable, "-m", "discovery_tui", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=setup.work,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def answered_by(calls: list[LlmCall], model: str) -> list[LlmCall]:
    return [c for c in calls if c.model == model]


def reasoning_sent(call: LlmCall) -> set[str]:
    return REASONING_PARAMS & set(call.params)


def max_output_sent(call: LlmCall) -> int:
    names = (
        *("max_tokens", "max_completion_tokens", "max_output_tokens"),
        *("generationConfig.maxOutputTokens", "generationConfig.max_output_tokens"),
    )
    return max(int(call.params[n]) for n in names if n in call.params)


def print_env(setup: Setup, model: str) -> dict[str, str]:
    args = ["launch", "--print-env", "--shell", "sh", "--proxy-url", setup.proxy_url]
    args += ["--config", str(setup.config), "--profile", str(setup.profile), "--model", model]
    result = subprocess.run(
        [sys.executable, "-m", "discovery_tui", *args],
        env=clean_env(**FAKE_KEYS),
        capture_output=True,
        text=True,
        cwd=setup.work,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not any(key in result.stdout for key in FAKE_KEYS.values())
    words = [shlex.split(line) for line in result.stdout.splitlines()]
    assert all(w[0] == "export" and len(w) == 2 for w in words), result.stdout
    return dict(w[1].split("=", 1) for w in words)
