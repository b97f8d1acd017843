"""A provider's key goes only where the tool chose, or where the user said so out loud: an
``api_base`` that reaches an owned entry through a merge key (``<<: *defaults``) or written into
it is the user's (kept, three-way) and the preview says where the key goes. Owned entries that
share a node with a hand-written one are left as they are, with a note. Real files, real apply."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_helpers import applied_once, apply, computation, edit, model, outcome, plan_for

from discovery_tui.pipeline import Computation
from discovery_tui.plan import KeptEdit, PlanNote
from discovery_tui.render.summary import summary_lines

GATEWAY = "https://gateway.corp/v1"


def run(price: float = 3e-06) -> Computation:
    grok = model("xai", "grok-4.3", supports_reasoning=True, input_cost_per_token=price)
    return computation(outcome("xai", {"grok": grok}))  # no api_base: the provider's default


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return applied_once(tmp_path, run())


def merge_defaults(config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(f"defaults: &defaults\n  api_base: {GATEWAY}\n{text}", encoding="utf-8")
    edit(config, "    litellm_params:\n", "    litellm_params:\n      <<: *defaults\n")


def test_a_merged_api_base_is_kept_and_the_preview_says_where_the_key_goes(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    merge_defaults(config)
    plan = plan_for(config, run(), profile)
    assert not plan.has_changes
    assert plan.kept == (
        KeptEdit("xai/grok-4.3", "xai", "litellm_params.api_base", via="defaults"),
    )
    assert plan.notes == (
        PlanNote(
            "key_route",
            "xai/grok-4.3",
            f"xai/grok-4.3 sends XAI_API_KEY to {GATEWAY} (your api_base, via <<: *defaults)",
        ),
        PlanNote(
            "kept",
            "xai/grok-4.3",
            "kept your edit: litellm_params.api_base of xai/grok-4.3 (via <<: *defaults)",
        ),
    )
    assert summary_lines(plan, width=200) == [
        f"{config}: nothing to change; 1 provider checked, all current.",
        "Notes",
        f"  xai/grok-4.3 sends XAI_API_KEY to {GATEWAY} (your api_base, via <<: *defaults)",
        "  kept your edit: litellm_params.api_base of xai/grok-4.3 (via <<: *defaults)",
    ]


def test_a_merged_api_base_survives_an_update_of_the_entry(files: tuple[Path, Path]) -> None:
    """The price follows the catalog; the entry gets its own copy of the merged keys (LiteLLM
    resolves ``<<:`` the same way), so the key still goes where the user routed it."""
    config, profile = files
    merge_defaults(config)
    plan = apply(config, run(price=4e-06), profile)
    assert [n.kind for n in plan.notes] == ["key_route", "kept"]
    text = config.read_text(encoding="utf-8")
    assert text.startswith(f"defaults: &defaults\n  api_base: {GATEWAY}\n")
    assert f"      api_base: {GATEWAY}\n" in text
    assert "input_cost_per_token: 4e-06" in text or "input_cost_per_token: 4.0e-06" in text
    again = plan_for(config, run(price=4e-06), profile)
    assert not again.has_changes and [n.kind for n in again.notes] == ["key_route", "kept"]


def test_an_api_base_written_into_the_entry_is_reported_the_same_way(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    edit(
        config,
        "      api_key: os.environ/XAI_API_KEY\n",
        f"      api_key: os.environ/XAI_API_KEY\n      api_base: {GATEWAY}\n",
    )
    plan = plan_for(config, run(), profile)
    assert not plan.has_changes
    assert [n.text for n in plan.notes] == [
        f"xai/grok-4.3 sends XAI_API_KEY to {GATEWAY} (your api_base)",
        "kept your edit: litellm_params.api_base of xai/grok-4.3",
    ]


def test_credentials_in_the_users_api_base_are_never_printed(files: tuple[Path, Path]) -> None:
    config, profile = files
    edit(
        config,
        "      api_key: os.environ/XAI_API_KEY\n",
        "      api_key: os.environ/XAI_API_KEY\n"
        "      api_base: https://me:sk-secret@gateway.corp/v1\n",
    )
    plan = plan_for(config, run(), profile)
    assert all("sk-secret" not in note.text for note in plan.notes)
    assert plan.notes[0].text.startswith("xai/grok-4.3 sends XAI_API_KEY to https://gateway.corp")


def test_an_owned_entry_that_defines_a_shared_anchor_is_left_as_it_is_with_a_note(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    edit(config, "    litellm_params:\n", "    litellm_params: &gw\n")
    text = config.read_text(encoding="utf-8").replace(
        "router_settings:\n",
        "  - model_name: mine\n    litellm_params: *gw\nrouter_settings:\n",
        1,
    )
    config.write_text(text, encoding="utf-8")
    before = config.read_bytes()
    plan = plan_for(config, run(price=4e-06), profile)
    assert plan.changes == ()
    assert plan.notes == (
        PlanNote(
            "pinned",
            "xai/grok-4.3",
            "kept as it is: xai/grok-4.3 is shared with a hand-written entry "
            "(a YAML anchor another entry uses)",
        ),
    )
    apply(config, run(price=4e-06), profile)
    assert config.read_bytes() == before
