"""A provider whose fetch failed changes nothing of its own: its entries are kept as they are,
and so are the aliases that route to its recorded picks, even one now held by an entry the user
took over (reported by P5: a refresh with OpenRouter down removed ``gpt`` and ``claude-gpt``).
The alias is settled by the next refresh that reaches the provider: it then moves to another
provider's pick, or goes, with the note the plan gives today."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Harness, alias_lines, entry_blocks, serving_harness
from fake_provider import Reply

GPT = "openrouter/openai/gpt-5"
DOWN = Reply(500, json={"error": "internal"}, headers={"Retry-After": "0"})


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    yield from serving_harness(tmp_path, monkeypatch, capsys)


def take_over_gpt(h: Harness) -> str:
    """The user replaces the tool's gpt-5 entry with one of their own, of the same name."""
    text = h.text()
    (block,) = [b for b in entry_blocks(text) if f"model_name: {GPT}\n" in b]
    mine = (
        f"  - model_name: {GPT}\n"
        "    litellm_params:\n"
        "      model: openai/gpt-5\n"
        "      api_key: os.environ/MY_GATEWAY_KEY\n"
    )
    h.config.write_text(text.replace(block, mine), encoding="utf-8")
    return h.text()


def test_a_failed_fetch_keeps_the_aliases_of_its_picks_even_on_a_taken_over_entry(
    h: Harness,
) -> None:
    first = h.refresh("--yes")
    assert first.code == 0, first.text
    assert {a: alias_lines(h.text())[a] for a in ("gpt", "claude-gpt")} == {
        "gpt": f"    gpt: {GPT}",
        "claude-gpt": f"    claude-gpt: {GPT}",
    }
    before = take_over_gpt(h)
    h.serve(openrouter=[DOWN])

    run = h.refresh("--yes", "--json")

    assert run.code == 3, run.text
    assert run.json["providers"]["openrouter"]["status"] == "failed"
    assert run.json["aliases"]["gpt"] == GPT
    assert run.json["aliases"]["claude-gpt"] == GPT
    assert h.text() == before  # xai's pick is unchanged: nothing to write at all
    assert (
        "gpt and claude-gpt: openrouter/openai/gpt-5 is your own entry, not written by "
        "discovery-tui; gpt and claude-gpt are kept as they are until openrouter is refreshed"
    ) in run.json["notes"]


def test_the_next_refresh_that_reaches_the_provider_settles_the_alias(h: Harness) -> None:
    assert h.refresh("--yes").code == 0
    take_over_gpt(h)

    run = h.refresh("--yes", "--json")

    assert run.code == 0, run.text
    assert "gpt" not in run.json["aliases"]
    assert "gpt" not in alias_lines(h.text())
    assert (
        "gpt and claude-gpt: openrouter/openai/gpt-5 is your own entry, not written by "
        "discovery-tui; gpt and claude-gpt are not written"
    ) in run.json["notes"]
