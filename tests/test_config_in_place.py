"""What the writer does where it cannot simply splice: an empty or null ``model_list`` is filled
in place; a file it would have to re-emit whole is refused unless ruamel reproduces it exactly;
a router table shared through an anchor is left byte for byte with a note; a setting into a
section written twice is not written; a pinned entry takes only its three-way record; and the
notes reach ``refresh``'s output (issue 11, items 2 and 7)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from config_helpers import plan_refresh

from discovery_tui.configfile import ConfigDocument
from discovery_tui.errors import ConfigError
from discovery_tui.models import OWNER_KEY, Entry
from discovery_tui.ownership import RECORD_KEY
from discovery_tui.plan import EntryChange, KeyEdit, Plan, SettingChange

KEY = "os.environ/OPENROUTER_API_KEY"


def entry(name: str, price: float = 1e-06) -> Entry:
    info = {"mode": "chat", "input_cost_per_token": price, OWNER_KEY: "openrouter"}
    return Entry(name, "openrouter", {"model": name, "api_key": KEY}, info)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_bytes(text.encode("utf-8"))
    return path


def refresh(path: Path, *entries: Entry, aliases: dict[str, str | None] | None = None) -> bool:
    doc = ConfigDocument.load(path)
    plan_refresh(doc, replace_providers=["openrouter"], entries=entries, aliases=aliases or {})
    return doc.write()


def cli(tmp_path: Path, config: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(DISCOVERY_TUI_NO_KEYRING="1", DISCOVERY_TUI_CACHE_DIR=str(tmp_path / "cache"))
    command = [sys.executable, "-m", "discovery_tui", "refresh", "--demo", "xai", "--yes"]
    command += ["--no-llm", "--config", str(config), "--profile", str(tmp_path / "p.yaml")]
    return subprocess.run([*command, *options], env=env, capture_output=True, text=True)


# --- an empty or null model_list is filled in place -------------------------------------------

REVIEWER = (
    "x-defaults: &defaults   # c\n  api_base: https://gw/v1\nmodel_list: []   # empty\n"
    "litellm_settings:\n  y: null\n"
)


def test_the_reviewers_file_keeps_its_anchor_comment_and_null(tmp_path: Path) -> None:
    config = write(tmp_path, REVIEWER)
    result = cli(tmp_path, config)
    assert result.returncode == 0, result.stderr
    text = config.read_text()
    head, rest = text.split("model_list:      # empty\n")
    assert head == "x-defaults: &defaults   # c\n  api_base: https://gw/v1\n"
    entries, tail = rest.split("litellm_settings:\n")
    assert entries.startswith("  - model_name: xai/")
    assert tail.startswith("  y: null\nrouter_settings:\n  model_group_alias:\n")


@pytest.mark.parametrize(
    ("line", "filled"),
    [
        ("model_list: []\n", "model_list:\n"),
        ("model_list: []   # mine\n", "model_list:      # mine\n"),
        ("model_list:\n", "model_list:\n"),
        ("model_list: ~  # none yet\n", "model_list:    # none yet\n"),
        ("model_list: null\n", "model_list:\n"),
        ("model_list: [ ]\r\n", "model_list:\r\n"),
    ],
)
def test_an_empty_or_null_model_list_becomes_a_block_list_on_its_line(
    tmp_path: Path, line: str, filled: str
) -> None:
    text = "# head\n" + line + "# closes model_list\nlitellm_settings:\n  y: null\r\n"
    path = write(tmp_path, text)
    assert refresh(path, entry("openrouter/a"), entry("openrouter/b"))
    after = path.read_bytes().decode()
    assert after.startswith("# head\n" + filled + "  - model_name: openrouter/a\n")
    assert after.endswith("# closes model_list\nlitellm_settings:\n  y: null\r\n")
    names = ConfigDocument.load(path).model_names()
    assert names == ["openrouter/a", "openrouter/b"]


def test_emptied_again_the_list_line_comes_back_as_it_was(tmp_path: Path) -> None:
    text = "model_list: []   # mine\nx: 1\n"
    path = write(tmp_path, text)
    assert refresh(path, entry("openrouter/a"))
    assert refresh(path)
    assert path.read_text() == text


# --- a full rewrite is refused where it would change the user's bytes ------------------------

FLOW = (
    "x-unused: &base   # an anchor nothing uses\n  rpm: 1\n"
    "model_list: [{model_name: hand, litellm_params: {model: openai/x}}]\n"
    "litellm_settings:\n  y: null\n"
)


def test_a_flow_model_list_in_a_file_ruamel_would_change_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, FLOW)
    doc = ConfigDocument.load(path)
    plan_refresh(doc, replace_providers=["openrouter"], entries=[entry("openrouter/a")], aliases={})
    with pytest.raises(ConfigError) as caught:
        doc.write()
    assert str(caught.value) == (
        f"discovery-tui cannot edit {path} in place: `model_list` is written in flow style "
        "(`[...]`); writing the whole file again would change bytes you wrote (ruamel.yaml "
        "re-emits comments, anchors, `null`s and line endings its own way), so nothing was "
        "written. Write that part in block style (one key per line, `- ` list items) and run again"
    )
    assert path.read_text() == FLOW
    assert not (tmp_path / "config.yaml.bak").exists()


def test_a_flow_model_list_ruamel_reproduces_exactly_is_written(tmp_path: Path) -> None:
    text = "model_list: [{model_name: hand, litellm_params: {model: openai/x}}]\n"
    path = write(tmp_path, text)
    assert refresh(path, entry("openrouter/a"))
    assert ConfigDocument.load(path).model_names() == ["hand", "openrouter/a"]


# --- a router table shared through an anchor is not written ----------------------------------

SHARED = (
    "model_list:\n  - model_name: hand\n    litellm_params: {model: openai/x}\n"
    "router_settings:\n  model_group_alias: &aliases {fast: hand}\n"
    "litellm_settings:\n  extra_aliases: *aliases\n"
)


def test_a_shared_alias_table_keeps_every_byte_and_the_run_says_why(tmp_path: Path) -> None:
    path = write(tmp_path, SHARED)
    doc = ConfigDocument.load(path)
    wanted, aliases = [entry("openrouter/a")], {"c": "openrouter/a"}
    plan_refresh(doc, replace_providers=["openrouter"], entries=wanted, aliases=aliases)
    assert doc.write()
    text = path.read_text()
    assert text.endswith(SHARED.split("router_settings:\n")[1])
    assert text.replace(text.split("router_settings:")[0], "") == "router_settings:" + (
        SHARED.split("router_settings:")[1]
    )
    assert doc.notes == [
        f"{path}: router_settings.model_group_alias is shared through the YAML anchor &aliases "
        "with litellm_settings.extra_aliases: the aliases were not written; remove the anchor "
        "to let discovery-tui manage them"
    ]


def test_refresh_prints_the_file_notes_and_json_carries_them(tmp_path: Path) -> None:
    config = write(tmp_path, SHARED)
    result = cli(tmp_path, config)
    assert result.returncode == 0, result.stderr
    note = (
        f"{config}: router_settings.model_group_alias is shared through the YAML anchor "
        "&aliases with litellm_settings.extra_aliases: the aliases were not written; remove "
        "the anchor to let discovery-tui manage them"
    )
    assert f"discovery-tui: {note}\n" in result.stderr
    assert config.read_text().endswith("  model_group_alias: &aliases {fast: hand}\n"
                                       "litellm_settings:\n  extra_aliases: *aliases\n")
    config.write_text(SHARED)
    (tmp_path / "p.yaml").unlink()
    result = cli(tmp_path, config, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["file_notes"] == [note]


# --- a setting into a section written twice ---------------------------------------------------

TWICE = "general_settings:\n  a: 1\nmodel_list: []\ngeneral_settings:\n  b: 2\n"


def test_no_master_key_goes_into_a_section_written_twice(tmp_path: Path) -> None:
    path = write(tmp_path, TWICE)
    doc = ConfigDocument.load(path)
    change = SettingChange("general_settings", "master_key", "os.environ/LITELLM_MASTER_KEY", False)
    doc.execute(Plan(path, (), (), {}, (), setting_changes=(change,)))
    assert not doc.write()
    assert path.read_text() == TWICE
    assert doc.notes[-1] == (
        f"{path}: general_settings.master_key was not written: `general_settings` is written "
        "more than once (see above); merge them into one and run again"
    )
    assert doc.notes[0].startswith(f"{path} line 4: `general_settings` is written 2 times")


# --- a pinned entry takes its three-way record only -------------------------------------------

PINNED = """\
model_list:
  - model_name: openrouter/m
    litellm_params: &gw
      model: openrouter/m
      api_key: os.environ/OPENROUTER_API_KEY
    model_info:
      input_cost_per_token: 3.0e-06
      discovery_tui: openrouter
  - model_name: hand
    litellm_params: *gw
"""


def test_a_pinned_entry_takes_a_record_only_edit_and_nothing_else(tmp_path: Path) -> None:
    path = write(tmp_path, PINNED)
    record = KeyEdit("model_info", RECORD_KEY, "v1.abcd")
    price = KeyEdit("model_info", "input_cost_per_token", 1e-06)
    wanted = entry("openrouter/m")
    for edits, written in (((price, record), False), ((record,), True)):
        doc = ConfigDocument.load(path)
        change = EntryChange("openrouter/m", "openrouter", "updated", entry=wanted, edits=edits)
        doc.execute(Plan(path, (), (change,), {}, ()))
        assert doc.write() is written
    assert path.read_text() == PINNED.replace(
        "      discovery_tui: openrouter\n",
        "      discovery_tui: openrouter\n      discovery_tui_written: v1.abcd\n",
    )
