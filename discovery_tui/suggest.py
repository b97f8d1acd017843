"""The closest known name to a mistyped one: commands, options, providers, profile keys."""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known name nearest to ``word`` (case-insensitive), or None when none is close."""
    import difflib

    names = list(dict.fromkeys(known))
    lowered = {name.lower(): name for name in names}
    if word.lower() in lowered:
        return lowered[word.lower()]
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[matches[0]] if matches else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean refresh?"``, or ``""`` when nothing is close."""
    match = closest(word, known)
    return f"; did you mean {match}?" if match else ""
