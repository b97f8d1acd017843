"""discovery_tui.proxyapi over httpx.MockTransport: requests sent, answers parsed, errors named."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from discovery_tui.errors import ApplyTargetError, ProxyError
from discovery_tui.proxyapi import ProxyApi, tool_model_id

BASE = "http://proxy.test:4000"
KEY = "sk-master-unit-test-8842"
Handler = Callable[[httpx.Request], httpx.Response]


def api_with(handler: Handler, seen: list[httpx.Request] | None = None) -> ProxyApi:
    def record(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handler(request)

    return ProxyApi(httpx.Client(transport=httpx.MockTransport(record)), BASE + "/", KEY)


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def listing(page: int, total_pages: int, *items: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200, json={"data": list(items), "current_page": page, "total_pages": total_pages}
    )


def test_tool_model_id_is_stable_readable_and_has_no_slash() -> None:
    made = tool_model_id("openrouter", "openrouter/anthropic/claude-sonnet-4.6")
    assert made == tool_model_id("openrouter", "openrouter/anthropic/claude-sonnet-4.6")
    assert made.startswith("discovery-tui.openrouter.openrouter--anthropic--claude-sonnet-4.6.")
    assert "/" not in made
    assert tool_model_id("xai", "a/b") != tool_model_id("xai", "a--b")
    assert tool_model_id("xai", "x") != tool_model_id("gemini", "x")


def test_list_models_reads_every_page_and_drops_secrets_and_listing_keys() -> None:
    seen: list[httpx.Request] = []
    db_item = {
        "model_name": "xai/grok-4",
        "litellm_params": {"model": "xai/grok-4", "api_key": "os.environ/XAI_API_KEY"},
        "model_info": {
            "id": "m1",
            "db_model": True,
            "discovery_tui": "xai",
            "key": "xai/grok-4",
            "mode": "chat",
            "tpm": None,
        },
    }
    file_item = {
        "model_name": "mine",
        "litellm_params": {"model": "openai/x"},
        "model_info": {"id": "h1", "db_model": False},
    }

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return listing(1, 2, db_item) if page == 1 else listing(2, 2, file_item)

    models = api_with(handler, seen).list_models()
    assert [(m.id, m.model_name, m.db_model, m.owner) for m in models] == [
        ("m1", "xai/grok-4", True, "xai"),
        ("h1", "mine", False, None),
    ]
    assert models[0].litellm_params == {"model": "xai/grok-4"}
    assert models[0].model_info == {"discovery_tui": "xai", "mode": "chat"}
    assert [str(r.url) for r in seen] == [
        f"{BASE}/v2/model/info?page=1&size=200",
        f"{BASE}/v2/model/info?page=2&size=200",
    ]
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in seen)


def test_create_moves_prices_to_litellm_params_and_sends_the_id() -> None:
    seen: list[httpx.Request] = []
    api = api_with(lambda r: httpx.Response(200, json={"model_id": "x"}), seen)
    api.create_model(
        "discovery-tui.xai.grok-4.abc",
        "xai/grok-4",
        {"model": "xai/grok-4", "api_key": "os.environ/XAI_API_KEY"},
        {"discovery_tui": "xai", "input_cost_per_token": 3e-06, "max_tokens": 8},
    )
    (request,) = seen
    assert (request.method, request.url.path) == ("POST", "/model/new")
    assert body_of(request) == {
        "model_name": "xai/grok-4",
        "litellm_params": {
            "model": "xai/grok-4",
            "api_key": "os.environ/XAI_API_KEY",
            "input_cost_per_token": 3e-06,
        },
        "model_info": {
            "discovery_tui": "xai",
            "max_tokens": 8,
            "id": "discovery-tui.xai.grok-4.abc",
        },
    }


def test_a_key_value_or_a_slash_id_is_never_sent() -> None:
    seen: list[httpx.Request] = []
    api = api_with(lambda r: httpx.Response(200, json={}), seen)
    with pytest.raises(ApplyTargetError, match=r"os\.environ/VAR.*nothing was sent"):
        api.create_model("ok-id", "m", {"model": "m", "api_key": "sk-a-real-key-123456"}, {})
    with pytest.raises(ApplyTargetError, match="contains '/'"):
        api.update_model_info("a/b", {"x": 1})
    assert seen == []


def test_updates_patch_only_the_given_sections() -> None:
    seen: list[httpx.Request] = []
    api = api_with(lambda r: httpx.Response(200, json={}), seen)
    api.update_model_info("m1", {"description": "d", "output_cost_per_token": 2e-05})
    api.update_model_params("m1", {"api_base": "http://127.0.0.1:9/v1"})
    api.update_model("m1")  # nothing to change: no call
    assert [(r.method, r.url.path, body_of(r)) for r in seen] == [
        (
            "PATCH",
            "/model/m1/update",
            {
                "litellm_params": {"output_cost_per_token": 2e-05},
                "model_info": {"description": "d"},
            },
        ),
        ("PATCH", "/model/m1/update", {"litellm_params": {"api_base": "http://127.0.0.1:9/v1"}}),
    ]


def test_router_settings_read_and_write_wholesale() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            current = {
                "model_group_alias": {"grok": "xai/grok-4", "h": {"model": "m", "hidden": True}},
                "fallbacks": [{"grok": ["m"]}],
            }
            return httpx.Response(200, json={"current_values": current})
        return httpx.Response(200, json={"message": "Config updated successfully"})

    api = api_with(handler, seen)
    settings = api.router_settings()
    assert dict(settings.aliases) == {"grok": "xai/grok-4", "h": "m"}
    assert settings.fallbacks == (("grok", ("m",)),)
    api.set_router_settings(aliases={"grok": "xai/grok-5"}, fallbacks=(("grok", ("m", "n")),))
    assert body_of(seen[-1]) == {
        "router_settings": {
            "model_group_alias": {"grok": "xai/grok-5"},
            "fallbacks": [{"grok": ["m", "n"]}],
        }
    }
    assert seen[-1].url.path == "/config/update"


def test_delete_and_its_refusal_name_the_cause() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        message = "{'error': 'Model with id=gone not found in db'}"
        return httpx.Response(400, json={"error": {"message": message, "code": "400"}})

    with pytest.raises(ApplyTargetError) as caught:
        api_with(handler).delete_model("gone")
    assert str(caught.value) == (
        f"The proxy at {BASE} refused to delete model 'gone' (HTTP 400): "
        "{'error': 'Model with id=gone not found in db'}; see the proxy's answer"
    )


def test_a_refused_master_key_is_a_proxy_error_without_the_key() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"message": f"Invalid token {KEY}"}})

    with pytest.raises(ProxyError) as caught:
        api_with(handler).list_models()
    assert not isinstance(caught.value, ApplyTargetError)
    assert KEY not in str(caught.value)
    assert "set LITELLM_MASTER_KEY" in str(caught.value)


def test_an_unreachable_proxy_and_a_foreign_answer_are_named() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(
        ProxyError,
        match=r"Cannot reach the LiteLLM proxy at http://proxy\.test:4000 \(ConnectError\)",
    ):
        api_with(down).list_models()
    with pytest.raises(ProxyError, match="not JSON"):
        api_with(lambda r: httpx.Response(200, text="<html>")).list_models()
    with pytest.raises(ProxyError, match="without a model list"):
        api_with(lambda r: httpx.Response(200, json={"detail": "x"})).list_models()
