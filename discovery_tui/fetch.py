"""Read every chosen provider's catalog at once, each with its own timeout; isolate failures.

Catalogs come from a :class:`CatalogSource`: :class:`LiveSource` asks the providers' APIs over
the run's one HTTP client (:func:`new_client`); the offline demo (``discovery_tui.demo``) reads
the shipped file. :func:`catalog_source` is the one place that chooses between them.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from discovery_tui.errors import ProviderError
from discovery_tui.formatting import one_line
from discovery_tui.models import Catalog, Model
from discovery_tui.secrets import credentials_problem, known_secrets, scrub
from discovery_tui.settings import (
    DEFAULT_TIMEOUT_SECONDS,
    ResolvedKey,
    api_base,
    missing_key_error,
)

if TYPE_CHECKING:
    import httpx

    from discovery_tui.providers.base import ProviderSpec

USER_AGENT = "discovery-tui"

FetchStatus = Literal["ok", "failed"]
SourceKind = Literal["live", "demo"]
OnResult = Callable[["FetchResult"], None]


@dataclass(frozen=True)
class FetchResult:
    """One provider's outcome: a catalog, or a one-line reason it failed."""

    provider: str
    catalog: Catalog | None = None
    error: str | None = None
    # What the boundary checks dropped (a model with a bad id, a NaN price), one line each,
    # control characters escaped; rich markup is the render layer's to escape.
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.catalog is not None

    @property
    def status(self) -> FetchStatus:
        return "ok" if self.catalog is not None else "failed"


@dataclass(frozen=True)
class FetchRun:
    """What the providers' fetches of one run share."""

    client: httpx.AsyncClient
    keys: Mapping[str, ResolvedKey]
    timeout: float


class CatalogSource(ABC):
    """Where a run's catalogs come from: the providers' live APIs, or the offline demo file.

    A source says which providers it offers, which keys it needs and how to read one provider;
    :meth:`fetch`, the same for every source, reads them all at once.
    """

    kind: SourceKind
    uses_judge: bool  # False: picks come from the ranking alone (no judge, no decision cache)
    records_in_default_profile: bool  # False: picks recorded only in a profile the user named

    @abstractmethod
    def offers(self, specs: Mapping[str, ProviderSpec]) -> frozenset[str]:
        """The providers of ``specs`` this source has catalogs for."""

    @abstractmethod
    def keys(self, specs: Mapping[str, ProviderSpec]) -> dict[str, ResolvedKey]:
        """Each provider's key as this source needs it (the demo needs none)."""

    @abstractmethod
    async def fetch_provider(self, spec: ProviderSpec, run: FetchRun) -> FetchResult:
        """One provider's catalog; every failure is a one-line reason, never an exception."""

    async def fetch(
        self,
        client: httpx.AsyncClient,
        specs: Sequence[ProviderSpec],
        *,
        keys: Mapping[str, ResolvedKey],
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        on_result: OnResult | None = None,
    ) -> dict[str, FetchResult]:
        """Every provider of ``specs`` at once; the result keeps their order.

        ``on_result`` is called as each provider finishes (the wizard's progress display).
        """

        run = FetchRun(client, keys, timeout)

        async def one(spec: ProviderSpec) -> FetchResult:
            result = await self.fetch_provider(spec, run)
            if on_result is not None:
                on_result(result)
            return result

        results = await asyncio.gather(*(one(spec) for spec in specs))
        return {result.provider: result for result in results}


@dataclass(frozen=True)
class LiveSource(CatalogSource):
    """The providers' own APIs, with the keys of the environment and the keyring."""

    kind: SourceKind = "live"
    uses_judge: bool = True
    records_in_default_profile: bool = True

    def offers(self, specs: Mapping[str, ProviderSpec]) -> frozenset[str]:
        return frozenset(specs)

    def keys(self, specs: Mapping[str, ProviderSpec]) -> dict[str, ResolvedKey]:
        from discovery_tui.settings import resolve_key

        return {name: resolve_key(spec) for name, spec in specs.items()}

    async def fetch_provider(self, spec: ProviderSpec, run: FetchRun) -> FetchResult:
        key = run.keys[spec.name]
        return await fetch_one(run.client, spec, key=key, timeout=run.timeout)


def catalog_source(*, demo: bool = False) -> CatalogSource:
    """The one place that chooses where catalogs come from (``--demo``: the shipped file)."""
    if demo:
        from discovery_tui.demo import DemoSource

        return DemoSource.load()
    return LiveSource()


def new_client(*, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> httpx.AsyncClient:
    """The one HTTP client of a run: connection reuse, bounded timeouts, our User-Agent."""
    import httpx

    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
    )


async def fetch_one(
    client: httpx.AsyncClient,
    spec: ProviderSpec,
    *,
    key: ResolvedKey,
    timeout: float,
) -> FetchResult:
    """Fetch one provider; every failure becomes a one-line reason, never an exception."""
    from discovery_tui.providers.values import CATALOG_NOTES

    if key.source == "none":
        return FetchResult(spec.name, error=str(missing_key_error(spec)))
    base, moved = api_base(spec)
    refused = credentials_problem(base, where=_base_origin(spec, moved), key_var=spec.key_variable)
    if refused is not None:
        return FetchResult(spec.name, error=refused)
    notes: list[str] = []
    token = CATALOG_NOTES.set(notes)  # the fetch's task copies this context: same list
    try:
        models = await asyncio.wait_for(
            spec.fetch(client, api_base=base, api_key=key.value), timeout=timeout
        )
    except ProviderError as exc:
        return _failed(spec, _scrubbed(str(exc), key), notes)
    except asyncio.TimeoutError:
        return _failed(
            spec,
            f"{spec.label} did not answer within {timeout:g} s: try again later, "
            f"or check {spec.api_base_env}",
            notes,
        )
    except (
        LookupError,
        TypeError,
        ValueError,
        AttributeError,
        ArithmeticError,
        RecursionError,
    ) as exc:
        return _failed(
            spec,
            f"{spec.label} answered in an unexpected shape ({type(exc).__name__}): "
            "its API may have changed; report it with DISCOVERY_TUI_DEBUG=1 output",
            notes,
        )
    finally:
        CATALOG_NOTES.reset(token)
    written_base = base if moved or spec.entries_need_api_base else None
    return _checked_result(spec, models, notes, written_base)


def _checked_result(
    spec: ProviderSpec, models: Sequence[Model], notes: list[str], written_base: str | None
) -> FetchResult:
    """The catalog after the boundary checks; a catalog left empty by them is a failure."""
    from discovery_tui.providers.checks import checked_models

    kept, dropped = checked_models(models)
    notes = notes + dropped
    if not models:
        return _failed(spec, f"{spec.label} returned no models: check the key's access", notes)
    if not kept:
        return _failed(
            spec,
            f"{spec.label} returned no usable models ({len(dropped)} left out, see the notes): "
            "check the API base URL",
            notes,
        )
    return FetchResult(spec.name, Catalog(spec.name, tuple(kept), written_base), notes=tuple(notes))


def _failed(spec: ProviderSpec, error: str, notes: Sequence[str]) -> FetchResult:
    return FetchResult(spec.name, error=one_line(error, limit=None), notes=tuple(notes))


def _scrubbed(message: str, key: ResolvedKey) -> str:
    return scrub(message, [key.value, *known_secrets()])


def _base_origin(spec: ProviderSpec, moved: bool) -> str:
    if moved:
        return spec.api_base_env
    return f"The API base of {spec.name} (custom_providers in profile.yaml)"


fetch_catalogs = LiveSource().fetch
"""All providers at once over their live APIs; the result keeps the order of ``specs``."""
