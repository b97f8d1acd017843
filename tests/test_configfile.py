"""The config writer: the merge keeps everything it does not own, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from config_helpers import plan_refresh

from discovery_tui.configfile import ConfigDocument
from discovery_tui.errors import ConfigError
from discovery_tui.models import OWNER_KEY, Entry
from discovery_tui.ownership import OwnedEntry
from discovery_tui.plan import FallbackChange, KeyEdit, Plan, conflicting_names, key_edits
from discovery_tui.plan.entries import fresh_record

KEY = "os.environ/OPENROUTER_API_KEY"


def entry(name: str, provider: str = "openrouter", **info: object) -> Entry:
    params: dict[str, object] = {"model": name, "api_key": KEY}
    return Entry(name, provider, params, {"mode": "chat", **info, OWNER_KEY: provider})


CONFIG = """\
# LiteLLM proxy config (head comment)
model_list:
  # before the first entry
  - model_name: openrouter/a  # inline on a
    litellm_params:
      model: openrouter/a  # inline on model
      api_key: os.environ/OPENROUTER_API_KEY
      api_base: http://127.0.0.1:9000/api/v1
      rpm: 10
    model_info:
      mode: chat
      my_note: keep me
      input_cost_per_token: 3.0e-06
      discovery_tui: openrouter

  # hand-written entries below
  - model_name: mine
    litellm_params:
      model: openai/gpt-4o
      api_key: "os.environ/OPENAI_API_KEY"
  - model_name: openrouter/gone
    litellm_params:
      model: openrouter/gone
      api_key: os.environ/OPENROUTER_API_KEY
    model_info:
      mode: chat
      discovery_tui: openrouter
  # xai below
  - model_name: xai/grok-4
    litellm_params:
      model: xai/grok-4
      api_key: os.environ/XAI_API_KEY
    model_info:
      mode: chat
      discovery_tui: xai
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY   # keep this comment
router_settings:
  routing_strategy: simple-shuffle
  model_group_alias:
    claude: openrouter/a
    hidden-one: {model: openrouter/a, hidden: true}
    mine-alias: mine
  # after the aliases
litellm_settings:
  drop_params: true
# end of file
"""


def rec(wanted: Entry, indent: str = "      ") -> str:
    """The three-way record line the tool ends an entry's model_info with."""
    return f"{indent}discovery_tui_written: {fresh_record(wanted)}\n"


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def refresh(
    path: Path,
    entries: list[Entry],
    aliases: dict[str, str | None],
    *,
    providers: tuple[str, ...] = ("openrouter",),
) -> bool:
    doc = ConfigDocument.load(path)
    plan_refresh(doc, replace_providers=providers, entries=entries, aliases=aliases)
    return doc.write()


# --- the merge ------------------------------------------------------------------------------


def test_refresh_updates_in_place_removes_inserts_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    entries = [
        entry("openrouter/a", input_cost_per_token=2.5e-06),
        entry("openrouter/new", input_cost_per_token=1e-06, supports_vision=True),
    ]
    assert refresh(path, entries, {"claude": "openrouter/new", "hidden-one": "openrouter/new"})
    expected = (
        CONFIG.replace("      api_base: http://127.0.0.1:9000/api/v1\n", "")
        .replace("3.0e-06", "2.5e-06")
        .replace(
            "      discovery_tui: openrouter\n\n",
            "      discovery_tui: openrouter\n" + rec(entries[0]) + "\n",
        )
        .replace(
            """\
  - model_name: openrouter/gone
    litellm_params:
      model: openrouter/gone
      api_key: os.environ/OPENROUTER_API_KEY
    model_info:
      mode: chat
      discovery_tui: openrouter
""",
            """\
  - model_name: openrouter/new
    litellm_params:
      model: openrouter/new
      api_key: os.environ/OPENROUTER_API_KEY
    model_info:
      mode: chat
      input_cost_per_token: 1.0e-06
      supports_vision: true
      discovery_tui: openrouter
"""
            + rec(entries[1]),
        )
        .replace(
            "    claude: openrouter/a\n    hidden-one: {model: openrouter/a,",
            "    claude: openrouter/new\n    hidden-one: {model: openrouter/new,",
        )
    )
    assert path.read_text() == expected
    assert (tmp_path / "config.yaml.bak").read_text() == CONFIG


def test_refresh_twice_changes_no_byte(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    entries = [entry("openrouter/a"), entry("openrouter/b", max_input_tokens=200000)]
    aliases: dict[str, str | None] = {"claude": "openrouter/b", "gpt": "openrouter/a"}
    assert refresh(path, entries, aliases)
    once = path.read_bytes()
    stat = path.stat()
    assert not refresh(path, entries, aliases)
    assert path.read_bytes() == once
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert path.stat().st_ino == stat.st_ino


def test_refresh_of_one_provider_touches_only_its_entries(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    grok = Entry(
        "xai/grok-4",
        "xai",
        {"model": "xai/grok-4", "api_key": "os.environ/XAI_API_KEY"},
        {"mode": "chat", "max_input_tokens": 256000, OWNER_KEY: "xai"},
    )
    assert refresh(path, [grok], {}, providers=("xai",))
    assert path.read_text() == CONFIG.replace(
        "      mode: chat\n      discovery_tui: xai\n",
        "      mode: chat\n      max_input_tokens: 256000\n      discovery_tui: xai\n" + rec(grok),
    )


def test_a_refresh_with_nothing_new_writes_nothing(tmp_path: Path) -> None:
    text = CONFIG.replace("    claude: openrouter/a\n", "    claude: openrouter/a\n    x:  ~\n")
    path = write(tmp_path, text)
    same = Entry(
        "xai/grok-4",
        "xai",
        {"model": "xai/grok-4", "api_key": "os.environ/XAI_API_KEY"},
        {"mode": "chat", OWNER_KEY: "xai"},
    )
    # a file of a version before the three-way record gets the record once, as its only edit
    assert refresh(path, [same], {"mine-alias": "mine"}, providers=("xai",))
    recorded = text.replace("      discovery_tui: xai\n", "      discovery_tui: xai\n" + rec(same))
    assert path.read_text() == recorded  # even what ruamel.yaml would normalise (the ``~``)
    assert (tmp_path / "config.yaml.bak").read_text() == text
    (tmp_path / "config.yaml.bak").unlink()
    assert not refresh(path, [same], {"mine-alias": "mine"}, providers=("xai",))
    assert path.read_text() == recorded
    assert not (tmp_path / "config.yaml.bak").exists()


def test_user_keys_of_an_owned_entry_survive(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    refresh(path, [entry("openrouter/a", supports_reasoning=True)], {})
    owned = ConfigDocument.load(path).owned_entries()["openrouter"]["openrouter/a"]
    assert owned["litellm_params"] == {"model": "openrouter/a", "api_key": KEY, "rpm": 10}
    assert owned["model_info"] == {
        "mode": "chat",
        "my_note": "keep me",
        "supports_reasoning": True,
        OWNER_KEY: "openrouter",
        "discovery_tui_written": fresh_record(entry("openrouter/a", supports_reasoning=True)),
    }


def test_new_entries_go_after_the_providers_last_entry_in_the_given_order(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    entries = [entry("openrouter/z"), entry("openrouter/gone"), entry("openrouter/y")]
    refresh(path, entries, {})
    assert ConfigDocument.load(path).model_names() == [
        "mine",
        "openrouter/gone",
        "openrouter/z",
        "openrouter/y",
        "xai/grok-4",
    ]
    text = path.read_text()
    tail = rec(entry("openrouter/y")) + "  # xai below\n  - model_name: xai/grok-4"
    assert "      discovery_tui: openrouter\n" + tail in text
    assert (
        "# before the first entry\n\n  # hand-written entries below\n  - model_name: mine" in text
    )


def test_entries_of_a_provider_new_to_the_file_are_appended(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    gem = Entry(
        "gemini/gemini-2.5-pro", "gemini", {"model": "gemini/gemini-2.5-pro"}, {OWNER_KEY: "gemini"}
    )
    refresh(path, [gem], {}, providers=("gemini",))
    assert path.read_text() == CONFIG.replace(
        "      discovery_tui: xai\n",
        "      discovery_tui: xai\n"
        "  - model_name: gemini/gemini-2.5-pro\n"
        "    litellm_params:\n"
        "      model: gemini/gemini-2.5-pro\n"
        "    model_info:\n"
        "      discovery_tui: gemini\n" + rec(gem),
    )


def test_removing_every_entry_of_a_provider_keeps_the_comments(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    refresh(path, [], {}, providers=("openrouter",))
    text = path.read_text()
    assert "openrouter/" not in text.split("general_settings")[0]
    for comment in (
        "# before the first entry",
        "# hand-written entries below",
        "# xai below",
        "# end of file",
    ):
        assert comment in text
    assert text.index("# hand-written entries below") < text.index("model_name: mine")
    assert ConfigDocument.load(path).model_names() == ["mine", "xai/grok-4"]


def test_a_name_held_by_a_hand_written_entry_is_skipped_and_reported(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    doc = ConfigDocument.load(path)
    clash = entry("mine")
    assert conflicting_names(doc.state(), [clash, entry("openrouter/a"), entry("xai/grok-4")]) == [
        "mine",
        "xai/grok-4",
    ]
    wanted = [clash, entry("openrouter/a")]
    plan_refresh(doc, replace_providers=["openrouter"], entries=wanted, aliases={})
    doc.write()
    names = ConfigDocument.load(path).model_names()
    assert names.count("mine") == 1
    assert "openrouter/a" in names


def test_the_plan_updates_only_entries_whose_owned_keys_differ(tmp_path: Path) -> None:
    state = ConfigDocument.load(write(tmp_path, CONFIG)).state()

    def edits(wanted: Entry) -> tuple[KeyEdit, ...] | None:
        """The edits besides the three-way record, which an entry of a file written before
        the record gets once, as its last edit (what the tool writes: nothing is the user's)."""
        current = state.owned.get(wanted.provider, {}).get(wanted.model_name)
        if current is None:
            return None
        found = key_edits(current, wanted)
        assert found[-1] == KeyEdit("model_info", "discovery_tui_written", fresh_record(wanted))
        return found[:-1]

    same = Entry(
        "openrouter/gone",
        "openrouter",
        {"model": "openrouter/gone", "api_key": KEY},
        {"mode": "chat", OWNER_KEY: "openrouter"},
    )
    assert edits(same) == ()
    assert edits(entry("openrouter/gone", max_input_tokens=1)) == (
        KeyEdit("model_info", "max_input_tokens", 1),
    )
    assert edits(entry("openrouter/brand-new")) is None  # added, not updated
    assert edits(entry("openrouter/a", input_cost_per_token=3e-06)) == (
        KeyEdit("litellm_params", "api_base", remove=True),  # the user's my_note and rpm stay
    )
    assert (
        edits(
            Entry(
                "openrouter/a",
                "openrouter",
                {
                    "model": "openrouter/a",
                    "api_key": KEY,
                    "api_base": "http://127.0.0.1:9000/api/v1",
                },
                {"mode": "chat", "input_cost_per_token": 3e-06, OWNER_KEY: "openrouter"},
            )
        )
        == ()
    )


def test_the_state_is_plain_data(tmp_path: Path) -> None:
    state = ConfigDocument.load(write(tmp_path, CONFIG)).state()
    assert state.model_names == ("openrouter/a", "mine", "openrouter/gone", "xai/grok-4")
    assert state.holders["mine"] == frozenset({None})
    assert state.holders["xai/grok-4"] == frozenset({"xai"})
    assert list(state.owned["openrouter"]) == ["openrouter/a", "openrouter/gone"]
    assert state.owned["xai"]["xai/grok-4"] == OwnedEntry(
        "xai/grok-4",
        "xai",
        {"model": "xai/grok-4", "api_key": "os.environ/XAI_API_KEY"},
        {"mode": "chat", OWNER_KEY: "xai"},
    )
    assert state.aliases == {
        "claude": "openrouter/a",
        "hidden-one": "openrouter/a",
        "mine-alias": "mine",
    }
    assert state.exists and not ConfigDocument.load(tmp_path / "absent.yaml").state().exists


def test_reading_helpers(tmp_path: Path) -> None:
    doc = ConfigDocument.load(write(tmp_path, CONFIG))
    assert doc.model_names() == ["openrouter/a", "mine", "openrouter/gone", "xai/grok-4"]
    assert doc.aliases() == {
        "claude": "openrouter/a",
        "hidden-one": "openrouter/a",
        "mine-alias": "mine",
    }
    owned = doc.owned_entries()
    assert sorted(owned) == ["openrouter", "xai"]
    assert type(owned["xai"]["xai/grok-4"]["model_info"]) is dict
    assert owned["xai"]["xai/grok-4"] == {
        "model_name": "xai/grok-4",
        "litellm_params": {"model": "xai/grok-4", "api_key": "os.environ/XAI_API_KEY"},
        "model_info": {"mode": "chat", OWNER_KEY: "xai"},
    }


# --- aliases --------------------------------------------------------------------------------


def test_aliases_set_remove_and_keep_forms(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    refresh(
        path,
        [entry("openrouter/a")],
        {
            "claude": None,
            "hidden-one": "mine",
            "new-alias": "openrouter/a",
            "absent": None,
        },
    )
    assert (
        path.read_text().split("router_settings:")[1]
        == """
  routing_strategy: simple-shuffle
  model_group_alias:
    hidden-one: {model: mine, hidden: true}
    mine-alias: mine
    new-alias: openrouter/a
  # after the aliases
litellm_settings:
  drop_params: true
# end of file
"""
    )


def test_aliases_create_router_settings_at_the_end(tmp_path: Path) -> None:
    text = "model_list:\n  - model_name: mine\n    litellm_params:\n      model: x/y\n# the end\n"
    path = write(tmp_path, text)
    refresh(path, [], {"claude": "mine", "default": "mine"}, providers=())
    assert path.read_text() == (
        "model_list:\n  - model_name: mine\n    litellm_params:\n      model: x/y\n"
        "router_settings:\n  model_group_alias:\n    claude: mine\n    default: mine\n"
        "# the end\n"
    )
    assert ConfigDocument.load(path).aliases() == {"claude": "mine", "default": "mine"}


def test_aliases_into_empty_router_settings(tmp_path: Path) -> None:
    path = write(tmp_path, "router_settings:\nmodel_list: []\n")
    refresh(path, [entry("openrouter/a")], {"claude": "openrouter/a"})
    assert path.read_text() == (
        "router_settings:\n  model_group_alias:\n    claude: openrouter/a\nmodel_list:\n"
        "  - model_name: openrouter/a\n    litellm_params:\n      model: openrouter/a\n"
        f"      api_key: {KEY}\n    model_info:\n      mode: chat\n"
        "      discovery_tui: openrouter\n" + rec(entry("openrouter/a"))
    )


def test_removing_an_alias_from_a_missing_table_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "model_list: []\n")
    assert not refresh(path, [], {"claude": None}, providers=())


# --- formatting -----------------------------------------------------------------------------

FOUR_SPACES = """\
model_list:
    -   model_name: mine   # hand
        litellm_params:
            model: openai/gpt-4o
general_settings:
    master_key: 'sk-local'
"""

DOCS_STYLE = """\
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/gpt-4o
      api_base: os.environ/AZURE_API_BASE # runs os.getenv("AZURE_API_BASE")
      api_key: "os.environ/AZURE_API_KEY"
      rpm: 6      # [OPTIONAL] Rate limit for this deployment: in requests per minute (rpm)

litellm_settings:
  drop_params: True
  success_callback: ["langfuse"]

general_settings:
  master_key: sk-1234
"""

ZERO_OFFSET = "model_list:\n- model_name: mine\n  litellm_params:\n    model: x/y\n"


@pytest.mark.parametrize("text", [FOUR_SPACES, DOCS_STYLE, ZERO_OFFSET, CONFIG])
def test_a_config_round_trips_unchanged(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    doc = ConfigDocument.load(path)
    assert doc.dump() == text
    plan_refresh(doc, replace_providers=["nobody"], entries=[], aliases={})
    assert not doc.write()
    assert path.read_text() == text


def test_new_entries_follow_the_files_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, FOUR_SPACES)
    refresh(path, [entry("openrouter/a")], {"claude": "openrouter/a"})
    assert path.read_text() == FOUR_SPACES.replace(
        "general_settings:",
        "-   model_name: openrouter/a\n"
        "        litellm_params:\n"
        "            model: openrouter/a\n"
        f"            api_key: {KEY}\n"
        "        model_info:\n"
        "            mode: chat\n"
        "            discovery_tui: openrouter\n"
        + rec(entry("openrouter/a"), " " * 12)
        + "general_settings:",
    ).replace("-   model_name: openrouter", "    -   model_name: openrouter") + (
        "router_settings:\n    model_group_alias:\n        claude: openrouter/a\n"
    )
    path2 = write(tmp_path, ZERO_OFFSET, "zero.yaml")
    refresh(path2, [entry("openrouter/a")], {})
    assert path2.read_text().endswith(
        "- model_name: openrouter/a\n  litellm_params:\n    model: openrouter/a\n"
        f"    api_key: {KEY}\n  model_info:\n    mode: chat\n    discovery_tui: openrouter\n"
        + rec(entry("openrouter/a"), "    ")
    )


def test_a_new_file_uses_the_litellm_docs_style(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.yaml"
    path.parent.mkdir()
    doc = ConfigDocument.load(path)
    assert doc.model_names() == [] and doc.aliases() == {}
    wanted = entry("openrouter/a", input_cost_per_token=1.5e-07, max_input_tokens=1000000)
    plan_refresh(doc,
        replace_providers=["openrouter"], entries=[wanted], aliases={"claude": "openrouter/a"}
    )
    assert doc.write()
    assert path.read_text() == (
        "model_list:\n"
        "  - model_name: openrouter/a\n"
        "    litellm_params:\n"
        "      model: openrouter/a\n"
        f"      api_key: {KEY}\n"
        "    model_info:\n"
        "      mode: chat\n"
        "      input_cost_per_token: 1.5e-07\n"
        "      max_input_tokens: 1000000\n"
        "      discovery_tui: openrouter\n"
        + rec(wanted)
        + "router_settings:\n"
        "  model_group_alias:\n"
        "    claude: openrouter/a\n"
    )
    assert not (path.parent / "config.yaml.bak").exists()


def test_floats_are_written_so_yaml_1_1_reads_them_as_floats(tmp_path: Path) -> None:
    path = write(tmp_path, "model_list: []\n")
    refresh(
        path,
        [
            entry(
                "openrouter/a",
                input_cost_per_token=3e-06,
                output_cost_per_token=1e-20,
                cache_read_input_token_cost=0.5,
            )
        ],
        {},
    )
    text = path.read_text()
    assert "input_cost_per_token: 3.0e-06\n" in text
    assert "output_cost_per_token: 1.0e-20\n" in text
    assert "cache_read_input_token_cost: 0.5\n" in text


def test_document_markers_crlf_and_bom_are_kept(tmp_path: Path) -> None:
    text = "# before the marker\n---\nmodel_list: []  # none yet\n...\n# after the end\n"
    path = write(tmp_path, "\ufeff" + text.replace("\n", "\r\n"))
    refresh(path, [entry("openrouter/a")], {})
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# before the marker\r\n---\r\nmodel_list:")
    record = rec(entry("openrouter/a")).strip().encode()
    tail = b"\r\n...\r\n# after the end\r\n"
    assert raw.endswith(b"discovery_tui: openrouter\r\n      " + record + tail)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert not refresh(path, [entry("openrouter/a")], {})


# --- safety ---------------------------------------------------------------------------------


def test_malformed_yaml_names_line_and_column_and_the_file_is_untouched(tmp_path: Path) -> None:
    text = "model_list:\n  - model_name: a\n    litellm_params:\n      model: x\n     oops: 1\n"
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        ConfigDocument.load(path)
    message = str(info.value)
    assert f"{path} line 5, column 6: expected <block end>, but found" in message
    assert "fix the YAML" in message and "\n" not in message
    assert path.read_text() == text
    (tmp_path / "config.yaml.bak").write_text("model_list: []\n")
    with pytest.raises(ConfigError, match=r"or restore config\.yaml\.bak"):
        ConfigDocument.load(path)


def test_the_line_number_counts_a_preamble(tmp_path: Path) -> None:
    path = write(tmp_path, "# c\n---\nmodel_list:\n  - a: [\n")
    with pytest.raises(ConfigError, match=r"line 5, column"):
        ConfigDocument.load(path)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a\n- b\n", "the top level is a list, not a mapping"),
        ("just a string\n", "the top level is a str"),
        ("model_list:\n  a: 1\n", "line 1: model_list is a mapping, not a list"),
        ("model_list:\n  - 3\n", "line 2: model_list item 1 is a int"),
        (
            "model_list:\n  - model_name: a\n    model_info: {discovery_tui: p}\n"
            "  - model_name: a\n    model_info: {discovery_tui: q}\n",
            "line 4: duplicate model_name 'a' (also at line 2)",
        ),
        ("model_list:\n  - model_info: {discovery_tui: p}\n", "item 1 has no model_name"),
        (
            "model_list:\n  - model_name: a\n    litellm_params: x\n    model_info:\n"
            "      discovery_tui: p\n",
            "litellm_params of 'a' is a str",
        ),
        ("router_settings: [1]\n", "router_settings is a list, not a mapping"),
        ("router_settings:\n  model_group_alias: [a]\n", "line 2: model_group_alias is a list"),
        ("model_list: []\nmodel_list: []\n", "line 2: `model_list` is written 2 times"),
        ("a: 1\n---\nb: 2\n", "line 2, column 1: but found another document"),
    ],
)
def test_shapes_litellm_cannot_use_are_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        ConfigDocument.load(path)
    assert problem in str(info.value)
    assert str(info.value).endswith(("fix it", "run again")) or "fix the YAML" in str(info.value)
    assert path.read_text() == text


def test_hand_written_duplicates_are_load_balancing_and_fine(tmp_path: Path) -> None:
    text = (
        "model_list:\n  - model_name: a\n    litellm_params: {model: x}\n"
        "  - model_name: a\n    litellm_params: {model: y}\n"
    )
    assert ConfigDocument.load(write(tmp_path, text)).model_names() == ["a", "a"]


def test_not_utf8_and_a_folder_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        ConfigDocument.load(path)
    with pytest.raises(ConfigError, match="is a folder"):
        ConfigDocument.load(tmp_path)


def test_an_empty_file_is_an_empty_document(tmp_path: Path) -> None:
    path = write(tmp_path, "# only a comment\n")
    refresh(path, [entry("openrouter/a")], {})
    assert path.read_text().startswith(
        "# only a comment\nmodel_list:\n  - model_name: openrouter/a"
    )


def test_a_file_changed_since_load_is_not_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    doc = ConfigDocument.load(path)
    plan_refresh(doc, replace_providers=["openrouter"], entries=[entry("openrouter/a")], aliases={})
    path.write_text(CONFIG + "# edited meanwhile\n")
    with pytest.raises(ConfigError, match="changed by something else"):
        doc.write()
    assert path.read_text().endswith("# edited meanwhile\n")


def test_changed_on_disk_tells_an_edit_since_load(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG)
    doc = ConfigDocument.load(path)
    assert not doc.changed_on_disk()
    path.write_text(CONFIG + "# edited meanwhile\n")
    assert doc.changed_on_disk()
    assert not ConfigDocument.load(path).changed_on_disk()
    absent = ConfigDocument.load(tmp_path / "absent.yaml")
    assert not absent.changed_on_disk()
    wanted = [entry("openrouter/a")]
    plan_refresh(absent, replace_providers=["openrouter"], entries=wanted, aliases={})
    assert absent.write()
    assert not absent.changed_on_disk()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_write_keeps_the_mode_and_a_symlink(tmp_path: Path) -> None:
    real = write(tmp_path, CONFIG, "real.yaml")
    real.chmod(0o640)
    link = tmp_path / "config.yaml"
    link.symlink_to(real)
    assert refresh(link, [entry("openrouter/a")], {})
    assert link.is_symlink()
    assert "openrouter/gone" not in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "config.yaml.bak").read_text() == CONFIG


# --- fallbacks (FallbackChange) -------------------------------------------------------------

FALLBACKS = """\
model_list: []
router_settings:
  routing_strategy: simple-shuffle   # mine
  fallbacks:
    # my own, first
    - "my-gpt": ["openai/gpt-4o" ,  "azure/gpt-4o"]   # the user's spelling
    - claude: [anthropic/claude-sonnet-4-5]
    - mine-block:
        - openai/a
        - openai/b
    - grok: [xai/grok-4]  # note on grok
  # after the fallbacks
litellm_settings:
  drop_params: true
"""


def execute_fallbacks(path: Path, *changes: FallbackChange) -> ConfigDocument:
    doc = ConfigDocument.load(path)
    doc.execute(
        Plan(path, (), (), {}, (), fallback_changes=tuple(changes))  # only fallbacks change
    )
    return doc


def test_fallback_items_are_added_replaced_and_removed_on_their_own_lines(tmp_path: Path) -> None:
    path = write(tmp_path, FALLBACKS)
    doc = execute_fallbacks(
        path,
        FallbackChange("claude", ("anthropic/claude-sonnet-4-5",), ("a/b", "c/d")),
        FallbackChange("grok", ("xai/grok-4",), None),
        FallbackChange("gemini", None, ("gemini/gemini-2.5-pro",)),
    )
    assert doc.spliced() is not None, "fell back to the full dump"
    assert doc.write()
    assert path.read_text() == FALLBACKS.replace(
        "    - claude: [anthropic/claude-sonnet-4-5]\n", "    - claude: [a/b, c/d]\n"
    ).replace(
        "    - grok: [xai/grok-4]  # note on grok\n", "    - gemini: [gemini/gemini-2.5-pro]\n"
    )
    state = ConfigDocument.load(path).state()
    assert state.fallbacks == {
        "my-gpt": ("openai/gpt-4o", "azure/gpt-4o"),
        "claude": ("a/b", "c/d"),
        "mine-block": ("openai/a", "openai/b"),
        "gemini": ("gemini/gemini-2.5-pro",),
    }


def test_the_last_fallback_removed_leaves_an_empty_list_and_the_comments(tmp_path: Path) -> None:
    text = "router_settings:\n  fallbacks:  # ours\n    # c\n    - claude: [a/b]\nx: 1\n"
    path = write(tmp_path, text)
    doc = execute_fallbacks(path, FallbackChange("claude", ("a/b",), None))
    assert doc.spliced() is not None and doc.write()
    assert path.read_text() == "router_settings:\n  fallbacks: []  # ours\n    # c\nx: 1\n"
    assert ConfigDocument.load(path).state().fallbacks == {}


def test_fallbacks_are_created_where_there_were_none(tmp_path: Path) -> None:
    path = write(tmp_path, "model_list: []\nrouter_settings:\n  num_retries: 2\n# end\n")
    doc = execute_fallbacks(path, FallbackChange("claude", None, ("a/b",)))
    assert doc.spliced() is not None and doc.write()
    assert path.read_text() == (
        "model_list: []\nrouter_settings:\n  num_retries: 2\n  fallbacks:\n"
        "    - claude: [a/b]\n# end\n"
    )


def test_a_shared_fallbacks_list_is_left_byte_for_byte_with_a_note(tmp_path: Path) -> None:
    text = (
        "router_settings:\n  fallbacks: &fb\n    - claude: [a/b]\n"
        "litellm_settings:\n  my_copy: *fb\n"
    )
    path = write(tmp_path, text)
    doc = execute_fallbacks(path, FallbackChange("gpt", None, ("c/d",)))
    assert not doc.write()
    assert path.read_text() == text
    assert doc.notes == [
        f"{path}: router_settings.fallbacks is shared through the YAML anchor &fb with "
        "litellm_settings.my_copy: the fallbacks were not written; remove the anchor to let "
        "discovery-tui manage them"
    ]


def test_an_item_appended_to_a_flow_fallbacks_list_keeps_the_users_spelling(
    tmp_path: Path,
) -> None:
    text = 'router_settings:\n  fallbacks: [{ "a": ["b"] }]   # mine\n'
    path = write(tmp_path, text)
    doc = execute_fallbacks(path, FallbackChange("claude", None, ("x/y", "z/w")))
    assert doc.spliced() is not None and doc.write()
    assert path.read_text() == (
        'router_settings:\n  fallbacks: [{ "a": ["b"] }, {claude: [x/y, z/w]}]   # mine\n'
    )


# --- a key written twice (LiteLLM: the last one wins, silently) -------------------------------

TWICE = """\
litellm_settings:
  drop_params: true
  set_verbose: true
model_list:
  - model_name: mine
    litellm_params: {model: x/y}
litellm_settings:   # added later
  drop_params: false
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY
"""


def test_a_duplicate_section_the_tool_does_not_edit_is_explained_and_kept(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, TWICE)
    doc = ConfigDocument.load(path)
    assert doc.notes == [
        f"{path} line 7: `litellm_settings` is written 2 times in one mapping (lines 1 and 7); "
        "LiteLLM loads the file and uses only the last one, line 7: "
        "`litellm_settings:   # added later / drop_params: false`; "
        "it ignores line 1: `litellm_settings: / drop_params: true / set_verbose: true`. "
        "discovery-tui left both as they are; merge them into one `litellm_settings:` so the "
        "file says what LiteLLM does"
    ]
    wanted = [entry("openrouter/a")]
    plan_refresh(doc, replace_providers=["openrouter"], entries=wanted, aliases={"claude": "mine"})
    assert doc.write()
    text = path.read_text()
    lines = TWICE.splitlines(keepends=True)
    after_mine = text.split("    litellm_params: {model: x/y}\n")[1]
    added = entry_block = after_mine.split("litellm_settings:")[0]
    assert added.startswith("  - model_name: openrouter/a\n")
    assert text == "".join(lines[:6]) + added + "".join(lines[6:]) + (
        "router_settings:\n  model_group_alias:\n    claude: mine\n"
    )
    assert entry_block.endswith(rec(entry("openrouter/a")))
    assert not refresh(path, [entry("openrouter/a")], {"claude": "mine"})  # twice is once


def test_a_duplicate_section_the_tool_writes_is_refused_with_what_litellm_uses(
    tmp_path: Path,
) -> None:
    text = (
        "router_settings:\n  model_group_alias:\n    claude: mine\n"
        "model_list: []\nrouter_settings:\n  num_retries: 3\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        ConfigDocument.load(path)
    assert str(info.value) == (
        f"{path} line 5: `router_settings` is written 2 times in one mapping (lines 1 and 5); "
        "LiteLLM loads the file and uses only the last one, line 5: "
        "`router_settings: / num_retries: 3`; it ignores line 1: "
        "`router_settings: / model_group_alias: / claude: mine`. discovery-tui writes into "
        "router_settings and cannot keep both: merge them into one `router_settings:` (or "
        "delete the one you do not want), then run again"
    )
    assert path.read_text() == text


def test_a_key_value_never_appears_in_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-env-secret-0001")
    text = (
        "model_list:\n  - model_name: a\n    litellm_params:\n      model: x/y\n"
        "      api_key: sk-live-0123456789\n      api_key: 'sk-or-env-secret-0001'\n"
        "general_settings:\n  master_key: sk-1234\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        ConfigDocument.load(path)
    message = str(info.value)
    assert message.startswith(f"{path} line 6: `api_key` is written 2 times in one mapping")
    assert "line 6: `api_key: ***`" in message and "line 5: `api_key: ***`" in message
    assert "discovery-tui does not guess which one you meant" in message
    for secret in ("sk-live-0123456789", "sk-or-env-secret-0001", "0123456789"):
        assert secret not in message
    path.write_text("general_settings:\n  master_key: *my-master-2024\n")  # ruamel quotes it
    with pytest.raises(ConfigError) as broken:
        ConfigDocument.load(path)
    assert str(broken.value) == (
        f"{path} line 2, column 15: found undefined alias '***' (not valid YAML): fix the YAML"
    )
