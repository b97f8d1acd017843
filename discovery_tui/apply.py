"""The one apply service of refresh and the wizard: lock, re-plan if needed, write, record.

A plan is applied to a target. The config file (:class:`ConfigFileTarget`) is the first; a
running proxy's model API is the second (issue 15): it only has to give a :class:`TargetState`
and perform a plan's edits. The lock is held only around re-plan + write + record, never across
fetch and judge; a run that waits for the lock re-plans on what the run before it left.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from discovery_tui.plan import Plan, build_plan

if TYPE_CHECKING:
    from discovery_tui.configfile import ConfigDocument
    from discovery_tui.ownership import TargetState
    from discovery_tui.pipeline import Computation
    from discovery_tui.profile import Profile



@dataclass(frozen=True)
class WriteResult:
    """What a target did with a plan: ``written`` (something changed), ``existed`` before,
    and ``notes`` about the target the user should read (a config key written twice, an
    interrupted undo's copy kept, a shared node left as it is)."""

    written: bool
    existed: bool
    notes: tuple[str, ...] = ()


class ApplyTarget(Protocol):
    """Where a plan goes. ``name`` is shown in messages (the config path, a proxy URL)."""

    name: str

    def lock(self) -> AbstractContextManager[None]:
        """Exclusive access for one re-plan + write (bounded wait, then an error saying why)."""
        ...

    def state(self) -> TargetState:
        """The target as it is now (read again only when it changed since the last read)."""
        ...

    def write(self, plan: Plan) -> WriteResult:
        """Perform exactly ``plan``'s edits on the state last read (backup, atomic)."""
        ...


class ConfigFileTarget:
    """config.yaml: a ConfigDocument, the file's lock, a ``.bak`` and an atomic write."""

    def __init__(self, path: Path, document: ConfigDocument | None = None) -> None:
        self.path = path
        self.name = str(path)
        self._document = document

    def document(self) -> ConfigDocument:
        """The document as the file is now (loaded again only when it changed)."""
        from discovery_tui.configfile import ConfigDocument

        if self._document is None or self._document.changed_on_disk():
            self._document = ConfigDocument.load(self.path)
        return self._document

    def lock(self) -> AbstractContextManager[None]:
        from discovery_tui.fileio import locked

        return locked(self.path)

    def state(self) -> TargetState:
        """The document's state, with its fallbacks and the included files that carry a
        ``router_settings`` of their own (LiteLLM lets theirs replace this file's)."""
        from discovery_tui.ownership import fallback_table, router_overrides

        document = self.document()
        state = document.state()
        router = document.section("router_settings")
        fallbacks = router.get("fallbacks") if isinstance(router, dict) else None
        return replace(
            state,
            fallbacks=state.fallbacks or fallback_table(fallbacks),
            router_overrides=router_overrides(self.path, document.section("include")),
        )

    def write(self, plan: Plan) -> WriteResult:
        """Perform the edits on the document last read; if the file changed since, nothing is
        written and ConfigError says so."""
        existed = self.path.exists()
        document = self._document if self._document is not None else self.document()
        if not plan.has_changes:
            return WriteResult(written=False, existed=existed, notes=tuple(document.notes))
        try:
            document.execute(plan)
            written = document.write(backup=True)
        finally:
            self._document = None  # edited in memory (positions of the old text): read again
        return WriteResult(written=written, existed=existed, notes=tuple(document.notes))


@dataclass(frozen=True)
class ProfileRecord:
    """Record the run in this profile.yaml: picks, refresh times, and the launch model."""

    path: Path
    launch_model: str | None = None


@dataclass(frozen=True)
class ApplyResult:
    """``plan``: what was applied (re-built under the lock); ``replanned``: it differs from the
    plan shown; ``written``: the target changed; ``existed``: the target existed before;
    ``notes``: the target's notes (:attr:`WriteResult.notes`), one plain line each."""

    plan: Plan
    written: bool
    existed: bool
    replanned: bool
    profile_written: bool
    notes: tuple[str, ...] = ()


def apply_run(
    target: ApplyTarget,
    computation: Computation,
    shown: Plan,
    *,
    approved: bool,
    record: ProfileRecord | None,
    profile_path: Path | None = None,
) -> ApplyResult:
    """Under the target's lock: re-plan on the target as it is now (with the picks the profile
    holds now, as a run that held the lock before left them), write, and record.

    A re-built plan that differs from ``shown`` is written only when ``approved`` (the user
    approved a change, or --yes); otherwise nothing is written and only the launch model is
    recorded. ``profile_path``: where to re-read picks (default: ``record.path``; neither:
    the picks of ``computation``).
    """
    from discovery_tui.ownership import read_written
    from discovery_tui.profile import Profile

    picks_from = profile_path or (record.path if record else None)
    with target.lock():
        if picks_from is not None:
            computation = replace(
                computation,
                recorded_picks=Profile.load(picks_from).picks,
                written=read_written(picks_from),
            )
        state = target.state()
        plan = build_plan(state, computation)
        replanned = not plan.same_edits(shown)
        if replanned and not approved:
            saved = _record_launch_model(record)
            return ApplyResult(plan, False, state.exists, replanned, saved)
        result = target.write(plan)
        saved = record_in_profile(record, plan) if record is not None else False
    return ApplyResult(plan, result.written, result.existed, replanned, saved, result.notes)


def may_record_profile(*, source_records: bool, profile_option: object | None) -> bool:
    """The one rule of refresh and the wizard: a live run records its picks in the profile; a
    demo run keeps them out of the user's profile (also one that DISCOVERY_TUI_PROFILE names)
    unless ``--profile`` names one for it."""
    return source_records or profile_option is not None


def record_in_profile(record: ProfileRecord, plan: Plan) -> bool:
    """Keep each refreshed provider's picks and refresh time (a partial refresh reuses them),
    and the launch model. True when anything was recorded."""
    from discovery_tui.profile import Profile, save_profile

    if not plan.refreshed and record.launch_model is None:
        return False
    profile = Profile.load(record.path)
    save_profile(record.path, _profile_updates(profile, plan, record.launch_model))
    return True


def _profile_updates(profile: Profile, plan: Plan, launch_model: str | None) -> dict[str, object]:
    from discovery_tui.ownership import WRITTEN_KEY, written_for_profile

    picks = {p: dict(f) for p, f in profile.picks.items()}
    last = dict(profile.last_refresh)
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    for outcome in plan.providers:
        if outcome.status == "ok":
            picks[outcome.name] = {f: p.model.litellm_model for f, p in outcome.picks.items()}
            last[outcome.name] = now
    updates: dict[str, object] = {"picks": picks, "last_refresh": last}
    if plan.has_changes or plan.refreshed:  # what the tool owns in router_settings now
        updates[WRITTEN_KEY] = written_for_profile(plan.aliases, plan.fallbacks)
    if launch_model is not None:
        updates["launch_model"] = launch_model
    return updates


def _record_launch_model(record: ProfileRecord | None) -> bool:
    from discovery_tui.profile import save_profile

    if record is None or record.launch_model is None:
        return False
    save_profile(record.path, {"launch_model": record.launch_model})
    return True
