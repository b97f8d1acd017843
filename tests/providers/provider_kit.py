"""What the provider tests share: a scripted MockTransport, fetch helpers, minimal payloads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from discovery_tui.models import Model
from discovery_tui.providers import PROVIDERS
from discovery_tui.providers.base import ProviderSpec

KEY = "sk-test-SECRET-0123456789"


BASE = "https://api.example.test/v1"


Handler = Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport handler: replies per path suffix, in order (the last repeats)."""

    def __init__(self, routes: dict[str, list[httpx.Response] | Handler]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for suffix, route in self.routes.items():
            if request.url.path.endswith(suffix):
                if callable(route):
                    return route(request)
                return route.pop(0) if len(route) > 1 else route[0]
        return httpx.Response(404, json={"error": "not found"})


def ok(payload: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=payload, headers=headers)


async def fetch(
    name: str | ProviderSpec,
    script: Script,
    *,
    api_key: str | None = KEY,
    api_base: str = BASE,
) -> list[Model]:
    spec = PROVIDERS[name] if isinstance(name, str) else name
    async with httpx.AsyncClient(transport=httpx.MockTransport(script)) as client:
        return await spec.fetch(client, api_base=api_base, api_key=api_key)


def by_id(models: list[Model]) -> dict[str, Model]:
    return {model.id: model for model in models}


HTTP_PROVIDERS = [name for name, spec in PROVIDERS.items() if not spec.builtin_catalog]


LIST_KEY = {"gemini": "models"}


def minimal(name: str) -> Any:
    if name == "gemini":
        return {
            "models": [
                {"name": "models/gemini-9-pro", "supportedGenerationMethods": ["generateContent"]}
            ]
        }
    if name == "anthropic":
        return {"data": [{"type": "model", "id": "claude-x-1"}], "has_more": False}
    return {"data": [{"id": "vendor-model-1", "created": 1750000000}]}


def catalog_route(response: list[httpx.Response] | Handler) -> dict[str, Any]:
    """Route ``/models`` only, so that xAI's ``/language-models`` answers 404 and falls back."""
    return {"/v1/models": response}


async def serve_file(name: str, path: Path) -> list[Model]:
    body = path.read_bytes()
    script = Script(catalog_route([httpx.Response(200, content=body)]))
    return await fetch(name, script)


async def fetch_real(name: str, base: str, *, timeout: float = 10.0) -> list[Model]:
    async with httpx.AsyncClient(timeout=timeout) as client:
        return await PROVIDERS[name].fetch(client, api_base=base, api_key=KEY)
