"""The judge's prompt: one line per candidate (:func:`describe`), the messages, and the budget.

The bytes built here are part of the decision cache's key (``describe`` lines): a change to them
asks the judge again for every family, so change them only on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from discovery_tui.formatting import context_compact, one_line, price_significant
from discovery_tui.models import Model

if TYPE_CHECKING:
    from discovery_tui.families import Family
    from discovery_tui.judge.settings import JudgeSettings

MAX_REQUEST_BYTES = 16_000
CANDIDATE_CAPS = (12, 8, 6, 4, 3, 2, 1)  # per family; shrunk until the request fits
DESCRIPTION_CHARS = 100  # a candidate's description, shortened to this many characters
DESCRIPTION_LIMITS = (DESCRIPTION_CHARS, 50, 0)  # shortened, then dropped, before fewer candidates
# (candidates per family, description characters), tried in order until the request fits:
# descriptions are the first thing to shorten and drop, then the candidate lists shrink.
FIT_STEPS = tuple((CANDIDATE_CAPS[0], limit) for limit in DESCRIPTION_LIMITS) + tuple(
    (cap, 0) for cap in CANDIDATE_CAPS[1:]
)

SYSTEM_PROMPT = (
    "You choose, for one provider, the single best model of each model family listed by the "
    "user, among that family's candidates only. Best means: the most capable current model that "
    "serves the family's intent; prefer a newer generation to an older one and a generally "
    "available model to a preview, unless the newest generation exists only as a preview; weigh "
    "price only when the intent asks for it. A description's own words ('flagship', 'most "
    "capable'; 'fast', 'cheap') tell same-generation siblings apart. "
    "Answer with JSON only, exactly of this shape: "
    '{"picks": {"FAMILY": {"model": "ID", "reason": "one short sentence"}}}. '
    "Use every family name given, and for each the id of one of its own candidates, copied "
    "exactly. No other text."
)


def describe(model: Model, *, description_chars: int = DESCRIPTION_CHARS) -> str:
    """One compact line: id | released | context | $/Mtok in/out | flags | description.

    The description (the catalog's own words, one line, at most ``description_chars``; none at 0)
    comes last; flags are ``-`` when there are none but a description follows. These bytes (at
    the default length) are part of the cache key: bump ``cache.CACHE_VERSION`` when the format
    changes.
    """
    released = model.released.isoformat() if model.released else "?"
    parts = [model.id, released, f"ctx {context_compact(model.context_window)}", _prices(model)]
    flags = _flags(model)
    text = short_description(model, description_chars)
    if flags or text:
        parts.append(",".join(flags) or "-")
    if text:
        parts.append(text)
    return " | ".join(parts)


def short_description(model: Model, chars: int = DESCRIPTION_CHARS) -> str:
    """The description on one line, cut to ``chars`` (with "…"), "|" replaced; "" for none."""
    if chars <= 0 or not model.description:
        return ""
    return one_line(model.description.replace("|", "/"), limit=chars)


def _prices(model: Model) -> str:
    given = (model.input_cost_per_token, model.output_cost_per_token)
    return "$" + "/".join(price_significant(value) for value in given)


def _flags(model: Model) -> list[str]:
    from discovery_tui.ranking import is_preview

    flags = ["preview"] if is_preview(model) else []
    if model.supports_reasoning:
        flags.append("reasoning")
    if model.supports_tools:
        flags.append("tools")
    if "image" in model.input_modalities:
        flags.append("vision")
    if model.deprecated:
        flags.append("deprecated")
    if model.expires:
        flags.append(f"expires {model.expires.isoformat()}")
    return flags


def intent(family: str, families: Mapping[str, Family]) -> str:
    """The family's intent sentence on one line (empty when the family is unknown)."""
    spec = families.get(family)
    return one_line(getattr(spec, "intent", "") or "", limit=300) if spec is not None else ""


def build_messages(
    provider: str,
    asked: Mapping[str, Sequence[Model]],
    *,
    families: Mapping[str, Family],
    cap: int,
    today: date,
    description_chars: int = DESCRIPTION_CHARS,
) -> list[dict[str, str]]:
    """The system contract and one user message with, per family, its intent and top candidates."""
    legend = "id | release date | context window | USD per 1M tokens input/output | flags"
    if description_chars > 0:
        legend += " | the catalog's description, shortened"
    lines = [
        f"Provider: {provider}. Today: {today.isoformat()}.",
        f"Candidates are listed best first by a deterministic ranking, one per line: {legend}.",
    ]
    for family, models in asked.items():
        ranked = _ranked(models, today=today)
        lines += ["", f"Family: {family}", f"Intent: {intent(family, families) or family}"]
        lines += [f"- {describe(m, description_chars=description_chars)}" for m in ranked[:cap]]
        if len(ranked) > cap:
            lines.append(f"({len(ranked) - cap} lower-ranked candidates not shown)")
    names = ", ".join(asked)
    lines += ["", f'Answer {{"picks": {{...}}}} with exactly these families: {names}.']
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(lines)},
    ]


def _ranked(models: Sequence[Model], *, today: date) -> list[Model]:
    """``models`` in the deterministic order (any the ranking leaves out come last)."""
    from discovery_tui import ranking

    ranked = list(ranking.rank(models, today=today))
    seen = set(ranked)
    return ranked + [m for m in models if m not in seen]


def request_body(
    judge: JudgeSettings, messages: Sequence[Mapping[str, str]], *, json_mode: bool
) -> dict[str, Any]:
    """The chat-completion request (temperature 0; JSON mode unless the endpoint refused it)."""
    body: dict[str, Any] = {"model": judge.model, "messages": list(messages), "temperature": 0}
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    return body


def request_size(judge: JudgeSettings, messages: Sequence[Mapping[str, str]]) -> int:
    """Bytes of the JSON body (with spaces and ASCII escapes: an upper bound of what is sent)."""
    import json

    return len(json.dumps(request_body(judge, messages, json_mode=True)).encode("utf-8"))


def fit_messages(
    provider: str,
    asked: Mapping[str, Sequence[Model]],
    *,
    families: Mapping[str, Family],
    judge: JudgeSettings,
    today: date,
) -> list[dict[str, str]]:
    """The messages that fit in MAX_REQUEST_BYTES: descriptions shortened, then dropped, then
    fewer candidates per family (:data:`FIT_STEPS`)."""
    messages: list[dict[str, str]] = []
    for cap, chars in FIT_STEPS:
        messages = build_messages(
            provider, asked, families=families, cap=cap, today=today, description_chars=chars
        )
        if request_size(judge, messages) <= MAX_REQUEST_BYTES:
            break
    return messages
