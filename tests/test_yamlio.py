"""The one YAML load-and-explain path: config.yaml, profile.yaml and families.yaml explain a bad
file the same way (file, line and column, problem, fix) and never end in a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery_tui.configfile import ConfigDocument
from discovery_tui.errors import ConfigError
from discovery_tui.families import load_families
from discovery_tui.profile import Profile, save_profile
from discovery_tui.yamlio import load_yaml

NOT_UTF8 = b"launch_model: caf\xe9\n"


def test_undecodable_profile_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_bytes(NOT_UTF8)
    with pytest.raises(ConfigError) as caught:
        Profile.load(path)
    assert str(caught.value) == (
        f"{path} is not UTF-8 text (byte 17): save it as UTF-8, "
        "or fix it, or delete the file to start a new profile"
    )
    assert isinstance(caught.value.__cause__, UnicodeDecodeError)
    with pytest.raises(ConfigError, match="not UTF-8"):
        save_profile(path, {"launch_model": "claude"})
    assert path.read_bytes() == NOT_UTF8


def test_undecodable_families_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "families.yaml"
    path.write_bytes(b"families:\n  claude:\n    intent: \xff\xfe\n")
    with pytest.raises(ConfigError) as caught:
        load_families(path)
    message = str(caught.value)
    assert message.startswith(f"{path} is not UTF-8 text (byte 32): save it as UTF-8")
    assert "\n" not in message


@pytest.mark.parametrize("name", ["config.yaml", "profile.yaml", "families.yaml"])
def test_every_file_names_line_column_problem_and_fix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("families:\n  a: [unclosed\n", encoding="utf-8")
    load = {
        "config.yaml": ConfigDocument.load,
        "profile.yaml": Profile.load,
        "families.yaml": load_families,
    }[name]
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"{path} line 3, column 1: ")
    assert "(not valid YAML): " in message
    assert "\n" not in message


def test_a_missing_file_is_none_and_a_folder_is_explained(tmp_path: Path) -> None:
    assert load_yaml(tmp_path / "absent.yaml", fix="fix it") is None
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        load_yaml(tmp_path, fix="fix it")
