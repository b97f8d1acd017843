"""The offline demo catalog shipped in the package (`--demo`): no key, no network.

:class:`DemoSource` is a catalog source like the live one (``discovery_tui.fetch``): it offers
the providers of ``data/demo_catalog.json``, needs no key, and asks no judge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from discovery_tui.fetch import CatalogSource, FetchResult, FetchRun, SourceKind
from discovery_tui.models import Catalog, Model
from discovery_tui.settings import ResolvedKey

if TYPE_CHECKING:
    from discovery_tui.providers.base import ProviderSpec

PER_MILLION = 1_000_000


def _price(value: Any) -> float | None:
    return round(float(value) / PER_MILLION, 15) if value is not None else None


def _model(provider: str, prefix: str, raw: dict[str, Any]) -> Model:
    released = raw.get("released")
    return Model(
        provider=provider,
        id=raw["id"],
        litellm_model=f"{prefix}/{raw['id']}",
        name=raw.get("name"),
        released=date.fromisoformat(released) if released else None,
        context_window=raw.get("context"),
        max_output_tokens=raw.get("max_output"),
        input_cost_per_token=_price(raw.get("in")),
        output_cost_per_token=_price(raw.get("out")),
        input_modalities=tuple(raw.get("input", ["text"])),
        output_modalities=tuple(raw.get("output", ["text"])),
        supports_tools=raw.get("tools"),
        supports_reasoning=raw.get("reasoning"),
        source="demo",
    )


def load_demo_catalog() -> dict[str, list[Model]]:
    """provider -> models of the demo catalog, with each provider's LiteLLM prefix."""
    from discovery_tui.providers import PROVIDERS

    text = resources.files("discovery_tui").joinpath("data/demo_catalog.json").read_text("utf-8")
    providers: dict[str, list[dict[str, Any]]] = json.loads(text)["providers"]
    return {
        name: [_model(name, PROVIDERS[name].litellm_prefix, raw) for raw in models]
        for name, models in providers.items()
    }


@dataclass(frozen=True)
class DemoSource(CatalogSource):
    """Catalogs from the shipped demo file: no network, no key, no judge, no profile by default."""

    catalog: Mapping[str, Sequence[Model]]
    kind: SourceKind = "demo"
    uses_judge: bool = False
    records_in_default_profile: bool = False

    @classmethod
    def load(cls) -> DemoSource:
        return cls(load_demo_catalog())

    def offers(self, specs: Mapping[str, ProviderSpec]) -> frozenset[str]:
        return frozenset(name for name in specs if self.catalog.get(name))

    def keys(self, specs: Mapping[str, ProviderSpec]) -> dict[str, ResolvedKey]:
        return {name: ResolvedKey("keyless") for name in specs}

    async def fetch_provider(self, spec: ProviderSpec, run: FetchRun) -> FetchResult:
        """The provider's demo models; the run's client, keys and timeout are not used."""
        del run
        return self._result(spec)

    def _result(self, spec: ProviderSpec) -> FetchResult:
        from discovery_tui.providers.checks import checked_models

        models, notes = checked_models(self.catalog.get(spec.name) or ())
        if models:
            return FetchResult(spec.name, Catalog(spec.name, tuple(models)), notes=tuple(notes))
        return FetchResult(
            spec.name,
            error=f"The demo catalog has no {spec.label} models: pick another provider",
        )
