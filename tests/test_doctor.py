"""`discovery-tui doctor` against a fake proxy on 127.0.0.1 (the real one: test_e2e_litellm.py)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import keyring
import pytest
from fake_upstream import FakeProxy, memory_keyring

from discovery_tui.cli import main
from discovery_tui.providers import PROVIDERS

MASTER = "sk-doctor-master-5e1f"
PROVIDER_KEY = "or-provider-key-77aa"
MODELS = ("openrouter/anthropic/claude-sonnet-4.5", "openrouter/openai/gpt-5")
ALIASES = {"claude": MODELS[0], "default": MODELS[0], "gpt": MODELS[1]}


def write_config(
    path: Path,
    *,
    models: tuple[str, ...] = MODELS,
    aliases: Mapping[str, str] = ALIASES,
    master_key: str | None = None,
    key_var: str = "OPENROUTER_API_KEY",
) -> Path:
    lines = ["model_list:"]
    for name in models:
        lines += [
            f"  - model_name: {name}",
            "    litellm_params:",
            f"      model: {name}",
            f"      api_key: os.environ/{key_var}",
        ]
    lines += ["router_settings:", "  model_group_alias:"]
    lines += [f"    {alias}: {target}" for alias, target in aliases.items()]
    if master_key:
        lines += ["general_settings:", f"  master_key: {master_key}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def free_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for spec in PROVIDERS.values():
        if spec.key_env:
            monkeypatch.delenv(spec.key_env, raising=False)
    for name in ("LITELLM_MASTER_KEY", "DISCOVERY_TUI_CONFIG", "DISCOVERY_TUI_NO_KEYRING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCOVERY_TUI_PROFILE", str(tmp_path / "profile.yaml"))
    monkeypatch.setenv("OPENROUTER_API_KEY", PROVIDER_KEY)
    monkeypatch.setenv("LITELLM_MASTER_KEY", MASTER)


@pytest.fixture
def proxy() -> Iterator[FakeProxy]:
    server = FakeProxy(master_key=MASTER, aliases=dict(ALIASES), model_names=MODELS)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def doctor(
    config: Path, url: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, Any]]:
    code = main(["doctor", "--json", "--config", str(config), "--proxy-url", url, *extra])
    out = capsys.readouterr().out
    for secret in (MASTER, PROVIDER_KEY):
        assert secret not in out
    return code, json.loads(out)


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["status"] for c in report["checks"]}


def check(report: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in report["checks"] if c["name"] == name)
    return found


def test_all_good(proxy: FakeProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = doctor(write_config(tmp_path / "c.yaml"), proxy.url, capsys)
    assert code == 0 and report["ok"] is True
    got = statuses(report)
    for name in ("config parses", "aliases point at models", "no alias shadows a model"):
        assert got[name] == "ok"
    assert got["key OPENROUTER_API_KEY"] == "ok"
    assert got["proxy live"] == got["proxy ready"] == got["master key"] == "ok"
    assert got["proxy serves this config"] == "ok"
    assert [got[f"alias {a}"] for a in ALIASES] == ["ok", "ok", "ok"]
    assert "LITELLM_MASTER_KEY" in check(report, "master key")["detail"]
    asked = [r.body["model"] for r in proxy.requests if r.path == "/v1/chat/completions"]
    assert sorted(asked) == sorted(ALIASES)
    assert all(r.body["max_tokens"] == 1 for r in proxy.requests if r.method == "POST")


def test_table_output(proxy: FakeProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "c.yaml")
    assert main(["doctor", "--config", str(config), "--proxy-url", proxy.url]) == 0
    out = capsys.readouterr().out
    assert "aliases answer             all 3 answered" in out and "all good" in out
    assert MASTER not in out and PROVIDER_KEY not in out


def test_proxy_down_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = doctor(write_config(tmp_path / "c.yaml"), free_url(), capsys)
    assert code == 1 and report["ok"] is False
    down = check(report, "proxy live")
    assert down["status"] == "fail" and "discovery-tui launch" in down["fix"]
    assert not any(c["name"].startswith("alias ") for c in report["checks"])


def test_master_key_from_the_config(
    proxy: FakeProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("LITELLM_MASTER_KEY")
    config = write_config(tmp_path / "c.yaml", master_key=MASTER)
    code, report = doctor(config, proxy.url, capsys)
    assert code == 0
    assert "general_settings.master_key" in check(report, "master key")["detail"]


def test_master_key_through_an_env_reference_in_the_config(
    proxy: FakeProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("LITELLM_MASTER_KEY")
    monkeypatch.setenv("MY_PROXY_KEY", MASTER)
    config = write_config(tmp_path / "c.yaml", master_key="os.environ/MY_PROXY_KEY")
    code, report = doctor(config, proxy.url, capsys)
    assert code == 0
    assert "MY_PROXY_KEY" in check(report, "master key")["detail"]


def test_no_master_key(
    proxy: FakeProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("LITELLM_MASTER_KEY")
    code, report = doctor(write_config(tmp_path / "c.yaml"), proxy.url, capsys)
    assert code == 1
    missing = check(report, "master key")
    assert missing["status"] == "fail" and "LITELLM_MASTER_KEY" in missing["fix"]


def test_wrong_master_key_is_explained(
    proxy: FakeProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("LITELLM_MASTER_KEY", "sk-wrong-key-0000")
    code, report = doctor(write_config(tmp_path / "c.yaml"), proxy.url, capsys)
    assert code == 1
    rejected = check(report, "master key")
    assert "rejected" in rejected["detail"] and "401" in rejected["detail"]
    assert "LITELLM_MASTER_KEY" in rejected["fix"]
    assert not any(c["name"].startswith("alias ") for c in report["checks"])


def test_no_connected_db_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    server = FakeProxy(master_key=MASTER, aliases=dict(ALIASES), model_names=MODELS, no_db=True)
    server.start()
    try:
        monkeypatch.setenv("LITELLM_MASTER_KEY", "sk-wrong-key-0000")
        code, report = doctor(write_config(tmp_path / "c.yaml"), server.url, capsys)
    finally:
        server.stop()
    assert code == 1
    detail = check(report, "master key")["detail"]
    assert "No connected db" in detail and "not its master key" in detail


def test_failing_alias(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeProxy(
        master_key=MASTER, aliases=dict(ALIASES), model_names=MODELS, failing=frozenset({"gpt"})
    )
    server.start()
    try:
        code, report = doctor(write_config(tmp_path / "c.yaml"), server.url, capsys)
    finally:
        server.stop()
    assert code == 1
    failed = check(report, "alias gpt")
    assert failed["status"] == "fail"
    assert "HTTP 500" in failed["detail"] and "Traceback" not in failed["detail"]
    assert check(report, "alias claude")["status"] == "ok"


def test_slow_alias_is_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = FakeProxy(
        master_key=MASTER, aliases=dict(ALIASES), model_names=MODELS, slow=frozenset({"gpt"})
    )
    server.start()
    try:
        config = write_config(tmp_path / "c.yaml")
        code, report = doctor(config, server.url, capsys, "--timeout", "0.5")
    finally:
        server.stop()
    assert code == 1
    assert "no answer within" in check(report, "alias gpt")["detail"]
    assert check(report, "alias claude")["status"] == "ok"


def test_model_needing_more_tokens_still_counts_as_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = FakeProxy(
        master_key=MASTER,
        aliases=dict(ALIASES),
        model_names=MODELS,
        answers_max_tokens_error=frozenset({"gpt"}),
    )
    server.start()
    try:
        code, report = doctor(write_config(tmp_path / "c.yaml"), server.url, capsys)
    finally:
        server.stop()
    assert code == 0
    assert "needs more than 1 token" in check(report, "alias gpt")["detail"]


def test_dangling_and_shadowing_aliases(
    proxy: FakeProxy, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aliases = {**ALIASES, "gone": "openrouter/x/removed", MODELS[1]: MODELS[0]}
    code, report = doctor(write_config(tmp_path / "c.yaml", aliases=aliases), proxy.url, capsys)
    assert code == 1
    dangling = check(report, "aliases point at models")
    assert dangling["status"] == "fail" and "gone -> openrouter/x/removed" in dangling["detail"]
    shadow = check(report, "no alias shadows a model")
    assert shadow["status"] == "fail" and MODELS[1] in shadow["detail"]


def test_unparsable_config(proxy: FakeProxy, tmp_path: Path, capsys: Any) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("model_list: [\n", encoding="utf-8")
    code, report = doctor(config, proxy.url, capsys)
    assert code == 1
    parsed = check(report, "config parses")
    assert parsed["status"] == "fail" and "not valid YAML" in parsed["detail"]
    assert statuses(report)["proxy live"] == "ok"


def test_missing_config(proxy: FakeProxy, tmp_path: Path, capsys: Any) -> None:
    code, report = doctor(tmp_path / "absent.yaml", proxy.url, capsys)
    assert code == 1
    assert "discovery-tui refresh" in check(report, "config parses")["detail"]


def test_key_variable_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    code, report = doctor(write_config(tmp_path / "c.yaml"), free_url(), capsys)
    unset = check(report, "key OPENROUTER_API_KEY")
    assert code == 1 and unset["status"] == "fail"
    assert "discovery-tui keys set openrouter" in unset["fix"]


def test_key_variable_unset_while_a_proxy_runs_is_a_warning(
    proxy: FakeProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    code, report = doctor(write_config(tmp_path / "c.yaml"), proxy.url, capsys)
    assert code == 0
    assert check(report, "key OPENROUTER_API_KEY")["status"] == "warn"


def test_key_in_the_keyring_is_ok(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    previous = keyring.get_keyring()
    backend = memory_keyring()
    backend.set_password("discovery-tui", "openrouter", PROVIDER_KEY)
    keyring.set_keyring(backend)
    try:
        code, report = doctor(write_config(tmp_path / "c.yaml"), free_url(), capsys)
    finally:
        keyring.set_keyring(previous)
    found = check(report, "key OPENROUTER_API_KEY")
    assert found["status"] == "ok" and "keyring" in found["detail"]
    assert code == 1  # the proxy is down


def test_picker_check(proxy: FakeProxy, tmp_path: Path, capsys: Any) -> None:
    code, report = doctor(write_config(tmp_path / "c.yaml"), proxy.url, capsys)
    picker = check(report, "Claude Code /model picker")
    assert picker["status"] == "warn" and "gpt" in picker["detail"]
    aliases = {**ALIASES, "claude-gpt": MODELS[1]}
    server = FakeProxy(master_key=MASTER, aliases=aliases, model_names=MODELS)
    server.start()
    try:
        config = write_config(tmp_path / "d.yaml", aliases=aliases)
        code, report = doctor(config, server.url, capsys)
    finally:
        server.stop()
    assert code == 0
    assert check(report, "Claude Code /model picker")["status"] == "ok"


def test_proxy_running_another_config_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = FakeProxy(master_key=MASTER, aliases={"claude": MODELS[0]}, model_names=MODELS[:1])
    server.start()
    try:
        code, report = doctor(write_config(tmp_path / "c.yaml"), server.url, capsys)
    finally:
        server.stop()
    assert check(report, "proxy serves this config")["status"] == "warn"
    assert check(report, "alias gpt")["status"] == "fail"  # the proxy does not know it
    assert code == 1


def test_profile_gives_url_and_master_key_variable(
    proxy: FakeProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.delenv("LITELLM_MASTER_KEY")
    monkeypatch.setenv("TEAM_PROXY_KEY", MASTER)
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        f"proxy:\n  url: {proxy.url}/\n  master_key_env: TEAM_PROXY_KEY\n", encoding="utf-8"
    )
    config = write_config(tmp_path / "c.yaml")
    code = main(["doctor", "--json", "--config", str(config), "--profile", str(profile)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert report["proxy_url"] == proxy.url
    assert "TEAM_PROXY_KEY" in check(report, "master key")["detail"]


# --- injected clients: every request of doctor goes through them ---------------------------


def test_every_request_goes_through_the_injected_clients(tmp_path: Path) -> None:
    import httpx

    from discovery_tui.commands.doctor import run_checks
    from discovery_tui.commands.doctor_checks import DoctorOptions

    seen: list[tuple[str, str, str | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, request.headers.get("authorization")))
        if request.url.path == "/v1/models":
            return httpx.Response(200, json={"data": [{"id": n} for n in (*ALIASES, *MODELS)]})
        if request.url.path == "/v1/chat/completions":
            if json.loads(request.content)["model"] == "gpt":
                return httpx.Response(500, json={"error": {"message": f"bad key {PROVIDER_KEY}"}})
            return httpx.Response(200, json={"choices": []})
        return httpx.Response(200)

    options = DoctorOptions(
        config_path=write_config(tmp_path / "config.yaml"),
        proxy_url="http://proxy.invalid:4000",
        master_key_env="LITELLM_MASTER_KEY",
        providers=PROVIDERS,
    )
    transport = httpx.MockTransport(answer)
    alias_client = httpx.AsyncClient(transport=transport)
    with httpx.Client(transport=transport) as client:
        checks = run_checks(options, client, alias_client)
    asyncio.run(alias_client.aclose())

    status = {c.name: c.status for c in checks}
    assert status["proxy live"] == status["proxy ready"] == status["master key"] == "ok"
    assert status["alias claude"] == "ok" and status["alias gpt"] == "fail"
    gpt = next(c for c in checks if c.name == "alias gpt")
    assert PROVIDER_KEY not in gpt.detail and "bad key ***" in gpt.detail  # scrubbed
    paths = sorted({(method, path) for method, path, _ in seen})
    assert paths == [
        ("GET", "/health/liveliness"),
        ("GET", "/health/readiness"),
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
    ]
    assert all(auth == f"Bearer {MASTER}" for _, path, auth in seen if path.startswith("/v1/"))


def test_a_probe_that_cannot_connect_is_none_not_an_error() -> None:
    import httpx

    from discovery_tui.proxy import is_live, probe

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        assert probe(client, "http://127.0.0.1:9", "/health/liveliness") is None
        assert not is_live(client, "http://127.0.0.1:9")
