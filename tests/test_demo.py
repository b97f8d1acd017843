"""README's first command: the offline demo writes a working config with no key and no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from discovery_tui.demo import load_demo_catalog
from discovery_tui.providers import PROVIDERS


def test_demo_catalog_uses_registered_providers_and_real_facts() -> None:
    catalog = load_demo_catalog()
    assert set(catalog) <= set(PROVIDERS)
    assert sum(len(models) for models in catalog.values()) >= 30
    sonnet = next(m for m in catalog["openrouter"] if m.id == "anthropic/claude-sonnet-4.6")
    assert sonnet.litellm_model == "openrouter/anthropic/claude-sonnet-4.6"
    assert sonnet.input_cost_per_token == 3e-06 and sonnet.context_window == 1_000_000


def test_demo_refresh_writes_config_without_keys(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(DISCOVERY_TUI_NO_KEYRING="1", DISCOVERY_TUI_CACHE_DIR=str(tmp_path / "cache"))
    env["DISCOVERY_TUI_PROFILE"] = str(tmp_path / "never-written.yaml")
    config = tmp_path / "demo-config.yaml"
    command = [sys.executable, "-m", "discovery_tui", "refresh", "--demo", "--yes"]
    result = subprocess.run(
        [*command, "--config", str(config)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    data = YAML(typ="safe").load(config.read_text(encoding="utf-8"))
    aliases = data["router_settings"]["model_group_alias"]
    assert aliases["claude"] == "anthropic/claude-sonnet-4-6"
    assert aliases["cheap"] == "gemini/gemini-3-flash-preview"
    assert aliases["kimi"] == "openrouter/moonshotai/kimi-k2.6"
    names = {entry["model_name"] for entry in data["model_list"]}
    assert "openrouter/~anthropic/claude-sonnet-latest" not in names  # alias ids never written
    assert "openrouter/tngtech/deepseek-r1t2-chimera" not in names  # not DeepSeek's own
    assert "openai/gpt-image-1" not in names and "openai/gpt-5-mini" not in names
    assert all(e["litellm_params"]["api_key"].startswith("os.environ/") for e in data["model_list"])
    assert not (tmp_path / "never-written.yaml").exists()  # the demo leaves the profile alone
    assert "Wrote" in result.stdout


async def test_the_demo_is_a_catalog_source_without_keys_or_judge() -> None:
    from discovery_tui.fetch import FetchResult, LiveSource, catalog_source
    from discovery_tui.pipeline import select_providers

    source = catalog_source(demo=True)
    assert (source.kind, source.uses_judge, source.records_in_default_profile) == (
        "demo",
        False,
        False,
    )
    assert catalog_source() == LiveSource()
    offered = source.offers(PROVIDERS)
    assert offered == {"anthropic", "openai", "gemini", "xai", "deepseek", "openrouter"}
    keys = source.keys(PROVIDERS)
    assert {key.source for key in keys.values()} == {"keyless"}
    chosen, skipped = select_providers(PROVIDERS, (), keys, offered=offered)
    assert [spec.name for spec in chosen] == [n for n in PROVIDERS if n in offered]
    assert skipped == ["moonshot", "mistral", "perplexity", "groq"]
    seen: list[FetchResult] = []
    specs = [PROVIDERS["xai"], PROVIDERS["groq"]]
    results = await source.fetch(None, specs, keys=keys, on_result=seen.append)  # type: ignore[arg-type]
    assert [r.status for r in seen] == ["ok", "failed"]
    assert results["groq"].error == "The demo catalog has no Groq models: pick another provider"
    catalog = results["xai"].catalog
    assert catalog is not None and all(m.source == "demo" for m in catalog.models)


async def test_the_demo_passes_the_catalog_checks_and_is_the_same_every_time() -> None:
    """The demo goes through the same boundary checks as live catalogs: nothing is dropped,
    no note is made, and two loads give equal catalogs (offline and deterministic)."""
    import httpx

    from discovery_tui.demo import DemoSource

    specs = [PROVIDERS[name] for name in sorted(load_demo_catalog())]
    async with httpx.AsyncClient() as client:  # never used by the demo
        first = await DemoSource.load().fetch(client, specs, keys={})
        second = await DemoSource.load().fetch(client, specs, keys={})
    assert first == second
    for name, result in first.items():
        assert result.ok, result.error
        assert result.notes == (), (name, result.notes)
        assert result.catalog is not None
        assert len(result.catalog.models) == len(load_demo_catalog()[name])
