"""launch's warm start (a proxy kept running, reused while it serves the current config,
restarted when the config changed) and refresh before launch. A real proxy process (the fake
proxy script) on 127.0.0.1, a stand-in ``claude``, a fake provider upstream for the refresh."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fake_upstream import FakeUpstream, builtin_catalogs
from launch_harness import (
    MASTER,
    fake_proxy_command,
    free_url,
    keyless_work,
    live,
    recorded,
)

from discovery_tui import warmproxy
from discovery_tui.cli import main
from discovery_tui.commands.launch_refresh import parse_interval, refresh_due
from discovery_tui.errors import ConfigError


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The launch working folder; every proxy left running is stopped at the end."""
    yield from keyless_work(tmp_path, monkeypatch)


def keep_profile(work: Path, url: str, *, keep: bool = True, extra: str = "") -> None:
    text = f"proxy:\n  url: {url}\n  command: {json.dumps(fake_proxy_command())}\n"
    text += "  keep_running: true\n" if keep else ""
    (work / "profile.yaml").write_text(text + extra, encoding="utf-8")


# --- warm start ---------------------------------------------------------------------------


def test_a_kept_proxy_is_reused_while_it_serves_the_current_config(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = free_url()
    keep_profile(work, url, keep=False)
    assert main(["launch", "--keep-proxy"]) == 0
    first = capsys.readouterr().err
    assert "starting the proxy" in first and "stays running" in first
    warm = warmproxy.read(url)
    assert warm is not None and live(url)
    assert warm.config_path == str((work / "config.yaml").resolve())
    assert warm.config_sha256 == warmproxy.config_fingerprint(work / "config.yaml")
    assert warmproxy.status(warm, work / "config.yaml") == "current"
    assert MASTER not in warmproxy.state_path(url).read_text(encoding="utf-8")

    assert main(["launch", "--", "-p", "again"]) == 0  # no --keep-proxy: still reuses it
    second = capsys.readouterr().err
    assert "starting the proxy" not in second and "using the proxy left running" in second
    assert recorded(work)["argv"] == ["-p", "again"]
    assert live(url) and warmproxy.read(url) == warm  # not its to stop


def test_a_kept_proxy_is_restarted_when_the_config_changed(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = free_url()
    keep_profile(work, url)
    assert main(["launch"]) == 0
    old = warmproxy.read(url)
    assert old is not None
    config = work / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert warmproxy.status(old, config) == "stale"
    capsys.readouterr()
    assert main(["launch"]) == 0
    err = capsys.readouterr().err
    assert f"(pid {old.pid}) serves an older config: restarting it" in err
    new = warmproxy.read(url)
    assert new is not None and new.pid != old.pid and live(url)
    assert not warmproxy.pid_alive(old.pid)
    assert warmproxy.status(new, config) == "current"


def test_without_keeping_the_proxy_it_starts_is_stopped(work: Path) -> None:
    url = free_url()
    keep_profile(work, url, keep=False)
    assert main(["launch"]) == 0
    assert not live(url) and warmproxy.read(url) is None


def test_a_record_whose_process_is_gone_is_forgotten(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = free_url()
    keep_profile(work, url)
    warmproxy.record(2**22 + 12345, url, work / "config.yaml", work / "log")  # no such pid
    assert main(["launch"]) == 0
    warm = warmproxy.read(url)
    assert warm is not None and warm.pid != 2**22 + 12345 and live(url)


# --- refresh before launch ----------------------------------------------------------------


def closed_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def providers_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every catalog the refresh could reach points at a closed port on 127.0.0.1."""
    for name in ("OPENROUTER", "XAI", "GEMINI", "OPENAI", "ANTHROPIC", "MISTRAL", "DEEPSEEK"):
        monkeypatch.setenv(f"{name}_API_BASE", closed_url())
    for name in ("GROQ", "MOONSHOT", "PERPLEXITY"):
        monkeypatch.setenv(f"{name}_API_BASE", closed_url())
    monkeypatch.setenv("MODELS_DEV_API_URL", closed_url() + "/api.json")


def test_a_failed_refresh_goes_on_with_the_last_good_config(
    work: Path, providers_offline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    config = work / "config.yaml"
    aliases_of_gpt = ("    gpt:", "    claude-gpt:")
    lines = config.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith(aliases_of_gpt)]
    config.write_text("\n".join(kept) + "\n", encoding="utf-8")  # no alias the plan would drop
    before = config.read_bytes()
    url = free_url()
    keep_profile(work, url, keep=False)
    assert main(["launch", "--refresh", "--print-env", "--shell", "sh"]) == 0
    out = capsys.readouterr()
    assert "refreshing the providers before launch" in out.err
    assert "discovery-tui: openrouter was not refreshed (OpenRouter cannot be reached" in out.err
    assert "discovery-tui: launching with the config as it was" in out.err
    assert f"export ANTHROPIC_AUTH_TOKEN={MASTER}" in out.out
    assert config.read_bytes() == before


def test_refresh_before_launch_writes_the_config_then_launches(
    work: Path,
    providers_offline: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    upstream = FakeUpstream(catalogs=builtin_catalogs())
    upstream.start()
    try:
        monkeypatch.setenv("XAI_API_BASE", upstream.base("xai"))
        monkeypatch.setenv("XAI_API_KEY", "xai-test-key-1")
        keep_profile(work, free_url(), keep=False, extra="refresh_before_launch: 12h\n")
        assert main(["launch", "--print-env", "--shell", "sh", "--model", "grok"]) == 0
    finally:
        upstream.stop()
    out = capsys.readouterr()
    assert "the config was refreshed" in out.err
    text = (work / "config.yaml").read_text(encoding="utf-8")
    assert "model_name: xai/grok-4-0709" in text
    assert "xai-test-key-1" not in out.out + text
    profile = (work / "profile.yaml").read_text(encoding="utf-8")
    assert "last_refresh:" in profile and "xai:" in profile
    assert "export ANTHROPIC_MODEL=claude-grok" in out.out  # an alias the refresh wrote

    assert main(["launch", "--print-env", "--shell", "sh"]) == 0  # refreshed 0 s ago: no refresh
    assert "refreshing" not in capsys.readouterr().err


def test_refresh_due() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    twelve = parse_interval("12h")
    assert twelve == timedelta(hours=12)
    assert parse_interval("30m") == timedelta(minutes=30)
    assert parse_interval("2d") == timedelta(days=2)
    assert parse_interval("6") == timedelta(hours=6)
    assert parse_interval(None) is None
    assert not refresh_due(None, {}, now)
    assert refresh_due(twelve, {}, now)  # never refreshed
    recent = {"xai": "2026-11-30T01:00:00+00:00", "openrouter": "2026-11-29T00:00:00+00:00"}
    assert not refresh_due(twelve, recent, now)  # the newest refresh counts
    assert refresh_due(twelve, {"xai": "2026-11-29T23:59:00+00:00"}, now)
    with pytest.raises(ConfigError, match="12h, 30m or 2d"):
        parse_interval("twelve hours")
