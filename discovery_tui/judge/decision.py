"""A decision for one family before pins (:class:`Decision`), and the deterministic fallback."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from discovery_tui.formatting import one_line
from discovery_tui.models import Model

DecidedBy = Literal["llm", "heuristic", "cached"]


@dataclass(frozen=True)
class Decision:
    """What the judge or the ranking chose for one family, before pins are applied."""

    model: Model
    by: DecidedBy
    reason: str
    why: str | None = None  # a fallback's cause: why the judge's answer was not used


def heuristic(models: Sequence[Model], *, why: str | None, today: date) -> Decision:
    """The deterministic choice among ``models`` (never empty); ``why`` says why no judge."""
    from discovery_tui import ranking

    chosen = ranking.best(models, today=today) or models[0]
    explained = one_line(ranking.explain(chosen, models, today=today))
    reason = explained if why is None else f"{why}; deterministic choice: {explained}"
    return Decision(model=chosen, by="heuristic", reason=reason, why=why)


def heuristic_all(
    fams: Mapping[str, Sequence[Model]], *, why: str | None, today: date
) -> dict[str, Decision]:
    """The deterministic choice of every family in ``fams``, each saying ``why`` no judge."""
    return {family: heuristic(models, why=why, today=today) for family, models in fams.items()}
