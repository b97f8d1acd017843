"""One run as data: choose providers, fetch, match, choose (the plan: plan.py; apply: apply.py).

Nothing here prints or prompts: the refresh command and the wizard render what it returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui.enrich import SKIPPED, Enrichment
from discovery_tui.errors import UsageError
from discovery_tui.fetch import FetchResult
from discovery_tui.models import Model, Pick
from discovery_tui.ownership import WrittenRouter, read_written
from discovery_tui.plan import ProviderOutcome, WantedSetting, entries_for, precedence
from discovery_tui.profile import Profile
from discovery_tui.settings import DEFAULT_TIMEOUT_SECONDS, ResolvedKey

if TYPE_CHECKING:
    import httpx

    from discovery_tui.enrich import ModelsDevResult
    from discovery_tui.families import Family
    from discovery_tui.fetch import CatalogSource
    from discovery_tui.judge import JudgeSettings
    from discovery_tui.providers.base import ProviderSpec


@dataclass(frozen=True)
class RunOptions:
    config_path: Path
    profile_path: Path
    families_path: Path | None = None
    providers: tuple[str, ...] = ()  # explicit choice; empty: every provider with a key + keyless
    no_llm: bool = False
    judge_base_url: str | None = None
    judge_model: str | None = None
    refresh_judge: bool = False
    demo: bool = False  # the CLI's choice of catalog source (fetch.catalog_source), nothing else
    enrich: bool = True  # False (--no-enrich): no models.dev; the demo never asks it either
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Computation:
    """Everything fetched and chosen; independent of config.yaml, so a plan can be rebuilt."""

    outcomes: tuple[ProviderOutcome, ...]
    families: Mapping[str, Family]
    provider_order: tuple[str, ...]
    recorded_picks: Mapping[str, Mapping[str, str]]
    models: Mapping[str, Model]  # litellm model string -> model, for the preview
    # provider -> what the catalog checks dropped (one printable line each; rich markup is
    # the render layer's to escape); providers without notes are absent
    notes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    enrichment: Enrichment = SKIPPED
    # provider -> field name -> how many of its models got that field from models.dev
    filled: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # what the tool last wrote into router_settings (profile.yaml ``written:``; plan/aliases.py)
    written: WrittenRouter = field(default_factory=WrittenRouter)
    # settings the run wants in the config where it has none (plan/settings.py): the wizard's
    # master key reference
    settings: tuple[WantedSetting, ...] = ()


def registry(profile: Profile) -> dict[str, ProviderSpec]:
    from discovery_tui.providers import all_providers

    return all_providers(profile.custom_providers)


def provider_keys(
    specs: Mapping[str, ProviderSpec], *, demo: bool = False
) -> dict[str, ResolvedKey]:
    """Each provider's key; kept for callers that hold no source (``source.keys(specs)``)."""
    from discovery_tui.fetch import catalog_source

    return catalog_source(demo=demo).keys(specs)


def select_providers(
    specs: Mapping[str, ProviderSpec],
    requested: Sequence[str],
    keys: Mapping[str, ResolvedKey],
    *,
    offered: Collection[str] | None = None,
) -> tuple[list[ProviderSpec], list[str]]:
    """(chosen, skipped). Without a request: every provider with a key, plus the keyless ones,
    among those the catalog source ``offered`` (all when None)."""
    unknown = [name for name in requested if name not in specs]
    if unknown:
        raise UsageError(
            f"Unknown provider {', '.join(unknown)}: choose from {', '.join(specs)}"
            " (or declare it under custom_providers in profile.yaml)"
        )
    if requested:
        chosen = [specs[name] for name in dict.fromkeys(requested)]
    else:
        chosen = [
            spec
            for name, spec in specs.items()
            if keys[name].source != "none" and (offered is None or name in offered)
        ]
    chosen_names = {spec.name for spec in chosen}
    return chosen, [name for name in specs if name not in chosen_names]


async def compute(
    options: RunOptions,
    profile: Profile,
    *,
    on_fetched: Callable[[FetchResult], None] | None = None,
    client: httpx.AsyncClient | None = None,
    source: CatalogSource | None = None,
) -> Computation:
    """Fetch every chosen provider at once, match families, choose picks (judge or ranking).

    ``source`` is where catalogs come from; by default the one ``options.demo`` chooses.
    """
    from discovery_tui.families import load_families
    from discovery_tui.fetch import catalog_source, new_client

    source = source or catalog_source(demo=options.demo)
    families = load_families(options.families_path)
    specs = registry(profile)
    keys = source.keys(specs)
    chosen, skipped = select_providers(specs, options.providers, keys, offered=source.offers(specs))
    judge = _judge(options, profile) if source.uses_judge else None
    own_client = client is None
    http = client or new_client(timeout=options.timeout)
    try:
        wants_enrich = options.enrich and source.kind == "live" and _enrichable(chosen)
        results, loaded = await asyncio.gather(
            _fetch(http, source, chosen, keys, options, on_fetched),
            _models_dev(http) if wants_enrich else _nothing(),
        )
        results = _enriched(results, loaded)
        outcomes = await _choose(http, chosen, results, families, options, profile, judge)
    finally:
        if own_client:
            await http.aclose()
    skipped_outcomes = [ProviderOutcome(name, "skipped") for name in skipped]
    models = {m.litellm_model: m for o in outcomes for m in o.candidates}
    return Computation(
        outcomes=tuple(outcomes + skipped_outcomes),
        families=families,
        provider_order=tuple(precedence(profile.providers, list(specs))),
        recorded_picks=profile.picks,
        models=models,
        notes={name: r.notes for name, r in results.items() if r.notes},
        enrichment=_enrichment(loaded),
        filled=_filled(results),
        written=read_written(profile.path),
    )


async def _models_dev(client: httpx.AsyncClient) -> ModelsDevResult:
    from discovery_tui.enrich import load_models_dev
    from discovery_tui.settings import cache_dir

    return await load_models_dev(client, cache_dir=cache_dir())


async def _nothing() -> None:
    return None


def _enrichable(chosen: Sequence[ProviderSpec]) -> bool:
    """True when models.dev knows any chosen provider (custom servers alone: no request)."""
    from discovery_tui.enrich import PROVIDER_KEYS

    return any(spec.name in PROVIDER_KEYS for spec in chosen)


def _enriched(
    results: Mapping[str, FetchResult], loaded: ModelsDevResult | None
) -> dict[str, FetchResult]:
    """Each fetched catalog with models.dev's facts filled in where it said nothing."""
    from discovery_tui.enrich import enrich_catalog

    if loaded is None or loaded.data is None:
        return dict(results)
    data = loaded.data
    return {
        name: replace(r, catalog=enrich_catalog(r.catalog, data)) if r.catalog else r
        for name, r in results.items()
    }


def _enrichment(loaded: ModelsDevResult | None) -> Enrichment:
    if loaded is None:
        return SKIPPED
    return Enrichment("ok" if loaded.data is not None else "failed", loaded.note)


def _filled(results: Mapping[str, FetchResult]) -> dict[str, dict[str, int]]:
    from discovery_tui.enrich import filled_summary

    counts = {name: filled_summary(r.catalog.models) for name, r in results.items() if r.catalog}
    return {name: summary for name, summary in counts.items() if summary}


async def _fetch(
    client: httpx.AsyncClient,
    source: CatalogSource,
    chosen: Sequence[ProviderSpec],
    keys: Mapping[str, ResolvedKey],
    options: RunOptions,
    on_fetched: Callable[[FetchResult], None] | None,
) -> dict[str, FetchResult]:
    return await source.fetch(
        client, chosen, keys=keys, timeout=options.timeout, on_result=on_fetched
    )


def _judge(options: RunOptions, profile: Profile) -> JudgeSettings | None:
    """The judge of this run, if any; its SDK starts importing while the catalogs download."""
    from discovery_tui.judge import resolve_judge, warm_up

    judge = resolve_judge(
        base_url=options.judge_base_url,
        model=options.judge_model,
        profile_judge=profile.judge,
        no_llm=options.no_llm,
    )
    if judge is not None:
        warm_up()
    return judge


async def _choose(
    client: httpx.AsyncClient,
    chosen: Sequence[ProviderSpec],
    results: Mapping[str, FetchResult],
    families: Mapping[str, Family],
    options: RunOptions,
    profile: Profile,
    judge: JudgeSettings | None,
) -> list[ProviderOutcome]:
    from discovery_tui.families import candidates_by_family
    from discovery_tui.judge import choose_picks
    from discovery_tui.settings import cache_dir

    candidates: dict[str, dict[str, list[Model]]] = {}
    for spec in chosen:
        catalog = results[spec.name].catalog
        if catalog is not None:
            candidates[spec.name] = candidates_by_family(
                catalog.models, families, provider_vendor=spec.vendor, today=options.today
            )
    picks = await choose_picks(
        client,
        candidates=candidates,
        families=families,
        judge=judge,
        pins=profile.pins,
        today=options.today,
        cache_dir=None if options.demo else cache_dir(),
        refresh_judge=options.refresh_judge,
    )
    outcomes = [_outcome(spec, results[spec.name], candidates, picks) for spec in chosen]
    pairs = zip(outcomes, chosen, strict=True)
    return [_with_lines(outcome, spec, families, options.today) for outcome, spec in pairs]


def _with_lines(
    outcome: ProviderOutcome, spec: ProviderSpec, families: Mapping[str, Family], today: date
) -> ProviderOutcome:
    """The outcome with its catalog's lines of known vendors that no family takes."""
    from discovery_tui.families import unmatched_lines

    if not outcome.catalog:
        return outcome
    lines = unmatched_lines(outcome.catalog, families, provider_vendor=spec.vendor, today=today)
    return replace(outcome, unmatched=tuple(lines))


def _outcome(
    spec: ProviderSpec,
    result: FetchResult,
    candidates: Mapping[str, Mapping[str, Sequence[Model]]],
    picks: Mapping[str, Mapping[str, Pick]],
) -> ProviderOutcome:
    if result.catalog is None:
        return ProviderOutcome(spec.name, "failed", error=result.error)
    own_picks = dict(picks.get(spec.name, {}))
    own_candidates = candidates.get(spec.name, {})
    return ProviderOutcome(
        spec.name,
        "ok",
        models=len(result.catalog.models),
        picks=own_picks,
        entries=entries_for(spec, own_candidates, api_base=result.catalog.api_base),
        candidates=tuple(m for models in own_candidates.values() for m in models),
        catalog=result.catalog.models,
    )
