"""Pure text formatters shared by the preview, the judge's prompt and error messages (no rich).

Two families of number formats exist on purpose and must not be merged: the preview's
(:func:`context_text`, :func:`price_per_million`) and the judge prompt's (:func:`context_compact`,
:func:`price_significant`). The prompt's bytes are part of the judge's cache key, so its formats
never change without a cache version bump.
"""

from __future__ import annotations


def context_text(tokens: int | None) -> str:
    """The preview's context window: ``200k``, ``1.05M``, ``?`` when unknown."""
    if not tokens:
        return "?"
    if tokens >= 1_000_000:
        return f"{tokens / 1_000_000:.3g}M"
    return f"{round(tokens / 1000):d}k"


def price_per_million(value: float | None) -> str:
    """The preview's USD per 1M tokens from a per-token price: ``3``, ``0.15``, ``?``."""
    if value is None:
        return "?"
    per_million = value * 1_000_000
    return f"{per_million:.2f}".rstrip("0").rstrip(".") if per_million else "0"


def context_compact(tokens: int | None) -> str:
    """The judge prompt's context window: ``1M`` for whole tenths of millions, else ``1049k``."""
    if not tokens:
        return "?"
    if tokens >= 1_000_000 and tokens % 100_000 == 0:
        return f"{tokens / 1_000_000:g}M"
    return f"{round(tokens / 1000)}k"


def price_significant(value: float | None) -> str:
    """The judge prompt's USD per 1M tokens, four significant digits: ``3``, ``0.075``, ``?``."""
    return "?" if value is None else f"{value * 1_000_000:.4g}"


def shorten_middle(text: str, width: int) -> str:
    """``openrouter/anthropic/claude-…-4.6``: keep both ends, never wrap."""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return f"{text[:head]}…{text[len(text) - tail :]}"


def one_line(text: str, limit: int | None = 200) -> str:
    """``text`` on one line (runs of whitespace become one space), at most ``limit`` characters
    (an ellipsis marks a cut); ``limit=None`` never cuts."""
    flat = " ".join(str(text).split())
    if limit is None or len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "…"
