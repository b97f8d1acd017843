"""The wizard's last screen shows the config file's notes of the apply (ApplyResult.notes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_provider import FakeProvider
from test_wizard import ENTER, HAND_WRITTEN, World, clean_environment, serve_catalogs

from discovery_tui.errors import EXIT_OK


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_provider: FakeProvider) -> World:
    """As test_wizard's: the fake providers' catalogs, a clean environment."""
    clean_environment(monkeypatch, tmp_path / "cache")
    for name, value in serve_catalogs(fake_provider).items():
        monkeypatch.setenv(name, value)
    return World(tmp_path, tmp_path / "config.yaml", tmp_path / "profile.yaml", fake_provider)


def test_the_last_screen_shows_the_files_notes(world: World) -> None:
    """A key written twice, which LiteLLM loads (the last wins): written around and explained
    on the last screen, after what was written."""
    twice = "litellm_settings:\n  drop_params: true\nlitellm_settings:\n  drop_params: false\n"
    world.config.write_text(HAND_WRITTEN + twice, encoding="utf-8")

    result = world.run(ENTER * 3)  # providers, apply, launch model

    assert result.code == EXIT_OK, result.text
    lines = result.text.splitlines()
    start = lines.index("Notes about the file:")
    assert lines.index("Written:") < start
    assert lines[start + 1] == (
        f"  {world.config} line 11: `litellm_settings` is written 2 times in one mapping "
        "(lines 9 and 11); LiteLLM loads the file and uses only the last one, line 11: "
        "`litellm_settings: / drop_params: false`; it ignores line 9: "
        "`litellm_settings: / drop_params: true`. discovery-tui left both as they are; "
        "merge them into one `litellm_settings:` so the file says what LiteLLM does"
    )
