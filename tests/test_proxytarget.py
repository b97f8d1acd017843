"""ProxyTarget on an in-memory model API that behaves as the findings measured LiteLLM 1.106.2
(docs/findings-team-proxy.md): PATCH merges and a null keeps the old value, listings hide
``api_key`` and mix the cost map into ``model_info``, prices live in ``litellm_params``, and
``/config/update`` replaces each router key wholesale. Served through httpx.MockTransport, so
every request is counted; the same behaviour on the real proxy: tests/test_e2e_proxy_target.py.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from discovery_tui.errors import ApplyTargetError, ProxyError, UsageError
from discovery_tui.families import Family
from discovery_tui.models import OWNER_KEY, Entry, Model, Pick
from discovery_tui.pipeline import Computation
from discovery_tui.plan import ProviderOutcome, build_plan
from discovery_tui.proxyapi import ProxyApi, tool_model_id
from discovery_tui.proxytarget import BOOKKEEPING_KEY, ProxyTarget
from discovery_tui.remote import master_key_for, open_proxy_target

URL = "http://proxy.test:4000"
MASTER = "sk-master-unit-41d3"
KEY = "os.environ/XAI_API_KEY"
COST_MAP_NOISE = {"supports_reasoning": True, "max_output_tokens": 999, "mode": "chat"}
DEFAULT_PARAMS = {"use_in_pass_through": False, "use_litellm_proxy": False}
PRICES = ("input_cost_per_token", "output_cost_per_token")


class FakeModelApi:
    """The model API of one proxy, in memory."""

    def __init__(self, *, router_settings: bool = True) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self.router: dict[str, Any] = {}
        self.router_settings = router_settings
        self.requests: list[tuple[str, str]] = []
        self.fail_on: tuple[str, str] | None = None

    def handle(self, request: httpx.Request) -> httpx.Response:
        path, method = request.url.path, request.method
        self.requests.append((method, path))
        assert request.headers["authorization"] == f"Bearer {MASTER}"
        if self.fail_on == (method, path):
            return httpx.Response(500, json={"error": {"message": "database is down"}})
        body = json.loads(request.content) if request.content else {}
        if (method, path) == ("GET", "/v2/model/info"):
            data = [self.listed(i, m) for i, m in self.models.items()]
            return httpx.Response(200, json={"data": data, "total_pages": 1})
        if (method, path) == ("POST", "/model/new"):
            model_id = body["model_info"]["id"]
            if model_id in self.models:
                return httpx.Response(500, json={"error": "Failed to add model to db"})
            self.models[model_id] = copy.deepcopy(body)
            return httpx.Response(200, json={"model_id": model_id})
        if method == "PATCH" and path.endswith("/update"):
            stored = self.models[path.split("/")[2]]
            for section in ("litellm_params", "model_info"):
                for key, value in body.get(section, {}).items():
                    if value is not None:  # a null does not remove a key
                        stored[section][key] = value
            return httpx.Response(200, json={})
        if (method, path) == ("POST", "/model/delete"):
            if self.models.pop(body["id"], None) is None:
                return httpx.Response(400, json={"detail": "Model with id not found in db"})
            return httpx.Response(200, json={})
        if path == "/router/settings" and self.router_settings:
            sources = {"model_group_alias": "db", "fallbacks": "db"}
            return httpx.Response(200, json={"current_values": self.router, "source": sources})
        if (method, path) == ("POST", "/config/update") and self.router_settings:
            self.router.update(body["router_settings"])  # each key wholesale
            return httpx.Response(200, json={})
        return httpx.Response(404, json={"detail": "Not Found"})

    @staticmethod
    def listed(model_id: str, stored: dict[str, Any]) -> dict[str, Any]:
        params = {k: v for k, v in stored["litellm_params"].items() if k != "api_key"}
        prices = {k: params[k] for k in PRICES if k in params}
        info = {**COST_MAP_NOISE, **stored["model_info"], **prices, "id": model_id}
        info.update(db_model=True, litellm_provider="xai", key=params.get("model"))
        return {
            "model_name": stored["model_name"],
            "litellm_params": {**DEFAULT_PARAMS, **params},
            "model_info": info,
        }

    def writes(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] != "GET"]


@pytest.fixture
def proxy() -> FakeModelApi:
    return FakeModelApi()


def target_of(fake: FakeModelApi) -> ProxyTarget:
    client = httpx.Client(transport=httpx.MockTransport(fake.handle))
    return ProxyTarget(ProxyApi(client, URL, MASTER))


def model(name: str, *, price: float = 3e-06) -> Model:
    return Model(
        "xai",
        name,
        f"xai/{name}",
        context_window=256000,
        input_cost_per_token=price,
        output_cost_per_token=1.5e-05,
        released=date(2025, 7, 9),
    )


def entry(m: Model, *, api_base: str | None = None) -> Entry:
    params: dict[str, object] = {"model": m.litellm_model, "api_key": KEY}
    if api_base:
        params["api_base"] = api_base
    info: dict[str, object] = {OWNER_KEY: "xai", "mode": "chat", "max_input_tokens": 256000}
    info.update(input_cost_per_token=m.input_cost_per_token, output_cost_per_token=1.5e-05)
    return Entry(m.litellm_model, "xai", params, info)


def computation(*models: Model, api_base: str | None = None) -> Computation:
    outcome = ProviderOutcome(
        "xai",
        "ok",
        models=len(models),
        picks={"grok": Pick("grok", models[0], "heuristic", "newest")},
        entries=tuple(entry(m, api_base=api_base) for m in models),
        candidates=models,
    )
    grok = Family("grok", "xAI's flagship.", ("xai",), ("^grok",), (), ("grok",))
    return Computation(
        outcomes=(outcome,),
        families={"grok": grok},
        provider_order=("xai",),
        recorded_picks={},
        models={m.litellm_model: m for m in models},
    )


def apply(target: ProxyTarget, run: Computation) -> None:
    plan = build_plan(target.state(), run)
    target.write(plan)


def hand_made(fake: FakeModelApi) -> None:
    fake.models["team.1"] = {
        "model_name": "team-model",
        "litellm_params": {"model": "xai/grok-3", "api_key": "os.environ/TEAM_KEY"},
        "model_info": {"id": "team.1", "note": "the team's"},
    }
    fake.router = {"model_group_alias": {"team-alias": "team-model"}}


def test_a_first_run_creates_marked_models_then_moves_aliases(proxy: FakeModelApi) -> None:
    hand_made(proxy)
    target = target_of(proxy)
    apply(target, computation(model("grok-4"), model("grok-3")))
    assert proxy.writes() == [
        ("POST", "/model/new"),
        ("POST", "/model/new"),
        ("POST", "/config/update"),
    ]
    made = proxy.models[tool_model_id("xai", "xai/grok-4")]
    assert made["litellm_params"] == {
        "model": "xai/grok-4",
        "api_key": KEY,  # a reference, never a value
        "input_cost_per_token": 3e-06,  # prices where LiteLLM keeps them
        "output_cost_per_token": 1.5e-05,
    }
    assert made["model_info"][OWNER_KEY] == "xai"
    assert made["model_info"][BOOKKEEPING_KEY]["key_ref"] == KEY
    # the whole alias table: the team's alias kept, the tool's added
    assert proxy.router["model_group_alias"] == {"team-alias": "team-model", "grok": "xai/grok-4"}
    assert proxy.models["team.1"]["model_info"] == {"id": "team.1", "note": "the team's"}


def test_the_state_shows_only_what_the_tool_wrote(proxy: FakeModelApi) -> None:
    hand_made(proxy)
    target = target_of(proxy)
    apply(target, computation(model("grok-4")))
    state = target.state()
    owned = state.owned["xai"]["xai/grok-4"]
    assert owned.litellm_params == {"model": "xai/grok-4", "api_key": KEY}
    assert "supports_reasoning" not in owned.model_info  # the cost map's, not written
    assert owned.model_info["input_cost_per_token"] == 3e-06
    assert BOOKKEEPING_KEY not in owned.model_info
    assert state.holders == {"team-model": frozenset({None}), "xai/grok-4": frozenset({"xai"})}
    assert state.aliases == {"team-alias": "team-model", "grok": "xai/grok-4"}


def test_a_second_run_with_the_same_catalog_makes_no_write_call(proxy: FakeModelApi) -> None:
    target = target_of(proxy)
    run = computation(model("grok-4"), model("grok-3"))
    apply(target, run)
    before = len(proxy.requests)
    plan = build_plan(target.state(), run)
    target.write(plan)
    assert not plan.has_changes
    assert proxy.requests[before:] == [("GET", "/v2/model/info"), ("GET", "/router/settings")]


def test_an_administrators_edit_is_kept_and_the_catalog_followed_elsewhere(
    proxy: FakeModelApi,
) -> None:
    target = target_of(proxy)
    apply(target, computation(model("grok-4")))
    model_id = tool_model_id("xai", "xai/grok-4")
    target.api.update_model(model_id, model_info={"max_input_tokens": 1000, "note": "admin"})
    apply(target, computation(model("grok-4", price=4e-06)))  # the catalog's price moved
    stored = proxy.models[model_id]
    assert stored["model_info"]["max_input_tokens"] == 1000  # the admin's value
    assert stored["model_info"]["note"] == "admin"
    assert stored["litellm_params"]["input_cost_per_token"] == 4e-06  # the catalog's
    assert proxy.writes()[-1] == ("PATCH", f"/model/{model_id}/update")


def test_a_removed_key_recreates_the_model_under_the_same_id(proxy: FakeModelApi) -> None:
    target = target_of(proxy)
    apply(target, computation(model("grok-4"), api_base="http://moved.test/v1"))
    model_id = tool_model_id("xai", "xai/grok-4")
    target.api.update_model(model_id, litellm_params={"rpm": 5})  # an admin's own key
    apply(target, computation(model("grok-4")))  # the base is no longer moved
    stored = proxy.models[model_id]
    assert "api_base" not in stored["litellm_params"]
    assert stored["litellm_params"]["rpm"] == 5
    assert stored["litellm_params"]["api_key"] == KEY
    assert proxy.writes()[-2:] == [("POST", "/model/delete"), ("POST", "/model/new")]
    assert not build_plan(target.state(), computation(model("grok-4"))).has_changes


def test_a_model_gone_from_the_catalog_is_deleted_after_the_aliases_move(
    proxy: FakeModelApi,
) -> None:
    target = target_of(proxy)
    apply(target, computation(model("grok-3")))
    before = len(proxy.writes())
    apply(target, computation(model("grok-4")))
    assert proxy.writes()[before:] == [
        ("POST", "/model/new"),
        ("POST", "/config/update"),
        ("POST", "/model/delete"),
    ]
    assert proxy.router["model_group_alias"] == {"grok": "xai/grok-4"}


def test_a_failure_half_way_says_what_was_applied_and_the_next_run_converges(
    proxy: FakeModelApi,
) -> None:
    target = target_of(proxy)
    run = computation(model("grok-4"))
    proxy.fail_on = ("POST", "/config/update")
    with pytest.raises(ApplyTargetError) as caught:
        apply(target, run)
    message = str(caught.value)
    assert "HTTP 500" in message and "database is down" in message
    assert "Applied to http://proxy.test:4000 before this: created xai/grok-4." in message
    assert "Not applied: set the aliases grok." in message
    assert "converges" in message and MASTER not in message
    proxy.fail_on = None
    apply(target, run)
    assert proxy.router["model_group_alias"] == {"grok": "xai/grok-4"}
    assert not build_plan(target.state(), run).has_changes


def test_a_proxy_without_router_settings_gets_models_and_a_note() -> None:
    fake = FakeModelApi(router_settings=False)
    target = target_of(fake)
    apply(target, computation(model("grok-4")))
    assert fake.writes() == [("POST", "/model/new")]
    assert target.notes() and "cannot take aliases and fallbacks" in target.notes()[0]


def test_the_master_key_comes_from_the_environment_and_is_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    monkeypatch.delenv("LITELLM_MASTER_KEY", raising=False)
    assert master_key_for("LITELLM_MASTER_KEY") is None
    with pytest.raises(ProxyError, match="set LITELLM_MASTER_KEY to its master key"):
        open_proxy_target(URL, master_key_env="LITELLM_MASTER_KEY")
    with pytest.raises(UsageError, match="without credentials"):
        open_proxy_target("http://admin:sk-x@proxy.test", master_key_env="LITELLM_MASTER_KEY")
    monkeypatch.setenv("LITELLM_MASTER_KEY", MASTER)
    target = open_proxy_target(URL, master_key_env="LITELLM_MASTER_KEY")
    assert (target.name, MASTER in repr(vars(target))) == (URL, False)


def test_the_lock_is_a_file_in_the_cache_folder_keyed_by_the_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(tmp_path))
    with target_of(FakeModelApi()).lock():
        locks = [p.name for p in tmp_path.rglob("*.lock")]
    with target_of(FakeModelApi()).lock():  # the same URL: the same lock
        assert [p.name for p in tmp_path.rglob("*.lock")] == locks
    assert len(locks) == 1 and locks[0].startswith("proxy.")
