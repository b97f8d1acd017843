"""Aliases and fallbacks the tool owns, and retirements: through build_plan and the real apply
path on real files (config.yaml and profile.yaml), and once through ``refresh --yes``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from cli_harness import Harness, harness_for, openrouter_model, xai_model
from fake_provider import Reply
from plan_helpers import GROK, SONNET, apply, computation, model, outcome, plan_for

from discovery_tui.configfile import ConfigDocument
from discovery_tui.models import Model
from discovery_tui.ownership import read_written
from discovery_tui.pipeline import Computation
from discovery_tui.plan import AliasChange, FallbackChange, PlanNote, Retirement

AN = model("anthropic", "claude-sonnet-4-6", supports_reasoning=True)
OR = model("openrouter", "anthropic/claude-sonnet-4.6", supports_reasoning=True)
HAND_DEFAULT = """\
model_list:
  - model_name: default  # my local model
    litellm_params:
      model: ollama/phi3:mini
router_settings:
  fallbacks:
    - default: [gpt-local]  # mine
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "config.yaml", tmp_path / "profile.yaml"


def both() -> Computation:
    return computation(outcome("anthropic", {"claude": AN}), outcome("openrouter", {"claude": OR}))


def read(config: Path) -> tuple[dict[str, str], object]:
    doc = ConfigDocument.load(config)
    return doc.aliases(), (doc.section("router_settings") or {}).get("fallbacks")


# ------------------------------------------------------------------------------------ aliases
def test_an_alias_never_takes_the_name_of_a_model_of_the_config(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    config.write_text(HAND_DEFAULT, encoding="utf-8")
    plan = apply(config, both(), profile)
    assert plan.aliases == {"claude": "anthropic/claude-sonnet-4-6"}
    assert PlanNote(
        "alias_shadowed",
        "default",
        "default: not written, your model_name default has this name (an alias would win over it)",
    ) in plan.notes
    aliases, fallbacks = read(config)
    assert aliases == {"claude": "anthropic/claude-sonnet-4-6"}
    # the user's fallback keyed on their model stays; ours is keyed on the alias only
    assert fallbacks == [
        {"default": ["gpt-local"]},
        {"claude": ["openrouter/anthropic/claude-sonnet-4.6"]},
    ]


def test_the_users_fallback_items_keep_their_bytes(files: tuple[Path, Path]) -> None:
    config, profile = files
    config.write_text(HAND_DEFAULT, encoding="utf-8")
    apply(config, both(), profile)
    assert "    - default: [gpt-local]  # mine\n" in config.read_text(encoding="utf-8")


def test_an_alias_the_tool_wrote_goes_when_the_user_adds_a_model_of_that_name(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    apply(config, both(), profile)
    assert read(config)[0]["default"] == "anthropic/claude-sonnet-4-6"
    hand = "  - model_name: default\n    litellm_params:\n      model: ollama/phi3:mini\n"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("model_list:\n", "model_list:\n" + hand, 1), encoding="utf-8")
    plan = apply(config, both(), profile)
    assert AliasChange("default", "anthropic/claude-sonnet-4-6", None) in plan.alias_changes
    assert plan.notes[0].text.startswith("default: removed, your model_name default")
    assert read(config) == (
        {"claude": "anthropic/claude-sonnet-4-6"},
        [{"claude": ["openrouter/anthropic/claude-sonnet-4.6"]}],
    )


def test_an_alias_never_points_at_a_hand_written_entry(files: tuple[Path, Path]) -> None:
    config, profile = files
    config.write_text(
        "model_list:\n"
        "  - model_name: anthropic/claude-sonnet-4-6  # my fine-tune behind this name\n"
        "    litellm_params:\n"
        "      model: ollama/my-sonnet\n",
        encoding="utf-8",
    )
    plan = plan_for(config, both(), profile)
    assert plan.aliases == {
        "claude": "openrouter/anthropic/claude-sonnet-4.6",
        "default": "openrouter/anthropic/claude-sonnet-4.6",
    }
    assert plan.notes == (
        PlanNote(
            "alias_not_ours",
            "claude",
            "claude and default: anthropic/claude-sonnet-4-6 is your own entry, not written by "
            "discovery-tui; claude and default point at openrouter/anthropic/claude-sonnet-4.6 "
            "instead",
        ),
    )
    assert plan.fallbacks == {}  # one provider's entry left: nothing to fall back to
    alone = computation(outcome("anthropic", {"claude": AN}))
    plan = plan_for(config, alone, profile)
    assert plan.aliases == {} and plan.alias_changes == ()
    assert plan.notes[0].text.endswith("; claude and default are not written")


def test_the_aliases_and_fallbacks_of_a_family_that_is_gone_go_with_it(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    grok = model("xai", "grok-4")
    run = computation(
        outcome("anthropic", {"claude": AN}),
        outcome("openrouter", {"claude": OR}),
        outcome("xai", {"grok": grok}),
    )
    apply(config, run, profile)
    narrower = computation(
        outcome("anthropic", {}),
        outcome("openrouter", {}),
        outcome("xai", {"grok": grok}),
        families={"grok": GROK},
    )
    plan = apply(config, narrower, profile)
    assert set(plan.names("removed")) == {
        "anthropic/claude-sonnet-4-6",
        "openrouter/anthropic/claude-sonnet-4.6",
    }
    assert {c.alias for c in plan.alias_changes if c.new is None} == {"claude", "default"}
    assert {c.alias for c in plan.fallback_changes if c.new is None} == {"claude", "default"}
    assert read(config) == ({"grok": "xai/grok-4"}, [])


def test_an_alias_the_user_re_pointed_is_kept(files: tuple[Path, Path]) -> None:
    config, profile = files
    apply(config, both(), profile)
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("default: anthropic/claude-sonnet-4-6", "default: " + OR.litellm_model),
        encoding="utf-8",
    )
    plan = plan_for(config, both(), profile)
    assert plan.alias_changes == () and "default" not in plan.aliases
    assert PlanNote(
        "alias_user", "default", "default: kept your alias (openrouter/anthropic/claude-sonnet-4.6)"
    ) in plan.notes


def test_included_router_settings_are_named(files: tuple[Path, Path]) -> None:
    config, profile = files
    (config.parent / "team").mkdir()
    (config.parent / "team" / "router.yaml").write_text("router_settings:\n  num_retries: 3\n")
    (config.parent / "models.yaml").write_text("include:\n  - team/router.yaml\nmodel_list: []\n")
    config.write_text("include:\n  - models.yaml\nmodel_list: []\n", encoding="utf-8")
    plan = plan_for(config, both(), profile)
    assert plan.notes == (
        PlanNote(
            "include_override",
            "team/router.yaml",
            "team/router.yaml (included) has its own router_settings, which replaces the one in "
            "config.yaml: LiteLLM will not use the aliases and fallbacks written here",
        ),
    )


# ------------------------------------------------------------------------------------ fallbacks
def test_fallbacks_follow_the_provider_order_and_go_when_a_provider_leaves(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    plan = apply(config, both(), profile)
    chain = ("openrouter/anthropic/claude-sonnet-4.6",)
    assert plan.fallbacks == {"claude": chain, "default": chain}
    assert plan.fallback_changes == (
        FallbackChange("claude", None, chain),
        FallbackChange("default", None, chain),
    )
    assert "  fallbacks:\n    - claude: [openrouter/anthropic/claude-sonnet-4.6]\n" in (
        config.read_text(encoding="utf-8")
    )
    before = config.read_bytes()
    assert not apply(config, both(), profile).has_changes
    assert config.read_bytes() == before
    # OpenRouter no longer serves the family: its entry and the fallbacks go
    gone = computation(outcome("openrouter", {}))
    plan = apply(config, gone, profile)
    assert plan.fallback_changes == (
        FallbackChange("claude", chain, None),
        FallbackChange("default", chain, None),
    )
    assert read(config) == (
        {"claude": "anthropic/claude-sonnet-4-6", "default": "anthropic/claude-sonnet-4-6"},
        [],
    )


def test_the_users_fallbacks_for_an_alias_are_left_alone(files: tuple[Path, Path]) -> None:
    config, profile = files
    text = "model_list: []\nrouter_settings:\n  fallbacks: [{claude: [my-backup]}]  # mine\n"
    config.write_text(text, encoding="utf-8")
    plan = apply(config, both(), profile)
    assert plan.fallbacks == {"default": ("openrouter/anthropic/claude-sonnet-4.6",)}
    assert PlanNote(
        "fallback_user", "claude", "claude: your fallbacks for claude are kept; none written"
    ) in plan.notes
    assert read(config)[1] == [
        {"claude": ["my-backup"]},
        {"default": ["openrouter/anthropic/claude-sonnet-4.6"]},
    ]


# ------------------------------------------------------------------------------------ retirements
def grok_run(*catalog: Model, pick: Model) -> Computation:
    return computation(outcome("xai", {"grok": pick}, catalog=catalog))


def test_a_target_that_left_its_catalog_is_announced_as_retired(files: tuple[Path, Path]) -> None:
    config, profile = files
    old, new = model("xai", "grok-4-0709"), model("xai", "grok-4.3")
    apply(config, grok_run(old, pick=old), profile)
    plan = apply(config, grok_run(new, pick=new), profile)
    assert plan.retirements == (
        Retirement("grok", ("grok",), "xai", "xai/grok-4-0709", "retired", None, "xai/grok-4.3"),
    )
    assert plan.notes[0] == PlanNote(
        "retired", "grok", "xai/grok-4-0709 retired, grok moves to xai/grok-4.3"
    )


def test_a_target_that_expires_soon_is_announced_with_its_day(files: tuple[Path, Path]) -> None:
    config, profile = files
    old, new = model("xai", "grok-4-0709"), model("xai", "grok-4.3")
    apply(config, grok_run(old, pick=old), profile)
    leaving = model("xai", "grok-4-0709", expires=date(2026, 12, 10))
    plan = plan_for(config, grok_run(leaving, new, pick=new), profile)
    assert [n.text for n in plan.notes] == [
        "xai/grok-4-0709 expires on 2026-12-10, grok moves to xai/grok-4.3"
    ]
    # two aliases of one family, and no replacement
    claude = computation(outcome("anthropic", {"claude": AN}))
    apply(config, claude, profile)
    plan = plan_for(config, computation(outcome("anthropic", {}, catalog=[OR])), profile)
    assert [r.text for r in plan.retirements] == [
        "anthropic/claude-sonnet-4-6 retired, claude and default are removed"
    ]


def test_a_removal_that_is_no_retirement_says_nothing(files: tuple[Path, Path]) -> None:
    config, profile = files
    old, new = model("xai", "grok-4-0709"), model("xai", "grok-4.3")
    apply(config, grok_run(old, pick=old), profile)
    # still in the catalog, no expiry: it left the family (say families.yaml changed)
    plan = plan_for(config, grok_run(old, new, pick=new), profile)
    assert plan.retirements == ()
    assert AliasChange("grok", "xai/grok-4-0709", "xai/grok-4.3", new) in plan.alias_changes


# ------------------------------------------------------------------------------------ the CLI
@pytest.fixture
def cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        yield harness


def test_refresh_yes_writes_fallbacks_drop_params_cache_prices_and_keeps_an_edit(
    cli: Harness,
) -> None:
    sonnet = openrouter_model("anthropic/claude-sonnet-4.5", days=1)
    sonnet["pricing"].update(input_cache_read="0.0000003", input_cache_write="0.00000375")
    catalog = {"data": [sonnet, openrouter_model("x-ai/grok-4", days=2)]}
    catalog["data"][1]["supported_parameters"] = ["tools"]  # no reasoning
    cli.server.route(cli.server.catalog_path("openrouter"), Reply(json=catalog))
    xai_path = cli.server.catalog_path("xai").removesuffix("/models") + "/language-models"
    cli.server.route(xai_path, Reply(json={"models": [xai_model("grok-4", days=3)]}))
    cli.write_user_config("model_list: []\n")

    first = cli.refresh("--yes")
    assert first.code == 0, first.text
    doc = ConfigDocument.load(cli.config)
    entries = {e["model_name"]: e for e in doc.section("model_list")}
    sonnet_entry = entries["openrouter/anthropic/claude-sonnet-4.5"]
    assert "additional_drop_params" not in sonnet_entry["litellm_params"]
    assert sonnet_entry["model_info"]["cache_read_input_token_cost"] == 3e-07
    assert sonnet_entry["model_info"]["cache_creation_input_token_cost"] == 3.75e-06
    assert entries["openrouter/x-ai/grok-4"]["litellm_params"]["additional_drop_params"] == [
        "reasoning_effort",
        "thinking",
    ]
    assert doc.aliases()["grok"] == entries["xai/grok-4"]["model_name"]
    # keyed on every alias of the family (LiteLLM looks fallbacks up by the name asked for)
    assert doc.section("router_settings")["fallbacks"] == [
        {alias: ["openrouter/x-ai/grok-4"]} for alias in ("grok", "claude-grok")
    ]

    moved = cli.server.base_url("xai")
    text = cli.text().replace(f"api_base: {moved}\n", "api_base: https://gw.example/v1  # ours\n")
    assert text.count("https://gw.example/v1") == 1
    cli.config.write_text(text, encoding="utf-8")
    second = cli.refresh("--yes", "--json")
    assert second.code == 0, second.text
    assert cli.text() == text  # nothing new, the user's value kept: not one byte changes
    assert "kept your edit: litellm_params.api_base of xai/grok-4" in second.text


def test_refresh_json_names_new_lines_and_a_retirement(cli: Harness) -> None:
    xai_path = cli.server.catalog_path("xai").removesuffix("/models") + "/language-models"
    openrouter = cli.server.catalog_path("openrouter")
    fable = openrouter_model("anthropic/claude-fable-1", days=5)
    cli.server.route(openrouter, Reply(json={"data": [fable]}), Reply(json={"data": [fable]}))
    cli.server.route(
        xai_path,
        Reply(json={"models": [xai_model("grok-4-0709", days=3)]}),
        Reply(json={"models": [xai_model("grok-4.3", days=9)]}),
    )
    cli.write_user_config("model_list: []\n")
    assert cli.refresh("--yes").code == 0

    result = cli.refresh("--yes", "--json")

    assert result.code == 0, result.text
    data = result.json
    assert data["providers"]["openrouter"]["not_in_family"] == [
        {"name": "claude-fable", "vendor": "anthropic", "models": ["anthropic/claude-fable-1"]}
    ]
    assert "xai/grok-4-0709 retired, grok and claude-grok move to xai/grok-4.3" in data["notes"]
    assert data["retirements"][0]["model"] == "xai/grok-4-0709"
    assert data["aliases"]["grok"] == "xai/grok-4.3"


def test_without_a_record_a_gone_familys_alias_is_known_by_the_recorded_picks(
    files: tuple[Path, Path],
) -> None:
    """A profile of an older version (picks, no ``written:``): the family name is its alias."""
    config, profile = files
    config.write_text(
        "model_list: []\nrouter_settings:\n  model_group_alias:\n"
        "    grok: xai/grok-4\n    mine: xai/grok-4\n",
        encoding="utf-8",
    )
    profile.write_text("picks:\n  xai:\n    grok: xai/grok-4\n", encoding="utf-8")
    picks = {"xai": {"grok": "xai/grok-4"}}
    run = computation(outcome("xai", {}), families={"claude": SONNET}, recorded=picks)
    plan = plan_for(config, run, profile)
    assert plan.alias_changes == (AliasChange("grok", "xai/grok-4", None),)  # "mine" stays


def test_an_alias_already_at_the_tools_target_is_the_tools_again(files: tuple[Path, Path]) -> None:
    """A stale record (a run that did not record the profile): the same value is adopted."""
    config, profile = files
    apply(config, both(), profile)
    head, record = profile.read_text(encoding="utf-8").split("\nwritten:\n")
    record = record.replace("claude: anthropic/claude-sonnet-4-6", "claude: somewhere/else", 1)
    profile.write_text(f"{head}\nwritten:\n{record}", encoding="utf-8")
    assert read_written(profile).aliases == {
        "claude": "somewhere/else",
        "default": "anthropic/claude-sonnet-4-6",
    }
    plan = plan_for(config, both(), profile)
    assert not plan.has_changes and plan.notes == ()
    assert plan.aliases["claude"] == "anthropic/claude-sonnet-4-6"
