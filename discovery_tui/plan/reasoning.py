"""Whether a model reasons, where its catalog does not say: one documented rule, no network.

An entry of a model that does not reason drops the reasoning parameters Claude Code sends
(``additional_drop_params``); one of a model that reasons keeps them, so Claude keeps thinking.
A catalog's explicit ``supports_reasoning`` (the provider's own, or models.dev's) always wins.
Where it is silent, :func:`reasons_by_rule` decides from the id, for vendors known to reason:

- Anthropic Claude from 3.7 on: ``claude-3-7-*``, ``claude-{opus,sonnet,haiku}-4*`` and later;
- OpenAI o-series (``o1``, ``o3-mini``, ``o4-mini``) and ``gpt-5*`` (not ``gpt-5*-chat*``);
- xAI ``grok-4*`` and ``grok-3-mini*``;
- DeepSeek ``deepseek-reasoner``, ``deepseek-r1*``, ``deepseek-v3.1`` and later;
- Google Gemini 2.5 and later;
- an id containing ``non-reasoning`` never reasons.

Anything else is unknown and counts as not reasoning: the parameters are dropped (a model that
could reason then answers without thinking; keeping them would be a 400 from a strict one).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.models import Model

_CLAUDE_OLD = re.compile(r"^claude-(\d+)[-.](\d)(?:-|$)")  # claude-3-7-sonnet-20250219
_CLAUDE_NEW = re.compile(r"^claude-(?:opus|sonnet|haiku)-(\d+)(?:[-.](\d)(?!\d))?")
_CLAUDE_BARE = re.compile(r"^claude-(\d+)(?:[-.](\d)(?!\d))?(?:-|$)")  # claude-4-opus
_GEMINI = re.compile(r"^gemini-(\d+)(?:\.(\d+))?")
_DEEPSEEK_V = re.compile(r"^deepseek-v(\d+)(?:\.(\d+))?")


def model_reasons(model: Model) -> bool:
    """The catalog's flag where it gives one, else :func:`reasons_by_rule` (unknown: False)."""
    if model.supports_reasoning is not None:
        return model.supports_reasoning
    return reasons_by_rule(model.id) is True


def reasons_by_rule(model_id: str) -> bool | None:
    """True where the vendor's line is known to reason, False for ``*non-reasoning*``, else
    None (unknown). ``model_id`` may carry a vendor prefix (``anthropic/claude-sonnet-4.5``)."""
    bare = model_id.rsplit("/", 1)[-1].lower()
    if "non-reasoning" in bare:
        return False
    checks = (_claude, _openai, _grok, _deepseek, _gemini)
    return True if any(check(bare) for check in checks) else None


def _at_least(match: re.Match[str] | None, minimum: tuple[int, int]) -> bool:
    if match is None:
        return False
    return (int(match[1]), int(match[2] or 0)) >= minimum


def _claude(bare: str) -> bool:
    found = _CLAUDE_NEW.match(bare) or _CLAUDE_OLD.match(bare) or _CLAUDE_BARE.match(bare)
    return _at_least(found, (3, 7))


def _openai(bare: str) -> bool:
    if re.match(r"^o\d+(?:-|$)", bare):
        return True
    return bare.startswith("gpt-5") and "-chat" not in bare


def _grok(bare: str) -> bool:
    return bare.startswith("grok-4") or bare.startswith("grok-3-mini")


def _deepseek(bare: str) -> bool:
    if bare.startswith(("deepseek-reasoner", "deepseek-r1")):
        return True
    return _at_least(_DEEPSEEK_V.match(bare), (3, 1))


def _gemini(bare: str) -> bool:
    return _at_least(_GEMINI.match(bare), (2, 5))
