"""Per-provider refresh: only the refreshed provider's entries change, and aliases move only when
that provider's pick should win (profile order, else first-party before aggregators)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_provider import FakeProvider, Reply
from ruamel.yaml import YAML

from discovery_tui.cli import main
from discovery_tui.providers import PROVIDERS


def openrouter_model(model_id: str, created: int) -> dict[str, Any]:
    return {
        "id": model_id,
        "name": model_id,
        "created": created,
        "context_length": 256000,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
        "pricing": {"prompt": "0.000003", "completion": "0.000015"},
        "supported_parameters": ["tools"],
    }


OPENROUTER = {
    "data": [
        openrouter_model("x-ai/grok-4", 1752019200),
        openrouter_model("anthropic/claude-sonnet-4.5", 1759104000),
    ]
}
XAI = {"data": [{"id": "grok-4-0709", "created": 1752019200, "object": "model", "owned_by": "xai"}]}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeProvider]:
    for spec in PROVIDERS.values():
        if spec.key_env:
            monkeypatch.delenv(spec.key_env, raising=False)
        monkeypatch.delenv(spec.api_base_env, raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENROUTER_API_KEY", "or-test")
    monkeypatch.setenv("XAI_API_KEY", "xai-test")
    server = FakeProvider().start()
    monkeypatch.setenv("OPENROUTER_API_BASE", server.serve_catalog("openrouter", OPENROUTER))
    monkeypatch.setenv("XAI_API_BASE", server.serve_catalog("xai", XAI))
    yield server
    server.stop()


def refresh(tmp_path: Path, *providers: str) -> int:
    args = ["refresh", *providers, "--no-llm", "--yes", "--config", str(tmp_path / "config.yaml")]
    return main([*args, "--profile", str(tmp_path / "profile.yaml")])


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def entry_block(text: str, model_name: str) -> str:
    """The exact lines of one model_list entry, for byte comparisons."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.endswith(f"model_name: {model_name}"))
    end = next(
        (i for i in range(start + 1, len(lines)) if not lines[i].startswith("    ")), len(lines)
    )
    return "\n".join(lines[start:end])


def test_first_party_pick_wins_and_survives_an_aggregator_refresh(
    env: FakeProvider, tmp_path: Path
) -> None:
    assert refresh(tmp_path) == 0  # every provider with a key: openrouter and xai
    config = tmp_path / "config.yaml"
    aliases = load(config)["router_settings"]["model_group_alias"]
    assert aliases["grok"] == "xai/grok-4-0709"  # xAI is first-party: before OpenRouter
    assert aliases["claude"] == "openrouter/anthropic/claude-sonnet-4.5"
    xai_before = entry_block(config.read_text(encoding="utf-8"), "xai/grok-4-0709")

    newer = {"data": [*OPENROUTER["data"], openrouter_model("x-ai/grok-5", 1790000000)]}
    env.route(env.catalog_path("openrouter"), Reply(json=newer))
    assert refresh(tmp_path, "openrouter") == 0
    text = config.read_text(encoding="utf-8")
    data = load(config)
    assert "openrouter/x-ai/grok-5" in {e["model_name"] for e in data["model_list"]}
    assert data["router_settings"]["model_group_alias"]["grok"] == "xai/grok-4-0709"
    assert entry_block(text, "xai/grok-4-0709") == xai_before  # untouched, byte for byte


def test_profile_order_lets_the_refreshed_provider_win(env: FakeProvider, tmp_path: Path) -> None:
    (tmp_path / "profile.yaml").write_text("providers: [openrouter, xai]\n", encoding="utf-8")
    assert refresh(tmp_path) == 0
    aliases = load(tmp_path / "config.yaml")["router_settings"]["model_group_alias"]
    assert aliases["grok"] == "openrouter/x-ai/grok-4"


def test_failed_provider_keeps_entries_and_alias_and_exits_3(
    env: FakeProvider, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert refresh(tmp_path) == 0
    config = tmp_path / "config.yaml"
    before = config.read_text(encoding="utf-8")
    env.route(env.catalog_path("xai"), Reply(status=500, json={"error": "boom"}))
    capsys.readouterr()
    assert refresh(tmp_path) == 3
    err = capsys.readouterr().err
    assert "xai failed, its entries were kept: xAI failed on its side (HTTP 500)" in err
    assert len(err.strip().splitlines()) == 1
    assert config.read_text(encoding="utf-8") == before


def test_profile_records_picks_and_refresh_time(env: FakeProvider, tmp_path: Path) -> None:
    assert refresh(tmp_path, "xai") == 0
    profile = load(tmp_path / "profile.yaml")
    assert profile["picks"] == {"xai": {"grok": "xai/grok-4-0709"}}
    assert set(profile["last_refresh"]) == {"xai"}
    assert "xai-test" not in (tmp_path / "profile.yaml").read_text(encoding="utf-8")


def test_custom_provider_entries_carry_its_base_and_no_key_reference(
    env: FakeProvider, tmp_path: Path
) -> None:
    base = f"{env.url}/local/v1"
    env.json(
        "/local/v1/models", {"object": "list", "data": [{"id": "qwen3-32b", "object": "model"}]}
    )
    (tmp_path / "profile.yaml").write_text(
        f"custom_providers:\n  - name: local\n    base_url: {base}\n    prefix: openai\n",
        encoding="utf-8",
    )
    families = tmp_path / "families.yaml"
    families.write_text(
        "families:\n  qwen-local:\n    intent: Local Qwen.\n    vendors: []\n"
        "    match: ['^qwen']\n    aliases: [qwen-local]\n",
        encoding="utf-8",
    )
    args = ["refresh", "local", "--no-llm", "--yes", "--families", str(families)]
    config = tmp_path / "config.yaml"
    assert main([*args, "--config", str(config), "--profile", str(tmp_path / "profile.yaml")]) == 0
    (entry,) = load(config)["model_list"]
    assert entry["litellm_params"] == {
        "model": "openai/qwen3-32b",
        "api_base": base,
        # a local server's model does not say it reasons: Claude Code's reasoning params go
        "additional_drop_params": ["reasoning_effort", "thinking"],
    }
    assert load(config)["router_settings"]["model_group_alias"] == {
        "qwen-local": "openai/qwen3-32b"
    }


def test_perplexity_builtin_list_picks_sonar_pro(
    env: FakeProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERPLEXITYAI_API_KEY", "pplx-test")
    assert refresh(tmp_path, "perplexity") == 0
    data = load(tmp_path / "config.yaml")
    assert data["router_settings"]["model_group_alias"]["sonar"] == "perplexity/sonar-pro"
    assert not env.requests  # a documented built-in list: no HTTP call


def test_refresh_uses_the_judge_then_its_cache(
    env: FakeProvider,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from fake_judge import FakeJudge, pick_index

    monkeypatch.setenv("DISCOVERY_TUI_JUDGE_API_KEY", "sk-judge-SECRET-1")
    config, profile = str(tmp_path / "config.yaml"), str(tmp_path / "profile.yaml")
    with FakeJudge(pick_index(0, reason="strongest coder")) as judge:
        args = ["refresh", "openrouter", "xai", "--yes", "--json", "--config", config]
        args += ["--profile", profile, "--judge-base-url", judge.url, "--judge-model", "m"]
        capsys.readouterr()
        assert main(args) == 0
        first = json.loads(capsys.readouterr().out)
        assert len(judge.requests) == 2  # one call per provider
        assert main(args) == 0
        second = json.loads(capsys.readouterr().out)
        assert len(judge.requests) == 2  # unchanged catalogs: no new call
    grok = first["providers"]["xai"]["picks"]["grok"]
    assert grok == {"model": "grok-4-0709", "by": "llm", "reason": "strongest coder"}
    assert second["providers"]["xai"]["picks"]["grok"]["by"] == "cached"
    assert second["written"] is False, second
    assert second["changes"]["added"] == []
    assert "sk-judge-SECRET-1" not in json.dumps([first, second])


def test_config_in_a_missing_folder_fails_before_any_request(
    env: FakeProvider, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "no-such-folder" / "config.yaml"
    assert main(["refresh", "--no-llm", "--yes", "--config", str(config)]) == 1
    assert "does not exist: create it" in capsys.readouterr().err
    assert not env.requests
