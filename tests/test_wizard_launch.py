"""The wizard's launch menu: each model once, with its aliases, context and price."""

from __future__ import annotations

from discovery_tui.commands.wizard_launch import (
    LAUNCH_QUESTION,
    LaunchRow,
    facts_text,
    launch_rows,
    row_titles,
)
from discovery_tui.prompt import CHECKBOX_HINT, SEARCH_HINT, Searchable, fit_question

ALIASES = {
    "claude": "anthropic/claude-sonnet-4-6",
    "default": "anthropic/claude-sonnet-4-6",
    "gpt": "openai/gpt-5.5",
    "claude-gpt": "openai/gpt-5.5",
    "claude-strong": "anthropic/claude-opus-4-6",
}
MODELS = [
    "anthropic/claude-sonnet-4-6",
    "anthropic/claude-opus-4-6",
    "openai/gpt-5.5",
    "openai/gpt-5.5-mini",
    "my-own-model",
]
FACTS = {
    "anthropic/claude-sonnet-4-6": {
        "max_input_tokens": 200_000,
        "input_cost_per_token": 0.000003,
        "output_cost_per_token": 0.000015,
    },
    "anthropic/claude-opus-4-6": {
        "max_input_tokens": 1_000_000,
        "input_cost_per_token": 0.000005,
        "output_cost_per_token": 0.000025,
    },
    "openai/gpt-5.5": {"max_input_tokens": 1_050_000, "input_cost_per_token": 0.000005},
}


def test_each_target_is_one_row_with_its_aliases_context_and_price() -> None:
    rows = launch_rows(ALIASES, MODELS, FACTS, current=None)

    assert row_titles(rows) == [
        "anthropic/claude-sonnet-4-6  claude, default   200k  $3/$15",
        "openai/gpt-5.5               gpt              1.05M  $5/$?",
        "anthropic/claude-opus-4-6    claude-strong       1M  $5/$25",
        "openai/gpt-5.5-mini",
        "my-own-model",
    ]
    assert [r.value for r in rows] == [
        "claude",
        "gpt",
        "claude-strong",
        "openai/gpt-5.5-mini",
        "my-own-model",
    ]


def test_the_current_launch_model_is_the_value_of_its_row() -> None:
    rows = launch_rows(ALIASES, MODELS, FACTS, current="claude-gpt")

    assert rows[1].value == "claude-gpt"  # the picker twin still launches, on gpt's row
    assert rows[0].value == "claude"


def test_long_names_are_shortened_in_the_middle() -> None:
    name = "openrouter/some-vendor/a-very-long-model-name-that-goes-on-and-on-v2"
    (title,) = row_titles(launch_rows({"x": name}, [name], {}, current=None))

    assert title == "openrouter/some-vendo…that-goes-on-and-on-v2  x"


def test_unknown_facts_show_nothing() -> None:
    assert facts_text({}) == ("", "")
    assert facts_text({"max_input_tokens": True}) == ("", "")


DEMO_ROWS = [  # (target, aliases, context, price) as the demo's launch menu has them
    ("anthropic/claude-sonnet-4-6", ("claude", "default"), "1M", "$3/$15"),
    ("gemini/gemini-3-flash-preview", ("gemini-flash", "cheap"), "1.05M", ""),
    ("deepseek/deepseek-v4-pro", ("deepseek", "reasoning"), "1.05M", "$0.43/$0.87"),
    ("openrouter/google/gemini-3.1-pro-preview", (), "1.05M", "$2/$12"),
    ("gemini/gemini-2.5-pro", (), "", ""),
]


def demo_rows() -> list[LaunchRow]:
    return [LaunchRow(a[0] if a else t, t, a, c, p) for t, a, c, p in DEMO_ROWS]


def test_rows_at_100_columns_show_every_alias() -> None:
    assert row_titles(demo_rows(), width=100) == [
        "anthropic/claude-sonnet-4-6               claude, default         1M  $3/$15",
        "gemini/gemini-3-flash-preview             gemini-flash, cheap  1.05M",
        "deepseek/deepseek-v4-pro                  deepseek, reasoning  1.05M  $0.43/$0.87",
        "openrouter/google/gemini-3.1-pro-preview                       1.05M  $2/$12",
        "gemini/gemini-2.5-pro",
    ]


def test_rows_at_60_columns_fit_with_context_and_price() -> None:
    titles = row_titles(demo_rows(), width=60)

    assert titles == [
        "anthropic…onnet-4-6  claude +1           1M  $3/$15",
        "gemini/ge…h-preview  gemini-flash +1  1.05M",
        "deepseek/…ek-v4-pro  deepseek +1      1.05M  $0.43/$0.87",
        "openroute…o-preview                   1.05M  $2/$12",
        "gemini/ge…i-2.5-pro",
    ]
    assert all(len(title) <= 60 - 4 for title in titles)  # the select's " » " and the cursor


def test_a_shortened_row_is_still_found_by_its_full_name() -> None:
    title = Searchable("openrouter…pro-preview", "openrouter/google/gemini-3.1-pro-preview")

    assert title == "openrouter…pro-preview"  # what the menu shows
    assert "gemini-3.1" in title.lower()  # what type-to-filter matches (questionary's test)


def test_questions_wrap_between_words_and_the_hint_moves_down() -> None:
    assert fit_question("Providers to refresh?", CHECKBOX_HINT, 60) == "Providers to refresh?"
    assert fit_question(LAUNCH_QUESTION, SEARCH_HINT, 60) == f"{LAUNCH_QUESTION}\n "
    assert fit_question(LAUNCH_QUESTION, SEARCH_HINT, 100) == LAUNCH_QUESTION
    long = "Apply these changes to /home/ana/projects/litellm/config.yaml?"
    assert fit_question(long, "(Use arrow keys)", 60) == (
        "Apply these changes to\n  /home/ana/projects/litellm/config.yaml?"
    )
    assert fit_question(long, "(Use arrow keys, type to filter)", 60) == (
        "Apply these changes to\n  /home/ana/projects/litellm/config.yaml?\n "
    )
