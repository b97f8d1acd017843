"""The provider registry: built-in providers in default precedence order, plus user-declared ones.

The order of ``PROVIDERS`` is the default precedence (first-party before aggregators): where a
family is served by several providers, its alias points at the pick of the first. Importing this
module is cheap: provider modules import httpx only inside their fetch functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from discovery_tui.errors import ConfigError
from discovery_tui.providers import (
    anthropic,
    deepseek,
    gemini,
    groq,
    mistral,
    moonshot,
    openai,
    openrouter,
    perplexity,
    xai,
)
from discovery_tui.providers.base import ProviderSpec
from discovery_tui.providers.openai_compatible import make_spec
from discovery_tui.secrets import credentials_problem

__all__ = ["PROVIDERS", "ProviderSpec", "all_providers", "custom_spec"]

PROVIDERS: dict[str, ProviderSpec] = {
    "anthropic": anthropic.SPEC,
    "openai": openai.SPEC,
    "gemini": gemini.SPEC,
    "xai": xai.SPEC,
    "deepseek": deepseek.SPEC,
    "moonshot": moonshot.SPEC,
    "mistral": mistral.SPEC,
    "perplexity": perplexity.SPEC,
    "groq": groq.SPEC,
    "openrouter": openrouter.SPEC,
}

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_KEY_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PREFIX = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELDS = frozenset({"name", "base_url", "key_env", "prefix", "vendor"})
_EXAMPLE = (
    "e.g. {name: local, base_url: 'http://localhost:11434/v1', key_env: null, prefix: openai}"
)


def all_providers(custom: Sequence[Mapping[str, Any]] = ()) -> dict[str, ProviderSpec]:
    """The built-in providers followed by the user's ``custom_providers`` (profile.yaml).

    Raises ConfigError naming the bad entry, the bad field and the fix.
    """
    providers = dict(PROVIDERS)
    for index, entry in enumerate(custom):
        spec = custom_spec(entry, where=f"custom_providers[{index}]")
        if spec.name in providers:
            kind = "a built-in provider" if spec.name in PROVIDERS else "an earlier custom provider"
            raise ConfigError(
                f"profile.yaml {_where(index, 'name')}: '{spec.name}' is already {kind}; "
                "choose another name"
            )
        providers[spec.name] = spec
    return providers


def _where(index: int, field: str) -> str:
    return f"custom_providers[{index}].{field}"


def custom_spec(entry: Mapping[str, Any], *, where: str = "custom_providers[0]") -> ProviderSpec:
    """One validated ``custom_providers`` entry as a ProviderSpec."""
    if not isinstance(entry, Mapping):
        raise ConfigError(f"profile.yaml {where} must be a mapping, {_EXAMPLE}")
    unknown = sorted(str(key) for key in entry if key not in _FIELDS)
    if unknown:
        raise ConfigError(
            f"profile.yaml {where} has unknown field '{unknown[0]}': "
            f"use only {', '.join(sorted(_FIELDS))}"
        )
    name = _text(entry, "name", where, _NAME, "lowercase letters, digits, '-' or '_'")
    base_url = _text(entry, "base_url", where, None, "an http(s) URL")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(
            f"profile.yaml {where}.base_url must start with http:// or https://, {_EXAMPLE}"
        )
    key_env = _optional(entry, "key_env", where, _KEY_ENV, "an environment variable name")
    refused = credentials_problem(
        base_url,
        where=f"profile.yaml {where}.base_url",
        key_var=key_env or "an environment variable named by key_env",
    )
    if refused is not None:
        raise ConfigError(refused)
    prefix = _optional(entry, "prefix", where, _PREFIX, "a LiteLLM provider prefix") or "openai"
    vendor = _optional(entry, "vendor", where, None, "a vendor name")
    return make_spec(name=name, base_url=base_url, key_env=key_env, prefix=prefix, vendor=vendor)


def _text(
    entry: Mapping[str, Any], field: str, where: str, pattern: re.Pattern[str] | None, what: str
) -> str:
    value = entry.get(field)
    if value is None:
        raise ConfigError(f"profile.yaml {where} is missing '{field}' ({what}), {_EXAMPLE}")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"profile.yaml {where}.{field} must be {what}, {_EXAMPLE}")
    value = value.strip()
    if pattern is not None and not pattern.match(value):
        raise ConfigError(f"profile.yaml {where}.{field} '{value}' must be {what}, {_EXAMPLE}")
    return value


def _optional(
    entry: Mapping[str, Any], field: str, where: str, pattern: re.Pattern[str] | None, what: str
) -> str | None:
    if entry.get(field) in (None, ""):
        return None
    return _text(entry, field, where, pattern, what)
