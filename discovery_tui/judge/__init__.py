"""The LLM judge: one call per provider chooses the best model of every family.

Modules, one job each: :mod:`.settings` (where the judge lives, its key, :class:`JudgeRun`),
:mod:`.prompt` (candidate lines, messages, the byte budget), :mod:`.client` (the OpenAI SDK on the
injected httpx client, errors translated), :mod:`.answer` (answer text, JSON, validation),
:mod:`.decision` (a decision and the deterministic fallback), :mod:`.cache` (decisions stored by
their inputs) and :mod:`.choose` (pins, cache, calls, fallback: :func:`choose_picks`).
"""

from __future__ import annotations

from discovery_tui.judge.answer import parse_answer
from discovery_tui.judge.choose import choose_picks, find_pinned
from discovery_tui.judge.client import call_judge, warm_up
from discovery_tui.judge.decision import Decision
from discovery_tui.judge.prompt import MAX_REQUEST_BYTES, describe
from discovery_tui.judge.settings import (
    DEFAULT_JUDGE_MODEL,
    JUDGE_KEY_ENV,
    JudgeRun,
    JudgeSettings,
    provider_for_url,
    resolve_judge,
)

__all__ = [
    "DEFAULT_JUDGE_MODEL",
    "JUDGE_KEY_ENV",
    "MAX_REQUEST_BYTES",
    "Decision",
    "JudgeRun",
    "JudgeSettings",
    "call_judge",
    "choose_picks",
    "describe",
    "find_pinned",
    "parse_answer",
    "provider_for_url",
    "resolve_judge",
    "warm_up",
]
