"""The three-way rule: what the user changed in an owned entry is kept; the rest follows the
catalog; twice is once. Through build_plan and the real apply path on real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_helpers import applied_once, apply, computation, edit, model, outcome, plan_for

from discovery_tui.configfile import ConfigDocument
from discovery_tui.models import Entry, Model
from discovery_tui.ownership import (
    RECORD_KEY,
    RECORDED_KEYS,
    decode_record,
    encode_record,
    value_hash,
)
from discovery_tui.pipeline import Computation
from discovery_tui.plan import KeptEdit, PlanNote, entry_for
from discovery_tui.providers import PROVIDERS

BASE = "http://127.0.0.1:9/xai/v1"  # the provider's base, moved (as XAI_API_BASE does)
GATEWAY = "https://llm-gateway.corp.example/v1"


def grok(price: float = 3e-06, context: int = 256_000) -> Model:
    facts = {"input_cost_per_token": price, "context_window": context}
    return model("xai", "grok-4", supports_reasoning=False, **facts)


def run(price: float = 3e-06, context: int = 256_000) -> Computation:
    return computation(outcome("xai", {"grok": grok(price, context)}, api_base=BASE))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return applied_once(tmp_path, run())


def test_an_entry_is_written_with_its_record(files: tuple[Path, Path]) -> None:
    config, _ = files
    (item,) = ConfigDocument.load(config).section("model_list")
    record = decode_record(item["model_info"][RECORD_KEY])
    assert record is not None
    assert record[("litellm_params", "api_base")] == value_hash(BASE)
    assert record[("model_info", "input_cost_per_token")] == value_hash(3e-06)
    assert list(item["model_info"])[-1] == RECORD_KEY


def test_a_changed_api_base_and_a_negotiated_price_are_kept_with_their_comments(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    edit(config, f"api_base: {BASE}", f"api_base: {GATEWAY}  # corporate gateway")
    edit(config, "input_cost_per_token: 3.0e-06", "input_cost_per_token: 2.0e-06  # negotiated")

    # the catalog changes the price and the context: the context follows, the price is the user's
    shown = plan_for(config, run(price=4e-06, context=512_000), profile)
    (change,) = shown.changes
    assert [(e.key, e.value) for e in change.edits if e.key != RECORD_KEY] == [
        ("max_input_tokens", 512_000)
    ]
    assert change.kept == ("litellm_params.api_base", "model_info.input_cost_per_token")
    assert shown.kept == (
        KeptEdit("xai/grok-4", "xai", "litellm_params.api_base"),
        KeptEdit("xai/grok-4", "xai", "model_info.input_cost_per_token"),
    )
    assert [n.text for n in shown.notes] == [
        f"xai/grok-4 sends XAI_API_KEY to {GATEWAY} (your api_base)",
        "kept your edit: litellm_params.api_base of xai/grok-4",
        "kept your edit: model_info.input_cost_per_token of xai/grok-4",
    ]

    apply(config, run(price=4e-06, context=512_000), profile)
    text = config.read_text(encoding="utf-8")
    assert f"      api_base: {GATEWAY}  # corporate gateway\n" in text
    assert "      input_cost_per_token: 2.0e-06  # negotiated\n" in text
    assert "      max_input_tokens: 512000\n" in text

    # twice is once: not one byte changes, and the edits stay the user's
    before = config.read_bytes()
    again = apply(config, run(price=4e-06, context=512_000), profile)
    assert not again.has_changes and config.read_bytes() == before
    assert [k.key for k in again.kept] == [
        "litellm_params.api_base",
        "model_info.input_cost_per_token",
    ]
    # a later catalog change still leaves the user's price alone
    later = plan_for(config, run(price=5e-06, context=512_000), profile)
    assert later.changes == () and len(later.kept) == 2


def test_untouched_values_follow_the_catalog(files: tuple[Path, Path]) -> None:
    config, profile = files
    apply(config, run(price=4e-06), profile)
    assert "      input_cost_per_token: 4.0e-06\n" in config.read_text(encoding="utf-8")


def test_a_value_set_back_to_what_the_tool_wrote_is_the_tools_again(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    edit(config, "input_cost_per_token: 3.0e-06", "input_cost_per_token: 2e-06")
    edit(config, "input_cost_per_token: 2e-06", "input_cost_per_token: 3.0e-06")
    plan = plan_for(config, run(price=4e-06), profile)
    assert plan.kept == ()
    assert ("input_cost_per_token", 4e-06) in [(e.key, e.value) for e in plan.changes[0].edits]


def test_keys_the_user_added_and_a_key_the_user_deleted_are_kept(
    files: tuple[Path, Path],
) -> None:
    config, profile = files
    edit(config, "      supports_reasoning: false\n", "")  # deleted a tool-written key
    edit(  # added an owned-named key the catalog does not give, and one of their own
        config, "      mode: chat\n", "      mode: chat\n      supports_pdf_input: true\n"
    )
    edit(config, "      model: xai/grok-4\n", "      model: xai/grok-4\n      rpm: 10\n")
    plan = plan_for(config, run(), profile)
    assert plan.changes == ()
    assert plan.notes == (
        PlanNote(
            "kept", "xai/grok-4", "kept your edit: model_info.supports_reasoning of xai/grok-4"
        ),
    )


def test_an_entry_of_an_older_version_migrates_as_untouched(tmp_path: Path) -> None:
    """No record: every value counts as the tool's; the record comes once, then nothing."""
    config, profile = tmp_path / "config.yaml", tmp_path / "profile.yaml"
    config.write_text(
        "model_list:\n"
        "  - model_name: xai/grok-4\n"
        "    litellm_params:\n"
        "      model: xai/grok-4\n"
        "      api_key: os.environ/XAI_API_KEY\n"
        "      additional_drop_params: [temperature]  # added by hand\n"
        "    model_info:\n"
        "      discovery_tui: xai\n"
        "      input_cost_per_token: 1e-06\n",
        encoding="utf-8",
    )
    plan = apply(config, run(), profile)
    (change,) = plan.changes
    assert ("input_cost_per_token", 3e-06) in [(e.key, e.value) for e in change.edits]
    # a key older versions never wrote is the user's: kept, with a note
    assert change.kept == ("litellm_params.additional_drop_params",)
    text = config.read_text(encoding="utf-8")
    assert "      additional_drop_params: [temperature]  # added by hand\n" in text
    assert f"      {RECORD_KEY}: v1." in text
    before = config.read_bytes()
    assert not apply(config, run(), profile).has_changes
    assert config.read_bytes() == before


def test_the_record_is_compact_and_reads_back() -> None:
    hashes = {position: value_hash(i) for i, position in enumerate(RECORDED_KEYS) if i % 3}
    text = encode_record(hashes)
    assert decode_record(text) == hashes and " " not in text
    assert len(text) <= 3 + 4 * len(RECORDED_KEYS)
    assert decode_record("v1.AAA") is None and decode_record(None) is None
    assert decode_record("v1.") == {}
    assert value_hash([1, "a"]) == value_hash((1, "a")) != value_hash([1, "b"])


def test_every_key_the_tool_writes_is_recorded() -> None:
    everything = model(
        "xai",
        "grok-4",
        max_output_tokens=8,
        input_cost_per_token=1e-06,
        output_cost_per_token=2e-06,
        cache_read_cost_per_token=1e-07,
        cache_write_cost_per_token=2e-07,
        supports_tools=True,
        supports_reasoning=False,
        input_modalities=("text", "image"),
    )
    entry: Entry = entry_for(everything, PROVIDERS["xai"], api_base=BASE)
    written = {("litellm_params", k) for k in entry.litellm_params}
    written |= {("model_info", k) for k in entry.model_info if k != "discovery_tui"}
    assert written <= set(RECORDED_KEYS)


@pytest.mark.parametrize(
    ("reasoning", "dropped"),
    [(True, False), (False, True), (None, True)],  # unknown: the safe side drops them
)
def test_models_without_reasoning_drop_claude_codes_reasoning_params(
    reasoning: bool | None, dropped: bool
) -> None:
    m = model("xai", "grok-code-fast-1", supports_reasoning=reasoning)  # no rule knows it
    params = entry_for(m, PROVIDERS["xai"], api_base=None).litellm_params
    assert ("additional_drop_params" in params) is dropped
    if dropped:
        assert params["additional_drop_params"] == ["reasoning_effort", "thinking"]


def test_cache_prices_go_into_model_info_where_the_catalog_gives_them() -> None:
    prices = {"cache_read_cost_per_token": 3e-07, "cache_write_cost_per_token": 4e-06}
    priced = model("xai", "grok-4", **prices)
    info = entry_for(priced, PROVIDERS["xai"], api_base=None).model_info
    assert info["cache_read_input_token_cost"] == 3e-07
    assert info["cache_creation_input_token_cost"] == 4e-06
    bare = entry_for(model("xai", "grok-4"), PROVIDERS["xai"], api_base=None).model_info
    assert "cache_read_input_token_cost" not in bare
