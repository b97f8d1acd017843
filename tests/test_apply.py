"""The one apply service: plan from a plain snapshot, re-plan under the lock, write, record.

Real files and the real lock; a second, in-memory target shows that the plan (not the target)
decides every edit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from discovery_tui.apply import (
    ConfigFileTarget,
    ProfileRecord,
    WriteResult,
    apply_run,
    may_record_profile,
)
from discovery_tui.configfile import ConfigDocument
from discovery_tui.families import Family
from discovery_tui.models import OWNER_KEY, Entry, Model, Pick
from discovery_tui.ownership import RECORD_KEY, TargetState
from discovery_tui.pipeline import Computation
from discovery_tui.plan import (
    AliasChange,
    EntryChange,
    KeyEdit,
    Plan,
    ProviderOutcome,
    build_plan,
    names_after,
)
from discovery_tui.plan.entries import fresh_record, with_record
from discovery_tui.profile import Profile

KEY = "os.environ/XAI_API_KEY"
CONFIG = """\
model_list:
  - model_name: mine  # hand-written
    litellm_params:
      model: openai/gpt-4o
  - model_name: xai/grok-3
    litellm_params:
      model: xai/grok-3
      api_key: os.environ/XAI_API_KEY
    model_info:
      mode: chat
      discovery_tui: xai
  - model_name: xai/grok-4
    litellm_params:
      model: xai/grok-4
      api_key: os.environ/XAI_API_KEY
      rpm: 5  # the user's
    model_info:
      mode: chat
      max_input_tokens: 1000
      discovery_tui: xai
router_settings:
  model_group_alias:
    grok: xai/grok-3
"""


def model(name: str, context: int | None = None) -> Model:
    return Model("xai", name, f"xai/{name}", context_window=context, released=date(2025, 1, 1))


def entry(m: Model) -> Entry:
    info: dict[str, object] = {OWNER_KEY: "xai", "mode": "chat"}
    if m.context_window:
        info["max_input_tokens"] = m.context_window
    return Entry(m.litellm_model, "xai", {"model": m.litellm_model, "api_key": KEY}, info)


def recorded(e: Entry) -> Entry:
    return with_record(e, fresh_record(e))


def computation(*models: Model, pick: Model | None = None) -> Computation:
    chosen = pick or models[0]
    outcome = ProviderOutcome(
        "xai",
        "ok",
        models=len(models),
        picks={"grok": Pick("grok", chosen, "heuristic", "newest")},
        entries=tuple(entry(m) for m in models),
        candidates=models,
    )
    grok = Family("grok", "xAI's flagship.", ("xai",), ("^grok",), (), ("grok",))
    return Computation(
        outcomes=(outcome, ProviderOutcome("openrouter", "skipped")),
        families={"grok": grok},
        provider_order=("xai", "openrouter"),
        recorded_picks={},
        models={m.litellm_model: m for m in models},
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


GROK_4 = model("grok-4", 256000)
GROK_5 = model("grok-5", 2000000)


def test_the_plan_carries_the_exact_edits(config: Path) -> None:
    plan = build_plan(ConfigFileTarget(config).state(), computation(GROK_5, GROK_4))
    grok_5, grok_4 = recorded(entry(GROK_5)), recorded(entry(GROK_4))
    assert plan.changes == (
        EntryChange("xai/grok-5", "xai", "added", GROK_5, grok_5, after="xai/grok-4"),
        EntryChange(
            "xai/grok-4",
            "xai",
            "updated",
            GROK_4,
            grok_4,
            edits=(
                KeyEdit("model_info", "max_input_tokens", 256000),
                # the three-way record of what the tool wrote (a file of an older version)
                KeyEdit("model_info", RECORD_KEY, grok_4.model_info[RECORD_KEY]),
            ),
        ),
        EntryChange("xai/grok-3", "xai", "removed"),
    )
    assert plan.alias_changes == (AliasChange("grok", "xai/grok-3", "xai/grok-5", GROK_5),)
    assert plan.names("added") == ["xai/grok-5"] and plan.refreshed == ("xai",)


def test_apply_run_writes_what_was_shown_and_records_the_run(config: Path, tmp_path: Path) -> None:
    target = ConfigFileTarget(config)
    run = computation(GROK_5, GROK_4)
    shown = build_plan(target.state(), run)
    record = ProfileRecord(tmp_path / "profile.yaml", launch_model="grok")

    result = apply_run(target, run, shown, approved=True, record=record)

    assert (result.written, result.existed, result.replanned) == (True, True, False)
    assert result.plan.same_edits(shown) and result.profile_written
    doc = ConfigDocument.load(config)
    assert doc.model_names() == ["mine", "xai/grok-4", "xai/grok-5"]
    assert doc.aliases() == {"grok": "xai/grok-5"}
    assert "      rpm: 5  # the user's\n" in config.read_text()
    assert (tmp_path / "config.yaml.bak").read_text() == CONFIG
    profile = Profile.load(record.path)
    assert profile.picks == {"xai": {"grok": "xai/grok-5"}}
    assert profile.launch_model == "grok" and "xai" in profile.last_refresh
    # the menu's view of the plan is the file as written
    assert names_after(shown_state(config, CONFIG), shown) == (doc.aliases(), doc.model_names())
    again = apply_run(target, run, build_plan(target.state(), run), approved=True, record=None)
    assert not again.written and not again.plan.has_changes


def shown_state(config: Path, text: str) -> TargetState:
    other = config.with_name("before.yaml")
    other.write_text(text, encoding="utf-8")
    return replace(ConfigDocument.load(other).state(), path=config)


def test_a_file_changed_after_the_preview_is_not_written_unless_approved(
    config: Path, tmp_path: Path
) -> None:
    target = ConfigFileTarget(config)
    run = computation(GROK_4)
    shown = build_plan(target.state(), run)  # only grok-3 goes and grok-4 is updated
    edited = CONFIG.replace("    grok: xai/grok-3\n", "    grok: xai/grok-3\n    mine2: mine\n")
    config.write_text(edited.replace("max_input_tokens: 1000", "max_input_tokens: 256000"))
    changed = config.read_bytes()
    record = ProfileRecord(tmp_path / "profile.yaml", launch_model="grok")

    result = apply_run(target, run, shown, approved=False, record=record)

    assert (result.written, result.replanned) == (False, True)
    assert config.read_bytes() == changed
    assert Profile.load(record.path).launch_model == "grok"
    assert Profile.load(record.path).picks == {}  # nothing applied: no picks recorded

    result = apply_run(target, run, shown, approved=True, record=None)
    assert (result.written, result.replanned) == (True, True)
    (updated,) = [c for c in result.plan.changes if c.kind == "updated"]
    assert updated.record_only  # re-planned: grok-4 already had that value; only the record
    assert ConfigDocument.load(config).model_names() == ["mine", "xai/grok-4"]
    assert ConfigDocument.load(config).aliases() == {"grok": "xai/grok-4", "mine2": "mine"}


def test_picks_are_read_again_under_the_lock(config: Path, tmp_path: Path) -> None:
    """A run that held the lock before recorded picks: the re-plan uses them."""
    profile = tmp_path / "profile.yaml"
    profile.write_text("picks:\n  xai:\n    grok: xai/grok-4\n", encoding="utf-8")
    run = replace(computation(GROK_4), outcomes=(ProviderOutcome("xai", "failed", "down"),))
    target = ConfigFileTarget(config)
    shown = build_plan(target.state(), run)
    assert shown.alias_changes == ()  # computed without the recorded picks

    result = apply_run(target, run, shown, approved=True, record=None, profile_path=profile)

    assert result.replanned
    assert result.plan.alias_changes == (AliasChange("grok", "xai/grok-3", "xai/grok-4", GROK_4),)
    assert ConfigDocument.load(config).aliases() == {"grok": "xai/grok-4"}


class MemoryTarget:
    """A second apply target: it keeps a state and performs only what the plan says."""

    def __init__(self, state: TargetState) -> None:
        self.name = "memory"
        self.current = state
        self.locks = 0
        self.written: list[Plan] = []

    @contextmanager
    def lock(self) -> Iterator[None]:
        self.locks += 1
        yield

    def state(self) -> TargetState:
        return self.current

    def write(self, plan: Plan) -> WriteResult:
        self.written.append(plan)
        return WriteResult(written=plan.has_changes, existed=True)


def test_any_target_that_gives_a_state_gets_the_same_plan(config: Path) -> None:
    state = ConfigFileTarget(config).state()
    target = MemoryTarget(state)
    run = computation(GROK_5, GROK_4)
    shown = build_plan(state, run)

    result = apply_run(target, run, shown, approved=False, record=None)

    assert target.locks == 1 and not result.replanned
    assert target.written == [result.plan] and result.plan.same_edits(shown)
    assert config.read_text() == CONFIG


def test_a_new_config_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    target = ConfigFileTarget(path)
    run = computation(GROK_4)
    result = apply_run(target, run, build_plan(target.state(), run), approved=True, record=None)
    assert (result.written, result.existed) == (True, False)
    assert ConfigDocument.load(path).model_names() == ["xai/grok-4"]
    assert not (tmp_path / "config.yaml.bak").exists()


def test_who_may_record_in_the_profile() -> None:
    """One rule for refresh and the wizard: a demo writes only a profile --profile names."""
    assert may_record_profile(source_records=True, profile_option=None)
    assert not may_record_profile(source_records=False, profile_option=None)
    assert may_record_profile(source_records=False, profile_option=Path("p.yaml"))


def test_a_failed_write_leaves_the_target_as_the_file_is(config: Path) -> None:
    from discovery_tui.errors import ConfigError

    target = ConfigFileTarget(config)
    run = computation(GROK_5)
    before = target.state()
    config.chmod(0o444)
    try:
        with pytest.raises(ConfigError, match="read-only"):
            apply_run(target, run, build_plan(before, run), approved=True, record=None)
        assert config.read_text() == CONFIG
        assert target.state() == before  # the edits made in memory were dropped
    finally:
        config.chmod(0o644)
