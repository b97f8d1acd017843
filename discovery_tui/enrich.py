"""Metadata from models.dev: fill in what a provider's own catalog does not say.

models.dev (``https://models.dev/api.json``, public, keyless) is keyed by provider id, then by
model id; each model gives ``cost`` (USD per 1M tokens: ``input``, ``output``, ``cache_read``,
``cache_write``), ``limit`` (``context``, ``output``), ``release_date``, ``reasoning``,
``tool_call`` and ``modalities``. One GET per run, cached for a day in the cache folder; every
failure is a note, never an error. ``enrich`` fills only the fields a catalog left empty (the
provider's value wins) and records each filled field in ``Model.filled``.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from discovery_tui.models import Catalog, Model
from discovery_tui.secrets import redact_url

if TYPE_CHECKING:
    import httpx

SOURCE = "models.dev"
DEFAULT_URL = "https://models.dev/api.json"
URL_ENV = "MODELS_DEV_API_URL"
CACHE_FILE = "models-dev.json"
CACHE_MAX_AGE = timedelta(days=1)
STALE_MAX_AGE = timedelta(days=30)  # a stale copy still serves when the fetch fails
MAX_BODY_BYTES = 64 * 1024 * 1024
PER_MILLION = 1_000_000
MAX_PRICE_PER_MILLION = 10_000.0
MAX_TOKENS = 20_000_000

# Our provider name -> models.dev provider id. A provider not listed here is not enriched.
PROVIDER_KEYS: Mapping[str, str] = {
    "openrouter": "openrouter",
    "xai": "xai",
    "gemini": "google",
    "perplexity": "perplexity",
    "openai": "openai",
    "anthropic": "anthropic",
    "deepseek": "deepseek",
    "groq": "groq",
    "mistral": "mistral",
    "moonshot": "moonshotai",
    "zai": "zai",
    "together": "togetherai",
}

# Providers whose catalogs state input and output modalities: models.dev never overrides them.
_STATES_MODALITIES = frozenset({"openrouter", "mistral", "moonshot", "perplexity"})
_DEFAULT_MODALITIES = ("text",)
_KNOWN_MODALITIES = frozenset({"text", "image", "audio", "video", "pdf"})
# A snapshot suffix that names one fixed release: -2024-07-18, -20250929, -001.
_SNAPSHOT = re.compile(r"^(?P<base>.+?)-(?:\d{4}-\d{2}-\d{2}|20\d{6}|\d{3})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ModelsDev:
    """models.dev's data: provider id -> model id -> the raw model object."""

    providers: Mapping[str, Mapping[str, Mapping[str, Any]]]


EnrichmentStatus = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class Enrichment:
    """How a run's enrichment went: ``ok`` (fresh, cached, or a stale copy with a note),
    ``failed`` (no data: a note says why) or ``skipped`` (--no-enrich, the demo)."""

    status: EnrichmentStatus
    note: str | None = None

    def as_json(self) -> dict[str, str | None]:
        """``--json``'s top-level ``"enrichment"`` value."""
        return {"source": SOURCE, "status": self.status, "note": self.note}


SKIPPED = Enrichment("skipped")


@dataclass(frozen=True)
class ModelsDevResult:
    """The data (None when unavailable) and a one-line note for the preview and ``--json``."""

    data: ModelsDev | None
    note: str | None = None
    from_cache: bool = False


def models_dev_url(url: str | None = None) -> str:
    """The URL given, else ``$MODELS_DEV_API_URL``, else models.dev's own."""
    return url or os.environ.get(URL_ENV, "").strip() or DEFAULT_URL


async def load_models_dev(
    client: httpx.AsyncClient,
    *,
    url: str | None = None,
    cache_dir: Path | None,
    now: datetime | None = None,
) -> ModelsDevResult:
    """models.dev's data from a fresh cache (no request), else one GET; never raises.

    A fetched copy is cached in ``cache_dir/models-dev.json``; when the fetch fails, a cached
    copy up to 30 days old is used, and the note says so.
    """
    now = now or datetime.now(timezone.utc)
    cache = cache_dir / CACHE_FILE if cache_dir is not None else None
    cached, age = _read_cache(cache, now)
    if cached is not None and age is not None and age <= CACHE_MAX_AGE:
        return ModelsDevResult(cached, from_cache=True)
    target = models_dev_url(url)
    body, problem = await _fetch(client, target)
    data = None
    if body is not None:
        data, problem = _parse(body)
    if data is not None and body is not None:
        _write_cache(cache, body)
        return ModelsDevResult(data)
    if cached is not None and age is not None and age <= STALE_MAX_AGE:
        days = max(1, int(age / timedelta(days=1)))
        note = f"{problem}; using the copy cached {days} day(s) ago"
        return ModelsDevResult(cached, note=note, from_cache=True)
    return ModelsDevResult(None, note=f"{problem}; prices and limits are the catalogs' only")


async def _fetch(client: httpx.AsyncClient, target: str) -> tuple[bytes | None, str]:
    import httpx

    url = redact_url(target)
    try:
        async with client.stream("GET", target) as response:
            if response.status_code >= 400:
                return None, f"models.dev answered HTTP {response.status_code} ({url})"
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    return None, f"models.dev sent over {MAX_BODY_BYTES // 2**20} MB ({url})"
                chunks.append(chunk)
            return b"".join(chunks), ""
    except httpx.TimeoutException:
        return None, f"models.dev did not answer in time ({url})"
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return None, f"models.dev could not be reached ({url}): {type(exc).__name__}"


def _parse(body: bytes) -> tuple[ModelsDev | None, str]:
    """The data when ``body`` is models.dev's format, else None and why."""
    try:
        raw: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, "models.dev sent something that is not JSON"
    if not isinstance(raw, dict):
        return None, "models.dev sent JSON that is not its provider map"
    providers: dict[str, Mapping[str, Mapping[str, Any]]] = {}
    for key, entry in raw.items():
        models = entry.get("models") if isinstance(entry, dict) else None
        if isinstance(key, str) and isinstance(models, dict):
            providers[key] = {k: v for k, v in models.items() if isinstance(v, dict)}
    if not any(providers.values()):
        return None, "models.dev sent JSON without any provider's models"
    return ModelsDev(providers), ""


def _read_cache(cache: Path | None, now: datetime) -> tuple[ModelsDev | None, timedelta | None]:
    if cache is None:
        return None, None
    try:
        stat = cache.stat()
        if stat.st_size > MAX_BODY_BYTES:
            return None, None
        body = cache.read_bytes()
    except OSError:
        return None, None
    data, _ = _parse(body)
    age = now - datetime.fromtimestamp(stat.st_mtime, timezone.utc)
    return data, age if age >= timedelta(0) else CACHE_MAX_AGE * 2  # from the future: stale


def _write_cache(cache: Path | None, body: bytes) -> None:
    if cache is None:
        return
    from discovery_tui.fileio import atomic_write_text

    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(cache, body.decode("utf-8"))
    except (OSError, UnicodeDecodeError):
        return  # a cache that cannot be written costs a request next time, nothing more


@dataclass(frozen=True)
class Facts:
    """What models.dev says about one model, checked; None where it says nothing usable."""

    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    cache_read_cost_per_token: float | None = None
    cache_write_cost_per_token: float | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    released: date | None = None
    supports_reasoning: bool | None = None
    supports_tools: bool | None = None
    input_modalities: tuple[str, ...] | None = None
    output_modalities: tuple[str, ...] | None = None


def facts_of(obj: Mapping[str, Any]) -> Facts:
    """The checked facts of one models.dev model object."""
    cost = _mapping(obj.get("cost"))
    limit = _mapping(obj.get("limit"))
    modalities = _mapping(obj.get("modalities"))
    return Facts(
        input_cost_per_token=_price(cost.get("input")),
        output_cost_per_token=_price(cost.get("output")),
        cache_read_cost_per_token=_price(cost.get("cache_read")),
        cache_write_cost_per_token=_price(cost.get("cache_write")),
        context_window=_tokens(limit.get("context")),
        max_output_tokens=_tokens(limit.get("output")),
        released=_day(obj.get("release_date")),
        supports_reasoning=_flag(obj.get("reasoning")),
        supports_tools=_flag(obj.get("tool_call")),
        input_modalities=_modalities(modalities.get("input")),
        output_modalities=_modalities(modalities.get("output")),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _price(value: Any) -> float | None:
    """USD per 1M tokens -> USD per token; finite, non-negative and sane, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0 <= value <= MAX_PRICE_PER_MILLION:
        return None
    return round(value / PER_MILLION, 15)


def _tokens(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_TOKENS else None


def _day(value: Any) -> date | None:
    """A full ISO day; a month alone (``2025-06``) is not a release day."""
    if not isinstance(value, str) or not _DAY.match(value):
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if day.year >= 2000 else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _modalities(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not value:
        return None
    if not all(isinstance(item, str) and item in _KNOWN_MODALITIES for item in value):
        return None
    return tuple(dict.fromkeys(value))


def find(models: Mapping[str, Mapping[str, Any]], model_id: str) -> Mapping[str, Any] | None:
    """The models.dev object of ``model_id``: the exact id, else an unambiguous snapshot.

    A dated id (``gpt-4o-mini-2024-07-18``, ``claude-opus-4-20250514``, ``gemini-2.0-flash-001``)
    matches its undated id only when models.dev lists no dated sibling of that id; an undated id
    matches a dated one only when it is the one snapshot listed. Nothing else is guessed.
    """
    if model_id in models:
        return models[model_id]
    snapshot = _SNAPSHOT.match(model_id)
    if snapshot:
        base = snapshot["base"]
        if base in models and not _snapshots_of(models, base):
            return models[base]
        return None
    found = _snapshots_of(models, model_id)
    return models[found[0]] if len(found) == 1 else None


def _snapshots_of(models: Mapping[str, Any], base: str) -> list[str]:
    return [key for key in models if (m := _SNAPSHOT.match(key)) and m["base"] == base]


def enrich(models: Sequence[Model], provider: str, data: ModelsDev) -> list[Model]:
    """``models`` with what models.dev knows filled in where the catalog said nothing."""
    key = PROVIDER_KEYS.get(provider)
    known = data.providers.get(key, {}) if key else {}
    if not known:
        return list(models)
    result: list[Model] = []
    for model in models:
        obj = find(known, _bare_id(model))
        result.append(model if obj is None else fill(model, facts_of(obj)))
    return result


def enrich_catalog(catalog: Catalog, data: ModelsDev) -> Catalog:
    """``catalog`` with its models enriched (the same object when nothing was filled)."""
    models = enrich(catalog.models, catalog.provider, data)
    if all(new is old for new, old in zip(models, catalog.models, strict=True)):
        return catalog
    return replace(catalog, models=tuple(models))


def filled_summary(models: Sequence[Model]) -> dict[str, int]:
    """Field name -> how many of ``models`` got it from another source (for preview and JSON)."""
    counts: dict[str, int] = {}
    for model in models:
        for name, _source in model.filled:
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def _bare_id(model: Model) -> str:
    return model.id.removeprefix("models/")


_SCALAR_FIELDS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_cost_per_token",
    "cache_write_cost_per_token",
    "context_window",
    "max_output_tokens",
    "released",
    "supports_reasoning",
    "supports_tools",
)


def fill(model: Model, facts: Facts) -> Model:
    """``model`` with each empty field that ``facts`` knows filled, and recorded in ``filled``."""
    changes: dict[str, Any] = {}
    for name in _SCALAR_FIELDS:
        value = getattr(facts, name)
        if value is not None and getattr(model, name) is None:
            changes[name] = value
    if model.provider not in _STATES_MODALITIES:
        for name in ("input_modalities", "output_modalities"):
            value = getattr(facts, name)
            if _adds_to_default(getattr(model, name), value):
                changes[name] = value
    if not changes:
        return model
    filled = dict(model.filled) | dict.fromkeys(changes, SOURCE)
    return replace(model, **changes, filled=tuple(sorted(filled.items())))


def _adds_to_default(current: tuple[str, ...], found: tuple[str, ...] | None) -> bool:
    """models.dev's modalities replace only the default ``("text",)`` and only by more."""
    if found is None or current != _DEFAULT_MODALITIES:
        return False
    return "text" in found and len(found) > 1
