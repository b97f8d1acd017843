"""Writes keep the last good version (issue 11 item 6) and shared YAML nodes are never written
through (item 2)."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path

import pytest
from config_helpers import plan_refresh
from ruamel.yaml import YAML

from discovery_tui import fileio
from discovery_tui.configfile import ConfigDocument
from discovery_tui.errors import ConfigError
from discovery_tui.models import Entry


def test_full_disk_for_the_config_but_not_the_backup_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, bak = tmp_path / "config.yaml", tmp_path / "config.yaml.bak"
    path.write_text("model_list: []  # current\n")
    bak.write_text("model_list: []  # the version before\n")
    real_write = os.write
    big = b"x" * 4096

    def write(fd: int, data: bytes | memoryview) -> int:
        if len(data) >= len(big):  # the new config: no room; the backup (small) would fit
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(ConfigError, match=r"the disk is full.*was left unchanged"):
        fileio.atomic_write_text(path, big.decode(), backup=True)
    assert path.read_text() == "model_list: []  # current\n"
    assert bak.read_text() == "model_list: []  # the version before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "config.yaml.bak"]


def test_ctrl_c_during_the_commit_completes_the_write_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("old\n")
    before = len(fileio.completed_writes())
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        real_replace(src, dst)
        if Path(dst).name == "config.yaml.bak":
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C between the two renames

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        fileio.atomic_write_text(path, "new\n", backup=True)
    assert path.read_text() == "new\n"
    assert (tmp_path / "config.yaml.bak").read_text() == "old\n"
    assert fileio.interrupted_message(before) == (
        f"interrupted; {path} had already been written completely "
        "(`discovery-tui undo` restores the previous version)"
    )
    assert fileio.interrupted_message(len(fileio.completed_writes())) == (
        "interrupted; nothing was written"
    )


SHARED = """\
x-defaults: &defaults
  api_base: https://gateway.corp/v1
  timeout: 600
x-unused: &unused
  rpm: 1
model_list:
  - model_name: hand
    litellm_params: &gw
      model: openai/x
      api_base: https://gateway.corp/v1
      api_key: os.environ/CORP_KEY
  - model_name: openrouter/a
    litellm_params: *gw
    model_info:
      discovery_tui: openrouter
  - model_name: openrouter/b
    litellm_params:
      <<: *defaults
      model: openrouter/b
    model_info:
      discovery_tui: openrouter
  - model_name: openrouter/c
    litellm_params: &cparams
      model: openrouter/c
    model_info:
      discovery_tui: openrouter
  - model_name: hand-c
    litellm_params: *cparams
"""


def entry(name: str) -> Entry:
    return Entry(
        name,
        "openrouter",
        {"model": name, "api_key": "os.environ/OPENROUTER_API_KEY"},
        {"discovery_tui": "openrouter"},
    )


def test_shared_nodes_are_unshared_and_a_key_never_goes_to_a_user_base(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(SHARED)
    doc = ConfigDocument.load(path)
    assert doc.pinned_entries() == [("openrouter", "openrouter/c")]
    plan_refresh(doc,
        replace_providers=["openrouter"],
        entries=[entry("openrouter/a"), entry("openrouter/b")],
        aliases={},
    )
    assert doc.write()
    text = path.read_text()
    data = YAML(typ="safe").load(text)
    by_name = {e["model_name"]: e["litellm_params"] for e in data["model_list"]}
    assert by_name["hand"] == {
        "model": "openai/x",
        "api_base": "https://gateway.corp/v1",
        "api_key": "os.environ/CORP_KEY",
    }
    for owned in ("openrouter/a", "openrouter/b"):
        assert "api_base" not in by_name[owned]  # the provider key goes to the provider only
        assert by_name[owned]["api_key"] == "os.environ/OPENROUTER_API_KEY"
    assert by_name["openrouter/b"]["timeout"] == 600  # the user's merged key, now explicit
    # the entry that defines an anchor a hand entry uses is kept as it is
    assert by_name["hand-c"] == by_name["openrouter/c"] == {"model": "openrouter/c"}
    for kept in ("&defaults", "&unused", "&gw", "&cparams", "*cparams"):
        assert kept in text  # anchors (used or not) stay
    assert text.startswith(SHARED.split("  - model_name: openrouter/a")[0])
