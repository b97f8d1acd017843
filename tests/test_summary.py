"""The preview's summary: one screen, exact text at 100 and 60 columns; the details on request.

The plan below has every kind of line: a provider with changes, one failed, one skipped; aliases
new, moved, removed and shared by two providers; the notes the plan carries (a kept edit, a
retirement), a catalog note, a family-less line and a hand-written name we skip.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from discovery_tui.commands.preview import ask_to_apply
from discovery_tui.families import NewLine
from discovery_tui.models import Entry, Model, Pick
from discovery_tui.plan import (
    AliasChange,
    EntryChange,
    KeptEdit,
    Plan,
    PlanNote,
    ProviderOutcome,
    Retirement,
)
from discovery_tui.prompt import Prompter
from discovery_tui.render.plan import render_preview
from discovery_tui.render.summary import summary_lines

ENTER, DOWN = "\r", "\x1b[B"
LONG_ID = "mistralai/mistral-large-2512-instruct-preview-experimental"


def model(provider: str, model_id: str) -> Model:
    return Model(
        provider=provider,
        id=model_id,
        litellm_model=f"{provider}/{model_id}",
        context_window=1_000_000,
        input_cost_per_token=3e-6,
        output_cost_per_token=15e-6,
        released=date(2026, 4, 30),
    )


def entry(m: Model) -> Entry:
    return Entry(m.litellm_model, m.provider, {"model": m.litellm_model}, {})


def sample_plan() -> Plan:
    sonnet = model("anthropic", "claude-sonnet-4-6")
    or_sonnet = model("openrouter", "anthropic/claude-sonnet-4.6")
    mistral = model("openrouter", LONG_ID)
    anthropic = ProviderOutcome(
        "anthropic",
        "ok",
        models=5,
        picks={"claude": Pick("claude", sonnet, "heuristic", "newest")},
        entries=(entry(sonnet),),
        unmatched=(NewLine("claude-fable", "anthropic", ("claude-fable-1",), None),),
    )
    openrouter = ProviderOutcome(
        "openrouter",
        "ok",
        models=412,
        picks={
            "claude": Pick("claude", or_sonnet, "heuristic", "only one"),
            "mistral": Pick("mistral", mistral, "llm", "flagship"),
        },
        entries=(entry(or_sonnet), entry(mistral)),
    )
    xai = ProviderOutcome("xai", "failed", error="xAI refused the key (HTTP 403)")
    kept = KeptEdit(or_sonnet.litellm_model, "openrouter", "litellm_params.api_base")
    retired = Retirement(
        "mistral",
        ("mistral",),
        "openrouter",
        "openrouter/mistralai/mistral-medium",
        "retired",
        None,
        mistral.litellm_model,
    )
    return Plan(
        config_path=Path("config.yaml"),
        providers=(anthropic, openrouter, xai, ProviderOutcome("groq", "skipped")),
        changes=(
            EntryChange(sonnet.litellm_model, "anthropic", "added", sonnet),
            EntryChange(or_sonnet.litellm_model, "openrouter", "updated", or_sonnet),
            EntryChange(mistral.litellm_model, "openrouter", "added", mistral),
            EntryChange("openrouter/mistralai/mistral-medium", "openrouter", "removed"),
        ),
        aliases={"claude": sonnet.litellm_model, "default": sonnet.litellm_model},
        alias_changes=(
            AliasChange("claude", None, sonnet.litellm_model, sonnet),
            AliasChange("default", None, sonnet.litellm_model, sonnet),
            AliasChange("mistral", "openrouter/mistralai/mistral-medium", mistral.litellm_model),
            AliasChange(
                "claude-mistral", "openrouter/mistralai/mistral-medium", mistral.litellm_model
            ),
            AliasChange("grok", "xai/grok-3", None),
        ),
        conflicts=("openrouter/openai/gpt-5",),
        kept=(kept,),
        retirements=(retired,),
        notes=(
            PlanNote("kept", or_sonnet.litellm_model, kept.text),
            PlanNote("retired", "mistral", retired.text),
        ),
    )


def rendered(plan: Plan, width: int, *, details: bool = False) -> str:
    console = Console(
        width=width, no_color=True, force_terminal=False, record=True, file=io.StringIO()
    )
    render_preview(plan, console, details=details)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


SUMMARY_100 = """\
Providers (entries: + added, ~ updated, - removed)
  anthropic   ok        5 models  +1
  openrouter  ok      412 models  +1 ~1 -1
  xai         failed              entries kept as is
  Not refreshed: groq

Aliases
  anthropic's pick (openrouter also has one):
    claude, default  -> anthropic/claude-sonnet-4-6
  openrouter's pick:
    mistral          openrouter/mistralai/mistral-medium
                     -> openrouter/mistralai/mistral-large-2512-instruct-preview-experimental
  removed:
    grok             xai/grok-3 -> removed
  + claude-mistral (Claude Code's /model picker)

Notes
  kept your edit: litellm_params.api_base of openrouter/anthropic/claude-sonnet-4.6
  openrouter/mistralai/mistral-medium retired, mistral moves to
    openrouter/mistralai/mistral-large-2512-instruct-preview-experimental
  skipped 1 entry whose model_name a hand-written entry has: openrouter/openai/gpt-5
  not in any family (families.yaml could add them):
    anthropic: claude-fable-1

config.yaml: 2 added, 1 updated, 1 removed, 5 aliases changed.
"""

SUMMARY_60 = """\
Providers (entries: + added, ~ updated, - removed)
  anthropic   ok        5 models  +1
  openrouter  ok      412 models  +1 ~1 -1
  xai         failed              entries kept as is
  Not refreshed: groq

Aliases
  anthropic's pick (openrouter also has one):
    claude, default  -> anthropic/claude-sonnet-4-6
  openrouter's pick:
    mistral          openrouter/mistralai/mistral-medium
                     -> openrouter/mistr…review-experimental
  removed:
    grok             xai/grok-3 -> removed
  + claude-mistral (Claude Code's /model picker)

Notes
  kept your edit: litellm_params.api_base of
    openrouter/anthropic/claude-sonnet-4.6
  openrouter/mistralai/mistral-medium retired, mistral moves
    to
    openrouter/mistralai/mistra…nstruct-preview-experimental
  skipped 1 entry whose model_name a hand-written entry has:
    openrouter/openai/gpt-5
  not in any family (families.yaml could add them):
    anthropic: claude-fable-1

config.yaml: 2 added, 1 updated, 1 removed, 5 aliases
  changed.
"""


def test_the_summary_at_100_columns() -> None:
    assert rendered(sample_plan(), 100) == SUMMARY_100


def test_the_summary_at_60_columns() -> None:
    assert rendered(sample_plan(), 60) == SUMMARY_60


def test_the_details_come_after_the_summary_only_on_request() -> None:
    text = rendered(sample_plan(), 100, details=True)

    assert text.startswith(SUMMARY_100)
    assert "Best per family" in text
    assert "openrouter: 1 added, 1 removed, 1 updated" in text
    assert "not in any family (anthropic): claude-fable: claude-fable-1" in text


def test_nothing_to_change_is_one_line() -> None:
    plan = Plan(
        config_path=Path("config.yaml"),
        providers=(ProviderOutcome("anthropic", "ok", models=5),),
        changes=(),
        aliases={},
        alias_changes=(),
    )
    assert rendered(plan, 100) == (
        "config.yaml: nothing to change; 1 provider checked, all current.\n"
    )


# --------------------------------------------------------------------------- the demo


def demo_plan(tmp_path: Path) -> tuple[Plan, Any]:
    from discovery_tui.apply import ConfigFileTarget
    from discovery_tui.fetch import catalog_source
    from discovery_tui.pipeline import RunOptions, compute
    from discovery_tui.plan import build_plan
    from discovery_tui.profile import Profile

    config = tmp_path / "demo-config.yaml"
    profile = Profile.load(tmp_path / "profile.yaml")
    options = RunOptions(config, profile.path, no_llm=True, demo=True)
    computation = asyncio.run(compute(options, profile, source=catalog_source(demo=True)))
    return build_plan(ConfigFileTarget(config).state(), computation), computation


@pytest.mark.parametrize("width", [60, 100])
def test_the_demo_preview_and_its_question_fit_40_rows(
    tmp_path: Path, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(tmp_path / "cache"))
    plan, computation = demo_plan(tmp_path)
    lines = summary_lines(plan, computation, width=width)

    question_rows = 4  # the question and its three answers
    assert len(lines) + question_rows <= 40
    assert all(len(line) <= width for line in lines if "demo-config.yaml" not in line)
    assert "    claude, default      -> anthropic/claude-sonnet-4-6" in lines
    assert "  anthropic's picks (openrouter also has one of each):" in lines


# --------------------------------------------------------------------------- the question


@pytest.mark.parametrize(
    ("keys", "applied", "details_shown"),
    [(ENTER, True, False), (DOWN + DOWN + ENTER, False, False), (DOWN + ENTER + ENTER, True, True)],
    ids=["apply", "dont-apply", "details-then-apply"],
)
def test_apply_show_details_or_dont(keys: str, applied: bool, details_shown: bool) -> None:
    console = Console(width=100, no_color=True, record=True, file=io.StringIO())
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        prompter = Prompter(input=pipe, output=DummyOutput())
        assert ask_to_apply(prompter, console, sample_plan()) is applied
    assert ("Best per family" in console.export_text()) is details_shown


@pytest.mark.parametrize("width", [60, 100])
def test_the_details_fit_the_width_and_never_break_an_id(width: int) -> None:
    text = rendered(sample_plan(), width, details=True)
    details = text[len(rendered(sample_plan(), width)) :]

    assert max(len(line) for line in details.splitlines()) <= width
    assert any(
        line.startswith("+  openrouter/mistr") and "experimental" in line
        for line in details.splitlines()
    )


# --------------------------------------------------------------------------- notes of a big run


def lines_of(provider: str, *ids: str) -> tuple[NewLine, ...]:
    return tuple(NewLine(i.rsplit("/", 1)[-1], provider, (i, f"{i}-old"), None) for i in ids)


def test_models_in_no_family_are_a_short_list_per_provider() -> None:
    """Real ids (the newest of each line), three per provider and a count; never one long line;
    the details list every line with all its ids."""
    openrouter = ProviderOutcome(
        "openrouter",
        "ok",
        models=412,
        unmatched=lines_of("openrouter", *(f"qwen/qwen3.{n}-max" for n in range(9, 4, -1))),
    )
    openai = ProviderOutcome("openai", "ok", models=80, unmatched=lines_of("openai", "o3"))
    plan = Plan(Path("config.yaml"), (openrouter, openai), (), {}, ())
    assert rendered(plan, 100) == (
        "config.yaml: nothing to change; 2 providers checked, all current.\n"
        "Notes\n"
        "  not in any family (families.yaml could add them):\n"
        "    openrouter: qwen/qwen3.9-max, qwen/qwen3.8-max, qwen/qwen3.7-max +2 more\n"
        "    openai: o3\n"
    )
    assert rendered(plan, 60).splitlines()[:2] == [
        "config.yaml: nothing to change; 2 providers checked, all",
        "  current.",
    ]
    assert rendered(plan, 60).splitlines()[4:7] == [
        "    openrouter: qwen/qwen3.9-max, qwen/qwen3.8-max,",
        "      qwen/qwen3.7-max +2 more",
        "    openai: o3",
    ]
    details = rendered(plan, 200, details=True)
    every = "qwen3.5-max: qwen/qwen3.5-max, qwen/qwen3.5-max-old"
    assert f"not in any family (openrouter): {every}" in details


def test_nothing_to_change_names_a_failed_provider() -> None:
    plan = Plan(
        config_path=Path("config.yaml"),
        providers=(
            ProviderOutcome("anthropic", "ok", models=5),
            ProviderOutcome("xai", "failed", error="xAI refused the key (HTTP 403)"),
        ),
        changes=(),
        aliases={},
        alias_changes=(),
    )
    assert rendered(plan, 100) == (
        "config.yaml: nothing to change; xai failed (its entries were kept).\n"
    )
    two = replace(plan, providers=(*plan.providers, ProviderOutcome("groq", "failed")))
    assert summary_lines(two)[0] == (
        "config.yaml: nothing to change; xai and groq failed (their entries were kept)."
    )


def test_piped_details_have_no_trailing_spaces() -> None:
    """To a pipe (a wide, non-terminal console) the tables' rows end at their last character."""
    console = Console(width=10_000, force_terminal=False, no_color=True, file=io.StringIO())
    render_preview(sample_plan(), console, details=True)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Best per family" in text and "openrouter: 1 added, 1 removed, 1 updated" in text
    assert [line for line in text.splitlines() if line != line.rstrip()] == []
    assert text.split("Best per family\n", 1)[1].splitlines()[:5] == [
        "family   provider    by         model / why",
        "─" * 90,
        "claude   anthropic   heuristic  claude-sonnet-4-6",
        "                                newest",
        "claude   openrouter  heuristic  anthropic/claude-sonnet-4.6",
    ]
    assert "\n-  openrouter/mistralai/mistral-medium\n" in text
