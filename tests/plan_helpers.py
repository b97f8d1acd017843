"""Small builders for plan tests: catalog models, families, a Computation, a real-file apply."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from discovery_tui.apply import ConfigFileTarget, ProfileRecord, apply_run
from discovery_tui.families import Family
from discovery_tui.models import Model, Pick
from discovery_tui.ownership import WrittenRouter, read_written
from discovery_tui.pipeline import Computation
from discovery_tui.plan import Plan, ProviderOutcome, build_plan, entries_for
from discovery_tui.providers import PROVIDERS

SONNET = Family("claude", "Sonnet.", ("anthropic",), ("sonnet",), (), ("claude", "default"))
GROK = Family("grok", "Grok.", ("xai", "x-ai"), ("^grok",), (), ("grok",))
FAMILIES = {"claude": SONNET, "grok": GROK}
ORDER = ("anthropic", "xai", "openrouter")


def model(provider: str, model_id: str, **facts: object) -> Model:
    prefix = {"openrouter": "openrouter/", "xai": "xai/", "anthropic": "anthropic/"}[provider]
    values: dict[str, object] = {"released": date(2026, 1, 1), "context_window": 200_000}
    values.update(facts)
    return Model(provider, model_id, prefix + model_id, **values)  # type: ignore[arg-type]


def outcome(
    provider: str,
    picks: Mapping[str, Model],
    others: Sequence[Model] = (),
    *,
    catalog: Sequence[Model] | None = None,
    api_base: str | None = None,
) -> ProviderOutcome:
    """A refreshed provider whose family candidates are its picks (then ``others``)."""
    candidates: dict[str, list[Model]] = {family: [m] for family, m in picks.items()}
    for extra in others:
        candidates.setdefault("grok" if "grok" in extra.id else "claude", []).append(extra)
    spec = PROVIDERS[provider]
    models = tuple(m for ms in candidates.values() for m in ms)
    return ProviderOutcome(
        provider,
        "ok",
        models=len(models),
        picks={f: Pick(f, m, "heuristic", "newest") for f, m in picks.items()},
        entries=entries_for(spec, candidates, api_base=api_base),
        candidates=models,
        catalog=tuple(catalog) if catalog is not None else models,
    )


def computation(
    *outcomes: ProviderOutcome,
    families: Mapping[str, Family] = FAMILIES,
    recorded: Mapping[str, Mapping[str, str]] | None = None,
    written: WrittenRouter | None = None,
) -> Computation:
    return Computation(
        outcomes=outcomes,
        families=families,
        provider_order=ORDER,
        recorded_picks=recorded or {},
        models={m.litellm_model: m for o in outcomes for m in o.candidates},
        written=written or WrittenRouter(),
    )


def plan_for(config: Path, run: Computation, profile: Path | None = None) -> Plan:
    """The plan of ``run`` on the file as it is, with the profile's record when given."""
    if profile is not None:
        run = replace(run, written=read_written(profile))
    return build_plan(ConfigFileTarget(config).state(), run)


def apply(config: Path, run: Computation, profile: Path) -> Plan:
    """The real apply path: lock, re-plan on the file and profile, write, record."""
    target = ConfigFileTarget(config)
    shown = plan_for(config, run, profile)
    result = apply_run(target, run, shown, approved=True, record=ProfileRecord(profile))
    assert not result.replanned
    return result.plan


def applied_once(folder: Path, run: Computation) -> tuple[Path, Path]:
    """config.yaml (an empty model list) and profile.yaml in ``folder``, after one real apply."""
    config, profile = folder / "config.yaml", folder / "profile.yaml"
    config.write_text("model_list: []\n", encoding="utf-8")
    apply(config, run, profile)
    return config, profile


def edit(config: Path, old: str, new: str) -> None:
    """A hand edit: ``old`` (found exactly once) replaced by ``new``."""
    text = config.read_text(encoding="utf-8")
    assert text.count(old) == 1, text
    config.write_text(text.replace(old, new), encoding="utf-8")
