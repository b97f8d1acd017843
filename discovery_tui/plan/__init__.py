"""What a refresh will change, as a frozen Plan that rendering and prompting only read.

The plan decides, apply executes: :func:`build_plan` compares what the run wants with a plain-data
snapshot of the target (:class:`~discovery_tui.ownership.TargetState`) and records the exact
edits (entries added and where, removed, updated key by key under the three-way rule, skipped
because a name is not ours; aliases and fallbacks set and removed) and notes on what it leaves
alone. An apply target (the config file; a proxy's model API) performs exactly these edits.

Modules: ``model`` (the data), ``entries`` (wanted entries, three-way merge), ``aliases``,
``fallbacks``, ``retirements``, ``settings`` (wanted settings: the master key's reference),
``build`` (build_plan, names_after).
"""

from __future__ import annotations

from discovery_tui.plan.aliases import precedence
from discovery_tui.plan.build import build_plan, names_after
from discovery_tui.plan.entries import (
    conflicting_names,
    entries_for,
    entry_changes,
    entry_for,
    key_edits,
    merge_entry,
    plain,
)
from discovery_tui.plan.model import (
    AliasChange,
    ChangeKind,
    EntryChange,
    FallbackChange,
    KeptEdit,
    KeyEdit,
    NoteKind,
    OutcomeStatus,
    Plan,
    PlanNote,
    ProviderOutcome,
    Retirement,
)
from discovery_tui.plan.settings import SettingChange, WantedSetting, master_key_setting

__all__ = [
    "AliasChange",
    "ChangeKind",
    "EntryChange",
    "FallbackChange",
    "KeptEdit",
    "KeyEdit",
    "NoteKind",
    "OutcomeStatus",
    "Plan",
    "PlanNote",
    "ProviderOutcome",
    "Retirement",
    "SettingChange",
    "WantedSetting",
    "build_plan",
    "conflicting_names",
    "entries_for",
    "entry_changes",
    "entry_for",
    "key_edits",
    "master_key_setting",
    "merge_entry",
    "names_after",
    "plain",
    "precedence",
]
