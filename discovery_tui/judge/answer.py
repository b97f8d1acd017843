"""The judge's answer: its text (:func:`answer_text`), its JSON (:func:`parse_answer`) and, per
family, a valid pick or the deterministic fallback (:func:`validate`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import JudgeError
from discovery_tui.formatting import one_line
from discovery_tui.judge.decision import Decision, heuristic, heuristic_all
from discovery_tui.models import Model

if TYPE_CHECKING:
    from discovery_tui.judge.settings import JudgeRun

NOT_CHAT = "check that --judge-base-url is an OpenAI-compatible API base (often ending in /v1)"


def answer_text(response: Any) -> str:
    """The text of the first choice; a refusal or an empty answer is a JudgeError."""
    if isinstance(response, (str, bytes)):
        raise JudgeError(f"the judge's answer is not a chat completion: {NOT_CHAT}")
    choices = getattr(response, "choices", None)
    if not choices:
        raise JudgeError("the judge answered without any choice")
    message = getattr(choices[0], "message", None)
    refusal = getattr(message, "refusal", None)
    if refusal:
        raise JudgeError(f"the judge refused: {one_line(str(refusal), limit=120)}")
    content = getattr(message, "content", None)
    if not isinstance(content, str) or not content.strip():
        finish = getattr(choices[0], "finish_reason", None)
        raise JudgeError(f"the judge answered nothing (finish reason: {finish or 'none'})")
    return content


def parse_answer(text: str) -> dict[str, Any]:
    """The JSON object in ``text``: bare, inside ``` fences, or with prose around it."""
    import json
    import re

    stripped = text.strip()
    attempts = [stripped, *re.findall(r"```(?:json|JSON)?\s*(.*?)```", stripped, re.DOTALL)]
    for attempt in attempts:
        try:
            value = json.loads(attempt)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for match in re.finditer(r"\{", stripped):
        try:
            value, _ = decoder.raw_decode(stripped, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            if "picks" in value:
                return value
            found.append(value)
    if found:
        return found[0]
    raise JudgeError(f"the judge did not answer JSON (a refusal or prose?): '{one_line(text, 80)}'")


def validate(
    answer: Mapping[str, Any], asked: Mapping[str, Sequence[Model]], run: JudgeRun
) -> dict[str, Decision]:
    """Each asked family's pick if it is one of ITS candidates, else the deterministic choice
    (``by="heuristic"``, the reason saying what was wrong with the judge's pick)."""
    picks = answer.get("picks", answer)
    if not isinstance(picks, Mapping):
        why = "the judge's answer has no 'picks' object"
        return heuristic_all(asked, why=why, today=run.today)
    return {
        family: _check(picks.get(family), models, run)
        for family, models in asked.items()  # families not asked are ignored
    }


def _check(entry: Any, models: Sequence[Model], run: JudgeRun) -> Decision:
    if entry is None:
        return heuristic(models, why="the judge gave no pick for this family", today=run.today)
    model_id = entry.get("model", entry.get("id")) if isinstance(entry, Mapping) else entry
    reason = entry.get("reason") if isinstance(entry, Mapping) else None
    if not isinstance(model_id, str) or not model_id.strip():
        return heuristic(models, why="the judge's pick has no model id", today=run.today)
    wanted = model_id.strip()
    chosen = next((m for m in models if wanted in (m.id, m.litellm_model)), None)
    if chosen is None:
        shown = run.scrub(one_line(wanted, limit=80))
        why = f"the judge answered an unknown id '{shown}'"
        return heuristic(models, why=why, today=run.today)
    text = run.scrub(one_line(str(reason))) if isinstance(reason, str) else ""
    return Decision(model=chosen, by="llm", reason=text or "chosen by the judge")
