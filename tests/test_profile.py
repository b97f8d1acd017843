"""profile.yaml: the shipped example is valid, updates keep comments, bad files explain the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery_tui.errors import ConfigError
from discovery_tui.profile import Profile, save_profile
from discovery_tui.providers import all_providers

EXAMPLE = Path(__file__).resolve().parents[1] / "profile.yaml.example"


def test_example_profile_loads_and_declares_a_custom_provider() -> None:
    profile = Profile.load(EXAMPLE)
    assert profile.launch_model == "claude"
    assert profile.providers[0] == "anthropic" and profile.providers[-1] == "openrouter"
    assert profile.proxy.master_key_env == "LITELLM_MASTER_KEY"
    specs = all_providers(profile.custom_providers)
    assert specs["lmstudio"].key_env == "LMSTUDIO_API_KEY"
    assert specs["lmstudio"].default_api_base == "http://127.0.0.1:1234/v1"


def test_missing_profile_has_safe_defaults(tmp_path: Path) -> None:
    profile = Profile.load(tmp_path / "absent.yaml")
    assert profile.providers == () and profile.launch_model is None and profile.picks == {}


def test_save_profile_keeps_comments_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("# mine\nlaunch_model: gpt  # the usual\nproviders: [xai]\n", encoding="utf-8")
    save_profile(path, {"launch_model": "claude", "picks": {"xai": {"grok": "xai/grok-4"}}})
    text = path.read_text(encoding="utf-8")
    assert text == (
        "# mine\nlaunch_model: claude # the usual\nproviders: [xai]\n"
        "picks:\n  xai:\n    grok: xai/grok-4\n"
    )
    save_profile(path, {"launch_model": "claude"})
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("launch_model: [unclosed\n", "line 2, column 1"),
        ("- a list\n", "the top level must be a mapping"),
        ("picks: [1, 2]\n", "'picks' must be a mapping"),
    ],
)
def test_bad_profile_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Profile.load(path)


def test_every_command_finds_the_config_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from discovery_tui.settings import resolve_config_path

    monkeypatch.delenv("DISCOVERY_TUI_CONFIG", raising=False)
    assert resolve_config_path(None) == Path("config.yaml")
    assert resolve_config_path(None, profile_config="~/p.yaml") == Path("~/p.yaml").expanduser()
    monkeypatch.setenv("DISCOVERY_TUI_CONFIG", str(tmp_path / "env.yaml"))
    assert resolve_config_path(None, profile_config="~/p.yaml") == tmp_path / "env.yaml"
    explicit = tmp_path / "flag.yaml"
    assert resolve_config_path(explicit, profile_config="~/p.yaml") == explicit
