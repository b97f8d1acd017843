"""The wizard's launch menu: each model once, with its aliases, context and price."""

from __future__ import annotations

from discovery_tui.commands.wizard_launch import facts_text, launch_rows, row_titles

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
