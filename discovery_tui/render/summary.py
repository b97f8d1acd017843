"""The preview's first screen, as plain lines: a line per provider, the alias moves with whose
pick each alias uses, the plan's notes, one closing line. The per-entry tables are
``render.plan``'s, shown on request (``--details``, or "Show details" at the prompt).

Everything here is pure text (no rich): :func:`summary_lines` takes the width to fit (a pipe
gets a very wide one, so nothing is ever wrapped there) and returns the lines to print.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from discovery_tui.formatting import shorten_middle
from discovery_tui.render.console import wrap_words
from discovery_tui.safetext import printable

if TYPE_CHECKING:
    from discovery_tui.pipeline import Computation
    from discovery_tui.plan import Plan, ProviderOutcome

INDENT = "  "
MIN_ROOM = 16  # the narrowest a shortened id gets
NEW_LINES_SHOWN = 3  # models in no family: the first ones per provider (--details: all)


def summary_lines(
    plan: Plan, computation: Computation | None = None, *, width: int = 100
) -> list[str]:
    """The one-screen summary of ``plan``; a plan with nothing to change is one line (plus
    the notes that still hold, e.g. a kept edit)."""
    notes = note_lines(plan, computation, width)
    if not plan.has_changes:
        return [*wrap_words(nothing_line(plan), width, hanging=INDENT), *notes]
    lines = ["Providers (entries: + added, ~ updated, - removed)", *provider_lines(plan)]
    skipped = [o.name for o in plan.providers if o.status == "skipped"]
    if skipped:
        lines += _wrapped(f"Not refreshed: {', '.join(skipped)}", width, INDENT)
    if plan.alias_changes:
        lines += ["", "Aliases", *alias_lines(plan, width)]
    for section in dict.fromkeys(change.section for change in plan.setting_changes):
        changes = [c for c in plan.setting_changes if c.section == section]
        lines += ["", section, *(f"{INDENT}+ {c.key}: {c.value}" for c in changes)]
    if notes:
        lines += ["", *notes]
    return [*lines, "", *wrap_words(closing_line(plan), width, hanging=INDENT)]


def nothing_line(plan: Plan) -> str:
    if not plan.refreshed:
        return f"{plan.config_path}: no chosen provider could be read; nothing to change."
    failed = [outcome.name for outcome in plan.failed]
    if failed:
        whose = "its entries were" if len(failed) == 1 else "their entries were"
        return f"{plan.config_path}: nothing to change; {_and(failed)} failed ({whose} kept)."
    count = len(plan.refreshed)
    return (
        f"{plan.config_path}: nothing to change; {count} provider{_s(count)} checked, all current."
    )


def closing_line(plan: Plan) -> str:
    counts = [
        f"{len(plan.names(kind))} {kind}"
        for kind in ("added", "updated", "removed")
        if plan.names(kind)
    ]
    moves = len(plan.alias_changes)
    if moves:
        counts.append(f"{moves} alias{'es' if moves != 1 else ''} changed")
    if plan.fallback_changes:
        counts.append(f"{len(plan.fallback_changes)} fallbacks changed")
    if plan.setting_changes:
        counts.append(f"{len(plan.setting_changes)} setting{_s(len(plan.setting_changes))} added")
    return f"{plan.config_path}: {', '.join(counts)}."


# --------------------------------------------------------------------------- providers


def provider_lines(plan: Plan) -> list[str]:
    shown = [o for o in plan.providers if o.status != "skipped"]
    name_width = max((len(o.name) for o in shown), default=0)
    rows = []
    for outcome in shown:
        models = f"{outcome.models} models" if outcome.status == "ok" else ""
        rows.append((outcome.name, outcome.status, models, _entries_text(plan, outcome)))
    models_width = max((len(r[2]) for r in rows), default=0)
    return [
        f"{INDENT}{name:<{name_width}}  {status:<6}  {models:>{models_width}}  {entries}".rstrip()
        for name, status, models, entries in rows
    ]


def _entries_text(plan: Plan, outcome: ProviderOutcome) -> str:
    if outcome.status == "failed":
        return "entries kept as is"
    counts = {"added": 0, "updated": 0, "removed": 0}
    for change in plan.changes:
        if change.provider == outcome.name:
            counts[change.kind] += 1
    marks = {"added": "+", "updated": "~", "removed": "-"}
    text = " ".join(f"{marks[kind]}{n}" for kind, n in counts.items() if n)
    return text or "no change"


# --------------------------------------------------------------------------- aliases


def alias_lines(plan: Plan, width: int) -> list[str]:
    """The alias moves, under whose pick they use; aliases that move together share a line, and
    the ``claude-<alias>`` twins (for Claude Code's /model picker) are named once at the end."""
    rows: dict[tuple[str | None, str | None], list[str]] = {}
    for alias_change in plan.alias_changes:
        rows.setdefault((alias_change.old, alias_change.new), []).append(alias_change.alias)
    twins: list[str] = []
    sections: dict[str, list[tuple[str, str]]] = {}
    for (old, new), aliases in rows.items():
        shown = [a for a in aliases if not _is_twin(a, aliases)]
        twins += [a for a in aliases if a not in shown]
        change = f"{old} -> {new or 'removed'}" if old else f"-> {new}"
        sections.setdefault(_section_of(plan, new), []).append((", ".join(shown), change))
    label_width = min(max(len(label) for rows_ in sections.values() for label, _ in rows_), 24)
    lines: list[str] = []
    for section, section_rows in sections.items():
        lines.append(f"{INDENT}{_section_title(section, len(section_rows))}:")
        for label, change in section_rows:
            lines += _alias_row(label, label_width, change, width)
    if len(twins) > 2:
        twin_note = f"+ {len(twins)} claude-* twins of these (Claude Code's /model picker)"
        lines.append(f"{INDENT}{twin_note}")
    elif twins:
        lines += _wrapped(f"+ {' and '.join(twins)} (Claude Code's /model picker)", width, INDENT)
    return lines


def _is_twin(alias: str, group: Sequence[str]) -> bool:
    return alias.startswith("claude-") and alias.removeprefix("claude-") in group


def _alias_row(label: str, label_width: int, change: str, width: int) -> list[str]:
    """``label  old -> new`` on one line; when too long, ``-> new`` under ``old``; an id that
    still does not fit is shortened in the middle (never broken)."""
    lead = f"{INDENT * 2}{label:<{label_width}}  "
    room = max(MIN_ROOM, width - len(lead))
    old, arrow, new = change.partition(" -> ")
    if len(change) <= room or not old or not arrow:
        return [lead + shorten_middle(change, room)]
    under = " " * len(lead)
    return [lead + shorten_middle(old, room), under + shorten_middle(f"-> {new}", room)]


def _section_of(plan: Plan, new: str | None) -> str:
    if new is None:
        return ""
    return whose_pick(plan, new) or "-"


def _section_title(section: str, rows: int) -> str:
    """``anthropic's picks (openrouter also has one of each)``, ``removed``, ..."""
    if section == "":
        return "removed"
    if section == "-":
        return "picks kept from earlier runs"
    owner, _, others = section.partition("; ")
    title = owner + ("s" if rows > 1 else "")
    if others:
        title += f" ({others}{' of each' if rows > 1 else ''})"
    return title


def whose_pick(plan: Plan, model_name: str) -> str | None:
    """``"anthropic's pick; openrouter also has one"``: the provider whose pick the alias
    uses, and the other refreshed providers with a pick of the same family."""
    owner, family = _pick_of(plan.providers, model_name)
    if owner is None:
        return None
    others = [
        o.name for o in plan.providers if o.status == "ok" and o.name != owner and family in o.picks
    ]
    if not others:
        return f"{owner}'s pick"
    verb = "also has one" if len(others) == 1 else "also have one"
    return f"{owner}'s pick; {_and(others)} {verb}"


def _pick_of(outcomes: Iterable[ProviderOutcome], model_name: str) -> tuple[str | None, str | None]:
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        for family, pick in outcome.picks.items():
            if pick.model.litellm_model == model_name:
                return outcome.name, family
    return None, None


# --------------------------------------------------------------------------- notes


def note_lines(plan: Plan, computation: Computation | None, width: int) -> list[str]:
    """The plan's notes (kept edits, retirements, aliases not written), the providers' catalog
    notes and models in no family, counted, and the models.dev note: under ``Notes``."""
    texts = [note.text for note in plan.notes]
    if plan.conflicts:
        texts.append(
            f"skipped {_count(len(plan.conflicts), 'entry', 'entries')} whose model_name a "
            f"hand-written entry has: {', '.join(plan.conflicts)}"
        )
    texts += _catalog_notes(plan, computation.notes if computation else {})
    if computation is not None and computation.enrichment.note:
        texts.append(f"models.dev: {computation.enrichment.note}")
    unmatched = unmatched_lines(plan, width)
    if not texts and not unmatched:
        return []
    lines = ["Notes"]
    for text in texts:
        lines += _wrapped(printable(text), width, INDENT, INDENT * 2)
    return lines + unmatched


def unmatched_lines(plan: Plan, width: int, *, shown: int = NEW_LINES_SHOWN) -> list[str]:
    """The models in no family, a provider per line: the newest id of each of its lines (newest
    line first), the first ``shown`` of them and ``+K more`` (``--details`` lists all)."""
    rows: list[str] = []
    for outcome in plan.providers:
        ids = [line.models[0] for line in outcome.unmatched if line.models]
        if not ids:
            continue
        more = f" +{len(ids) - shown} more" if len(ids) > shown else ""
        rows.append(f"{outcome.name}: {', '.join(ids[:shown])}{more}")
    if not rows:
        return []
    lines = [f"{INDENT}not in any family (families.yaml could add them):"]
    for row in rows:
        lines += _wrapped(printable(row), width, INDENT * 2, INDENT * 3)
    return lines


def _catalog_notes(plan: Plan, notes: Mapping[str, Sequence[str]]) -> list[str]:
    texts = []
    for outcome in plan.providers:
        found = notes.get(outcome.name, ())
        if not found:
            continue
        left_out = sum(1 for note in found if "left out" in note)
        dropped = len(found) - left_out
        parts = [
            _count(left_out, "model left out", "models left out") if left_out else "",
            _count(dropped, "value dropped", "values dropped") if dropped else "",
        ]
        texts.append(f"{outcome.name}: {', '.join(p for p in parts if p)} (--details shows which)")
    return texts


# --------------------------------------------------------------------------- text helpers


def _wrapped(text: str, width: int, indent: str, rest: str | None = None) -> list[str]:
    """``text`` wrapped at spaces only (an id is never broken, but shortened in the middle
    when longer than a line), indented."""
    width = max(len(indent) + MIN_ROOM, width)
    room = width - len(rest if rest is not None else indent)
    text = " ".join(shorten_middle(word, room) for word in text.split(" "))
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=rest if rest is not None else indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
