"""models.dev enrichment: loading (cache, failures, URL) and filling what catalogs leave empty."""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from discovery_tui.enrich import (
    CACHE_FILE,
    DEFAULT_URL,
    URL_ENV,
    ModelsDev,
    enrich,
    facts_of,
    find,
    load_models_dev,
)
from discovery_tui.models import Model

NOW = datetime(2026, 6, 14, 12, 0, tzinfo=timezone.utc)
MODELS_DEV_SAMPLE = "models-dev__symfony-models-dev-api-json.json"


def _sonnet(**extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "claude-sonnet-4-5",
        "cost": {"input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75},
        "limit": {"context": 200000, "output": 64000},
        "release_date": "2025-09-29",
        "reasoning": True,
        "tool_call": True,
        "modalities": {"input": ["text", "image", "pdf"], "output": ["text"]},
    }
    entry.update(extra)
    return entry


SYNTHETIC: dict[str, Any] = {
    "anthropic": {"id": "anthropic", "models": {"claude-sonnet-4-5": _sonnet()}},
    "google": {
        "id": "google",
        "models": {
            "gemini-2.0-flash": _sonnet(id="gemini-2.0-flash", cost={"input": 0.1, "output": 0.4}),
            "gpt-4o": _sonnet(id="gpt-4o"),
        },
    },
    "openai": {
        "id": "openai",
        "models": {
            "gpt-4o": _sonnet(id="gpt-4o", cost={"input": 2.5, "output": 10}),
            "gpt-4o-2024-05-13": _sonnet(id="gpt-4o-2024-05-13", cost={"input": 5, "output": 15}),
            "gpt-4o-mini": _sonnet(id="gpt-4o-mini", cost={"input": 0.15, "output": 0.6}),
            "o9-2030-01-01": _sonnet(id="o9-2030-01-01", cost={"input": 7, "output": 9}),
        },
    },
}


def _data(raw: dict[str, Any] | None = None) -> ModelsDev:
    raw = SYNTHETIC if raw is None else raw
    return ModelsDev({key: value["models"] for key, value in raw.items()})


def _model(provider: str, model_id: str, **fields: Any) -> Model:
    return Model(provider=provider, id=model_id, litellm_model=f"{provider}/{model_id}", **fields)


# --- enrich: what is filled, what wins -----------------------------------------------------------


def test_fills_every_empty_field_per_token_and_records_the_source() -> None:
    [model] = enrich([_model("anthropic", "claude-sonnet-4-5")], "anthropic", _data())

    assert model.input_cost_per_token == 3e-06
    assert model.output_cost_per_token == 1.5e-05
    assert model.cache_read_cost_per_token == 3e-07
    assert model.cache_write_cost_per_token == 3.75e-06
    assert model.context_window == 200000
    assert model.max_output_tokens == 64000
    assert model.released == date(2025, 9, 29)
    assert model.supports_reasoning is True
    assert model.supports_tools is True
    assert model.input_modalities == ("text", "image", "pdf")
    assert model.output_modalities == ("text",)
    assert model.filled == tuple(
        (name, "models.dev")
        for name in sorted(
            [
                "cache_read_cost_per_token",
                "cache_write_cost_per_token",
                "context_window",
                "input_cost_per_token",
                "input_modalities",
                "max_output_tokens",
                "output_cost_per_token",
                "released",
                "supports_reasoning",
                "supports_tools",
            ]
        )
    )
    assert model.filled_from("cache_read_cost_per_token") == "models.dev"
    assert model.filled_from("id") is None
    again = enrich([_model("anthropic", "claude-sonnet-4-5")], "anthropic", _data())[0]
    assert {model: 1}[again] == 1  # still frozen and hashable: usable in sets and as a key


def test_the_providers_own_values_win_and_are_not_marked_filled() -> None:
    own = _model(
        "anthropic",
        "claude-sonnet-4-5",
        input_cost_per_token=1e-06,
        context_window=1_000_000,
        released=date(2025, 9, 30),
        supports_reasoning=False,
        input_modalities=("text", "image"),
    )
    [model] = enrich([own], "anthropic", _data())

    assert model.input_cost_per_token == 1e-06
    assert model.context_window == 1_000_000
    assert model.released == date(2025, 9, 30)
    assert model.supports_reasoning is False
    assert model.input_modalities == ("text", "image")
    assert model.output_cost_per_token == 1.5e-05  # empty in the catalog: filled
    filled = dict(model.filled)
    for kept in ("input_cost_per_token", "context_window", "released", "supports_reasoning"):
        assert kept not in filled
    assert "input_modalities" not in filled
    assert filled["output_cost_per_token"] == "models.dev"


def test_a_catalog_that_states_modalities_keeps_text_only() -> None:
    data = _data({"openrouter": {"models": {"a/b": _sonnet(id="a/b")}}})
    [model] = enrich([_model("openrouter", "a/b")], "openrouter", data)
    assert model.input_modalities == ("text",)
    assert "input_modalities" not in dict(model.filled)
    assert model.input_cost_per_token == 3e-06


def test_a_model_models_dev_does_not_know_is_returned_unchanged() -> None:
    models = [_model("anthropic", "claude-fable-9"), _model("custom", "claude-sonnet-4-5")]
    assert enrich(models[:1], "anthropic", _data()) == models[:1]
    assert enrich(models[1:], "custom", _data()) == models[1:]


def test_gemini_maps_to_google_and_never_to_another_providers_model() -> None:
    gemini = enrich(
        [_model("gemini", "gemini-2.0-flash"), _model("gemini", "models/gpt-4o")], "gemini", _data()
    )
    assert gemini[0].input_cost_per_token == 1e-07
    assert gemini[1].input_cost_per_token == 3e-06  # google's own "gpt-4o" entry, not openai's
    [openai] = enrich([_model("openai", "gemini-2.0-flash")], "openai", _data())
    assert openai.filled == ()


# --- matching ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("gpt-4o-mini", "gpt-4o-mini"),  # exact
        ("gpt-4o-mini-2024-07-18", "gpt-4o-mini"),  # dated, its undated id has no dated sibling
        ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),  # exact dated
        ("gpt-4o-2024-11-20", None),  # gpt-4o has dated siblings: which one it is is a guess
        ("o9", "o9-2030-01-01"),  # undated, the one snapshot listed
        ("gpt-4o-mini-2024", None),  # a year is not a snapshot suffix
        ("gpt-4o-mini-search", None),  # another model
        ("gpt-4o-mini:free", None),
    ],
)
def test_find_matches_ids_and_only_unambiguous_snapshots(
    model_id: str, expected: str | None
) -> None:
    models = _data().providers["openai"]
    found = find(models, model_id)
    assert (found["id"] if found else None) == expected


def test_gemini_numbered_snapshot_matches_its_undated_id() -> None:
    found = find(_data().providers["google"], "gemini-2.0-flash-001")
    assert found is not None and found["id"] == "gemini-2.0-flash"


# --- numbers are checked -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [-1, math.nan, math.inf, 1e9, "3", True, None],
)
def test_prices_outside_a_sane_range_are_ignored(bad: object) -> None:
    facts = facts_of({"cost": {"input": bad, "output": 15, "cache_read": bad}})
    assert facts.input_cost_per_token is None
    assert facts.cache_read_cost_per_token is None
    assert facts.output_cost_per_token == 1.5e-05


def test_a_zero_price_is_a_price() -> None:
    assert facts_of({"cost": {"input": 0, "output": 0.0}}).input_cost_per_token == 0.0


@pytest.mark.parametrize("bad", [0, -5, 99_999_999, 1.5, "200000", False])
def test_limits_outside_a_sane_range_are_ignored(bad: object) -> None:
    facts = facts_of({"limit": {"context": bad, "output": bad}})
    assert facts.context_window is None
    assert facts.max_output_tokens is None


@pytest.mark.parametrize("bad", ["2025-06", "2025-02-30", "1970-01-01", 20250101, ""])
def test_a_release_that_is_not_a_day_is_ignored(bad: object) -> None:
    assert facts_of({"release_date": bad}).released is None


def test_unknown_modalities_and_non_boolean_flags_are_ignored() -> None:
    facts = facts_of(
        {"modalities": {"input": ["text", "smell"], "output": "text"}, "reasoning": "yes"}
    )
    assert facts.input_modalities is None
    assert facts.output_modalities is None
    assert facts.supports_reasoning is None


# --- loading: cache, failures, URL ---------------------------------------------------------------


class Counting:
    """An httpx transport answering with ``handler`` and counting requests."""

    def __init__(self, handler: Any) -> None:
        self.urls: list[str] = []
        self._handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        response: httpx.Response = self._handler(request)
        return response

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=SYNTHETIC)


def _cache(tmp_path: Path, raw: dict[str, Any], age: timedelta) -> Path:
    path = tmp_path / CACHE_FILE
    path.write_text(json.dumps(raw), encoding="utf-8")
    stamp = (NOW - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture(autouse=True)
def _no_url_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(URL_ENV, raising=False)


async def test_a_fresh_cache_makes_no_request(tmp_path: Path) -> None:
    _cache(tmp_path, {"xai": {"models": {"grok-9": {"id": "grok-9"}}}}, timedelta(hours=23))
    transport = Counting(_ok)
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=tmp_path, now=NOW)
    assert transport.urls == []
    assert result.data is not None and result.from_cache and result.note is None
    assert set(result.data.providers) == {"xai"}


async def test_a_stale_cache_is_fetched_again_and_rewritten(tmp_path: Path) -> None:
    path = _cache(tmp_path, {"xai": {"models": {"grok-9": {}}}}, timedelta(hours=25))
    transport = Counting(_ok)
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=tmp_path, now=NOW)
    assert transport.urls == [DEFAULT_URL]
    assert result.data is not None and not result.from_cache and result.note is None
    assert set(result.data.providers) == {"anthropic", "google", "openai"}
    assert json.loads(path.read_text(encoding="utf-8")) == SYNTHETIC


async def test_no_cache_folder_fetches_and_writes_nothing(tmp_path: Path) -> None:
    transport = Counting(_ok)
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=None, now=NOW)
    assert transport.urls == [DEFAULT_URL] and result.data is not None
    assert list(tmp_path.iterdir()) == []


async def test_the_url_moves_with_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:9/mirror/api.json")
    transport = Counting(_ok)
    async with transport.client() as client:
        await load_models_dev(client, cache_dir=tmp_path, now=NOW)
        await load_models_dev(client, url="http://127.0.0.1:9/given", cache_dir=None, now=NOW)
    assert transport.urls == ["http://127.0.0.1:9/mirror/api.json", "http://127.0.0.1:9/given"]


def _server_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text="boom")


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("slow", request=request)


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("refused", request=request)


def _not_json(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="<html>models</html>")


def _wrong_shape(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"data": [{"id": "gpt-4o"}]})


@pytest.mark.parametrize(
    ("handler", "why"),
    [
        (_server_error, "models.dev answered HTTP 500 (https://models.dev/api.json)"),
        (_timeout, "models.dev did not answer in time (https://models.dev/api.json)"),
        (_refused, "models.dev could not be reached (https://models.dev/api.json): ConnectError"),
        (_not_json, "models.dev sent something that is not JSON"),
        (_wrong_shape, "models.dev sent JSON without any provider's models"),
    ],
)
async def test_a_failed_fetch_is_a_note_and_no_data(
    tmp_path: Path, handler: Any, why: str
) -> None:
    transport = Counting(handler)
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=tmp_path, now=NOW)
    assert result.data is None
    assert result.note == f"{why}; prices and limits are the catalogs' only"
    assert not (tmp_path / CACHE_FILE).exists()


async def test_a_failed_fetch_falls_back_to_a_stale_cache_with_a_note(tmp_path: Path) -> None:
    _cache(tmp_path, SYNTHETIC, timedelta(days=3, hours=1))
    transport = Counting(_server_error)
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=tmp_path, now=NOW)
    assert transport.urls == [DEFAULT_URL]
    assert result.data is not None and result.from_cache
    assert result.note == (
        "models.dev answered HTTP 500 (https://models.dev/api.json); "
        "using the copy cached 3 day(s) ago"
    )


async def test_a_corrupt_cache_is_fetched_again(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    path.write_text("{not json", encoding="utf-8")
    transport = Counting(_ok)
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=tmp_path, now=datetime.now(timezone.utc))
    assert transport.urls == [DEFAULT_URL] and result.data is not None
    assert json.loads(path.read_text(encoding="utf-8")) == SYNTHETIC


async def test_an_oversized_answer_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("discovery_tui.enrich.MAX_BODY_BYTES", 64)
    transport = Counting(_ok)
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=tmp_path, now=NOW)
    assert result.data is None
    assert result.note is not None and result.note.startswith("models.dev sent over 0 MB")


# --- a real HTTP server on 127.0.0.1 and the real models.dev sample ------------------------------


@pytest.fixture
def models_dev_body(catalogs_dir: Path) -> bytes:
    return (catalogs_dir / MODELS_DEV_SAMPLE).read_bytes()


@pytest.fixture
def local_server(models_dev_body: bytes) -> Iterator[tuple[str, list[str]]]:
    """models.dev's sample served on 127.0.0.1; yields its URL and the paths requested."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(models_dev_body)))
            self.end_headers()
            self.wfile.write(models_dev_body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api.json", requests
    finally:
        server.shutdown()
        server.server_close()


def _gemini_models(catalogs_dir: Path) -> list[Model]:
    raw = json.loads((catalogs_dir / "gemini__aylivdele-metaboxaibot.json").read_text())
    return [
        _model("gemini", obj["name"].removeprefix("models/"), context_window=obj["inputTokenLimit"])
        for obj in raw["models"]
        if "generateContent" in obj.get("supportedGenerationMethods", [])
    ]


async def test_the_real_sample_over_a_local_server_prices_gemini(
    tmp_path: Path,
    catalogs_dir: Path,
    local_server: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, requests = local_server
    monkeypatch.setenv(URL_ENV, url)
    async with httpx.AsyncClient() as client:
        first = await load_models_dev(client, cache_dir=tmp_path)
        second = await load_models_dev(client, cache_dir=tmp_path)
    assert requests == ["/api.json"]  # the second load came from the cache
    assert first.data is not None and second.data is not None and second.from_cache
    assert len(first.data.providers) == 145

    models = {m.id: m for m in enrich(_gemini_models(catalogs_dir), "gemini", first.data)}
    pro = models["gemini-2.5-pro"]
    assert (pro.input_cost_per_token, pro.output_cost_per_token) == (1.25e-06, 1e-05)
    assert pro.cache_read_cost_per_token == 1.25e-07
    assert pro.context_window == 1048576  # the catalog's own value
    assert "context_window" not in dict(pro.filled)
    assert pro.max_output_tokens == 65536 and pro.released == date(2025, 3, 20)
    assert models["gemini-2.0-flash-001"].input_cost_per_token == 1e-07
    assert models["gemini-pro-latest"].filled == ()  # not in models.dev: nothing guessed


async def test_the_real_sample_fills_anthropic_cache_prices_and_keeps_openrouters_own(
    models_dev_body: bytes,
) -> None:
    transport = Counting(lambda request: httpx.Response(200, content=models_dev_body))
    async with transport.client() as client:
        result = await load_models_dev(client, cache_dir=None, now=NOW)
    assert result.data is not None
    [sonnet] = enrich([_model("anthropic", "claude-sonnet-4-20250514")], "anthropic", result.data)
    assert sonnet.cache_read_cost_per_token == 3e-07
    assert sonnet.cache_write_cost_per_token == 3.75e-06
    assert sonnet.max_output_tokens == 64000

    own = _model(
        "openrouter",
        "anthropic/claude-sonnet-4.6",
        input_cost_per_token=4e-06,
        cache_read_cost_per_token=4e-07,
    )
    [routed] = enrich([own], "openrouter", result.data)
    assert routed.input_cost_per_token == 4e-06
    assert routed.cache_read_cost_per_token == 4e-07
    assert routed.cache_write_cost_per_token == 3.75e-06
    assert routed.filled_from("cache_write_cost_per_token") == "models.dev"
    assert routed.filled_from("cache_read_cost_per_token") is None


def test_a_catalog_is_enriched_whole_and_summarised() -> None:
    from discovery_tui.enrich import enrich_catalog, filled_summary
    from discovery_tui.models import Catalog

    known = _model("openai", "gpt-4o-mini", input_cost_per_token=1e-07)
    unknown = _model("openai", "gpt-unknown")
    catalog = Catalog("openai", (known, unknown))
    enriched = enrich_catalog(catalog, _data())
    assert enriched.models[1] is unknown
    assert enriched.models[0].input_cost_per_token == 1e-07
    assert enriched.models[0].output_cost_per_token == 6e-07
    assert filled_summary(enriched.models)["output_cost_per_token"] == 1
    assert "input_cost_per_token" not in filled_summary(enriched.models)
    plain = Catalog("openai", (unknown,))
    assert enrich_catalog(plain, _data()) is plain
