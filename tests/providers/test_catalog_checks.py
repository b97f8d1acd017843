"""Hostile catalogs at the provider boundary, served by the fake provider on 127.0.0.1.

Each class of bad data (ids with control characters or spaces, numbers out of range or not
finite) is checked through the real HTTP path (``fetch.fetch_catalogs``): the bad model or the
bad value is dropped with a printable note, the rest of the catalog is kept, and one provider
whose catalog is all bad fails alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_harness import (
    Harness,
    harness_for,
    openrouter_model,
    xai_model,
    xai_path,
)
from fake_provider import Reply

from discovery_tui.fetch import FetchResult, fetch_catalogs
from discovery_tui.models import Model
from discovery_tui.providers import PROVIDERS
from discovery_tui.providers.checks import checked_models
from discovery_tui.safetext import is_clean_id, printable
from discovery_tui.settings import ResolvedKey

GOOD = "anthropic/claude-sonnet-4.5"

HOSTILE_IDS = {
    "nul": "evil/nul\x00model",
    "esc": "evil/\x1b[31mred\x1b[0m",
    "bidi": "evil/\u202egnp.exe",
    "space": "evil/has space",
    "tab": "evil/has\ttab",
    "newline": "evil/two\nlines",
    "zero-width": "evil/zero\u200bwidth",
}


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        yield harness


async def fetch_both(h: Harness) -> dict[str, FetchResult]:
    specs = [PROVIDERS["openrouter"], PROVIDERS["xai"]]
    keys = {"openrouter": ResolvedKey("env", "k-openrouter"), "xai": ResolvedKey("env", "k-xai")}
    async with httpx.AsyncClient() as client:
        return await fetch_catalogs(client, specs, keys=keys, timeout=10)


def serve_openrouter(h: Harness, *entries: dict[str, Any]) -> None:
    h.server.route(h.server.catalog_path("openrouter"), Reply(json={"data": list(entries)}))


def serve_openrouter_text(h: Harness, body: str) -> None:
    """A raw body: JSON with ``Infinity``/``NaN`` literals, which ``json.dumps`` would not write."""
    h.server.route(h.server.catalog_path("openrouter"), Reply(body=body.encode()))


def assert_printable_notes(result: FetchResult) -> None:
    for note in result.notes:
        assert note.isprintable(), repr(note)


@pytest.mark.parametrize("kind", sorted(HOSTILE_IDS))
async def test_a_model_with_a_hostile_id_is_dropped_with_a_printable_note(
    h: Harness, kind: str
) -> None:
    bad = HOSTILE_IDS[kind]
    serve_openrouter(h, openrouter_model(GOOD), openrouter_model(bad))
    h.server.route(xai_path(h.server), Reply(json={"models": [xai_model("grok-4")]}))
    results = await fetch_both(h)
    openrouter = results["openrouter"]
    assert openrouter.ok and openrouter.catalog is not None
    assert [m.id for m in openrouter.catalog.models] == [GOOD]
    assert len(openrouter.notes) == 1
    note = openrouter.notes[0]
    assert note.endswith("left out: its id has spaces or control characters")
    assert_printable_notes(openrouter)
    if kind in ("nul", "esc", "bidi", "zero-width"):
        assert printable(bad) in note  # escaped, so the user can see what was dropped
    assert results["xai"].ok and results["xai"].notes == ()


async def test_every_hostile_id_at_once_leaves_the_good_ones(h: Harness) -> None:
    serve_openrouter(
        h, *(openrouter_model(i) for i in HOSTILE_IDS.values()), openrouter_model(GOOD)
    )
    h.server.route(xai_path(h.server), Reply(json={"models": [xai_model("grok-4")]}))
    result = (await fetch_both(h))["openrouter"]
    assert result.catalog is not None
    assert [m.id for m in result.catalog.models] == [GOOD]
    assert len(result.notes) == len(HOSTILE_IDS)
    assert_printable_notes(result)


async def test_out_of_range_numbers_drop_the_field_and_keep_the_model(h: Harness) -> None:
    model = openrouter_model("vendor/odd-numbers")
    model["created"] = 1e20
    model["top_provider"]["max_completion_tokens"] = 10**15
    model["pricing"] = {"prompt": "NaN", "completion": "-5", "input_cache_read": "inf"}
    serve_openrouter(h, openrouter_model(GOOD), model)
    h.server.route(xai_path(h.server), Reply(json={"models": [xai_model("grok-4")]}))
    result = (await fetch_both(h))["openrouter"]
    assert result.catalog is not None
    odd = {m.id: m for m in result.catalog.models}["vendor/odd-numbers"]
    assert odd.released is None
    assert odd.max_output_tokens is None
    assert odd.input_cost_per_token is None
    assert odd.output_cost_per_token is None
    assert odd.cache_read_cost_per_token is None
    assert odd.context_window == 200_000  # what was fine stays
    assert result.notes == (
        "model 'vendor/odd-numbers': creation time 1e+20 dropped (not a date between 1990 "
        "and 2100)",
        "model 'vendor/odd-numbers': token limit 1000000000000000 dropped (not a count up "
        "to 100,000,000)",
        "model 'vendor/odd-numbers': price NaN dropped (not a finite price in range)",
        "model 'vendor/odd-numbers': price -5 dropped (a negative price)",
        "model 'vendor/odd-numbers': price inf dropped (not a finite price in range)",
    )


async def test_json_infinity_and_nan_literals_do_not_stop_the_run(h: Harness) -> None:
    good = json.dumps(openrouter_model(GOOD))
    odd = json.dumps(openrouter_model("vendor/infinite"))
    odd = odd.replace('"context_length": 200000', '"context_length": Infinity', 1)
    odd = odd.replace('"created": 1760000000', '"created": NaN', 1)
    odd = odd.replace('"prompt": "0.000003"', '"prompt": -Infinity', 1)
    serve_openrouter_text(h, f'{{"data": [{good}, {odd}]}}')
    h.server.route(xai_path(h.server), Reply(json={"models": [xai_model("grok-4")]}))
    results = await fetch_both(h)
    result = results["openrouter"]
    assert result.catalog is not None
    infinite = {m.id: m for m in result.catalog.models}["vendor/infinite"]
    assert infinite.released is None
    assert infinite.input_cost_per_token is None
    assert infinite.context_window == 200_000  # top_provider's context, which is finite
    assert any("token limit inf dropped" in note for note in result.notes)
    assert any("price -inf dropped" in note for note in result.notes)
    assert results["xai"].ok


async def test_xai_prices_in_range_checks_apply_to_its_own_unit(h: Harness) -> None:
    model = xai_model("grok-4")
    model["prompt_text_token_price"] = 1e30  # cents per 100M tokens: absurd
    model["cached_prompt_text_token_price"] = 5000
    serve_openrouter(h, openrouter_model(GOOD))
    h.server.route(xai_path(h.server), Reply(json={"models": [model, xai_model("grok-3")]}))
    result = (await fetch_both(h))["xai"]
    assert result.catalog is not None
    grok = {m.id: m for m in result.catalog.models}["grok-4"]
    assert grok.input_cost_per_token is None
    assert grok.cache_read_cost_per_token == pytest.approx(5e-7)
    assert result.notes == ("model 'grok-4': price 1e+30 dropped (not a finite price in range)",)


async def test_a_catalog_of_only_bad_ids_fails_alone(h: Harness) -> None:
    h.server.route(
        xai_path(h.server),
        Reply(json={"models": [xai_model("grok\x00-4"), xai_model("grok 3")]}),
    )
    serve_openrouter(h, openrouter_model(GOOD))
    results = await fetch_both(h)
    xai = results["xai"]
    assert not xai.ok
    assert xai.error == (
        "xAI returned no usable models (2 left out, see the notes): check the API base URL"
    )
    assert len(xai.notes) == 2
    assert_printable_notes(xai)
    assert results["openrouter"].ok


def test_checked_models_drops_values_a_parser_let_through() -> None:
    """Models built without the base helpers (the demo, Perplexity's list) are checked too."""
    model = Model(
        provider="p",
        id="m-1",
        litellm_model="p/m-1",
        context_window=10**12,
        input_cost_per_token=float("nan"),
        output_cost_per_token=float("inf"),
        released=date(9999, 1, 1),
        name="Evil\x1b]0;title\x07 name",
    )
    kept, notes = checked_models([model])
    assert len(kept) == 1
    checked = kept[0]
    assert checked.context_window is None
    assert checked.input_cost_per_token is None
    assert checked.output_cost_per_token is None
    assert checked.released is None
    assert checked.name == "Evil]0;title name"
    assert len(notes) == 4
    assert all(note.isprintable() for note in notes)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x00b", "a\\x00b"),
        ("\x1b[2J", "\\x1b[2J"),
        ("rtl\u202eoverride", "rtl\\u202eoverride"),
        ("line\nbreak", "line\\x0abreak"),
        ("plain ünïcode text", "plain ünïcode text"),
    ],
)
def test_printable_escapes_what_a_terminal_would_act_on(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert printable(text).isprintable()


@pytest.mark.parametrize(
    ("model_id", "clean"),
    [
        ("gpt-5", True),
        ("anthropic/claude-sonnet-4.6:thinking", True),
        ("~anthropic/claude-sonnet-latest", True),
        ("a b", False),
        ("a\u00a0b", False),  # no-break space
        ("a\u200db", False),  # zero-width joiner
        ("", False),
    ],
)
def test_is_clean_id(model_id: str, clean: bool) -> None:
    assert is_clean_id(model_id) is clean
