"""The deterministic ranking: eligibility, versions, the order, and picks on real catalogs."""

from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from discovery_tui import ranking
from discovery_tui.families import candidates_by_family, load_families
from discovery_tui.models import Model

TODAY = date(2026, 5, 15)


def m(model_id: str, released: date | str | None = None, **fields: Any) -> Model:
    """A hand-built model; ``released`` may be an ISO string."""
    day = date.fromisoformat(released) if isinstance(released, str) else released
    return Model(
        provider="test", id=model_id, litellm_model=f"test/{model_id}", released=day, **fields
    )


def ids(models: list[Model]) -> list[str]:
    return [model.id for model in models]


# --- version numbers in ids ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "version"),
    [
        ("anthropic/claude-sonnet-4.6", ("4", "6")),
        ("claude-sonnet-4-5-20250929", ("4", "5")),
        ("claude-opus-4-1-20250805", ("4", "1")),
        ("claude-opus-4-20250514", ("4",)),
        ("claude-3-5-sonnet-20241022", ("3", "5")),
        ("claude-3-7-sonnet-latest", ("3", "7")),
        ("claude-3-haiku-20240307", ("3",)),
        ("anthropic/claude-3.5-haiku", ("3", "5")),
        ("claude-2.1", ("2", "1")),
        ("grok-4-0709", ("4",)),
        ("grok-4-1-fast-reasoning", ("4", "1")),
        ("grok-4.20-0309-reasoning", ("4", "20")),
        ("x-ai/grok-4.3", ("4", "3")),
        ("gemini-2.5-pro-preview-05-06", ("2", "5")),
        ("gemini-2.5-flash-lite-preview-09-2025", ("2", "5")),
        ("gemini-2.0-flash-001", ("2", "0")),
        ("gemini-3-pro-preview", ("3",)),
        ("mistralai/mistral-large-2411", ()),
        ("mistral-large-2512", ()),
        ("mistralai/mistral-medium-3-5", ("3", "5")),
        ("mistral-medium-3.1", ("3", "1")),
        ("mistral-7b-instruct-v0.1", ("0", "1")),
        ("moonshotai/kimi-k2.6", ("2", "6")),
        ("kimi-k2-0905-preview", ("2",)),
        ("moonshotai/kimi-k2-instruct-0905", ("2",)),
        ("deepseek/deepseek-v4-pro", ("4",)),
        ("deepseek-chat-v3-0324", ("3",)),
        ("deepseek-chat", ()),
        ("z-ai/glm-4.5v", ("4", "5")),
        ("qwen/qwen3.6-max-preview", ("3", "6")),
        ("qwen/qwen3-235b-a22b-2507", ("3",)),
        ("qwen/qwen-plus-2025-07-28", ()),
        ("qwen/qwen-2.5-72b-instruct", ("2", "5")),
        ("gpt-4o-2024-11-20", ("4",)),
        ("openai/gpt-5.5", ("5", "5")),
        ("gpt-4-1106-preview", ("4",)),
        ("llama-3.3-70b-versatile", ("3", "3")),
        ("sonar-pro", ()),
        ("qwen/qwen-plus-2025-07-28:thinking", ()),
    ],
)
def test_parse_version(model_id: str, version: tuple[str, ...]) -> None:
    assert ranking.parse_version(model_id) == version


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("4", "6"), ("4", "5"), 1),
        (("4", "5"), ("4",), 1),
        (("4",), ("4", "0"), 0),
        (("5",), ("4", "9"), 1),
        (("3", "1"), ("3", "10"), -1),
        (("4", "20"), ("4", "3"), None),  # 20 > 3 as numbers, .20 < .3 as decimals
        (("5", "10"), ("5", "9"), None),
        (("4", "20"), ("4",), 1),
        ((), ("4",), None),
        ((), (), None),
    ],
)
def test_compare_versions(a: tuple[str, ...], b: tuple[str, ...], expected: int | None) -> None:
    assert ranking.compare_versions(a, b) == expected


@pytest.mark.parametrize(
    ("model_id", "day"),
    [
        ("claude-sonnet-4-5-20250929", date(2025, 9, 29)),
        ("qwen/qwen-plus-2025-07-28", date(2025, 7, 28)),
        ("gemini-2.5-flash-lite-preview-09-2025", date(2025, 9, 1)),
        ("mistral-large-2411", date(2024, 11, 1)),
        ("mistral-medium-2505", date(2025, 5, 1)),
        ("grok-4-0709", None),  # month-day without a year
        ("kimi-k2-0905-preview", None),
        ("gemini-2.0-flash-001", None),
        ("gpt-5", None),
    ],
)
def test_id_date(model_id: str, day: date | None) -> None:
    assert ranking.id_date(model_id) == day


def test_release_day_prefers_the_catalog() -> None:
    assert ranking.release_day(m("mistral-large-2411", "2024-11-19")) == date(2024, 11, 19)
    assert ranking.release_day(m("mistral-large-2411")) == date(2024, 11, 1)


# --- eligibility ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model_id",
    [
        "openai/gpt-5-image",
        "gpt-image-1",
        "grok-imagine-image",
        "imagen-4.0-generate-001",
        "dall-e-3",
        "openai/gpt-4o-audio-preview",
        "gemini-2.5-flash-native-audio-latest",
        "gemini-2.5-flash-preview-tts",
        "gpt-4o-mini-tts",
        "tts-1-hd",
        "whisper-1",
        "gpt-4o-transcribe",
        "text-embedding-3-large",
        "gemini-embedding-001",
        "mistral-embed",
        "omni-moderation-latest",
        "mistral-moderation-2411",
        "meta-llama/llama-guard-4-12b",
        "openai/gpt-oss-safeguard-20b",
        "gpt-realtime",
        "gpt-4o-realtime-preview",
        "gemini-3.1-flash-live-preview",
        "x-ai/grok-4.20-multi-agent",
        "gemini-2.5-computer-use-preview-10-2025",
        "gemini-robotics-er-1.5-preview",
        "perplexity/sonar-deep-research",
        "openai/o3-deep-research",
        "mistral-ocr-2505",
        "veo-3.0-generate-001",
        "google/lyria-3-pro-preview",
    ],
)
def test_non_chat_models_are_not_eligible(model_id: str) -> None:
    assert not ranking.is_eligible(m(model_id), today=TODAY)
    assert not ranking.is_eligible(m(model_id), today=TODAY, allow_variants=True)


@pytest.mark.parametrize(
    "model_id",
    [
        "deepseek/deepseek-v4-flash:free",
        "anthropic/claude-3.7-sonnet:thinking",
        "moonshotai/kimi-k2-0905:exacto",
        "openai/gpt-4o:extended",
        "qwen/qwen-plus-2025-07-28:thinking",
        "~anthropic/claude-sonnet-latest",
        "~openai/gpt-latest",
        "gemini-flash-latest",
        "mistral-large-latest",
        "openai/gpt-chat-latest",
        "google/gemini-3.1-pro-preview-customtools",
    ],
)
def test_variants_and_alias_ids_are_not_eligible_unless_allowed(model_id: str) -> None:
    assert not ranking.is_eligible(m(model_id), today=TODAY)
    assert ranking.is_eligible(m(model_id), today=TODAY, allow_variants=True)
    assert ranking.is_variant(m(model_id))


@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic/claude-sonnet-4.6",
        "gpt-5",
        "grok-4-1-fast-reasoning",
        "gemini-3.1-pro-preview",
        "kimi-k2-0905-preview",
        "sonar-pro",
        "deepseek-reasoner",
        "google/gemini-2.5-flash",  # "flash" is no exclusion here: families decide lines
        "z-ai/glm-4.6",
        "openai/gpt-4o-mini-search-preview",
    ],
)
def test_chat_models_are_eligible(model_id: str) -> None:
    assert ranking.is_eligible(m(model_id), today=TODAY)


def test_text_output_is_required() -> None:
    assert not ranking.is_eligible(m("gemini-x", output_modalities=("image",)), today=TODAY)
    assert ranking.is_eligible(m("gemini-x", output_modalities=("image", "text")), today=TODAY)


def test_deprecated_is_not_eligible() -> None:
    assert not ranking.is_eligible(m("gpt-5", deprecated=True), today=TODAY)
    assert ranking.ineligibility(m("gpt-5", deprecated=True), today=TODAY) == "deprecated"


@pytest.mark.parametrize(
    ("days", "eligible"),
    [(-1, False), (0, False), (29, False), (30, False), (31, True), (365, True)],
)
def test_expiry_boundary(days: int, eligible: bool) -> None:
    model = m("x-ai/grok-4", expires=TODAY + timedelta(days=days))
    assert ranking.is_eligible(model, today=TODAY) is eligible


def test_expiry_reason_names_the_day() -> None:
    soon = ranking.ineligibility(m("grok-4", expires=date(2026, 6, 1)), today=TODAY)
    gone = ranking.ineligibility(m("grok-4", expires=date(2026, 5, 15)), today=TODAY)
    assert soon == "expires on 2026-06-01, within 30 days"
    assert gone == "expired on 2026-05-15"


# --- paid speed modes -----------------------------------------------------------------------


def test_paid_fast_mode_is_dropped_when_its_base_is_listed() -> None:
    base = m("anthropic/claude-opus-4.7", "2026-04-16", output_cost_per_token=25e-6)
    fast = m("anthropic/claude-opus-4.7-fast", "2026-05-12", output_cost_per_token=150e-6)
    assert ids(ranking.rank([fast, base], today=TODAY)) == [base.id]
    assert ranking.explain(fast, [fast, base], today=TODAY).startswith("not eligible: a paid speed")


def test_fast_model_without_a_base_is_its_own_model() -> None:
    reasoning = m("grok-4-1-fast-reasoning", "2025-11-19")
    old = m("grok-4-0709", "2025-07-09")
    assert ids(ranking.rank([old, reasoning], today=TODAY)) == [reasoning.id, old.id]


def test_cheaper_fast_model_is_its_own_model() -> None:
    base = m("x-ai/grok-4", "2025-07-09", output_cost_per_token=15e-6)
    fast = m("x-ai/grok-4-fast", "2025-09-19", output_cost_per_token=0.5e-6)
    assert ids(ranking.rank([base, fast], today=TODAY)) == [fast.id, base.id]


def test_fast_mode_without_prices_and_with_a_base_is_dropped() -> None:
    assert ids(ranking.rank([m("claude-opus-5-fast"), m("claude-opus-5")], today=TODAY)) == [
        "claude-opus-5"
    ]


# --- the order ------------------------------------------------------------------------------


def test_newest_generation_wins_over_newer_release_of_an_older_one() -> None:
    models = [
        m("anthropic/claude-sonnet-4.5", "2025-09-29"),
        m("anthropic/claude-sonnet-4.6", "2026-02-17"),
        m("anthropic/claude-sonnet-4", "2025-05-22"),
        m("anthropic/claude-3.7-sonnet", "2026-03-01"),  # re-listed later: still older generation
    ]
    assert ids(ranking.rank(models, today=TODAY)) == [
        "anthropic/claude-sonnet-4.6",
        "anthropic/claude-sonnet-4.5",
        "anthropic/claude-sonnet-4",
        "anthropic/claude-3.7-sonnet",
    ]


def test_old_and_new_anthropic_naming_compare_by_version() -> None:
    models = [
        m("claude-3-5-sonnet-20241022", "2024-10-22"),
        m("claude-3-7-sonnet-20250219", "2025-02-24"),
        m("claude-sonnet-4-5-20250929", "2025-09-29"),
        m("claude-sonnet-4-20250514", "2025-05-22"),
    ]
    assert ranking.parse_version("claude-sonnet-4-5-20250929") == ("4", "5")
    assert ids(ranking.rank(models, today=TODAY))[0] == "claude-sonnet-4-5-20250929"


def test_dates_in_ids_are_not_versions() -> None:
    models = [m("grok-4-0709", "2025-07-09"), m("grok-3", "2025-04-04")]
    assert ids(ranking.rank(models, today=TODAY)) == ["grok-4-0709", "grok-3"]
    large = [m("mistral-large-2411", "2024-11-19"), m("mistral-large-2512", "2025-12-01")]
    assert ids(ranking.rank(large, today=TODAY))[0] == "mistral-large-2512"


def test_generally_available_beats_preview_of_the_same_generation() -> None:
    models = [
        m("google/gemini-2.5-pro-preview", "2025-06-05"),
        m("google/gemini-2.5-pro", "2025-06-17"),
        m("google/gemini-2.5-pro-preview-05-06", "2025-05-07"),
    ]
    ranked = ranking.rank(models, today=TODAY)
    assert ids(ranked)[0] == "google/gemini-2.5-pro"
    assert ranking.explain(ranked[0], models, today=TODAY).startswith("generally available")


def test_generally_available_beats_a_later_preview_of_its_generation() -> None:
    models = [m("gemini-3-pro", "2026-01-01"), m("gemini-3-pro-preview", "2026-03-01")]
    assert ids(ranking.rank(models, today=TODAY))[0] == "gemini-3-pro"


def test_preview_only_newest_generation_wins() -> None:
    models = [
        m("google/gemini-2.5-pro", "2025-06-17"),
        m("google/gemini-3.1-pro-preview", "2026-02-19"),
        m("google/gemini-3-pro-preview", "2025-11-18"),
        m("google/gemini-3.1-pro-preview-customtools", "2026-02-25"),
    ]
    ranked = ranking.rank(models, today=TODAY)
    assert ids(ranked) == [
        "google/gemini-3.1-pro-preview",
        "google/gemini-2.5-pro",
        "google/gemini-3-pro-preview",
    ]
    assert ranking.explain(ranked[0], models, today=TODAY) == (
        "newest generation (3.1), available only as a preview, among 3 candidates"
    )


def test_preview_only_newest_generation_without_any_dates() -> None:
    models = [m("gemini-2.5-flash"), m("gemini-3-flash-preview"), m("gemini-2.0-flash")]
    assert ids(ranking.rank(models, today=TODAY))[0] == "gemini-3-flash-preview"


def test_older_preview_of_a_higher_version_does_not_beat_a_later_release() -> None:
    # OpenAI 2025: gpt-4.5-preview (Feb) was followed by the generally available gpt-4.1 (Apr).
    models = [m("gpt-4.5-preview", "2025-02-27"), m("gpt-4.1", "2025-04-14"), m("gpt-4o")]
    assert ids(ranking.rank(models, today=TODAY))[0] == "gpt-4.1"


def test_experimental_and_beta_count_as_previews() -> None:
    models = [m("deepseek-v3.2-exp", "2025-09-29"), m("deepseek-v3.2", "2025-12-01")]
    assert ids(ranking.rank(models, today=TODAY))[0] == "deepseek-v3.2"
    betas = [m("x-ai/grok-3-beta", "2025-06-10"), m("x-ai/grok-3", "2025-04-09")]
    assert ids(ranking.rank(betas, today=TODAY))[0] == "x-ai/grok-3"


def test_ambiguous_minor_versions_are_settled_by_release_day() -> None:
    models = [m("x-ai/grok-4.20", "2026-03-31"), m("x-ai/grok-4.3", "2026-04-30")]
    ranked = ranking.rank(models, today=TODAY)
    assert ids(ranked) == ["x-ai/grok-4.3", "x-ai/grok-4.20"]
    assert ranking.explain(ranked[0], models, today=TODAY) == (
        "newest release (2026-04-30, generation 4.3) among 2 candidates"
    )
    tens = [m("gpt-5.9", "2027-01-01"), m("gpt-5.10", "2027-06-01")]
    assert ids(ranking.rank(tens, today=TODAY))[0] == "gpt-5.10"


def test_ambiguous_minor_versions_without_days_read_as_numbers() -> None:
    assert ids(ranking.rank([m("grok-4.3"), m("grok-4.20")], today=TODAY))[0] == "grok-4.20"


def test_unversioned_ids_compare_by_release_day() -> None:
    models = [
        m("mistralai/mistral-large-2512", "2025-12-01"),
        m("mistralai/mistral-medium-3.1", "2025-08-13"),
        m("mistralai/mistral-medium-3-5", "2026-04-30"),
    ]
    assert ids(ranking.rank(models, today=TODAY)) == [
        "mistralai/mistral-medium-3-5",
        "mistralai/mistral-large-2512",
        "mistralai/mistral-medium-3.1",
    ]


def test_same_generation_newest_release_day_wins() -> None:
    models = [
        m("moonshotai/kimi-k2-instruct", "2025-07-13"),
        m("moonshotai/kimi-k2-instruct-0905", "2025-09-05"),
    ]
    ranked = ranking.rank(models, today=TODAY)
    assert ids(ranked)[0] == "moonshotai/kimi-k2-instruct-0905"
    assert ranking.explain(ranked[0], models, today=TODAY) == (
        "newest release (2025-09-05, generation 2) among 2 candidates"
    )


def test_same_day_is_a_tie_broken_by_the_id_rule() -> None:
    same_day = [
        m("grok-4.20-0309-non-reasoning", "2026-03-09"),
        m("grok-4.20-0309-reasoning", "2026-03-09"),
    ]
    ranked = ranking.rank(same_day, today=TODAY)
    assert ids(ranked) == ["grok-4.20-0309-reasoning", "grok-4.20-0309-non-reasoning"]
    assert "shortest id wins" in ranking.explain(ranked[0], same_day, today=TODAY)


def test_undated_canonical_id_before_its_dated_twin() -> None:
    twins = [m("gpt-4.1-2025-04-14", "2025-04-14"), m("gpt-4.1", "2025-04-14")]
    assert ids(ranking.rank(twins, today=TODAY)) == ["gpt-4.1", "gpt-4.1-2025-04-14"]


def test_unknown_release_day_counts_as_oldest() -> None:
    models = [m("sonar"), m("sonar-pro", "2025-03-07")]
    assert ids(ranking.rank(models, today=TODAY))[0] == "sonar-pro"


def test_full_tie_is_alphabetical() -> None:
    assert ids(ranking.rank([m("sonar-b"), m("sonar-a")], today=TODAY)) == ["sonar-a", "sonar-b"]


def test_rank_drops_ineligible_models_and_duplicate_ids() -> None:
    models = [
        m("anthropic/claude-sonnet-4.6", "2026-02-17"),
        m("anthropic/claude-sonnet-4.6", "2026-02-17"),
        m("~anthropic/claude-sonnet-latest", "2026-04-27"),
        m("anthropic/claude-sonnet-5", "2026-05-01", deprecated=True),
        m("anthropic/claude-sonnet-4.5", "2025-09-29", expires=TODAY + timedelta(days=10)),
    ]
    assert ids(ranking.rank(models, today=TODAY)) == ["anthropic/claude-sonnet-4.6"]


def test_best_of_nothing_eligible_is_none() -> None:
    assert ranking.best([], today=TODAY) is None
    assert ranking.best([m("gpt-latest:free")], today=TODAY) is None


@pytest.mark.parametrize("seed", range(20))
def test_rank_ignores_input_order(seed: int) -> None:
    models = [
        m("x-ai/grok-4.20", "2026-03-31"),
        m("x-ai/grok-4.3", "2026-04-30"),
        m("x-ai/grok-4", "2025-07-09"),
        m("grok-4.20-0309-reasoning", "2026-03-09"),
        m("grok-4.20-0309-non-reasoning", "2026-03-09"),
        m("gemini-3-flash-preview"),
        m("gemini-2.5-flash"),
        m("mistral-large-2411"),
        m("mistral-large-2512"),
        m("sonar-a"),
        m("sonar-b"),
    ]
    expected = ids(ranking.rank(models, today=TODAY))
    shuffled = models[:]
    random.Random(seed).shuffle(shuffled)
    assert ids(ranking.rank(shuffled, today=TODAY)) == expected


# --- explain --------------------------------------------------------------------------------


def test_explain_sentences() -> None:
    sonnets = [m("claude-sonnet-4.6", "2026-02-17"), m("claude-sonnet-4.5", "2025-09-29")]
    assert ranking.explain(sonnets[0], sonnets, today=TODAY) == (
        "newest generally available generation (4.6) among 2 candidates"
    )
    assert ranking.explain(sonnets[1], sonnets, today=TODAY) == (
        "ranked 2 of 2; the best is claude-sonnet-4.6"
    )
    assert ranking.explain(sonnets[0], sonnets[:1], today=TODAY) == "the only eligible candidate"
    assert ranking.explain(m("gpt-5:free"), sonnets, today=TODAY) == (
        "not eligible: a variant or alias id"
    )
    assert ranking.explain(m("gpt-5"), sonnets, today=TODAY) == "not among the candidates"
    unversioned = [m("mistral-large-2512", "2025-12-01"), m("mistral-large-2411", "2024-11-19")]
    assert ranking.explain(unversioned[0], unversioned, today=TODAY) == (
        "newest release (2025-12-01) among 2 candidates"
    )


# --- real catalogs ------------------------------------------------------------------------------

# (provider module, catalog file, the day of the snapshot)
CATALOGS = {
    "openrouter-2026-05-15": (
        "openrouter",
        "openrouter__models-dev-repo-models-json.json",
        date(2026, 5, 15),
    ),
    "openrouter-2026-05-01": (
        "openrouter",
        "openrouter__skissue-gptel-openrouter-models.json",
        date(2026, 5, 1),
    ),
    "openrouter-2026-01-29": (
        "openrouter",
        "openrouter__xiechengqi-openrouter-free-api.json",
        date(2026, 1, 29),
    ),
    "xai-2026-03-20": ("xai", "xai__lim-asdk-v1-models.json", date(2026, 3, 20)),
    "gemini-2026-03-29": ("gemini", "gemini__aylivdele-metaboxaibot.json", date(2026, 3, 29)),
    "anthropic-2025-05-23": ("anthropic", "anthropic__gptportal.json", date(2025, 5, 23)),
    "openai-2025-05-23": ("openai", "openai__gptportal.json", date(2025, 5, 23)),
    "mistral-2025-05-23": ("mistral", "mistral__gptportal.json", date(2025, 5, 23)),
    "groq-2026-01-22": ("groq", "groq__omegaaiagent.json", date(2026, 1, 22)),
    "deepseek-2025-11-06": (
        "deepseek",
        "deepseek__ndunks-nodejs-llm-function-calls.json",
        date(2025, 11, 6),
    ),
}

# What an expert picks per default family from each catalog (checked by reading the catalogs).
# Families absent from a row have no eligible candidate in that catalog.
EXPERT_PICKS: dict[str, dict[str, str]] = {
    "openrouter-2026-05-15": {
        "claude": "anthropic/claude-sonnet-4.6",
        "claude-strong": "anthropic/claude-opus-4.7",  # not -fast, the 6x-priced speed mode
        "claude-fast": "anthropic/claude-haiku-4.5",
        "gpt": "openai/gpt-5.5",
        "gemini": "google/gemini-3.1-pro-preview",  # 3.1 exists only as a preview
        "gemini-flash": "google/gemini-3-flash-preview",  # 3.1 Flash is only -lite / -image
        "grok": "x-ai/grok-4.3",  # released after grok-4.20; grok-4/-fast expire today
        "deepseek": "deepseek/deepseek-v4-pro",  # v4-flash is the smaller line
        "kimi": "moonshotai/kimi-k2.6",
        "glm": "z-ai/glm-5.1",
        "qwen": "qwen/qwen3.6-max-preview",  # newest Max generation exists only as a preview
        "sonar": "perplexity/sonar-pro",
        "mistral": "mistralai/mistral-medium-3-5",  # newest: Apr 2026, after Large 3 (2512)
    },
    "openrouter-2026-05-01": {
        "claude": "anthropic/claude-sonnet-4.6",
        "claude-strong": "anthropic/claude-opus-4.7",
        "claude-fast": "anthropic/claude-haiku-4.5",
        "gpt": "openai/gpt-5.5",
        "gemini": "google/gemini-3.1-pro-preview",
        "gemini-flash": "google/gemini-3-flash-preview",
        "grok": "x-ai/grok-4.3",
        "deepseek": "deepseek/deepseek-v4-pro",
        "kimi": "moonshotai/kimi-k2.6",
        "glm": "z-ai/glm-5.1",
        "qwen": "qwen/qwen3.6-max-preview",
        "sonar": "perplexity/sonar-pro",
        "mistral": "mistralai/mistral-large-2512",
    },
    "openrouter-2026-01-29": {
        "claude": "anthropic/claude-sonnet-4.5",
        "claude-strong": "anthropic/claude-opus-4.5",
        "claude-fast": "anthropic/claude-haiku-4.5",
        "gpt": "openai/gpt-5.2",
        "gemini": "google/gemini-3-pro-preview",
        "gemini-flash": "google/gemini-3-flash-preview",
        "grok": "x-ai/grok-4",  # grok-4.1-fast is the cheaper Fast line
        "deepseek": "deepseek/deepseek-v3.2",  # not the high-compute -speciale variant
        "kimi": "moonshotai/kimi-k2.5",
        "glm": "z-ai/glm-4.7",
        "qwen": "qwen/qwen3-max",
        "sonar": "perplexity/sonar-pro",
        "mistral": "mistralai/mistral-large-2512",
    },
    "xai-2026-03-20": {"grok": "grok-4.20-0309-reasoning"},
    "gemini-2026-03-29": {
        "gemini": "gemini-3.1-pro-preview",
        "gemini-flash": "gemini-3-flash-preview",
    },
    "anthropic-2025-05-23": {
        "claude": "claude-sonnet-4-20250514",
        "claude-strong": "claude-opus-4-20250514",
        "claude-fast": "claude-3-5-haiku-20241022",
    },
    "openai-2025-05-23": {"gpt": "gpt-4.1"},  # not gpt-4.5-preview (older, being retired)
    "mistral-2025-05-23": {"mistral": "mistral-medium-2505"},  # Medium 3, after Large 2411
    "groq-2026-01-22": {"kimi": "moonshotai/kimi-k2-instruct-0905"},
    "deepseek-2025-11-06": {"deepseek": "deepseek-chat"},  # same model as -reasoner; shorter id
}


def load_catalog(catalogs_dir: Path, key: str) -> tuple[list[Model], str | None, date]:
    """Parse a real catalog with the provider module's own parser."""
    provider, filename, today = CATALOGS[key]
    module = import_module(f"discovery_tui.providers.{provider}")
    payload = json.loads((catalogs_dir / filename).read_text(encoding="utf-8"))
    items = payload if isinstance(payload, list) else payload.get("data") or payload["models"]
    skip: set[str] = module.alias_ids(items) if hasattr(module, "alias_ids") else set()
    models = [module.parse_model(obj) for obj in items if obj.get("id") not in skip]
    return [model for model in models if model is not None], module.SPEC.vendor, today


def picks_of(models: list[Model], vendor: str | None, today: date) -> dict[str, str]:
    found = candidates_by_family(models, load_families(), provider_vendor=vendor, today=today)
    return {family: ranking.best(cands, today=today).id for family, cands in found.items()}  # type: ignore[union-attr]


@pytest.mark.parametrize("key", sorted(CATALOGS))
def test_expert_picks_on_real_catalogs(catalogs_dir: Path, key: str) -> None:
    models, vendor, today = load_catalog(catalogs_dir, key)
    assert picks_of(models, vendor, today) == EXPERT_PICKS[key]


@pytest.mark.parametrize("key", sorted(CATALOGS))
def test_picks_on_real_catalogs_ignore_input_order(catalogs_dir: Path, key: str) -> None:
    models, vendor, today = load_catalog(catalogs_dir, key)
    for seed in range(5):
        shuffled = models[:]
        random.Random(seed).shuffle(shuffled)
        assert picks_of(shuffled, vendor, today) == EXPERT_PICKS[key]


@pytest.mark.parametrize("key", sorted(CATALOGS))
def test_no_pick_is_a_variant_or_ineligible(catalogs_dir: Path, key: str) -> None:
    models, vendor, today = load_catalog(catalogs_dir, key)
    found = candidates_by_family(models, load_families(), provider_vendor=vendor, today=today)
    for candidates in found.values():
        for model in candidates:
            assert ranking.is_eligible(model, today=today)
            assert not ranking.is_variant(model)
            assert ":" not in model.id and not model.id.startswith("~")


# Next generations shipped "tomorrow": the pick must move without editing code or families.yaml.
NEXT_GENERATION = [
    ("openrouter-2026-05-15", "claude", "anthropic/claude-sonnet-5"),
    ("openrouter-2026-05-15", "claude-strong", "anthropic/claude-opus-4.8"),
    ("openrouter-2026-05-15", "claude-fast", "anthropic/claude-haiku-5"),
    ("openrouter-2026-05-15", "gpt", "openai/gpt-6"),
    ("openrouter-2026-05-15", "gpt", "openai/gpt-5.6"),
    ("openrouter-2026-05-15", "gemini", "google/gemini-3.5-pro"),
    ("openrouter-2026-05-15", "gemini", "google/gemini-3.5-pro-preview"),
    ("openrouter-2026-05-15", "gemini-flash", "google/gemini-3.5-flash"),
    ("openrouter-2026-05-15", "grok", "x-ai/grok-5"),
    ("openrouter-2026-05-15", "grok", "x-ai/grok-4.4"),
    ("openrouter-2026-05-15", "deepseek", "deepseek/deepseek-v4.1-pro"),
    ("openrouter-2026-05-15", "kimi", "moonshotai/kimi-k3"),
    ("openrouter-2026-05-15", "glm", "z-ai/glm-5.2"),
    ("openrouter-2026-05-15", "qwen", "qwen/qwen4-max"),
    ("openrouter-2026-05-15", "mistral", "mistralai/mistral-large-2606"),
    ("anthropic-2025-05-23", "claude", "claude-sonnet-4-5-20250929"),
    ("anthropic-2025-05-23", "claude-strong", "claude-opus-4-1-20250805"),
    ("anthropic-2025-05-23", "claude-fast", "claude-haiku-4-5-20251001"),
    ("xai-2026-03-20", "grok", "grok-5-0601-reasoning"),
    ("gemini-2026-03-29", "gemini", "gemini-3.5-pro-preview"),
    ("gemini-2026-03-29", "gemini-flash", "gemini-3.1-flash"),
    ("openai-2025-05-23", "gpt", "gpt-5"),
]


@pytest.mark.parametrize(("key", "family", "new_id"), NEXT_GENERATION)
def test_next_generation_takes_the_pick(
    catalogs_dir: Path, key: str, family: str, new_id: str
) -> None:
    models, vendor, today = load_catalog(catalogs_dir, key)
    template = next(x for x in models if x.id == EXPERT_PICKS[key][family])
    newer = replace(template, id=new_id, litellm_model=f"x/{new_id}", released=today)
    picks = picks_of([*models, newer], vendor, today)
    assert picks[family] == new_id
    assert {f: p for f, p in picks.items() if f != family} == {
        f: p for f, p in EXPERT_PICKS[key].items() if f != family
    }


@pytest.mark.parametrize(
    ("new_id", "family"),
    [
        ("anthropic/claude-sonnet-5:thinking", "claude"),
        ("~anthropic/claude-sonnet-5-latest", "claude"),
        ("anthropic/claude-opus-4.7-fast", "claude-strong"),
        ("openai/gpt-6-mini", "gpt"),
        ("openai/gpt-6-image", "gpt"),
        ("openai/gpt-6-pro", "gpt"),
        ("google/gemini-4-pro-image-preview", "gemini"),
        ("google/gemini-3.5-flash-lite", "gemini-flash"),
        ("google/gemini-3.5-flash-tts", "gemini-flash"),
        ("x-ai/grok-5-multi-agent", "grok"),
        ("x-ai/grok-5-mini", "grok"),
        ("deepseek/deepseek-v5-flash", "deepseek"),
        ("tngtech/deepseek-v9-chimera", "deepseek"),
        ("z-ai/glm-6-air", "glm"),
        ("mistralai/mistral-small-2607", "mistral"),
    ],
)
def test_variants_smaller_lines_and_non_chat_never_take_the_pick(
    catalogs_dir: Path, new_id: str, family: str
) -> None:
    key = "openrouter-2026-05-15"
    models, vendor, today = load_catalog(catalogs_dir, key)
    template = next(x for x in models if x.id == EXPERT_PICKS[key][family])
    newer = replace(template, id=new_id, litellm_model=f"x/{new_id}", released=today)
    assert picks_of([*models, newer], vendor, today) == EXPERT_PICKS[key]


def test_expired_next_generation_does_not_take_the_pick(catalogs_dir: Path) -> None:
    models, vendor, today = load_catalog(catalogs_dir, "openrouter-2026-05-15")
    expiring = m("x-ai/grok-5", today, expires=today + timedelta(days=29))
    assert picks_of([*models, expiring], vendor, today)["grok"] == "x-ai/grok-4.3"
    lasting = replace(expiring, expires=today + timedelta(days=31))
    assert picks_of([*models, lasting], vendor, today)["grok"] == "x-ai/grok-5"


def test_ranking_five_thousand_models_is_fast() -> None:
    models = [
        m(
            f"vendor{i % 50}/model-{i % 7}.{i % 11}-{'preview' if i % 5 else 'x'}-{i}",
            date(2025, 1, 1) + timedelta(days=i % 400),
        )
        for i in range(5000)
    ]
    started = time.perf_counter()
    ranked = ranking.rank(models, today=TODAY)
    assert len(ranked) == 5000
    assert time.perf_counter() - started < 5.0
