"""doctor's screen: a healthy three-provider setup fits 80x24, keys and answered aliases are
grouped, skipped checks say why, fixes name the real config path and wrap between words only."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from rich.console import Console

from discovery_tui.commands.doctor import DoctorReport, proxy_checks, run_checks
from discovery_tui.commands.doctor_checks import Check, DoctorOptions
from discovery_tui.providers import PROVIDERS
from discovery_tui.render.console import Screen
from discovery_tui.render.doctor import grouped, show_table

CONFIG = Path("/home/ana/litellm/config.yaml")
URL = "http://127.0.0.1:4000"

HEALTHY = [
    Check("config parses", "ok", f"{CONFIG}: 9 models, 8 aliases"),
    Check("aliases point at models", "ok", "all 8 aliases point at existing model names"),
    Check("no alias shadows a model", "ok", "alias names and model names are distinct"),
    Check("retirements", "ok", "no alias target expires within 30 days"),
    Check("key ANTHROPIC_API_KEY", "ok", "set in the environment (used by 3 model(s))"),
    Check("key GEMINI_API_KEY", "ok", "set in the environment (used by 3 model(s))"),
    Check("key XAI_API_KEY", "ok", "set in the environment (used by 3 model(s))"),
    Check("Claude Code /model picker", "ok", "Claude Code's /model picker lists 4 alias(es)"),
    Check("proxy live", "ok", f"{URL} answers"),
    Check("proxy ready", "ok", "GET /health/readiness answered 200"),
    Check("master key", "ok", "accepted (from LITELLM_MASTER_KEY in the keyring)"),
    Check("proxy serves this config", "ok", "lists all 17 names"),
    *[
        Check(f"alias {a}", "ok", f"answered in 0.4 s ({a})")
        for a in ("claude", "default", "claude-strong", "claude-fast", "gemini", "cheap")
    ],
    Check("alias grok", "ok", "answered in 0.9 s (xai/grok-4)"),
    Check("alias claude-grok", "ok", "answered in 0.9 s (xai/grok-4)"),
]


def render(checks: list[Check], width: int = 80) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, no_color=True, highlight=False)
    report = DoctorReport(tuple(checks), CONFIG, URL, as_json=False)
    show_table(report, Screen(console, console))
    return buffer.getvalue()


def test_a_healthy_three_provider_setup_fits_80x24() -> None:
    text = render(HEALTHY)

    assert text.splitlines() == [
        "doctor: /home/ana/litellm/config.yaml -> http://127.0.0.1:4000",
        "ok   config parses              /home/ana/litellm/config.yaml: 9 models, 8",
        "                                aliases",
        "ok   aliases point at models    all 8 aliases point at existing model names",
        "ok   no alias shadows a model   alias names and model names are distinct",
        "ok   retirements                no alias target expires within 30 days",
        "ok   keys                       all 3 set: ANTHROPIC_API_KEY, GEMINI_API_KEY,",
        "                                XAI_API_KEY",
        "ok   Claude Code /model picker  Claude Code's /model picker lists 4 alias(es)",
        "ok   proxy live                 http://127.0.0.1:4000 answers",
        "ok   proxy ready                GET /health/readiness answered 200",
        "ok   master key                 accepted (from LITELLM_MASTER_KEY in the",
        "                                keyring)",
        "ok   proxy serves this config   lists all 17 names",
        "ok   aliases answer             all 8 answered",
        "all good, 0 warning(s)",
    ]
    assert len(text.splitlines()) <= 24
    assert all(len(line) <= 80 for line in text.splitlines())


def test_keys_not_set_become_one_line_with_one_fix() -> None:
    unset = [
        Check(f"key {v}", "fail", "not set (used by 2 model(s)): the proxy answers 500", "x")
        for v in ("A_KEY", "B_KEY", "C_KEY", "D_KEY", "E_KEY", "F_KEY")
    ]
    (line,) = grouped(unset)

    assert line == Check(
        "keys",
        "fail",
        "6 not set: A_KEY, B_KEY, C_KEY, D_KEY and 2 more; the proxy answers 500",
        "`discovery-tui keys set PROVIDER` for each, or export its variable",
    )


def test_fixes_wrap_between_words_and_name_the_real_config(tmp_path: Path) -> None:
    config = tmp_path / "a-rather-long-folder-name" / "my-proxy-config.yaml"
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503))) as client:
        (live,) = proxy_checks(client, URL, live=False, config_path=config)
    text = render([live])

    assert f"litellm --config {config} --port N" in live.fix
    assert "config.yaml --port" not in live.fix.replace(str(config), "")
    words = set(" ".join([live.detail, live.fix]).split()) | {"FAIL", "fix:", "proxy", "live"}
    for line in text.splitlines()[1:-1]:
        assert set(line.split()) <= words, (line, text)  # no token cut
    assert str(config) in text.split()


def test_checks_that_could_not_run_are_named_with_why(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "model_list:\n"
        "  - model_name: xai/grok-4\n"
        "    litellm_params: {model: xai/grok-4, api_key: os.environ/XAI_API_KEY}\n"
        "router_settings:\n  model_group_alias: {grok: xai/grok-4}\n",
        encoding="utf-8",
    )
    options = DoctorOptions(config, "http://127.0.0.1:9", "LITELLM_MASTER_KEY", PROVIDERS)
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503))) as client:
        checks = run_checks(options, client)
    by_name = {c.name: c for c in checks}

    assert by_name["proxy serves this config"] == Check(
        "proxy serves this config", "skip", "the proxy is not running"
    )
    assert by_name["aliases answer"] == Check("aliases answer", "skip", "the proxy is not running")
    assert by_name["master key"].status in ("ok", "fail")
    assert "skipped" in render(checks).splitlines()[-1]


def test_the_verdict_counts_the_rows_shown_not_the_checks_behind_them() -> None:
    """Six missing keys are one "keys" row on the screen: the verdict says 1 failed, not 6."""
    from discovery_tui.commands.doctor_checks import Check
    from discovery_tui.render.doctor import grouped, verdict

    checks = [
        Check(f"key {name}", "fail", f"{name.upper()}_API_KEY is not set: needed by the config")
        for name in ("xai", "gemini", "openai", "anthropic", "deepseek", "groq")
    ]
    checks.append(Check("proxy live", "fail", "nothing answers at http://127.0.0.1:4000"))
    rows = grouped(checks)
    assert [row.name for row in rows] == ["keys", "proxy live"]
    assert verdict(rows) == "[bold red]2 failed[/], 0 warning(s)"
