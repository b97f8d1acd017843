"""remote.py: a team's proxy as doctor, launch and the wizard see it (no local config.yaml).

The proxy's model API is the in-memory one of tests/test_proxytarget.py, over MockTransport; the
real proxy: tests/test_e2e_proxy_target.py.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from test_proxytarget import MASTER, URL, FakeModelApi, apply, computation, model, target_of

from discovery_tui.apply import ConfigFileTarget
from discovery_tui.profile import Profile
from discovery_tui.proxytarget import ProxyTarget
from discovery_tui.remote import remote_proxy_config, uses_remote_proxy, wizard_target


class Answers:
    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def confirm(self, message: str, *, default: bool = True) -> bool:
        self.asked.append(message)
        return self.answer


def test_the_proxy_config_is_read_from_its_api() -> None:
    fake = FakeModelApi()
    apply(target_of(fake), computation(model("grok-4"), model("grok-3")))
    client = httpx.Client(transport=httpx.MockTransport(fake.handle))
    config = remote_proxy_config(client, URL, MASTER)
    assert config.model_names == ("xai/grok-4", "xai/grok-3")
    assert dict(config.aliases) == {"grok": "xai/grok-4"}
    facts = config.target("grok")
    assert facts is not None
    assert (facts.model, facts.provider, facts.context) == ("xai/grok-4", "xai", 256000)
    assert facts.input_cost == 3e-06


def test_a_remote_proxy_is_read_only_without_a_local_config(tmp_path: Path) -> None:
    profile = Profile(tmp_path / "profile.yaml", to_proxy="http://127.0.0.1:4100/")
    absent, present = tmp_path / "absent.yaml", tmp_path / "config.yaml"
    present.write_text("model_list: []\n", encoding="utf-8")
    assert uses_remote_proxy("http://127.0.0.1:4100", absent, profile)  # the profile's team proxy
    assert uses_remote_proxy("https://llm.example.com", absent, Profile(tmp_path / "p.yaml"))
    assert not uses_remote_proxy("http://127.0.0.1:4000", absent, profile)  # a local one
    assert not uses_remote_proxy("http://127.0.0.1:4100", present, profile)


@pytest.mark.parametrize("answer", [True, False])
def test_the_wizard_asks_where_to_apply_when_the_profile_names_a_proxy(
    answer: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LITELLM_MASTER_KEY", MASTER)
    profile = Profile(tmp_path / "profile.yaml", to_proxy=URL)
    answers = Answers(answer)
    target = wizard_target(profile, tmp_path / "config.yaml", answers)  # type: ignore[arg-type]
    assert isinstance(target, ProxyTarget if answer else ConfigFileTarget)
    assert answers.asked == [
        f"Apply to the team's proxy at {URL} (to_proxy in profile.yaml)? "
        f"No: apply to {tmp_path / 'config.yaml'}"
    ]
    no_proxy = Answers(True)
    plain = wizard_target(Profile(tmp_path / "p.yaml"), tmp_path / "c.yaml", no_proxy)  # type: ignore[arg-type]
    assert isinstance(plain, ConfigFileTarget) and no_proxy.asked == []


@pytest.mark.parametrize("mode", ["--dry-run", "--yes"])
def test_refresh_json_carries_what_the_proxy_cannot_take(
    mode: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`refresh --to-proxy --json`: the proxy's notes (here: an older LiteLLM without
    /router/settings) are in the JSON object, not only on stderr."""
    import json

    from discovery_tui import remote
    from discovery_tui.cli import main

    fake = FakeModelApi(router_settings=False)
    monkeypatch.setattr(remote, "open_proxy_target", lambda url, **_: target_of(fake))
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    argv = ["refresh", "--demo", "--no-llm", "--json", mode, "--to-proxy", URL]
    argv += ["--profile", str(tmp_path / "p.yaml"), "--config", str(tmp_path / "absent.yaml")]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    payload = json.loads(out)
    note = (
        f"the proxy at {URL} cannot take aliases and fallbacks through its API (The proxy at "
        f"{URL} refused to read its router settings (HTTP 404): Not Found; check the URL given "
        "to --to-proxy); they are not written: set them in the proxy's config.yaml"
    )
    assert payload["target_notes"] == [note]
    assert err.splitlines().count(f"discovery-tui: {note}") == 1
    assert payload["written"] is (mode == "--yes") and payload["changes"]["added"]
    assert MASTER not in out + err
