"""doctor announces retirements without fetching a catalog: every entry the tool writes carries
the catalog's expiry as ``model_info.deprecation_date`` (LiteLLM's key), and doctor warns for each
alias whose target's day is past or within 30 days, with the command that moves it (issue 14)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from cli_harness import Harness, harness_for, openrouter_catalog
from fake_provider import Reply
from rich.console import Console

from discovery_tui.commands.doctor import DoctorReport, run_checks
from discovery_tui.commands.doctor_checks import Check, DoctorOptions, retirement_checks
from discovery_tui.models import Model
from discovery_tui.plan.entries import entry_for
from discovery_tui.providers import PROVIDERS
from discovery_tui.proxy import load_proxy_config
from discovery_tui.render.console import Screen
from discovery_tui.render.doctor import show_table

URL = "http://127.0.0.1:9"
TODAY = date(2026, 11, 20)


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        yield harness


def offline_checks(config: Path, today: date) -> list[Check]:
    """doctor's checks with nothing listening on the proxy port (503 to every probe)."""
    options = DoctorOptions(config, URL, "LITELLM_MASTER_KEY", PROVIDERS, today=today)
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503))) as client:
        return run_checks(options, client)


def test_an_entry_carries_the_catalogs_expiry_as_litellms_deprecation_date() -> None:
    model = Model("xai", "grok-4-0709", "xai/grok-4-0709", expires=date(2026, 12, 10))
    lasting = Model("xai", "grok-4.3", "xai/grok-4.3")

    entry = entry_for(model, PROVIDERS["xai"], api_base=None)

    assert entry.model_info["deprecation_date"] == "2026-12-10"
    assert "deprecation_date" not in entry_for(lasting, PROVIDERS["xai"], api_base=None).model_info


def test_a_refreshed_alias_whose_target_expires_soon_is_announced_by_doctor(h: Harness) -> None:
    expires = date.today() + timedelta(days=45)  # still eligible on the day of the refresh
    catalog = openrouter_catalog()
    catalog["data"][0]["expiration_date"] = expires.isoformat()  # anthropic/claude-sonnet-4.5
    h.serve(openrouter=[Reply(json=catalog)])
    run = h.refresh("--yes", providers=("openrouter",))
    assert run.code == 0, run.text
    assert f"deprecation_date: '{expires.isoformat()}'" in h.text()

    fresh = offline_checks(h.config, date.today())
    later = offline_checks(h.config, expires - timedelta(days=30))

    assert [c for c in fresh if c.name == "retirements"] == [
        Check("retirements", "ok", "no alias target expires within 30 days")
    ]
    assert [c for c in later if c.name == "retirements"] == [
        Check(
            "retirements",
            "warn",
            "claude, default -> openrouter/anthropic/claude-sonnet-4.5 expires "
            + expires.isoformat(),
            "run `discovery-tui refresh openrouter` to move them",
        )
    ]


CONFIG = """\
model_list:
  - model_name: xai/grok-4-0709
    litellm_params: {model: xai/grok-4-0709, api_key: os.environ/XAI_API_KEY}
    model_info: {discovery_tui: xai, deprecation_date: 2026-12-10}
  - model_name: mistral/mistral-large-2407
    litellm_params: {model: mistral/mistral-large-2407, api_key: os.environ/MISTRAL_API_KEY}
    model_info: {discovery_tui: mistral, deprecation_date: '2026-11-02'}
  - model_name: my-old-model
    litellm_params: {model: openai/gpt-4-0613}
    model_info: {deprecation_date: '2026-11-25'}
  - model_name: gemini/gemini-2.5-pro
    litellm_params: {model: gemini/gemini-2.5-pro, api_key: os.environ/GEMINI_API_KEY}
    model_info: {discovery_tui: gemini, deprecation_date: '2027-06-17'}
router_settings:
  model_group_alias:
    grok: xai/grok-4-0709
    mistral: mistral/mistral-large-2407
    old: my-old-model
    gemini: gemini/gemini-2.5-pro
"""


def test_doctors_screen_names_each_retiring_target_and_its_fix(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    loaded = load_proxy_config(config)

    checks = retirement_checks(loaded, today=TODAY)
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, no_color=True, highlight=False)
    show_table(DoctorReport(tuple(checks), config, URL, as_json=False), Screen(console, console))

    assert buffer.getvalue().splitlines()[1:] == [
        "warn retirements  grok -> xai/grok-4-0709 expires 2026-12-10",
        "                  fix: run `discovery-tui refresh xai` to move it",
        "warn retirements  mistral -> mistral/mistral-large-2407 expired 2026-11-02",
        "                  fix: run `discovery-tui refresh mistral` to move it",
        "warn retirements  old -> my-old-model expires 2026-11-25",
        "                  fix: point it at another model_name (my-old-model is not an",
        "                  entry discovery-tui wrote)",
        "all good, 3 warning(s)",
    ]


def test_a_day_31_days_away_is_no_warning_and_day_30_is(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    loaded = load_proxy_config(config)

    at_30 = retirement_checks(loaded, today=date(2027, 5, 18))
    at_31 = retirement_checks(loaded, today=date(2027, 5, 17))

    assert "gemini -> gemini/gemini-2.5-pro expires 2027-06-17" in [c.detail for c in at_30]
    assert all("gemini/" not in c.detail for c in at_31)


def test_no_aliases_no_retirement_line(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.split("router_settings")[0], encoding="utf-8")

    assert retirement_checks(load_proxy_config(config), today=TODAY) == []
