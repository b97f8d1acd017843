"""The last check of a catalog at the provider boundary, whatever parsed it.

A model whose id (or LiteLLM string) has whitespace, control, format (bidi override,
zero-width) or separator characters is dropped: it would go into config.yaml and onto the
terminal. A number out of range (a context of 10^12, a NaN price, a release day in the year
9999) is dropped from its model, which stays. Each drop is a note, safe to print.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from discovery_tui.formatting import one_line
from discovery_tui.models import Model
from discovery_tui.providers.values import FIRST_YEAR, LAST_YEAR, MAX_PRICE_PER_TOKEN, MAX_TOKENS
from discovery_tui.safetext import clean_text, is_clean_id, printable

_TOKEN_FIELDS = ("context_window", "max_output_tokens")
_PRICE_FIELDS = (
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_cost_per_token",
    "cache_write_cost_per_token",
)
_DAY_FIELDS = ("released", "expires")
_TEXT_FIELDS = ("name", "description")


def shown_id(model_id: str) -> str:
    """An id as a note shows it: escaped (a newline too), at most 80 characters."""
    text = printable(model_id)
    return text if len(text) <= 80 else text[:79] + "…"


def checked_models(models: Iterable[Model]) -> tuple[list[Model], list[str]]:
    """(the models fit to keep, one note per drop). Never raises for a bad value."""
    kept: list[Model] = []
    notes: list[str] = []
    for model in models:
        if not (is_clean_id(model.id) and is_clean_id(model.litellm_model)):
            notes.append(
                f"model '{shown_id(model.id)}' left out: its id has spaces or control characters"
            )
            continue
        model, problems = _checked_values(model)
        notes.extend(f"model '{model.id}': {problem}" for problem in problems)
        kept.append(model)
    return kept, notes


def _checked_values(model: Model) -> tuple[Model, list[str]]:
    changes: dict[str, object] = {}
    problems: list[str] = []
    for name in _TOKEN_FIELDS:
        value = getattr(model, name)
        if value is not None and not (isinstance(value, int) and 0 < value <= MAX_TOKENS):
            changes[name] = None
            problems.append(f"{name} {_text(value)} dropped (not a count up to {MAX_TOKENS:,})")
    for name in _PRICE_FIELDS:
        value = getattr(model, name)
        if value is not None and not _fair_price(value):
            changes[name] = None
            problems.append(f"{name} {_text(value)} dropped (not a finite price in range)")
    for name in _DAY_FIELDS:
        value = getattr(model, name)
        if value is not None and not (
            isinstance(value, date) and FIRST_YEAR <= value.year <= LAST_YEAR
        ):
            changes[name] = None
            problems.append(
                f"{name} {_text(value)} dropped (not between {FIRST_YEAR} and {LAST_YEAR})"
            )
    for name in _TEXT_FIELDS:
        value = getattr(model, name)
        if isinstance(value, str) and not value.isprintable():
            changes[name] = clean_text(value) or None
    return (replace(model, **changes) if changes else model), problems  # type: ignore[arg-type]


def _fair_price(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and 0 <= value <= MAX_PRICE_PER_TOKEN


def _text(value: object) -> str:
    return printable(one_line(str(value), limit=40))
