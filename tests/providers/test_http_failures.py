"""Failures common to every HTTP provider: keys, empty lists, schemas, retries, statuses."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from provider_kit import HTTP_PROVIDERS, KEY, LIST_KEY, Script, catalog_route, fetch, minimal, ok

from discovery_tui.errors import ProviderError
from discovery_tui.providers import PROVIDERS


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_key_goes_in_a_header_never_the_url(name: str) -> None:
    script = Script(catalog_route([ok(minimal(name))]))
    models = await fetch(name, script)
    assert len(models) == 1
    header = {"gemini": "x-goog-api-key", "anthropic": "x-api-key"}.get(name, "authorization")
    for request in script.requests:
        assert KEY not in str(request.url)
        assert KEY in request.headers[header]


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_an_empty_list_is_a_failure(name: str) -> None:
    empty: dict[str, list[Any]] = {LIST_KEY.get(name, "data"): []}
    script = Script(catalog_route([ok(empty)]))
    with pytest.raises(ProviderError) as caught:
        await fetch(name, script)
    message = str(caught.value)
    assert "empty model list" in message
    assert message.startswith(PROVIDERS[name].label)
    assert "\n" not in message


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
@pytest.mark.parametrize(
    "payload",
    [{"result": {"models": []}}, "models", {"data": "none", "models": "none"}],
    ids=["wrapped", "string", "not-a-list"],
)
async def test_a_changed_schema_is_a_failure(name: str, payload: Any) -> None:
    script = Script(catalog_route([ok(payload)]))
    with pytest.raises(ProviderError, match="the API may have changed") as caught:
        await fetch(name, script)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_entries_without_ids_are_a_failure(name: str) -> None:
    key = LIST_KEY.get(name, "data")
    script = Script(catalog_route([ok({key: [{"id": ""}, {"object": "model"}, 7]})]))
    with pytest.raises(ProviderError):
        await fetch(name, script)


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
async def test_retries_429_honouring_retry_after_then_succeeds(name: str) -> None:
    replies = [
        httpx.Response(429, headers={"Retry-After": "0"}),
        httpx.Response(503, headers={"Retry-After": "0"}),
        ok(minimal(name)),
    ]
    script = Script(catalog_route(replies))
    models = await fetch(name, script)
    assert len(models) == 1
    assert len([r for r in script.requests if r.url.path.endswith("/v1/models")]) == 3


@pytest.mark.parametrize("name", HTTP_PROVIDERS)
@pytest.mark.parametrize(
    ("status", "words"),
    [
        (401, "rejected the key (HTTP 401)"),
        (403, "refused access (HTTP 403)"),
        (404, "has no model list at"),
        (500, "failed on its side (HTTP 500)"),
    ],
)
async def test_http_errors_become_one_line_messages(name: str, status: int, words: str) -> None:
    spec = PROVIDERS[name]
    response = httpx.Response(status, headers={"Retry-After": "0"}, json={"error": KEY})
    script = Script(catalog_route([response]))
    with pytest.raises(ProviderError) as caught:
        await fetch(name, script)
    message = str(caught.value)
    assert message.startswith(spec.label)
    assert words in message
    assert KEY not in message
    assert "\n" not in message
    if status in (401, 403):
        assert f"set {spec.key_env} or run `discovery-tui keys set {name}`" in message
