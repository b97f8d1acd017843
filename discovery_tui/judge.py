"""The choose step: pins, the decision cache, one LLM call per provider, the deterministic fallback.

``choose_picks`` returns one :class:`Pick` per family that has candidates, for every provider.
Where no judge is configured, reachable or valid, ``ranking.best`` decides (``by="heuristic"``)
and the reason says why. The judge's key lives only in :class:`JudgeSettings` (hidden from repr)
and in the request's Authorization header: never in a file, a log or an exception message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from discovery_tui.errors import DiscoveryError
from discovery_tui.models import Model, Pick

if TYPE_CHECKING:
    import httpx

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


@dataclass(frozen=True)
class Decision:
    """What the judge or the ranking chose for one family, before pins are applied."""

    model: Model
    by: str  # "llm" | "heuristic" | "cached"
    reason: str


# --------------------------------------------------------------------------- settings


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
    url = _text(base_url) or _text(profile_judge.get("base_url"))
    name = _text(model) or _text(profile_judge.get("model"))
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
    key_env = _text(profile_judge.get("api_key_env"))
    return JudgeSettings(base_url=url.rstrip("/"), model=name, api_key=_judge_key(url, key_env),
                         timeout=timeout)


def _text(value: Any) -> str | None:
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


# --------------------------------------------------------------------------- choose


async def choose_picks(
    client: httpx.AsyncClient,
    *,
    candidates: Mapping[str, Mapping[str, Sequence[Model]]],
    families: Mapping[str, Family],
    judge: JudgeSettings | None,
    pins: Mapping[str, str],
    today: date,
    cache_dir: Path | None,
    refresh_judge: bool = False,
) -> dict[str, dict[str, Pick]]:
    """provider -> family -> Pick, for every family that has candidates.

    Pins win; the rest comes from the cache, else one judge call per provider (all at once),
    else the deterministic ranking. Never raises for a judge failure.
    """
    wanted = {p: {f: list(ms) for f, ms in fams.items() if ms} for p, fams in candidates.items()}
    decisions = {p: _heuristic_all(fams, why=None, today=today) for p, fams in wanted.items()}
    return {
        provider: _apply_pins(fams, decisions[provider], families=families, pins=pins)
        for provider, fams in wanted.items()
    }


def _heuristic_all(
    fams: Mapping[str, Sequence[Model]], *, why: str | None, today: date
) -> dict[str, Decision]:
    return {family: heuristic(models, why=why, today=today) for family, models in fams.items()}


def heuristic(models: Sequence[Model], *, why: str | None, today: date) -> Decision:
    """The deterministic choice among ``models`` (never empty); ``why`` says why no judge."""
    from discovery_tui import ranking

    chosen = ranking.best(models, today=today) or models[0]
    explained = one_line(ranking.explain(chosen, models, today=today))
    reason = explained if why is None else f"{why}; deterministic choice: {explained}"
    return Decision(model=chosen, by="heuristic", reason=reason)


def _apply_pins(
    fams: Mapping[str, Sequence[Model]],
    decisions: Mapping[str, Decision],
    *,
    families: Mapping[str, Family],
    pins: Mapping[str, str],
) -> dict[str, Pick]:
    picks: dict[str, Pick] = {}
    for family, models in fams.items():
        decision = decisions[family]
        pin, source = _pin_for(family, families=families, pins=pins)
        if pin is None:
            picks[family] = Pick(family, decision.model, decision.by, decision.reason)
            continue
        pinned = find_pinned(pin, models)
        if pinned is None:
            reason = f"pin '{pin}' ({source}) matches no candidate here; {decision.reason}"
            picks[family] = Pick(family, decision.model, decision.by, reason)
            continue
        note = None if pinned == decision.model else _pin_note(decision)
        picks[family] = Pick(family, pinned, "pinned", f"pinned in {source}", note)
    return picks


def _pin_for(
    family: str, *, families: Mapping[str, Family], pins: Mapping[str, str]
) -> tuple[str | None, str]:
    pin = _text(pins.get(family))
    if pin:
        return pin, "profile.yaml"
    spec = families.get(family)
    family_pin = _text(getattr(spec, "pin", None)) if spec is not None else None
    return family_pin, "families.yaml"


def find_pinned(pin: str, models: Sequence[Model]) -> Model | None:
    """The candidate a pin names: its id, its LiteLLM string, or its id without ``vendor/``."""
    for model in models:
        if pin in (model.id, model.litellm_model):
            return model
    for model in models:
        if model.id.rsplit("/", 1)[-1] == pin:
            return model
    return None


def _pin_note(decision: Decision) -> str:
    if decision.by in ("llm", "cached"):
        return f"the judge would choose {decision.model.id}"
    return f"the deterministic choice would be {decision.model.id}"


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
