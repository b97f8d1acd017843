"""`refresh --to-proxy` against the real LiteLLM proxy on a real PostgreSQL (issue 15, done-when).

One database, one fake upstream (catalogs and LLM) and one proxy for the module; the last test
starts a second replica on the same database after all the writes (what a restart reads). The
refresh runs as the real command (`python -m discovery_tui refresh --to-proxy URL`), except where
requests are counted: there the same apply service runs in-process on a client that records
every request.

Keys: the refresh's environment holds ``LOCAL_KEYS`` (to read the catalogs); the proxy's holds
``PROXY_KEYS``. The models the tool creates reference ``os.environ/VAR``, so the upstream must
receive the proxy's values, and no local value may be stored in or shown by the proxy.
Needs ``DISCOVERY_TUI_LITELLM_DB`` (see tests/litellm_db.py); skipped with the reason otherwise.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_upstream import FakeUpstream, builtin_catalogs, write_stand_in_claude
from litellm_db import RELOAD_SECONDS, DbProxy, fresh_database, workdir_or_reason

from discovery_tui.proxyapi import ProxyApi, ProxyModel, tool_model_id

WORKDIR, SKIP_REASON = workdir_or_reason()
pytestmark = pytest.mark.skipif(WORKDIR is None, reason=SKIP_REASON)

MASTER_KEY = "sk-discovery-tui-target-tier-8e41c7"
PROVIDERS = ("openrouter", "xai")
LOCAL_KEYS = {"OPENROUTER_API_KEY": "fk-local-openrouter-1a2b", "XAI_API_KEY": "fk-local-xai-3c4d"}
PROXY_KEYS = {"OPENROUTER_API_KEY": "fk-proxy-openrouter-5e6f", "XAI_API_KEY": "fk-proxy-xai-7a8b"}
CONFIG = f"""\
model_list:
  - model_name: from-the-file
    litellm_params:
      model: xai/grok-3
      api_key: os.environ/XAI_API_KEY
      api_base: {{base}}
general_settings:
  master_key: {MASTER_KEY}
"""
REPO = Path(__file__).resolve().parents[1]
GROK = "xai/grok-4-0709"  # the xai pick of the built-in catalog: the target of `grok`


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    fake = FakeUpstream(catalogs=builtin_catalogs())
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def proxy(
    upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[DbProxy, Path]]:
    assert WORKDIR is not None
    with fresh_database(WORKDIR) as database:
        folder = tmp_path_factory.mktemp("proxy-target")
        config = folder / "config.yaml"
        config.write_text(CONFIG.format(base=upstream.base("xai")))
        first = DbProxy(WORKDIR, database, config, folder / "proxy-1.log", dict(PROXY_KEYS))
        try:
            first.start()
            first.wait_ready()
            yield first, folder
        finally:
            first.stop()


@pytest.fixture()
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def api_of(proxy: DbProxy, client: httpx.Client) -> ProxyApi:
    return ProxyApi(client, proxy.url, MASTER_KEY)


def run_env(upstream: FakeUpstream, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_API_BASE"))}
    env = {k: v for k, v in env.items() if "proxy" not in k.lower()}
    return {
        **env,
        **LOCAL_KEYS,
        "NO_PROXY": "127.0.0.1,localhost",
        "LITELLM_MASTER_KEY": MASTER_KEY,
        "DISCOVERY_TUI_NO_KEYRING": "1",
        "DISCOVERY_TUI_CACHE_DIR": str(folder / "cache"),
        "XAI_API_BASE": upstream.base("xai"),
        "OPENROUTER_API_BASE": upstream.base("openrouter"),
    }


def refresh(
    proxy: DbProxy, upstream: FakeUpstream, folder: Path, *extra: str, profile: Path | None = None
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """The real command; ``profile``: another machine's profile.yaml (default: the module's)."""
    argv = ["refresh", *PROVIDERS, "--no-llm", "--json", "--to-proxy", proxy.url, *extra]
    argv += ["--profile", str(profile or folder / "profile.yaml")]
    argv += ["--config", str(folder / "no-local-config.yaml")]
    done = discovery(argv, run_env(upstream, folder))
    assert done.returncode == 0, done.stderr
    for secret in (MASTER_KEY, *LOCAL_KEYS.values(), *PROXY_KEYS.values()):
        assert secret not in done.stdout + done.stderr
    payload: dict[str, Any] = json.loads(done.stdout)
    return payload, done


def discovery(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "discovery_tui", *args]
    return subprocess.run(argv, env=env, capture_output=True, text=True, cwd=REPO, timeout=300)


def ask(client: httpx.Client, proxy: DbProxy, model: str) -> httpx.Response:
    return client.post(
        proxy.url + "/v1/chat/completions",
        headers={"Authorization": f"Bearer {MASTER_KEY}"},
        json={"model": model, "messages": [{"role": "user", "content": "ping"}]},
    )


def by_name(api: ProxyApi) -> dict[str, ProxyModel]:
    return {m.model_name: m for m in api.list_models()}


def test_a_refresh_creates_family_models_and_aliases_that_answer(
    proxy: tuple[DbProxy, Path], upstream: FakeUpstream, http: httpx.Client
) -> None:
    first, folder = proxy
    api = api_of(first, http)
    api.create_model(  # a team's own model, and one holding a name the tool would want
        "team.hand-made",
        "team-model",
        {
            "model": "xai/grok-3",
            "api_key": "os.environ/XAI_API_KEY",
            "api_base": upstream.base("xai"),
        },
        {},
    )
    api.create_model("team.grok-3", "xai/grok-3", {"model": "xai/grok-3"}, {"note": "ours"})
    before = by_name(api)

    preview, _ = refresh(first, upstream, folder, "--dry-run")
    assert preview["written"] is False and preview["changes"]["added"]
    assert by_name(api) == before  # a dry run writes nothing

    payload, _ = refresh(first, upstream, folder, "--yes")
    assert payload["written"] is True
    assert set(payload["changes"]["added"]) == set(preview["changes"]["added"])
    assert "xai/grok-3" not in payload["changes"]["added"]  # held by the team's model
    models = by_name(api)
    for name in payload["changes"]["added"]:
        provider = name.split("/", 1)[0]
        made = models[name]
        assert (made.id, made.owner, made.db_model) == (
            tool_model_id(provider, name),
            provider,
            True,
        )
    for name in ("team-model", "xai/grok-3", "from-the-file"):
        assert models[name] == before[name]  # never touched
    aliases = api.get_aliases()
    assert aliases["grok"] == GROK
    assert {"claude", "default", "gpt", "gemini"} <= set(aliases)
    assert {alias: aliases[alias] for alias in payload["aliases"]} == payload["aliases"]

    since = len(upstream.requests)
    for model in ("grok", "claude", GROK):
        answer = ask(http, first, model)
        assert answer.status_code == 200, answer.text
        assert answer.json()["choices"][0]["message"]["content"] == "pong"
    sent = upstream.requests[since:]
    keys = {r.headers.get("authorization", r.headers.get("Authorization")) for r in sent}
    # the stored references were resolved in the proxy's environment, never the local one
    assert keys == {
        f"Bearer {PROXY_KEYS['XAI_API_KEY']}",
        f"Bearer {PROXY_KEYS['OPENROUTER_API_KEY']}",
    }
    listing = http.get(
        first.url + "/v2/model/info", headers={"Authorization": f"Bearer {MASTER_KEY}"}
    ).text
    assert not any(value in listing for value in LOCAL_KEYS.values())


def test_the_second_run_makes_no_write_call(
    proxy: tuple[DbProxy, Path],
    upstream: FakeUpstream,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from discovery_tui.apply import apply_run
    from discovery_tui.pipeline import RunOptions, compute
    from discovery_tui.plan import build_plan
    from discovery_tui.profile import Profile
    from discovery_tui.proxytarget import ProxyTarget

    first, folder = proxy
    for name, value in run_env(upstream, folder).items():
        monkeypatch.setenv(name, value)
    methods: list[str] = []
    with httpx.Client(
        timeout=30, event_hooks={"request": [lambda r: methods.append(r.method)]}
    ) as client:
        target = ProxyTarget(ProxyApi(client, first.url, MASTER_KEY))
        profile = Profile.load(folder / "profile.yaml")
        options = RunOptions(
            config_path=folder / "no-local-config.yaml",
            profile_path=profile.path,
            providers=PROVIDERS,
            no_llm=True,
        )
        computation = asyncio.run(compute(options, profile))
        shown = build_plan(target.state(), computation)
        result = apply_run(
            target, computation, shown, approved=True, record=None, profile_path=profile.path
        )
    assert not shown.has_changes and not result.written
    assert methods and set(methods) == {"GET"}  # read the proxy, wrote nothing


def test_an_administrators_edit_survives_the_next_run(
    proxy: tuple[DbProxy, Path], upstream: FakeUpstream, http: httpx.Client
) -> None:
    first, folder = proxy
    api = api_of(first, http)
    name = "openrouter/x-ai/grok-4"
    model_id = tool_model_id("openrouter", name)
    moved = upstream.url + "/team-gateway/api/v1"  # the fake answers whatever the prefix
    api.update_model(
        model_id,
        litellm_params={"api_base": moved},
        model_info={"max_input_tokens": 64000, "description": "an admin's note"},
    )
    payload, _ = refresh(first, upstream, folder, "--yes")
    assert payload["changes"] == {"added": [], "removed": [], "updated": []}
    assert payload["written"] is False
    made = by_name(api)[name]
    assert made.litellm_params["api_base"] == moved
    assert made.model_info["max_input_tokens"] == 64000
    assert made.model_info["description"] == "an admin's note"
    assert ask(http, first, name).status_code == 200


def test_doctor_and_launch_work_against_the_proxy_without_a_local_config(
    proxy: tuple[DbProxy, Path], upstream: FakeUpstream, tmp_path: Path
) -> None:
    first, folder = proxy
    profile = tmp_path / "team-profile.yaml"
    profile.write_text(f"to_proxy: {first.url}\n", encoding="utf-8")
    write_stand_in_claude(tmp_path / "bin")
    record = tmp_path / "claude.json"
    env = run_env(upstream, folder) | {
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "STAND_IN_CLAUDE_RECORD": str(record),
        "STAND_IN_CLAUDE_REQUEST": "1",
    }
    common = ["--profile", str(profile), "--config", str(tmp_path / "absent.yaml")]

    doctor = discovery(["doctor", "--json", *common], env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["models on the proxy"]["status"] == "ok"
    assert "read through its API" in checks["models on the proxy"]["detail"]
    assert checks["alias grok"]["status"] == "ok"
    assert checks["proxy serves this config"]["status"] == "ok"

    launch = discovery(["launch", *common, "--", "-p", "hi"], env)
    assert launch.returncode == 0, launch.stderr
    assert "starting" not in launch.stderr.lower()  # no proxy of its own for a team's URL
    seen = json.loads(record.read_text(encoding="utf-8"))
    assert seen["env"]["ANTHROPIC_BASE_URL"] == first.url
    assert seen.get("status") == 200, seen.get("error")
    for text in (doctor.stdout, doctor.stderr, launch.stdout, launch.stderr):
        assert MASTER_KEY not in text


def test_z_after_a_restart_everything_is_served_and_another_machine_finds_nothing_to_do(
    proxy: tuple[DbProxy, Path], upstream: FakeUpstream, http: httpx.Client, tmp_path: Path
) -> None:
    """Stop the proxy and start it again on the same database: the family models, the aliases,
    the admin's edit and the tool's record (its models' claims) all come from the database; a
    machine with an empty profile.yaml then finds nothing to change."""
    first, folder = proxy
    aliases, models = api_of(first, http).get_aliases(), by_name(api_of(first, http))
    first.stop()
    first.start()
    first.wait_ready()
    api = api_of(first, http)
    assert api.get_aliases() == aliases
    assert by_name(api) == models
    assert models["openrouter/x-ai/grok-4"].model_info["max_input_tokens"] == 64000
    for model in ("grok", "claude", GROK, "team-model", "openrouter/x-ai/grok-4"):
        answer = ask(http, first, model)
        assert answer.status_code == 200, (model, answer.text)
    payload, _ = refresh(first, upstream, folder, "--yes", profile=tmp_path / "other.yaml")
    assert payload["written"] is False  # no alias or fallback is taken for the team's
    assert payload["changes"] == {"added": [], "removed": [], "updated": []}
    assert not [note for note in payload["notes"] if "kept your alias" in note]
    assert payload["aliases"] == {a: t for a, t in aliases.items() if a in payload["aliases"]}
    assert by_name(api) == models and api.get_aliases() == aliases


def test_zz_a_replica_started_later_serves_everything_as_the_first_does(
    proxy: tuple[DbProxy, Path], upstream: FakeUpstream, http: httpx.Client
) -> None:
    """A second replica on the same database, started after the writes, reads everything from
    the database at start, as a restarted proxy does (test_e2e_proxy_db.py restarts one too)."""
    first, folder = proxy
    wanted = api_of(first, http).get_aliases()
    names = set(by_name(api_of(first, http)))
    second = DbProxy(
        first.workdir, first.database_url, first.config, folder / "proxy-2.log", dict(PROXY_KEYS)
    )
    try:
        second.start()
        second.wait_ready()
        for replica in (first, second):
            deadline = time.monotonic() + RELOAD_SECONDS * 15
            while api_of(replica, http).get_aliases() != wanted:
                assert time.monotonic() < deadline, f"{replica.url} never took the aliases"
                time.sleep(0.5)
            assert set(by_name(api_of(replica, http))) == names
            for model in ("grok", "claude", GROK, "team-model", "openrouter/x-ai/grok-4"):
                answer = ask(http, replica, model)
                assert answer.status_code == 200, (replica.url, model, answer.text)
        kept = by_name(api_of(second, http))["openrouter/x-ai/grok-4"]
        assert kept.model_info["max_input_tokens"] == 64000  # the admin's edit, from the DB
    finally:
        second.stop()
