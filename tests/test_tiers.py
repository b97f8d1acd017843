"""Same-generation, same-day siblings are told apart by what the catalogs say, not by id length.

Decision (documented in discovery_tui/tiers.py): the description's own words come first (a
provider that names its flagship says exactly what is asked), then tool calling, then price (the
dearer sibling); only when the catalogs say nothing does the fixed id rule decide.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_ranking import EXPERT_PICKS, load_catalog, picks_of

from discovery_tui import ranking, tiers
from discovery_tui.models import Model

TODAY = date(2026, 5, 15)
DAY = "2026-05-12"
TIER_PRICES = {"sol": (5.0, 40.0), "terra": (1.25, 10.0), "luna": (0.25, 2.0)}


def m(model_id: str, released: str | None = DAY, **fields: Any) -> Model:
    return Model(
        provider="openrouter",
        id=model_id,
        litellm_model=f"openrouter/{model_id}",
        released=date.fromisoformat(released) if released else None,
        **fields,
    )


def priced(model_id: str, price: tuple[float, float], **fields: Any) -> Model:
    return m(
        model_id,
        input_cost_per_token=price[0] / 1e6,
        output_cost_per_token=price[1] / 1e6,
        **fields,
    )


def ids(models: list[Model]) -> list[str]:
    return [x.id for x in models]


@pytest.mark.parametrize("flagship", ["sol", "terra", "luna"])
def test_the_dearer_same_day_sibling_wins_whatever_its_name(flagship: str) -> None:
    names = ["sol", "terra", "luna"]
    cheap = iter([TIER_PRICES["terra"], TIER_PRICES["luna"]])
    prices = {n: TIER_PRICES["sol"] if n == flagship else next(cheap) for n in names}
    siblings = [priced(f"openai/gpt-5.6-{n}", prices[n]) for n in names]
    for seed in range(3):
        shuffled = siblings[:]
        random.Random(seed).shuffle(shuffled)
        ranked = ranking.rank(shuffled, today=TODAY)
        assert ranked[0].id == f"openai/gpt-5.6-{flagship}"
    best = ranking.rank(siblings, today=TODAY)[0]
    runner_up = ranking.rank(siblings, today=TODAY)[1]
    assert ranking.explain(best, siblings, today=TODAY) == (
        f"dearer sibling of {runner_up.id} (same generation and release day) among 3 candidates"
    )


def test_output_price_decides_before_input_price() -> None:
    a = priced("x/model-2-a", (1.0, 20.0))
    b = priced("x/model-2-b", (3.0, 10.0))
    assert ids(ranking.rank([b, a], today=TODAY)) == ["x/model-2-a", "x/model-2-b"]
    c = priced("x/model-2-c", (3.0, 20.0))
    assert ids(ranking.rank([a, c], today=TODAY))[0] == "x/model-2-c"  # equal output: input


def test_a_description_naming_the_flagship_wins_over_price() -> None:
    dearer = priced("openai/gpt-5.6-sol", (5.0, 40.0), description="GPT-5.6 Sol, for long tasks.")
    named = priced(
        "openai/gpt-5.6-terra-max",
        (1.25, 10.0),
        description="GPT-5.6 Terra Max is our most capable model.",
    )
    ranked = ranking.rank([dearer, named], today=TODAY)
    assert ids(ranked) == ["openai/gpt-5.6-terra-max", "openai/gpt-5.6-sol"]
    assert ranking.explain(named, [dearer, named], today=TODAY) == (
        "named flagship in its description (same generation and day as openai/gpt-5.6-sol) "
        "among 2 candidates"
    )


def test_a_sibling_described_as_fast_and_cheap_comes_after_one_that_says_neither() -> None:
    light = m("z/model-3-long-name", description="A fast, lightweight model for chat.")
    plain = m("z/model-3-longest-name", description="A model for chat.")
    assert ids(ranking.rank([light, plain], today=TODAY))[0] == "z/model-3-longest-name"
    assert ranking.explain(plain, [light, plain], today=TODAY) == (
        "z/model-3-long-name is described as a lighter model (same generation and day) "
        "among 2 candidates"
    )


@pytest.mark.parametrize(
    ("text", "tier"),
    [
        ("Our flagship model.", 1),
        ("The most intelligent Grok yet, yet fast.", 1),
        ("Our best coding model.", 1),
        ("A fast and cheap model.", -1),
        ("Cost-efficient small model.", -1),
        ("Runs faster than before.", 0),  # "faster" is not "fast"
        ("A model.", 0),
        (None, 0),
    ],
)
def test_described_tier(text: str | None, tier: int) -> None:
    assert tiers.described_tier(m("x/a", description=text)) == tier


def test_a_sibling_that_calls_tools_beats_a_dearer_one_that_cannot() -> None:
    base = priced("deepseek/deepseek-v3.2", (0.25, 0.38), supports_tools=True)
    special = priced("deepseek/deepseek-v3.2-speciale", (0.27, 0.41), supports_tools=False)
    assert ranking.rank([special, base], today=TODAY)[0] == base
    assert ranking.explain(base, [special, base], today=TODAY) == (
        "calls tools, unlike its sibling deepseek/deepseek-v3.2-speciale "
        "(same generation and day) among 2 candidates"
    )
    unknown = replace(base, supports_tools=None)  # unknown decides nothing: price does
    assert ranking.rank([special, unknown], today=TODAY)[0] == special


def test_a_model_and_its_dated_snapshot_are_not_siblings() -> None:
    undated = priced("openai/gpt-4.1", (2.0, 8.0))
    snapshot = priced("openai/gpt-4.1-2025-04-14", (5.0, 15.0))
    assert ids(ranking.rank([snapshot, undated], today=TODAY))[0] == "openai/gpt-4.1"
    assert not tiers.are_siblings(undated, snapshot)


def test_when_the_catalogs_say_nothing_the_fixed_id_rule_decides() -> None:
    same = [m("grok-4.20-0309-non-reasoning"), m("grok-4.20-0309-reasoning")]
    assert ids(ranking.rank(same, today=TODAY))[0] == "grok-4.20-0309-reasoning"
    assert "the catalogs say nothing" in ranking.explain(same[1], same, today=TODAY)


def test_tiers_never_override_generation_or_release_day() -> None:
    older_dear = priced("openai/gpt-5.5-sol", (50.0, 400.0), description="Our flagship.")
    newer_cheap = priced("openai/gpt-5.6-luna", (0.25, 2.0), description="Fast and cheap.")
    assert ranking.rank([older_dear, newer_cheap], today=TODAY)[0] == newer_cheap
    earlier = replace(newer_cheap, id="openai/gpt-5.6-sol", released=date(2026, 5, 1))
    assert ranking.rank([earlier, newer_cheap], today=TODAY)[0] == newer_cheap


# --- synthetic next-generation releases on a real catalog --------------------------------------


@pytest.mark.parametrize("flagship", ["sol", "terra", "luna"])
def test_gpt_tiers_released_the_same_day_on_the_real_catalog(
    catalogs_dir: Path, flagship: str
) -> None:
    key = "openrouter-2026-05-15"
    models, vendor, today = load_catalog(catalogs_dir, key)
    template = next(x for x in models if x.id == EXPERT_PICKS[key]["gpt"])
    cheap = iter([TIER_PRICES["terra"], TIER_PRICES["luna"]])
    tiers_released = [
        replace(
            template,
            id=f"openai/gpt-5.6-{name}",
            litellm_model=f"openrouter/openai/gpt-5.6-{name}",
            released=today,
            input_cost_per_token=price[0] / 1e6,
            output_cost_per_token=price[1] / 1e6,
        )
        for name in ("sol", "terra", "luna")
        for price in [TIER_PRICES["sol"] if name == flagship else next(cheap)]
    ]
    picks = picks_of([*models, *tiers_released], vendor, today)
    assert picks == {**EXPERT_PICKS[key], "gpt": f"openai/gpt-5.6-{flagship}"}


def test_a_cheaper_same_day_sibling_named_in_its_description_on_the_real_catalog(
    catalogs_dir: Path,
) -> None:
    key = "openrouter-2026-05-15"
    models, vendor, today = load_catalog(catalogs_dir, key)
    template = next(x for x in models if x.id == EXPERT_PICKS[key]["claude-strong"])
    flagship = replace(
        template,
        id="anthropic/claude-opus-5",
        released=today,
        description="Claude Opus 5 is Anthropic's most intelligent model.",
    )
    twin = replace(
        flagship,
        id="anthropic/claude-opus-5-lite",
        output_cost_per_token=(template.output_cost_per_token or 0) * 2,
        description="A lightweight, efficient Opus 5 for everyday tasks.",
    )
    picks = picks_of([*models, twin, flagship], vendor, today)
    assert picks == {**EXPERT_PICKS[key], "claude-strong": "anthropic/claude-opus-5"}
