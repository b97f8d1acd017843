"""discovery_tui.proxyapi against the real LiteLLM proxy on a real PostgreSQL (two replicas).

Needs the work directory of ``scripts/litellm-db.sh`` in ``DISCOVERY_TUI_LITELLM_DB`` (``.ci/run``
sets it); skipped with the reason otherwise. One database, one fake upstream and two proxies on
it for the whole module; the restart test runs last.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fake_upstream import FakeUpstream
from litellm_db import RELOAD_SECONDS, DbProxy, fresh_database, workdir_or_reason

from discovery_tui.errors import ApplyTargetError, ProxyError
from discovery_tui.models import OWNER_KEY
from discovery_tui.proxyapi import ProxyApi, tool_model_id

WORKDIR, SKIP_REASON = workdir_or_reason()
pytestmark = pytest.mark.skipif(WORKDIR is None, reason=SKIP_REASON)

MASTER_KEY = "sk-discovery-tui-db-tier-5c1e9a"
UPSTREAM_KEY = "sk-xai-upstream-value-7d2b40"  # only in the proxies' environment
CONFIG = f"""\
model_list:
  - model_name: hand-made
    litellm_params:
      model: xai/hand-made
      api_key: os.environ/XAI_API_KEY
      api_base: {{base}}
    model_info:
      description: written by a person
general_settings:
  master_key: {MASTER_KEY}
"""


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    fake = FakeUpstream()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def replicas(
    upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DbProxy, DbProxy]]:
    assert WORKDIR is not None
    with fresh_database(WORKDIR) as database:
        folder = tmp_path_factory.mktemp("proxy-db")
        config = folder / "config.yaml"
        config.write_text(CONFIG.format(base=upstream.base("xai")))
        env = {"XAI_API_KEY": UPSTREAM_KEY}
        logs = [folder / f"proxy-{i}.log" for i in (1, 2)]
        proxies = [DbProxy(WORKDIR, database, config, log, env) for log in logs]
        try:
            for proxy in proxies:  # both start at once: about 45 s on two cores
                proxy.start()
            for proxy in proxies:
                proxy.wait_ready()
            yield proxies[0], proxies[1]
        finally:
            for proxy in proxies:
                proxy.stop()


@pytest.fixture()
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def api_of(proxy: DbProxy, client: httpx.Client) -> ProxyApi:
    return ProxyApi(client, proxy.url, MASTER_KEY)


def ask(client: httpx.Client, proxy: DbProxy, model: str) -> httpx.Response:
    return client.post(
        proxy.url + "/v1/chat/completions",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        json={"model": model, "messages": [{"role": "user", "content": "ping"}]},
    )


def create_grok(api: ProxyApi, upstream: FakeUpstream, name: str) -> str:
    model_id = tool_model_id("xai", name)
    api.create_model(
        model_id,
        name,
        {"model": name, "api_key": "os.environ/XAI_API_KEY", "api_base": upstream.base("xai")},
        {
            OWNER_KEY: "xai",
            "max_input_tokens": 256000,
            "input_cost_per_token": 3e-06,
            "output_cost_per_token": 1.5e-05,
            "supports_vision": True,
        },
    )
    return model_id


def test_a_created_model_is_listed_with_its_mark_and_served(
    replicas: tuple[DbProxy, DbProxy], upstream: FakeUpstream, http: httpx.Client
) -> None:
    first, _ = replicas
    api = api_of(first, http)
    model_id = create_grok(api, upstream, "xai/grok-4")

    models = {m.id: m for m in api.list_models()}
    made = models[model_id]
    assert (made.model_name, made.db_model, made.owner) == ("xai/grok-4", True, "xai")
    assert made.model_info["max_input_tokens"] == 256000
    assert made.model_info["supports_vision"] is True
    # LiteLLM keeps a deployment's own prices in litellm_params (the client moved them there)
    assert made.litellm_params["input_cost_per_token"] == 3e-06
    assert made.litellm_params["output_cost_per_token"] == 1.5e-05
    assert "api_key" not in made.litellm_params
    hand = next(m for m in models.values() if m.model_name == "hand-made")
    assert (hand.db_model, hand.owner) == (False, None)

    since = len(upstream.requests)
    answer = ask(http, first, "xai/grok-4")
    assert answer.status_code == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"] == "pong"
    sent = upstream.llm_requests()[-1] if len(upstream.requests) > since else None
    assert sent is not None
    # the stored reference os.environ/XAI_API_KEY was resolved in the proxy's own environment
    assert sent.headers.get("authorization", sent.headers.get("Authorization")) == (
        f"Bearer {UPSTREAM_KEY}"
    )


def test_an_info_edit_merges_and_keeps_other_keys(
    replicas: tuple[DbProxy, DbProxy], upstream: FakeUpstream, http: httpx.Client
) -> None:
    api = api_of(replicas[0], http)
    model_id = create_grok(api, upstream, "xai/grok-edit")
    api.update_model_info(model_id, {"description": "an admin's note", "max_input_tokens": 128000})
    api.update_model_params(model_id, {"input_cost_per_token": 4e-06})
    made = next(m for m in api.list_models() if m.id == model_id)
    assert made.model_info["description"] == "an admin's note"
    assert made.model_info["max_input_tokens"] == 128000
    assert made.model_info[OWNER_KEY] == "xai"
    assert made.litellm_params["input_cost_per_token"] == 4e-06
    assert made.litellm_params["output_cost_per_token"] == 1.5e-05
    assert ask(http, replicas[0], "xai/grok-edit").status_code == 200  # the key survived


def test_delete_removes_and_an_unknown_id_is_refused(
    replicas: tuple[DbProxy, DbProxy], upstream: FakeUpstream, http: httpx.Client
) -> None:
    api = api_of(replicas[0], http)
    model_id = create_grok(api, upstream, "xai/grok-gone")
    api.delete_model(model_id)
    assert model_id not in {m.id for m in api.list_models()}
    with pytest.raises(ApplyTargetError, match=r"refused to delete model .*HTTP 400.*not found"):
        api.delete_model(model_id)


def test_aliases_and_fallbacks_round_trip_and_route(
    replicas: tuple[DbProxy, DbProxy], upstream: FakeUpstream, http: httpx.Client
) -> None:
    api = api_of(replicas[0], http)
    create_grok(api, upstream, "xai/grok-alias")
    api.set_router_settings(
        aliases={"grok": "xai/grok-alias", "kept": "hand-made"},
        fallbacks=(("grok", ("hand-made",)),),
    )
    settings = api.router_settings()
    assert dict(settings.aliases) == {"grok": "xai/grok-alias", "kept": "hand-made"}
    assert settings.fallbacks == (("grok", ("hand-made",)),)
    assert ask(http, replicas[0], "grok").status_code == 200
    api.set_aliases({"grok": "xai/grok-alias"})  # wholesale: "kept" is gone
    assert api.get_aliases() == {"grok": "xai/grok-alias"}


def test_a_second_replica_serves_a_created_model(
    replicas: tuple[DbProxy, DbProxy], upstream: FakeUpstream, http: httpx.Client
) -> None:
    first, second = replicas
    create_grok(api_of(first, http), upstream, "xai/grok-replica")
    deadline = time.monotonic() + RELOAD_SECONDS * 10
    while ask(http, second, "xai/grok-replica").status_code != 200:
        assert time.monotonic() < deadline, "the second replica never served the new model"
        time.sleep(0.5)
    wanted = api_of(first, http).get_aliases()
    deadline = time.monotonic() + 60
    while api_of(second, http).get_aliases() != wanted:  # router settings: read on a reload
        assert time.monotonic() < deadline, "the second replica never took the aliases"
        time.sleep(0.5)


def test_a_wrong_master_key_is_named_and_never_shown(
    replicas: tuple[DbProxy, DbProxy], http: httpx.Client
) -> None:
    wrong = "sk-not-the-master-key-31337"
    with pytest.raises(ProxyError, match="refused the master key") as caught:
        ProxyApi(http, replicas[0].url, wrong).list_models()
    assert wrong not in str(caught.value) and MASTER_KEY not in str(caught.value)


def test_zz_models_and_aliases_survive_a_restart(
    replicas: tuple[DbProxy, DbProxy], upstream: FakeUpstream, http: httpx.Client
) -> None:
    first, _ = replicas
    api = api_of(first, http)
    model_id = create_grok(api, upstream, "xai/grok-restart")
    api.set_aliases({"grok": "xai/grok-restart"})
    first.stop()
    first.start()
    first.wait_ready()
    assert model_id in {m.id for m in api_of(first, http).list_models()}
    assert api_of(first, http).get_aliases() == {"grok": "xai/grok-restart"}
    assert ask(http, first, "grok").status_code == 200


def test_the_tier_reports_why_it_skips(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from litellm_db import workdir_or_reason as probe

    monkeypatch.delenv("DISCOVERY_TUI_LITELLM_DB", raising=False)
    assert probe() == (None, probe()[1])
    assert "scripts/litellm-db.sh" in probe()[1]
    monkeypatch.setenv("DISCOVERY_TUI_LITELLM_DB", str(tmp_path))
    path, reason = probe()
    assert path is None and str(tmp_path) in reason
