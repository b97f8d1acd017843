"""One run as data: choose providers, fetch, match, choose (the plan: plan.py; apply: apply.py).

Nothing here prints or prompts: the refresh command and the wizard render what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui.errors import UsageError
from discovery_tui.fetch import FetchResult
from discovery_tui.models import Model, Pick
from discovery_tui.plan import ProviderOutcome, entries_for, precedence
from discovery_tui.profile import Profile
from discovery_tui.settings import DEFAULT_TIMEOUT_SECONDS, ResolvedKey

if TYPE_CHECKING:
    import httpx

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
    chosen, skipped = select_providers(
        specs, options.providers, keys, offered=source.offers(specs)
    )
    judge = _judge(options, profile) if source.uses_judge else None
    own_client = client is None
    http = client or new_client(timeout=options.timeout)
    try:
        results = await _fetch(http, source, chosen, keys, options, on_fetched)
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
    )


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
    return [_outcome(spec, results[spec.name], candidates, picks) for spec in chosen]


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
    )

