"""Claude keeps thinking whether or not a catalog says it reasons: the rule of
``plan/reasoning.py`` decides where the catalog is silent; an explicit flag wins."""

from __future__ import annotations

import pytest
from plan_helpers import model

from discovery_tui.models import Model
from discovery_tui.plan import entry_for
from discovery_tui.plan.reasoning import model_reasons, reasons_by_rule
from discovery_tui.providers import PROVIDERS


@pytest.mark.parametrize(
    ("model_id", "reasons"),
    [
        ("claude-3-7-sonnet-20250219", True),
        ("claude-sonnet-4-20250514", True),
        ("claude-opus-4-1-20250805", True),
        ("claude-haiku-4-5", True),
        ("anthropic/claude-sonnet-4.5", True),
        ("claude-opus-5", True),
        ("claude-4-opus", True),
        ("claude-3-5-sonnet-20241022", None),
        ("claude-3-5-haiku-20241022", None),
        ("claude-3-opus-20240229", None),
        ("claude-fable-1", None),
        ("o1", True),
        ("o3-mini", True),
        ("o4-mini-2025-04-16", True),
        ("gpt-5", True),
        ("openai/gpt-5.1-codex", True),
        ("gpt-5-chat-latest", None),
        ("gpt-4.1", None),
        ("gpt-4o", None),
        ("grok-4.3", True),
        ("grok-4-0709", True),
        ("grok-4-fast-non-reasoning", False),
        ("x-ai/grok-4.1-fast-non-reasoning", False),
        ("grok-3-mini", True),
        ("grok-3", None),
        ("grok-code-fast-1", None),
        ("deepseek-reasoner", True),
        ("deepseek/deepseek-r1-0528", True),
        ("deepseek-v3.1-terminus", True),
        ("deepseek-v3.2", True),
        ("deepseek-v4-flash", True),
        ("deepseek-v3", None),
        ("deepseek-chat", None),
        ("gemini-2.5-pro", True),
        ("google/gemini-3-flash-preview", True),
        ("gemini-2.0-flash", None),
        ("mistral-large-latest", None),
        ("sonar", None),
    ],
)
def test_the_rule(model_id: str, reasons: bool | None) -> None:
    assert reasons_by_rule(model_id) is reasons


def claude(reasoning: bool | None) -> Model:
    return model("anthropic", "claude-sonnet-4-5", supports_reasoning=reasoning)


def test_a_catalog_silent_about_reasoning_keeps_claudes_thinking() -> None:
    """Anthropic's older catalog with models.dev unreachable: the same entry as when models.dev
    answers True (no flip with the network)."""
    silent = entry_for(claude(None), PROVIDERS["anthropic"], api_base=None)
    told = entry_for(claude(True), PROVIDERS["anthropic"], api_base=None)
    assert "additional_drop_params" not in silent.litellm_params
    assert silent.litellm_params == told.litellm_params


def test_an_explicit_flag_wins_over_the_rule() -> None:
    assert model_reasons(claude(False)) is False
    params = entry_for(claude(False), PROVIDERS["anthropic"], api_base=None).litellm_params
    assert params["additional_drop_params"] == ["reasoning_effort", "thinking"]
    assert model_reasons(model("xai", "grok-3", supports_reasoning=True)) is True


def test_unknown_models_drop_the_reasoning_params() -> None:
    params = entry_for(
        model("xai", "grok-code-fast-1"), PROVIDERS["xai"], api_base=None
    ).litellm_params
    assert params["additional_drop_params"] == ["reasoning_effort", "thinking"]
