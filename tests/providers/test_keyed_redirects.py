"""Keys stay with their origin; API bases with credentials are refused; redirects say so.

Two real servers on 127.0.0.1 (different ports: different origins). The first answers the
catalog request with a redirect to the second; the second records what arrived.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fake_provider import FakeProvider, Reply

from discovery_tui.errors import ConfigError
from discovery_tui.fetch import fetch_one, new_client
from discovery_tui.providers import PROVIDERS, custom_spec
from discovery_tui.providers.base import ProviderSpec
from discovery_tui.secrets import redact_url
from discovery_tui.settings import ResolvedKey

KEY = "sk-SECRET-redirect-0123456789"
KEY_HEADERS = ("authorization", "x-api-key", "x-goog-api-key")

CATALOGS: dict[str, Any] = {
    "openai": {"data": [{"id": "gpt-5", "created": 1_760_000_000, "owned_by": "openai"}]},
    "anthropic": {
        "data": [{"id": "claude-sonnet-4-5", "type": "model", "created_at": "2025-09-29"}],
        "has_more": False,
    },
    "gemini": {
        "models": [
            {"name": "models/gemini-2.5-pro", "supportedGenerationMethods": ["generateContent"]}
        ]
    },
}


@pytest.fixture
def other() -> Iterator[FakeProvider]:
    server = FakeProvider().start()
    try:
        yield server
    finally:
        server.stop()


def moved_to(monkeypatch: pytest.MonkeyPatch, first: FakeProvider, provider: str) -> ProviderSpec:
    spec = PROVIDERS[provider]
    monkeypatch.setenv(spec.api_base_env, first.base_url(provider))
    return spec


async def fetch(spec: ProviderSpec, key: str | None = KEY) -> Any:
    client = new_client(timeout=10)  # the run's client, which follows redirects by default
    try:
        value = ResolvedKey("env", key) if key else ResolvedKey("keyless")
        return await fetch_one(client, spec, key=value, timeout=10)
    finally:
        await client.aclose()


@pytest.mark.parametrize("provider", sorted(CATALOGS))
async def test_a_redirect_to_another_origin_carries_no_key_header(
    monkeypatch: pytest.MonkeyPatch,
    fake_provider: FakeProvider,
    other: FakeProvider,
    provider: str,
) -> None:
    spec = moved_to(monkeypatch, fake_provider, provider)
    target = other.url + "/elsewhere/models"
    fake_provider.route(
        fake_provider.catalog_path(provider), Reply(status=302, headers={"Location": target})
    )
    other.json("/elsewhere/models", CATALOGS[provider])
    result = await fetch(spec)
    assert result.ok, result.error
    first = fake_provider.requests_to(fake_provider.catalog_path(provider))
    arrived = other.requests_to("/elsewhere/models")
    assert len(first) == 1 and len(arrived) == 1
    assert any(KEY in value for value in first[0].headers.values())  # the first origin had it
    for name in KEY_HEADERS:
        assert name not in arrived[0].headers, name
    assert not any(KEY in value for value in arrived[0].headers.values())
    if provider == "anthropic":
        assert arrived[0].headers["anthropic-version"] == "2023-06-01"  # not a secret


async def test_a_redirect_within_the_origin_keeps_the_key(
    monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider
) -> None:
    spec = moved_to(monkeypatch, fake_provider, "openai")
    fake_provider.route(
        fake_provider.catalog_path("openai"), Reply(status=301, headers={"Location": "/v2/models"})
    )
    fake_provider.json("/v2/models", CATALOGS["openai"])
    result = await fetch(spec)
    assert result.ok, result.error
    assert fake_provider.requests_to("/v2/models")[0].headers["authorization"] == f"Bearer {KEY}"


async def test_a_chain_back_to_the_first_origin_stays_without_the_key(
    monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider, other: FakeProvider
) -> None:
    """Once a redirect left the origin, the key does not come back on a later hop."""
    spec = moved_to(monkeypatch, fake_provider, "gemini")
    fake_provider.route(
        fake_provider.catalog_path("gemini"),
        Reply(status=302, headers={"Location": other.url + "/hop"}),
    )
    other.route("/hop", Reply(status=307, headers={"Location": fake_provider.url + "/final"}))
    fake_provider.json("/final", CATALOGS["gemini"])
    result = await fetch(spec)
    assert result.ok, result.error
    assert "x-goog-api-key" not in fake_provider.requests_to("/final")[0].headers


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "ftp://user:SECRET-in-location@example.test/models", "gopher://x/"],
)
async def test_a_redirect_to_a_non_http_scheme_is_named_as_a_redirect(
    monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider, location: str
) -> None:
    spec = moved_to(monkeypatch, fake_provider, "openai")
    fake_provider.route(
        fake_provider.catalog_path("openai"), Reply(status=302, headers={"Location": location})
    )
    result = await fetch(spec)
    assert not result.ok
    assert result.error == (
        f"OpenAI redirected to a non-http(s) URL ({redact_url(location)}): fix the API base URL"
    )
    assert "SECRET" not in result.error
    assert "not a valid http(s) URL" not in result.error


async def test_endless_redirects_end_with_a_message(
    monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider
) -> None:
    spec = moved_to(monkeypatch, fake_provider, "openai")
    path = fake_provider.catalog_path("openai")
    fake_provider.route(path, Reply(status=302, headers={"Location": path}))
    result = await fetch(spec)
    assert result.error == (
        f"OpenAI redirected more than 5 times ({fake_provider.base_url('openai')}/models): "
        "fix the API base URL"
    )
    assert len(fake_provider.requests_to(path)) == 6


@pytest.mark.parametrize(
    ("provider", "variable"),
    [("xai", "XAI_API_KEY"), ("openrouter", "OPENROUTER_API_KEY"), ("gemini", "GEMINI_API_KEY")],
)
async def test_an_api_base_with_credentials_is_refused_and_never_shown(
    monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider, provider: str, variable: str
) -> None:
    spec = PROVIDERS[provider]
    base = fake_provider.base_url(provider).replace("http://", f"http://me:{KEY}@")
    monkeypatch.setenv(spec.api_base_env, base)
    result = await fetch(spec, key="sk-other-key-9999")
    shown = fake_provider.base_url(provider)
    assert result.error == (
        f"{spec.api_base_env} has credentials in it ({shown}): they would be written into "
        f"config.yaml; remove them from the URL and put the key in {variable}"
    )
    assert KEY not in result.error and "me:" not in result.error
    assert fake_provider.requests == []  # nothing was sent anywhere


def test_a_custom_provider_base_url_with_credentials_is_refused() -> None:
    entry = {"name": "gw", "base_url": f"https://u:{KEY}@gw.example.test/v1", "key_env": "GW_KEY"}
    with pytest.raises(ConfigError) as caught:
        custom_spec(entry)
    assert str(caught.value) == (
        "profile.yaml custom_providers[0].base_url has credentials in it "
        "(https://gw.example.test/v1): they would be written into config.yaml; remove them "
        "from the URL and put the key in GW_KEY"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:pw@host:8080/v1", "http://host:8080/v1"),
        ("https://host/v1?key=AIzaSECRET&alt=json", "https://host/v1?key=***&alt=json"),
        ("https://host/v1", "https://host/v1"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


async def test_a_keyless_catalog_follows_redirects_too(
    monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider, other: FakeProvider
) -> None:
    spec = moved_to(monkeypatch, fake_provider, "openrouter")
    fake_provider.route(
        fake_provider.catalog_path("openrouter"),
        Reply(status=308, headers={"Location": other.url + "/api/v1/models"}),
    )
    other.json("/api/v1/models", {"data": [{"id": "openai/gpt-5", "created": 1_760_000_000}]})
    result = await fetch(spec, key=None)
    assert result.ok, result.error
    assert len(other.requests_to("/api/v1/models")) == 1
