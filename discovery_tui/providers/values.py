"""Values read from a catalog entry: token counts, prices, days, flags; and their notes.

A value out of range is dropped (None) with a note naming its model: :func:`parse_each` collects
them per entry, and fetch.fetch_one collects every note of a provider's fetch in ``CATALOG_NOTES``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from discovery_tui.formatting import one_line
from discovery_tui.safetext import printable

if TYPE_CHECKING:
    from discovery_tui.models import Model

# The ranges a catalog's numbers must fall in; a value outside is dropped with a note.
MAX_TOKENS = 100_000_000
MAX_PRICE_PER_TOKEN = 1.0  # USD; the dearest real models cost about 0.0006
FIRST_YEAR, LAST_YEAR = 1990, 2100

# Notes about a catalog's bad values, collected while its provider is fetched (fetch.fetch_one
# sets the list; parse_each prefixes each value's note with its model's id).
CATALOG_NOTES: ContextVar[list[str] | None] = ContextVar("catalog_notes", default=None)
_VALUE_PROBLEMS: ContextVar[list[str] | None] = ContextVar("value_problems", default=None)


def _problem(text: str) -> None:
    """Record that a value of the model being parsed was dropped (see :func:`parse_each`)."""
    problems = _VALUE_PROBLEMS.get()
    if problems is not None:
        problems.append(text)


def add_note(text: str) -> None:
    """A note about the catalog being fetched (shown in the preview and ``--json``)."""
    notes = CATALOG_NOTES.get()
    if notes is not None:
        notes.append(text)


def _number_text(value: Any) -> str:
    return printable(one_line(str(value), limit=40))


def date_from_unix(value: Any) -> date | None:
    """A unix time's day; a time before 1990 or after 2100 (or not a number) is dropped."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return None
    try:
        day = datetime.fromtimestamp(value, tz=timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        _problem(
            f"creation time {_number_text(value)} dropped (not a date between "
            f"{FIRST_YEAR} and {LAST_YEAR})"
        )
        return None
    return day


def date_from_iso(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def as_int(value: Any) -> int | None:
    """A token count in 1..MAX_TOKENS; 0 and negatives mean unknown, other values are dropped."""
    if isinstance(value, bool):
        return None
    number: float | int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = value if math.isfinite(value) else math.inf
    elif isinstance(value, str) and value.isdigit():
        number = int(value)
    if number is None or number <= 0:
        return None
    if number > MAX_TOKENS:
        _problem(f"token limit {_number_text(value)} dropped (not a count up to {MAX_TOKENS:,})")
        return None
    return int(number)


def as_price(value: Any, *, scale: float = 1.0) -> float | None:
    """A non-negative per-token price; ``scale`` converts the provider's unit to USD per token.

    Negative means unknown (OpenRouter prices routers ``"-1"``); NaN, infinity and prices over
    MAX_PRICE_PER_TOKEN are dropped with a note.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value) * scale
    except (TypeError, ValueError, OverflowError):
        return None
    if math.isfinite(number) and number < 0:
        if number != -scale:  # "-1" is OpenRouter's "unknown" and says nothing wrong
            _problem(f"price {_number_text(value)} dropped (a negative price)")
        return None
    if not math.isfinite(number) or number > MAX_PRICE_PER_TOKEN:
        _problem(f"price {_number_text(value)} dropped (not a finite price in range)")
        return None
    return round(number, 15)


def parse_each(
    objects: Iterable[Mapping[str, Any]], parse: Callable[[Any], Model | None]
) -> list[Model | None]:
    """``parse`` applied to each catalog entry: a value it drops becomes a note naming the
    model; an entry it cannot read at all is left out with a note, never failing the rest."""
    models: list[Model | None] = []
    for obj in objects:
        problems: list[str] = []
        token = _VALUE_PROBLEMS.set(problems)
        try:
            model = parse(obj)
        except (LookupError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            model = None
            problems.append(f"left out (unreadable entry: {type(exc).__name__})")
        finally:
            _VALUE_PROBLEMS.reset(token)
        raw_id = obj.get("id", obj.get("name")) if isinstance(obj, Mapping) else None
        shown = printable(str(raw_id))[:80]
        for problem in problems:
            add_note(f"model '{shown}': {problem}")
        models.append(model)
    return models


ModelParser = Callable[[Mapping[str, Any]], "Model | None"]


def as_bool(value: Any) -> bool | None:
    """A yes/no field; anything but a JSON boolean means the catalog does not say."""
    return value if isinstance(value, bool) else None


def as_mapping(value: Any) -> Mapping[str, Any]:
    """A nested object (``pricing``, ``capabilities``); anything else reads as empty."""
    return value if isinstance(value, Mapping) else {}


def as_strings(value: Any) -> tuple[str, ...] | None:
    """The strings of a list (modalities); None when it is not a list or holds none."""
    if isinstance(value, list):
        found = tuple(item for item in value if isinstance(item, str))
        return found or None
    return None
