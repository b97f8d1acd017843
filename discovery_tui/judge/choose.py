"""The choose step: pins, the decision cache, one LLM call per provider, the deterministic fallback.

``choose_picks`` returns one :class:`Pick` per family that has candidates, for every provider.
Where no judge is configured, reachable or valid, ``ranking.best`` decides (``by="heuristic"``)
and the reason says why. The judge's key lives only in :class:`JudgeSettings` (hidden from repr)
and in the request's Authorization header: never in a file, a log or an exception message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discovery_tui.formatting import one_line
from discovery_tui.judge import client as judge_client
from discovery_tui.judge.decision import Decision, heuristic, heuristic_all
from discovery_tui.judge.prompt import describe, fit_messages, intent
from discovery_tui.judge.settings import JudgeRun, JudgeSettings, text_or_none
from discovery_tui.models import Model, Pick

if TYPE_CHECKING:
    import httpx

    from discovery_tui.families import Family

Wanted = Mapping[str, Mapping[str, Sequence[Model]]]  # provider -> family -> candidates


@dataclass(frozen=True)
class ProviderAnswer:
    """One provider's decisions from one judge call, and whether an answer arrived at all.

    ``received`` is False for a transport failure, a timeout or an answer without JSON (none of
    them is cached: the next run asks again); True when the judge answered JSON, even if some of
    its picks were invalid (they fell back, and the fallback is cached for the same inputs).
    """

    decisions: dict[str, Decision]
    received: bool


async def choose_picks(
    client: httpx.AsyncClient,
    *,
    candidates: Wanted,
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
    run = JudgeRun(today, families, judge, cache_dir, pins, refresh_judge)
    wanted = {p: {f: list(ms) for f, ms in fams.items() if ms} for p, fams in candidates.items()}
    if judge is None:
        decisions = {p: heuristic_all(fams, why=None, today=today) for p, fams in wanted.items()}
    else:
        decisions = await _judge_decisions(client, wanted, run, judge)
    return {
        provider: _apply_pins(fams, decisions[provider], run) for provider, fams in wanted.items()
    }


# --------------------------------------------------------------------------- pins


def _apply_pins(
    fams: Mapping[str, Sequence[Model]], decisions: Mapping[str, Decision], run: JudgeRun
) -> dict[str, Pick]:
    picks: dict[str, Pick] = {}
    for family, models in fams.items():
        decision = decisions[family]
        pin, source = _pin_for(family, run)
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


def _pin_for(family: str, run: JudgeRun) -> tuple[str | None, str]:
    pin = text_or_none(run.pins.get(family))
    if pin:
        return pin, "profile.yaml"
    spec = run.families.get(family)
    family_pin = text_or_none(getattr(spec, "pin", None)) if spec is not None else None
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


# --------------------------------------------------------------------------- cache + judge


async def _judge_decisions(
    client: httpx.AsyncClient, wanted: Wanted, run: JudgeRun, judge: JudgeSettings
) -> dict[str, dict[str, Decision]]:
    """Cached decisions where the inputs are unchanged; one judge call per provider for the rest."""
    decisions: dict[str, dict[str, Decision]] = {p: {} for p in wanted}
    to_ask: dict[str, dict[str, Sequence[Model]]] = {}
    for provider, fams in wanted.items():
        for family, models in fams.items():
            cached = _cached(run, judge, provider, family, models)
            if cached is not None:
                decisions[provider][family] = cached
            else:
                to_ask.setdefault(provider, {})[family] = models
    answers = await ask_judge(client, to_ask, run, judge)
    for provider, answer in answers.items():
        decisions[provider].update(answer.decisions)
        _remember(run, judge, provider, answer, wanted[provider])
    return decisions


def _key(
    judge: JudgeSettings, provider: str, family: str, models: Sequence[Model], run: JudgeRun
) -> str:
    from discovery_tui.judge.cache import cache_key

    return cache_key(
        provider=provider,
        family=family,
        intent=intent(family, run.families),
        lines=sorted(describe(m) for m in models),
        judge_model=judge.model,
    )


def _cached(
    run: JudgeRun, judge: JudgeSettings, provider: str, family: str, models: Sequence[Model]
) -> Decision | None:
    from discovery_tui.judge.cache import load

    if run.refresh_judge or run.cache_dir is None:
        return None
    hit = load(run.cache_dir, _key(judge, provider, family, models, run))
    if hit is None:
        return None
    if hit.fallback:
        return heuristic(models, why=remembered_why(hit.reason, hit.decided), today=run.today)
    chosen = next((m for m in models if m.id == hit.model_id), None)
    if chosen is None:
        return None
    return Decision(model=chosen, by="cached", reason=one_line(hit.reason) or "chosen by the judge")


def remembered_why(why: str, decided: str) -> str:
    """The reason of a cached fallback: what the judge got wrong, and when it is asked again."""
    when = f" of {decided}" if decided else ""
    return (
        f"{one_line(why)} (remembered from the judge's answer{when}; "
        "asked again when these candidates change)"
    )


def _remember(
    run: JudgeRun,
    judge: JudgeSettings,
    provider: str,
    answer: ProviderAnswer,
    fams: Mapping[str, Sequence[Model]],
) -> None:
    """Store what a received answer decided, for its inputs: the valid picks, and the families
    whose pick was invalid (a fallback, stored with its cause, so an unchanged catalog asks no
    more). Nothing is stored when no answer arrived (transport error, timeout, no JSON)."""
    from discovery_tui.judge.cache import store

    if run.cache_dir is None or not answer.received:
        return
    for family, decision in answer.decisions.items():
        fallback = decision.by == "heuristic"
        if decision.by != "llm" and not (fallback and decision.why):
            continue
        store(
            run.cache_dir,
            _key(judge, provider, family, fams[family], run),
            provider=provider,
            family=family,
            model_id=decision.model.id,
            reason=(decision.why or "") if fallback else decision.reason,
            judge_model=judge.model,
            decided=run.today.isoformat(),
            fallback=fallback,
        )


async def ask_judge(
    client: httpx.AsyncClient,
    asked: Mapping[str, Mapping[str, Sequence[Model]]],
    run: JudgeRun,
    judge: JudgeSettings,
) -> dict[str, ProviderAnswer]:
    """One call per provider with families to decide, all at once; failures fall back."""
    import asyncio

    work = {p: fams for p, fams in asked.items() if fams}
    if not work:
        return {}
    oai = judge_client.openai_client(client, judge)
    results = await asyncio.gather(
        *(_ask_provider(oai, provider, fams, run, judge) for provider, fams in work.items())
    )
    return dict(zip(work, results, strict=True))


async def _ask_provider(
    oai: Any,
    provider: str,
    asked: Mapping[str, Sequence[Model]],
    run: JudgeRun,
    judge: JudgeSettings,
) -> ProviderAnswer:
    from discovery_tui.errors import JudgeError
    from discovery_tui.judge.answer import parse_answer, validate

    messages = fit_messages(provider, asked, families=run.families, judge=judge, today=run.today)
    try:
        text = await judge_client.call_judge(oai, judge, messages)
    except JudgeError as exc:
        return _fallback(asked, run, judge.scrub(str(exc)), received=False)
    except Exception as exc:  # the SDK's surprises must not stop the run: fall back, say what
        why = f"the judge call failed unexpectedly ({type(exc).__name__})"
        return _fallback(asked, run, why, received=False)
    try:
        answer = parse_answer(text)
    except JudgeError as exc:  # an answer arrived, but no JSON in it: not cached, ask again
        return _fallback(asked, run, judge.scrub(str(exc)), received=False)
    return ProviderAnswer(validate(answer, asked, run), received=True)


def _fallback(
    asked: Mapping[str, Sequence[Model]], run: JudgeRun, why: str, *, received: bool
) -> ProviderAnswer:
    return ProviderAnswer(heuristic_all(asked, why=why, today=run.today), received=received)
