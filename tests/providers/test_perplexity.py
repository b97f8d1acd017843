"""Perplexity: a documented built-in list, no HTTP."""

from __future__ import annotations

from pathlib import Path

from provider_kit import Script, by_id, fetch

from discovery_tui.claude_env import claude_code_variables
from discovery_tui.plan.entries import entry_for
from discovery_tui.providers import PROVIDERS
from discovery_tui.proxy import load_proxy_config


async def test_perplexity_is_a_builtin_list_without_http() -> None:
    script = Script({})
    models = by_id(await fetch("perplexity", script))
    assert script.requests == []
    assert set(models) == {"sonar", "sonar-pro", "sonar-reasoning-pro", "sonar-deep-research"}
    assert all(m.source == "builtin" for m in models.values())
    assert models["sonar-pro"].litellm_model == "perplexity/sonar-pro"
    assert models["sonar-pro"].context_window == 200000
    assert models["sonar"].input_cost_per_token == 1e-06
    assert PROVIDERS["perplexity"].builtin_catalog
    assert PROVIDERS["perplexity"].key_env == "PERPLEXITYAI_API_KEY"


async def test_every_sonar_model_says_its_documented_max_output() -> None:
    models = by_id(await fetch("perplexity", Script({})))

    assert {m.id: m.max_output_tokens for m in models.values()} == {
        "sonar": 4096,
        "sonar-pro": 8000,
        "sonar-reasoning-pro": 4096,
        "sonar-deep-research": 32_768,
    }


async def test_claude_code_launched_on_sonar_asks_no_more_than_sonar_gives(
    tmp_path: Path,
) -> None:
    """The entry carries max_output_tokens, and launch caps Claude Code's 32000 with it."""
    models = by_id(await fetch("perplexity", Script({})))
    entry = entry_for(models["sonar"], PROVIDERS["perplexity"], api_base=None)
    config = tmp_path / "config.yaml"
    info = ", ".join(f"{k}: {v}" for k, v in entry.model_info.items())
    config.write_text(
        "model_list:\n"
        f"  - model_name: {entry.model_name}\n"
        f"    litellm_params: {{model: {entry.litellm_params['model']}}}\n"
        f"    model_info: {{{info}}}\n"
        "router_settings:\n  model_group_alias: {sonar: perplexity/sonar}\n",
        encoding="utf-8",
    )

    variables = claude_code_variables(
        url="http://127.0.0.1:4000", token="t", model="sonar", config=load_proxy_config(config)
    )

    assert entry.model_info["max_output_tokens"] == 4096
    assert variables["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "4096"
