"""The registry: order, key variables, prefixes, custom providers, a cheap import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from discovery_tui.errors import ConfigError
from discovery_tui.providers import PROVIDERS, all_providers, custom_spec


def test_registry_order_is_first_party_before_aggregators() -> None:
    assert list(PROVIDERS) == [
        "anthropic", "openai", "gemini", "xai", "deepseek", "moonshot", "mistral",
        "perplexity", "groq", "openrouter",
    ]  # fmt: skip
    assert all(name == spec.name for name, spec in PROVIDERS.items())


@pytest.mark.parametrize(
    ("name", "key_env", "prefix", "base_env"),
    [
        ("openrouter", "OPENROUTER_API_KEY", "openrouter", "OPENROUTER_API_BASE"),
        ("xai", "XAI_API_KEY", "xai", "XAI_API_BASE"),
        ("gemini", "GEMINI_API_KEY", "gemini", "GEMINI_API_BASE"),
        ("perplexity", "PERPLEXITYAI_API_KEY", "perplexity", "PERPLEXITY_API_BASE"),
        ("openai", "OPENAI_API_KEY", "openai", "OPENAI_API_BASE"),
        ("anthropic", "ANTHROPIC_API_KEY", "anthropic", "ANTHROPIC_API_BASE"),
        ("deepseek", "DEEPSEEK_API_KEY", "deepseek", "DEEPSEEK_API_BASE"),
        ("groq", "GROQ_API_KEY", "groq", "GROQ_API_BASE"),
        ("mistral", "MISTRAL_API_KEY", "mistral", "MISTRAL_API_BASE"),
        ("moonshot", "MOONSHOT_API_KEY", "moonshot", "MOONSHOT_API_BASE"),
    ],
)
def test_registry_keys_prefixes_and_base_variables(
    name: str, key_env: str, prefix: str, base_env: str
) -> None:
    spec = PROVIDERS[name]
    assert (spec.key_env, spec.litellm_prefix, spec.api_base_env) == (key_env, prefix, base_env)
    assert spec.default_api_base.startswith("https://")
    assert not spec.default_api_base.endswith("/")


def test_all_providers_appends_custom_providers() -> None:
    providers = all_providers(
        [{"name": "local", "base_url": "http://localhost:11434/v1", "key_env": None}]
    )
    assert list(providers)[:10] == list(PROVIDERS)
    local = providers["local"]
    assert (local.litellm_prefix, local.key_env, local.default_api_base) == (
        "openai",
        None,
        "http://localhost:11434/v1",
    )
    assert all_providers() == PROVIDERS


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"base_url": "http://x/v1"}, r"custom_providers\[0\] is missing 'name'"),
        ({"name": "Bad Name", "base_url": "http://x/v1"}, r"custom_providers\[0\]\.name"),
        ({"name": "local"}, r"custom_providers\[0\] is missing 'base_url'"),
        ({"name": "local", "base_url": "localhost:8000"}, r"base_url must start with http"),
        ({"name": "local", "base_url": "http://x", "key_env": "MY KEY"}, r"\.key_env 'MY KEY'"),
        ({"name": "local", "base_url": "http://x", "prefix": "Open/AI"}, r"\.prefix"),
        ({"name": "local", "base_url": "http://x", "url": "http://y"}, r"unknown field 'url'"),
        ({"name": "openrouter", "base_url": "http://x"}, r"'openrouter' is already a built-in"),
        ("local", r"custom_providers\[0\] must be a mapping"),
    ],
)
def test_custom_provider_errors_name_the_field_and_the_fix(entry: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        all_providers([entry])
    assert "\n" not in str(caught.value)
    assert "profile.yaml" in str(caught.value)


def test_two_custom_providers_with_one_name_are_an_error() -> None:
    entry = {"name": "local", "base_url": "http://x/v1"}
    with pytest.raises(ConfigError, match=r"custom_providers\[1\]\.name: 'local' is already"):
        all_providers([entry, entry])


def test_custom_spec_defaults() -> None:
    spec = custom_spec({"name": "gw", "base_url": "https://gw.example/v1", "key_env": "GW_KEY"})
    assert (spec.name, spec.label, spec.key_env, spec.catalog_needs_key) == (
        "gw",
        "gw",
        "GW_KEY",
        True,
    )


def test_importing_the_registry_does_not_import_httpx() -> None:
    import subprocess
    import sys

    code = "import sys; import discovery_tui.providers; print('httpx' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"
