"""Telling same-generation, same-day siblings apart by what the catalogs say about them.

Two models of one family with the same version and the same release day (OpenAI's GPT-5.6 Sol,
Terra and Luna; a flagship and its cheaper twin) are ordered by, in this order:

1. the description's own words (:func:`described_tier`): a provider that calls a model its
   "flagship", "most capable", "most intelligent", "most powerful", "most advanced" or "our best"
   names it; "fast", "cheap", "lightweight", "efficient", "low-cost", "budget", "compact" describe
   a lighter sibling. Named flagship > says neither > lighter. The provider's own words come
   before price because a price also reflects other things (a high-compute mode, a reasoning
   surcharge), while "our flagship" is a statement about exactly this question.
2. tool calling (:func:`cmp_tools`): a sibling that calls tools beats one whose catalog says it
   cannot (an alias is what a coding client such as Claude Code calls; DeepSeek's high-compute
   ``deepseek-v3.2-speciale`` has no tools and is dearer than ``deepseek-v3.2``);
3. price (:func:`cmp_price`): the dearer sibling is the flagship (output price, then input price;
   only when both siblings have the price).

A model and its own dated snapshot (``gpt-4.1`` and ``gpt-4.1-2025-04-14``) are not siblings:
they are the same model, and the fixed id rule keeps the undated id first. When the catalogs say
nothing, the ranking's fixed id rule decides (the result never changes between runs).
"""

from __future__ import annotations

import re
from typing import Literal

from discovery_tui.models import Model

Tier = Literal[1, 0, -1]

_FLAGSHIP = re.compile(
    r"\b(?:flagship|most (?:capable|intelligent|powerful|advanced)"
    r"|our (?:best|strongest|smartest))\b",
    re.IGNORECASE,
)
_LIGHTER = re.compile(
    r"\b(?:fast|fastest|cheap|cheaper|cheapest|light-?weight|efficient|low-cost|budget|compact)\b",
    re.IGNORECASE,
)
_DATE_TOKEN = re.compile(r"^(?:\d{4,}|0\d+)$")
_FULL_DATE = re.compile(r"-20\d\d-[01]\d-[0-3]\d(?=-|$)")


def described_tier(model: Model) -> Tier:
    """1 when the description names the model a flagship, -1 when it describes a lighter model
    (and names no flagship), 0 when it says neither or there is no description."""
    text = model.description or ""
    if _FLAGSHIP.search(text):
        return 1
    if _LIGHTER.search(text):
        return -1
    return 0


def are_siblings(a: Model, b: Model) -> bool:
    """Different models, not one model and its dated snapshot (ids differ beyond date tokens)."""
    return _undated(a.id) != _undated(b.id)


def _undated(model_id: str) -> str:
    bare = _FULL_DATE.sub("", model_id.rsplit("/", 1)[-1].lower().split(":", 1)[0])
    return "-".join(t for t in re.split(r"[-_ ]+", bare) if not _DATE_TOKEN.match(t))


def cmp_description(a: Model, b: Model) -> int:
    """> 0 when ``a``'s description places it above ``b`` (see :func:`described_tier`)."""
    if not are_siblings(a, b):
        return 0
    return described_tier(a) - described_tier(b)


def cmp_price(a: Model, b: Model) -> int:
    """> 0 when ``a`` is the dearer sibling: output price, then input price, when both know it."""
    if not are_siblings(a, b):
        return 0
    for x, y in (
        (a.output_cost_per_token, b.output_cost_per_token),
        (a.input_cost_per_token, b.input_cost_per_token),
    ):
        if x is not None and y is not None and x != y:
            return 1 if x > y else -1
    return 0


def cmp_tools(a: Model, b: Model) -> int:
    """> 0 when ``a`` calls tools and ``b``'s catalog says it cannot (unknown decides nothing)."""
    if not are_siblings(a, b) or a.supports_tools is None or b.supports_tools is None:
        return 0
    return int(a.supports_tools) - int(b.supports_tools)
