"""doctor's checks for launch: the fallbacks of the config, and a proxy that launch kept running
(current or stale). The kept proxy is a real process (the fake proxy script) on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from launch_harness import fake_proxy_command, free_url, keyless_work

from discovery_tui import warmproxy
from discovery_tui.cli import main
from discovery_tui.commands.doctor_launch import fallback_check
from discovery_tui.proxy import load_proxy_config

ROUTER = """\
router_settings:
  model_group_alias:
    claude: anthropic/claude-sonnet-4-5
  fallbacks:
"""


def config_with_fallbacks(tmp_path: Path, *items: str) -> Path:
    entries = "model_list:\n"
    for name in ("anthropic/claude-sonnet-4-5", "openrouter/anthropic/claude-sonnet-4.5"):
        entries += f"  - model_name: {name}\n    litellm_params: {{model: {name}}}\n"
    path = tmp_path / "config.yaml"
    path.write_text(entries + ROUTER + "".join(f"    - {i}\n" for i in items), encoding="utf-8")
    return path


def test_fallbacks_are_listed(tmp_path: Path) -> None:
    path = config_with_fallbacks(tmp_path, "claude: [openrouter/anthropic/claude-sonnet-4.5]")
    check = fallback_check(load_proxy_config(path))
    assert (check.status, check.detail) == (
        "ok",
        "claude -> openrouter/anthropic/claude-sonnet-4.5",
    )


def test_a_fallback_to_a_missing_model_fails_with_the_fix(tmp_path: Path) -> None:
    path = config_with_fallbacks(tmp_path, "claude: [openrouter/anthropic/claude-gone]")
    check = fallback_check(load_proxy_config(path))
    assert check.status == "fail"
    assert check.detail == (
        "1 fallback target(s) are not in the config: claude -> openrouter/anthropic/claude-gone"
    )
    assert "discovery-tui refresh" in check.fix


def test_a_fallback_keyed_on_no_name_is_never_used(tmp_path: Path) -> None:
    path = config_with_fallbacks(tmp_path, "sonnet: [anthropic/claude-sonnet-4-5]")
    check = fallback_check(load_proxy_config(path))
    assert check.status == "warn" and "sonnet" in check.detail


# --- a proxy kept by launch ---------------------------------------------------------------


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from keyless_work(tmp_path, monkeypatch)


def doctor_checks(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, Any]]:
    capsys.readouterr()
    main(["doctor", "--json", "--timeout", "5"])
    data = json.loads(capsys.readouterr().out)
    checks = data["checks"] if isinstance(data, dict) else data
    return {c["name"]: c for c in checks}


def test_doctor_tells_a_stale_kept_proxy_from_a_current_one(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = free_url()
    command = json.dumps(fake_proxy_command())
    (work / "profile.yaml").write_text(
        f"proxy:\n  url: {url}\n  command: {command}\n", encoding="utf-8"
    )
    assert main(["launch", "--keep-proxy"]) == 0
    warm = warmproxy.read(url)
    assert warm is not None
    current = doctor_checks(capsys)["proxy is current"]
    assert current["status"] == "ok" and f"pid {warm.pid}" in current["detail"]

    config = work / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    stale = doctor_checks(capsys)["proxy is current"]
    assert stale["status"] == "warn"
    assert stale["detail"].startswith("stale: config.yaml changed since it started")
    assert "discovery-tui launch" in stale["fix"] and f"kill {warm.pid}" in stale["fix"]


def test_doctor_says_nothing_of_a_proxy_launch_did_not_keep(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "proxy is current" not in doctor_checks(capsys)
