"""The plan's data: what a refresh will change and why, frozen, for rendering and apply to read.

Every text field is one plain line (no markup); ids in it may come from catalogs, so the render
layer escapes it before it reaches a terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from discovery_tui.models import Entry, Model, Pick
from discovery_tui.ownership import RECORD_KEY, Section
from discovery_tui.plan.settings import SettingChange

if TYPE_CHECKING:
    from discovery_tui.families import NewLine

ChangeKind = Literal["added", "removed", "updated"]
OutcomeStatus = Literal["ok", "failed", "skipped"]
NoteKind = Literal[
    "kept",  # an owned value the user changed is kept
    "alias_shadowed",  # an alias not written: a model of the config has that name
    "alias_not_ours",  # an alias target is a hand-written entry: moved or not written
    "alias_user",  # an alias the user wrote or re-pointed is kept
    "include_override",  # an included file's router_settings replaces this file's
    "retired",  # an alias's target left its catalog
    "expires",  # an alias's target expires within 30 days
    "fallback_user",  # the user's own fallbacks for an alias: none written
    "key_route",  # an owned entry sends its provider's key to the user's api_base
    "pinned",  # an owned entry shares a YAML node with something the tool does not own
]
RetirementReason = Literal["retired", "expires"]


@dataclass(frozen=True)
class ProviderOutcome:
    """One provider in this run: ok (refreshed), failed (kept as is) or skipped (not chosen).

    ``catalog``: the whole (checked, enriched) catalog, for retirements; ``unmatched``: the lines
    of known vendors that no family takes ("not in any family").
    """

    name: str
    status: OutcomeStatus
    error: str | None = None
    models: int = 0
    picks: Mapping[str, Pick] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    candidates: tuple[Model, ...] = ()  # the family-matched models behind ``entries``
    catalog: tuple[Model, ...] = ()
    unmatched: tuple[NewLine, ...] = ()


@dataclass(frozen=True)
class KeyEdit:
    """Set one owned key of an entry to ``value``, or (``remove``) delete it."""

    section: Section
    key: str
    value: object = None
    remove: bool = False


@dataclass(frozen=True)
class EntryChange:
    """One edit of ``model_list``, exact enough for a target to perform without deciding.

    added: ``entry`` goes after the owned entry named ``after`` (None: at the end), in plan
    order. updated: ``edits`` are applied to the existing entry, in order (``entry`` gives the
    key order for keys that are new). removed: the provider's entry of that name goes.
    ``kept``: owned keys (``"litellm_params.api_base"``) the user changed, left as they are.
    """

    model_name: str
    provider: str
    kind: ChangeKind
    model: Model | None = None  # the catalog model, for added and updated entries
    entry: Entry | None = None
    after: str | None = None
    edits: tuple[KeyEdit, ...] = ()
    kept: tuple[str, ...] = ()

    @property
    def record_only(self) -> bool:
        """Whether the only edit is the three-way record (an entry written by an older version)."""
        return bool(self.edits) and all(e.key == RECORD_KEY for e in self.edits)


@dataclass(frozen=True)
class AliasChange:
    """``alias`` goes from ``old`` to ``new`` (None: the alias is added / removed)."""

    alias: str
    old: str | None
    new: str | None
    target: Model | None = None  # the model the alias now points at, when known


@dataclass(frozen=True)
class FallbackChange:
    """The ``router_settings.fallbacks`` item keyed ``alias`` goes from ``old`` to ``new``
    (None: the item is added / removed). Values are model_names, in the order LiteLLM tries them."""

    alias: str
    old: tuple[str, ...] | None
    new: tuple[str, ...] | None


@dataclass(frozen=True)
class KeptEdit:
    """An owned value the user changed since the tool wrote it: kept, though the catalog differs."""

    model_name: str
    provider: str
    key: str  # "litellm_params.api_base", "model_info.input_cost_per_token"
    via: str | None = None  # the anchor of a merge key (``<<: *defaults``) the value comes from

    @property
    def text(self) -> str:
        merged = f" (via <<: *{self.via})" if self.via else ""
        return f"kept your edit: {self.key} of {self.model_name}{merged}"


@dataclass(frozen=True)
class Retirement:
    """An alias's target left its provider's catalog (or expires soon): the alias moves."""

    family: str
    aliases: tuple[str, ...]
    provider: str
    model: str  # the old target's model_name
    reason: RetirementReason
    expires: date | None
    replacement: str | None  # the new target's model_name; None: the aliases are removed

    @property
    def text(self) -> str:
        names = " and ".join(self.aliases)
        verb = "moves" if len(self.aliases) == 1 else "move"
        what = "retired" if self.reason == "retired" else f"expires on {self.expires}"
        if self.replacement is None:
            gone = "is removed" if len(self.aliases) == 1 else "are removed"
            return f"{self.model} {what}, {names} {gone}"
        return f"{self.model} {what}, {names} {verb} to {self.replacement}"


@dataclass(frozen=True)
class PlanNote:
    """One line the preview, ``--json`` and doctor show: plain text, escaped by the renderer."""

    kind: NoteKind
    subject: str  # the alias or model_name it is about
    text: str


@dataclass(frozen=True)
class Plan:
    config_path: Path
    providers: tuple[ProviderOutcome, ...]
    changes: tuple[EntryChange, ...]
    aliases: Mapping[str, str]  # every owned alias after the change
    alias_changes: tuple[AliasChange, ...]
    conflicts: tuple[str, ...] = ()  # model_names held by hand-written entries: ours skipped
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # owned, after
    fallback_changes: tuple[FallbackChange, ...] = ()
    kept: tuple[KeptEdit, ...] = ()
    retirements: tuple[Retirement, ...] = ()
    notes: tuple[PlanNote, ...] = ()
    setting_changes: tuple[SettingChange, ...] = ()  # plan/settings.py (the master key's reference)

    def names(self, kind: ChangeKind) -> list[str]:
        return [change.model_name for change in self.changes if change.kind == kind]

    @property
    def refreshed(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.providers if p.status == "ok")

    @property
    def failed(self) -> tuple[ProviderOutcome, ...]:
        return tuple(p for p in self.providers if p.status == "failed")

    @property
    def has_changes(self) -> bool:
        return bool(
            self.changes or self.alias_changes or self.fallback_changes or self.setting_changes
        )

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for p in self.providers if p.status == "ok" for e in p.entries)

    def same_edits(self, other: Plan) -> bool:
        """Whether ``other`` makes exactly the same edits (what a user approved)."""
        mine = (self.changes, self.alias_changes, self.fallback_changes, self.setting_changes)
        return mine == (
            other.changes,
            other.alias_changes,
            other.fallback_changes,
            other.setting_changes,
        )
