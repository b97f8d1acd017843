"""Specialised variants are lines of their own, and lines no family takes are listed by name."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from test_ranking import EXPERT_PICKS, load_catalog, picks_of

from discovery_tui.families import (
    Family,
    NewLine,
    family_of,
    line_name,
    load_families,
    specialised_words,
    unmatched_lines,
)
from discovery_tui.models import Model

TODAY = date(2026, 5, 15)
KEY = "openrouter-2026-05-15"


def m(model_id: str, released: str | None = "2026-05-10") -> Model:
    return Model(
        provider="openrouter",
        id=model_id,
        litellm_model=f"openrouter/{model_id}",
        released=date.fromisoformat(released) if released else None,
    )


@pytest.mark.parametrize(
    ("model_id", "words"),
    [
        ("kimi-k2.7-code", {"code"}),
        ("qwen3-coder-30b-a3b", {"coder"}),
        ("gpt-5.1-codex-max", {"codex"}),
        ("gpt-4o-search-preview", {"search"}),
        ("codestral-2508", set()),
        ("kimi-k2.6", set()),
        ("claude-sonnet-4.6", set()),
    ],
)
def test_specialised_words(model_id: str, words: set[str]) -> None:
    assert specialised_words(model_id) == words


@pytest.mark.parametrize(
    ("model_id", "line"),
    [
        ("anthropic/claude-fable-1", "claude-fable"),
        ("claude-fable-1-20260601", "claude-fable"),
        ("moonshotai/kimi-k2.7-code", "kimi-code"),
        ("qwen/qwen3-coder-30b-a3b-instruct", "qwen-coder-instruct"),
        ("openai/o3-mini", "o-mini"),
        ("google/gemini-2.5-flash-lite-preview-09-2025", "gemini-flash-lite"),
        ("mistralai/mistral-small-3.2-24b-instruct-2506", "mistral-small-instruct"),
    ],
)
def test_line_name(model_id: str, line: str) -> None:
    assert line_name(model_id) == line


@pytest.mark.parametrize(
    ("model_id", "line"),
    [
        ("claude-2.1", "claude-2"),  # not the claude family
        ("claude-2.0", "claude-2"),
        ("qwen/qwen3.6-27b", "qwen3"),  # not the qwen family
        ("qwen/qwen3-32b", "qwen3"),
        ("openai/o3", "o3"),  # one letter says nothing
        ("o1-2024-12-17", "o1"),
        ("claude-fable-1", "claude-fable"),  # free names are kept as they are
        ("grok", "grok-other"),  # no version to tell it apart
    ],
)
def test_a_line_never_takes_the_name_of_a_family(model_id: str, line: str) -> None:
    families = load_families()
    assert line_name(model_id, taken=families) == line
    assert line not in families


def test_no_line_of_the_real_catalogs_has_a_familys_name(catalogs_dir: Path) -> None:
    from test_ranking import CATALOGS

    families = load_families()
    for key in CATALOGS:
        models, vendor, today = load_catalog(catalogs_dir, key)
        lines = unmatched_lines(models, families, provider_vendor=vendor, today=today)
        assert not [line.name for line in lines if line.name in families or len(line.name) < 2]


@pytest.mark.parametrize(
    ("new_id", "family"),
    [
        ("moonshotai/kimi-k2.7-code", "kimi"),
        ("qwen/qwen4-max-coder", "qwen"),
        ("google/gemini-3.5-pro-search", "gemini"),
        ("z-ai/glm-5.2-code", "glm"),
        ("anthropic/claude-sonnet-5-codex", "claude"),
    ],
)
def test_a_coding_variant_of_the_newest_version_does_not_take_the_general_alias(
    catalogs_dir: Path, new_id: str, family: str
) -> None:
    models, vendor, today = load_catalog(catalogs_dir, KEY)
    template = next(x for x in models if x.id == EXPERT_PICKS[KEY][family])
    variant = replace(template, id=new_id, litellm_model=f"openrouter/{new_id}", released=today)
    assert picks_of([*models, variant], vendor, today) == EXPERT_PICKS[KEY]
    general = replace(variant, id=new_id.rsplit("-", 1)[0], litellm_model="x")
    assert picks_of([*models, general], vendor, today)[family] == general.id
    lines = unmatched_lines(
        [*models, variant], load_families(), provider_vendor=vendor, today=today
    )
    assert lines[0] == NewLine(line_name(new_id), new_id.split("/")[0], (new_id,), today)


def test_a_family_that_names_the_word_gets_its_specialised_line() -> None:
    families = {
        "kimi-code": Family(
            name="kimi-code",
            intent="Moonshot's coding Kimi.",
            vendors=("moonshotai",),
            match=("^kimi-.*-code$",),
            exclude=(),
            aliases=("kimi-code",),
        ),
        **load_families(),
    }
    code = m("moonshotai/kimi-k2.7-code")
    assert family_of(code, families, provider_vendor=None) == "kimi-code"
    assert family_of(code, load_families(), provider_vendor=None) is None
    assert family_of(m("moonshotai/kimi-k2.7"), families, provider_vendor=None) == "kimi"


def test_claude_fable_is_listed_as_not_in_any_family(catalogs_dir: Path) -> None:
    models, vendor, today = load_catalog(catalogs_dir, KEY)
    fable = replace(m("anthropic/claude-fable-1", today.isoformat()), litellm_model="x")
    older = m("anthropic/claude-fable-0.9", "2026-04-01")
    picks_before = picks_of(models, vendor, today)
    lines = unmatched_lines(
        [*models, older, fable], load_families(), provider_vendor=vendor, today=today
    )
    assert lines[0] == NewLine(
        "claude-fable",
        "anthropic",
        ("anthropic/claude-fable-1", "anthropic/claude-fable-0.9"),
        today,
    )
    assert picks_of([*models, fable], vendor, today) == picks_before  # it takes no alias
    newest = [line.newest or date.min for line in lines]
    assert newest == sorted(newest, reverse=True)


def test_lines_leave_out_models_a_family_excludes_on_purpose_and_unknown_vendors() -> None:
    models = [
        m("openai/gpt-5-mini"),  # the gpt family excludes mini: the file said no
        m("openai/gpt-5.5"),  # in a family
        m("openai/gpt-6-image"),  # not a chat model
        m("anthropic/claude-fable-1:free"),  # a variant
        m("somelab/fable-1"),  # a vendor no family names
        m("openai/o3", "2025-04-16"),
        m("openai/o4-mini", "2025-04-16"),
        m("openai/o3-mini", "2025-01-31"),
        m("anthropic/claude-fable-1", None),
    ]
    lines = unmatched_lines(models, load_families(), provider_vendor=None, today=TODAY)
    assert lines == [
        NewLine("o-mini", "openai", ("openai/o4-mini", "openai/o3-mini"), date(2025, 4, 16)),
        NewLine("o3", "openai", ("openai/o3",), date(2025, 4, 16)),
        NewLine("claude-fable", "anthropic", ("anthropic/claude-fable-1",), None),
    ]


def test_a_first_party_catalog_uses_the_provider_vendor() -> None:
    models = [m("claude-fable-1-20260601", "2026-06-01"), m("claude-sonnet-4-6", "2026-02-17")]
    lines = unmatched_lines(models, load_families(), provider_vendor="anthropic", today=TODAY)
    assert lines == [
        NewLine("claude-fable", "anthropic", ("claude-fable-1-20260601",), date(2026, 6, 1))
    ]
