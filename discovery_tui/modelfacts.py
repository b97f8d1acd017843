"""What a config.yaml says about the model behind each name, as ``launch`` and ``doctor`` need
it: provider, context, max output, prices, reasoning (from ``model_info``), and the fallbacks
LiteLLM will follow. Read-only: plain data out of the loaded YAML, never written back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from discovery_tui.models import OWNER_KEY

REASONING_DROPS = frozenset({"reasoning_effort", "thinking"})


@dataclass(frozen=True)
class TargetFacts:
    """One ``model_list`` entry as Claude Code's picker and doctor describe it."""

    model_name: str
    model: str  # litellm_params.model
    provider: str  # model_info.discovery_tui, else the first part of the model string
    context: int | None = None  # model_info.max_input_tokens
    max_output: int | None = None  # model_info.max_output_tokens
    input_cost: float | None = None  # USD per token
    output_cost: float | None = None
    reasoning: bool | None = None  # model_info.supports_reasoning (None: not said)
    drops_reasoning: bool = False  # additional_drop_params removes thinking/reasoning_effort
    expires: date | None = None  # model_info.deprecation_date (ISO day)
    owned: bool = False  # model_info carries discovery-tui's mark


def target_facts(entries: Iterable[Any]) -> dict[str, TargetFacts]:
    """``model_name`` -> facts, for every well-formed entry (the first of a repeated name)."""
    facts: dict[str, TargetFacts] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        name, params = entry.get("model_name"), entry.get("litellm_params")
        if not isinstance(name, str) or not isinstance(params, Mapping):
            continue
        model = params.get("model")
        if isinstance(model, str) and name not in facts:
            info = entry.get("model_info")
            facts[name] = _facts(name, model, params, info if isinstance(info, Mapping) else {})
    return facts


def _facts(
    name: str, model: str, params: Mapping[str, Any], info: Mapping[str, Any]
) -> TargetFacts:
    owner = info.get(OWNER_KEY)
    drops = params.get("additional_drop_params")
    dropped = {str(d) for d in drops} if isinstance(drops, list) else set()
    reasoning = info.get("supports_reasoning")
    return TargetFacts(
        model_name=name,
        model=model,
        provider=str(owner) if isinstance(owner, str) and owner else model.split("/", 1)[0],
        context=_int(info.get("max_input_tokens")),
        max_output=_int(info.get("max_output_tokens")),
        input_cost=_float(info.get("input_cost_per_token")),
        output_cost=_float(info.get("output_cost_per_token")),
        reasoning=reasoning if isinstance(reasoning, bool) else None,
        drops_reasoning=bool(dropped & REASONING_DROPS),
        expires=_day(info.get("deprecation_date")),
        owned=isinstance(owner, str) and bool(owner),
    )


def _day(value: Any) -> date | None:
    """An ISO day as YAML reads it: a date, or a string (a timestamp keeps its day)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value is not None else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and value > 0:
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def read_fallbacks(*sections: Any) -> dict[str, tuple[str, ...]]:
    """The ``fallbacks`` lists of ``router_settings`` and ``litellm_settings`` (in that order):
    each item a one-key mapping ``{name: [model_name, ...]}``; the first item of a name wins."""
    fallbacks: dict[str, tuple[str, ...]] = {}
    for section in sections:
        items = section.get("fallbacks") if isinstance(section, Mapping) else None
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, Mapping):
                continue
            for key, targets in item.items():
                if isinstance(targets, list) and str(key) not in fallbacks:
                    fallbacks[str(key)] = tuple(str(t) for t in targets)
    return fallbacks
