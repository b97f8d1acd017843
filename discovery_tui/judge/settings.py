"""Where the judge lives (:class:`JudgeSettings`, :func:`resolve_judge`, its key) and what one
run asks of it (:class:`JudgeRun`, the one context object passed through the judge)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from discovery_tui.errors import DiscoveryError

if TYPE_CHECKING:
    from discovery_tui.families import Family
    from discovery_tui.providers.base import ProviderSpec

JUDGE_KEY_ENV = "DISCOVERY_TUI_JUDGE_API_KEY"
DEFAULT_JUDGE_MODEL = "google/gemini-2.5-flash"  # on OpenRouter: fast, cheap, JSON mode
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class JudgeSettings:
    """Where the judge lives. ``api_key`` is never shown (repr) and never written anywhere."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def scrub(self, text: str) -> str:
        """``text`` without this judge's key, nor any other key this process holds (a server
        could echo one: a LiteLLM proxy used as the judge may repeat a provider's key)."""
        from discovery_tui.secrets import known_secrets, scrub

        return scrub(text, (self.api_key, *known_secrets()))


@dataclass(frozen=True)
class JudgeRun:
    """Everything one choose step depends on besides the candidates; passed whole, never split
    into keyword arguments. ``judge`` is None when no LLM decides (``--no-llm``, none set up)."""

    today: date
    families: Mapping[str, Family]
    judge: JudgeSettings | None
    cache_dir: Path | None
    pins: Mapping[str, str]
    refresh_judge: bool = False

    def scrub(self, text: str) -> str:
        """``text`` without any key this process holds (the judge's included)."""
        if self.judge is not None:
            return self.judge.scrub(text)
        from discovery_tui.secrets import known_secrets, scrub

        return scrub(text, known_secrets())


def resolve_judge(
    *,
    base_url: str | None,
    model: str | None,
    profile_judge: Mapping[str, Any],
    no_llm: bool,
) -> JudgeSettings | None:
    """The judge to ask, or None (``--no-llm``, or nothing configured and no OpenRouter key).

    Order: ``--judge-base-url``/``--judge-model``, then profile.yaml ``judge: {base_url, model}``,
    then OpenRouter (its base, honouring ``OPENROUTER_API_BASE``) when its key is set.
    """
    if no_llm:
        return None
    url = text_or_none(base_url) or text_or_none(profile_judge.get("base_url"))
    name = text_or_none(model) or text_or_none(profile_judge.get("model"))
    timeout = _timeout(profile_judge.get("timeout"))
    if url is None:
        url = _openrouter_base(required=name is not None)
        if url is None:
            return None
        name = name or DEFAULT_JUDGE_MODEL
    if name is None:
        raise DiscoveryError(
            f"The judge at {url} has no model: pass --judge-model NAME or set `judge: model:` "
            "in profile.yaml (or use --no-llm)"
        )
    key_env = text_or_none(profile_judge.get("api_key_env"))
    return JudgeSettings(
        base_url=url.rstrip("/"), model=name, api_key=_judge_key(url, key_env), timeout=timeout
    )


def text_or_none(value: Any) -> str | None:
    """``value`` as stripped text, or None when absent or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _timeout(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT
    return seconds if seconds > 0 else DEFAULT_TIMEOUT


def _providers() -> Mapping[str, ProviderSpec]:
    try:
        from discovery_tui.providers import PROVIDERS
    except ImportError:  # pragma: no cover - the registry is part of the package
        return {}
    return PROVIDERS


def _openrouter_base(*, required: bool) -> str | None:
    """OpenRouter's API base when a key for it exists (or a model was named explicitly)."""
    from discovery_tui.settings import api_base, resolve_key

    spec = _providers().get("openrouter")
    if spec is None:
        if required:
            raise DiscoveryError("No judge endpoint: pass --judge-base-url URL (or use --no-llm)")
        return None
    if required or os.environ.get(JUDGE_KEY_ENV, "").strip():
        return api_base(spec)[0]
    if resolve_key(spec).source in ("env", "keyring"):
        return api_base(spec)[0]
    return None


def _judge_key(url: str, key_env: str | None) -> str | None:
    """DISCOVERY_TUI_JUDGE_API_KEY, else profile ``judge: api_key_env``, else the provider's key."""
    explicit = os.environ.get(JUDGE_KEY_ENV, "").strip()
    if explicit:
        return explicit
    if key_env:
        named = os.environ.get(key_env, "").strip()
        if named:
            return named
    spec = provider_for_url(url)
    if spec is None:
        return None
    from discovery_tui.settings import resolve_key

    return resolve_key(spec).value


def provider_for_url(url: str) -> ProviderSpec | None:
    """The registered provider whose API base is ``url`` (same origin, longest path prefix)."""
    from discovery_tui.settings import api_base

    target = urlsplit(url.strip())
    origin = (target.scheme.lower(), (target.hostname or "").lower(), target.port)
    path = target.path.rstrip("/")
    best: tuple[int, ProviderSpec] | None = None
    for spec in _providers().values():
        base = urlsplit(api_base(spec)[0])
        if (base.scheme.lower(), (base.hostname or "").lower(), base.port) != origin:
            continue
        base_path = base.path.rstrip("/")
        score = len(base_path) + 1 if path == base_path or path.startswith(base_path + "/") else 0
        if best is None or score > best[0]:
            best = (score, spec)
    return best[1] if best else None
