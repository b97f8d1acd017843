"""Perplexity: a documented built-in list, no HTTP."""

from __future__ import annotations

from provider_kit import Script, by_id, fetch

from discovery_tui.providers import PROVIDERS


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
