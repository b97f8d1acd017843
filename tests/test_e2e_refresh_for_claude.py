"""What refresh writes for Claude Code (issue 13), at config level: `discovery-tui refresh
--no-llm --yes` as a subprocess into a new config from the built-in catalogs served on 127.0.0.1
(no proxy, no Claude Code needed): drop parameters for models without reasoning, cache prices,
cross-provider fallbacks keyed on the alias. The real proxy and Claude Code using these keys:
tests/test_e2e_claude_code.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from claude_code_harness import DROP, FAKE_KEYS, SONNET_OR, clean_env, free_port
from fake_upstream import FakeUpstream
from litellm_harness import discovery


def refreshed_config(
    tmp_path: Path, providers: list[str], upstream: FakeUpstream | None = None
) -> dict[str, Any]:
    """``discovery-tui refresh PROVIDERS --no-llm --yes`` into a new config; the config as data."""
    from ruamel.yaml import YAML

    config, profile = tmp_path / "config.yaml", tmp_path / "profile.yaml"
    bases = {f"{p.upper()}_API_BASE": upstream.base(p) for p in providers} if upstream else {}
    env = clean_env(
        **FAKE_KEYS,
        **bases,
        DISCOVERY_TUI_CACHE_DIR=str(tmp_path / "cache"),
        MODELS_DEV_API_URL=f"http://127.0.0.1:{free_port()}/api.json",  # closed: no enrichment
    )
    args = ["refresh", *providers, "--no-llm", "--yes", "--json"]
    args += ["--config", str(config), "--profile", str(profile)]
    result = discovery(args, env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    data: dict[str, Any] = YAML(typ="safe").load(config.read_text(encoding="utf-8"))
    return data


def entries_by_name(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(e["model_name"]): e for e in config.get("model_list") or []}


def openrouter_catalog_with_reasoning_and_cache_prices() -> bytes:
    """The built-in OpenRouter catalog where Claude models reason and have cache prices."""
    from fake_upstream import builtin_catalogs

    doc = json.loads(builtin_catalogs()["openrouter"])
    for model in doc["data"]:
        if model["id"].startswith("anthropic/"):
            model["supported_parameters"] += ["reasoning", "include_reasoning"]
            model["pricing"].update(input_cache_read="0.0000003", input_cache_write="0.00000375")
    return json.dumps(doc).encode()


def test_refresh_drops_reasoning_params_for_models_without_reasoning(tmp_path: Path) -> None:
    entries = entries_by_name(refreshed_config(tmp_path, ["perplexity"]))
    for name in ("perplexity/sonar", "perplexity/sonar-pro"):
        assert entries[name]["litellm_params"]["additional_drop_params"] == DROP
    assert (
        "additional_drop_params" not in entries["perplexity/sonar-reasoning-pro"]["litellm_params"]
    )


def test_refresh_writes_cache_prices(tmp_path: Path) -> None:
    server = FakeUpstream(
        catalogs={"openrouter": openrouter_catalog_with_reasoning_and_cache_prices()}
    )
    server.start()
    try:
        entries = entries_by_name(refreshed_config(tmp_path, ["openrouter"], server))
    finally:
        server.stop()
    info = entries[f"openrouter/{SONNET_OR}"]["model_info"]
    assert info["cache_read_input_token_cost"] == pytest.approx(3e-7)
    assert info["cache_creation_input_token_cost"] == pytest.approx(3.75e-6)
    assert "additional_drop_params" not in entries[f"openrouter/{SONNET_OR}"]["litellm_params"]


def test_refresh_writes_a_fallback_keyed_on_the_alias(tmp_path: Path) -> None:
    """Gemini Pro is served by Gemini (first party, the alias target) and by OpenRouter."""
    from fake_upstream import builtin_catalogs

    server = FakeUpstream(catalogs=builtin_catalogs())
    server.start()
    try:
        config = refreshed_config(tmp_path, ["openrouter", "gemini"], server)
    finally:
        server.stop()
    router = config["router_settings"]
    assert router["model_group_alias"]["gemini"] == "gemini/gemini-2.5-pro"
    fallbacks = {k: v for item in router["fallbacks"] for k, v in item.items()}
    assert fallbacks["gemini"] == ["openrouter/google/gemini-2.5-pro"]
