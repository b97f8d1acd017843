"""The judge's prompt carries each candidate's description, shortened, within the byte budget.

The exact prompt for a small fixed catalog is kept in tests/data/judge_prompt.txt: the README's
section "The LLM judge" shows that file, and this test keeps it true.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fake_judge import FakeJudge, pick_index, prompt_families

from discovery_tui.families import Family, candidates_by_family, load_families
from discovery_tui.formatting import one_line
from discovery_tui.judge import MAX_REQUEST_BYTES, JudgeSettings, choose_picks
from discovery_tui.judge.cache import CACHE_VERSION
from discovery_tui.judge.prompt import (
    FIT_STEPS,
    build_messages,
    describe,
    fit_messages,
    request_size,
    short_description,
)
from discovery_tui.models import Model

TODAY = date(2026, 5, 20)
DATA = Path(__file__).resolve().parent / "data" / "judge_prompt.txt"
CATALOG = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "catalogs"
    / "openrouter__models-dev-repo-models-json.json"
)
JUDGE = JudgeSettings(base_url="http://127.0.0.1:9/v1", model="fake-judge", api_key=None)


def model(model_id: str, released: str, price: tuple[float, float], **extra: Any) -> Model:
    return Model(
        provider="openrouter",
        id=model_id,
        litellm_model=f"openrouter/{model_id}",
        released=date.fromisoformat(released),
        context_window=extra.pop("context_window", 400_000),
        input_cost_per_token=price[0] / 1e6,
        output_cost_per_token=price[1] / 1e6,
        supports_tools=True,
        supports_reasoning=True,
        **extra,
    )


def family(name: str, intent: str) -> Family:
    return Family(name=name, intent=intent, vendors=(), match=(), exclude=(), aliases=(name,))


# A small fixed catalog: OpenAI-style same-day tiers whose names do not tell which is the
# flagship (the descriptions and prices do), and two Sonnets.
SMALL_FAMILIES = {
    "gpt": family("gpt", "OpenAI's flagship general-purpose GPT model."),
    "claude": family("claude", "Anthropic's Claude Sonnet line, the balanced default."),
}
SMALL_CATALOG = {
    "gpt": [
        model(
            "openai/gpt-5.6-luna",
            "2026-05-12",
            (0.25, 2.0),
            description="GPT-5.6 Luna is the fast, cheap tier of GPT-5.6 for high-volume tasks.",
        ),
        model(
            "openai/gpt-5.6-sol",
            "2026-05-12",
            (5.0, 40.0),
            description=(
                "GPT-5.6 Sol is OpenAI's flagship model, the most capable GPT-5.6 tier for "
                "coding, agentic work and long multi-step reasoning across tools."
            ),
        ),
        model(
            "openai/gpt-5.6-terra",
            "2026-05-12",
            (1.25, 10.0),
            description="GPT-5.6 Terra balances capability and cost | for everyday work.",
        ),
        model("openai/gpt-5.5", "2026-04-24", (5.0, 30.0)),
    ],
    "claude": [
        model(
            "anthropic/claude-sonnet-4.6",
            "2026-02-17",
            (3.0, 15.0),
            context_window=1_000_000,
            input_modalities=("text", "image"),
            description="Claude Sonnet 4.6 is Anthropic's balanced model for coding and agents.",
        ),
        model("anthropic/claude-sonnet-4.5", "2025-09-29", (3.0, 15.0), context_window=1_000_000),
    ],
}


def rendered(messages: list[dict[str, str]]) -> str:
    system, user = messages
    return f"SYSTEM:\n{system['content']}\n\nUSER:\n{user['content']}\n"


def test_the_prompt_of_a_small_catalog_is_exactly_the_readme_example() -> None:
    messages = fit_messages(
        "openrouter", SMALL_CATALOG, families=SMALL_FAMILIES, judge=JUDGE, today=TODAY
    )
    assert rendered(messages) == DATA.read_text(encoding="utf-8")


def test_candidate_lines_carry_the_description_last() -> None:
    sol, terra = SMALL_CATALOG["gpt"][1], SMALL_CATALOG["gpt"][2]
    assert describe(sol) == (
        "openai/gpt-5.6-sol | 2026-05-12 | ctx 400k | $5/40 | reasoning,tools | "
        "GPT-5.6 Sol is OpenAI's flagship model, the most capable GPT-5.6 tier for coding, "
        "agentic work and…"
    )
    assert describe(terra).endswith(
        " | GPT-5.6 Terra balances capability and cost / for everyday work."
    )
    assert describe(sol, description_chars=0) == (
        "openai/gpt-5.6-sol | 2026-05-12 | ctx 400k | $5/40 | reasoning,tools"
    )


def test_a_description_without_flags_keeps_its_column() -> None:
    plain = Model(provider="x", id="m-1", litellm_model="x/m-1", description="Our best  model.\n")
    assert describe(plain) == "m-1 | ? | ctx ? | $?/? | - | Our best model."
    assert describe(replace(plain, description=None)) == "m-1 | ? | ctx ? | $?/?"
    assert short_description(plain, 5) == "Our…"


def test_descriptions_are_shortened_then_dropped_before_candidates_are() -> None:
    assert FIT_STEPS[:3] == ((12, 100), (12, 50), (12, 0))
    assert all(chars == 0 for _, chars in FIT_STEPS[3:])
    long_text = "A model. " * 40
    many = {
        name: [
            replace(SMALL_CATALOG["gpt"][0], id=f"openai/gpt-5.{i}-{name}-x", description=long_text)
            for i in range(12)
        ]
        for name in ("gpt", "claude", "grok", "gemini", "kimi", "glm", "qwen")
    }
    fams = {name: family(name, "A family.") for name in many}
    full = build_messages("p", many, families=fams, cap=12, today=TODAY)
    assert request_size(JUDGE, full) > MAX_REQUEST_BYTES
    fitted = fit_messages("p", many, families=fams, judge=JUDGE, today=TODAY)
    assert request_size(JUDGE, fitted) <= MAX_REQUEST_BYTES
    user = fitted[1]["content"]
    assert user.count("\n- ") == 12 * len(many)  # every candidate still listed
    assert "A model." in user  # shortened descriptions fit here
    assert "A model. A model. A model. A model. A model. A model." not in user


def test_the_cache_version_was_raised_for_the_new_lines() -> None:
    assert CACHE_VERSION == 2


def openrouter_candidates() -> dict[str, list[Model]]:
    """The real catalog through the project's parser, descriptions from the catalog itself
    (the first line of OpenRouter's ``description``) where the parser does not fill them yet."""
    if not CATALOG.is_file():
        pytest.skip(f"real OpenRouter catalog not found at {CATALOG}")
    from discovery_tui.providers.openrouter import parse_model

    models: list[Model] = []
    for obj in json.loads(CATALOG.read_text(encoding="utf-8"))["data"]:
        parsed = parse_model(obj)
        if parsed is None:
            continue
        text = obj.get("description")
        if parsed.description is None and isinstance(text, str) and text.strip():
            parsed = replace(parsed, description=one_line(text.strip().splitlines()[0], 160))
        models.append(parsed)
    return candidates_by_family(models, load_families(), provider_vendor=None, today=TODAY)


async def test_the_full_openrouter_catalog_with_descriptions_fits_in_16000_bytes() -> None:
    import httpx

    fams = openrouter_candidates()
    assert sum(1 for ms in fams.values() for m in ms if m.description) >= 40
    with FakeJudge(pick_index(0)) as server:
        async with httpx.AsyncClient() as client:
            judge = JudgeSettings(base_url=server.url, model="fake-judge", api_key="k")
            result = await choose_picks(
                client,
                candidates={"openrouter": fams},
                families=load_families(),
                judge=judge,
                pins={},
                today=TODAY,
                cache_dir=None,
            )
        (item,) = server.recorded()
    assert len(item.raw) <= MAX_REQUEST_BYTES
    assert set(prompt_families(item.body or {})) == set(fams)
    assert all(pick.by == "llm" for pick in result["openrouter"].values())
    user = (item.body or {})["messages"][1]["content"]
    assert "the catalog's description, shortened" in user
    sonnet = next(m for m in fams["claude"] if m.id == "anthropic/claude-sonnet-4.6")
    assert f"- {describe(sonnet)}\n" in user  # descriptions at full length: they fit
    assert '"pricing"' not in item.raw.decode()  # candidate lines, never the raw catalog
