"""Executing a plan's setting changes (plan/settings.py): ``general_settings.master_key`` set to
``os.environ/VAR`` where the config has none, in memory (:func:`edit_settings`) and in the
file's own text (:func:`settings_ops`, part of :mod:`.splice`): one new line after the section's
last key, or a new section after the last section's content. Nothing else moves."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from discovery_tui.configfile.textmap import (
    Capture,
    Op,
    dump_node,
    is_flow,
    key_line,
    key_spans,
    scalar_text,
)

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from discovery_tui.plan import SettingChange


def edit_settings(data: CommentedMap, changes: Sequence[SettingChange]) -> bool:
    """Set each change's key (creating its section at the end); True when anything changed.
    A section that is there but not a mapping, or a key already set, is left alone."""
    from ruamel.yaml.comments import CommentedMap

    edited = False
    for change in changes:
        if change.section not in data:
            data[change.section] = CommentedMap()
        section = data[change.section]
        if not isinstance(section, MutableMapping) or change.key in section:
            continue
        section[change.key] = change.value
        edited = True
    return edited


def settings_ops(
    cap: Capture,
    data: CommentedMap,
    changes: Sequence[SettingChange],
    ops: list[Op],
    new_sections: list[str],
) -> bool:
    """The text edits of ``changes``; False when a shape is not handled here (a flow mapping):
    the caller then writes the whole document."""
    for name in dict.fromkeys(change.section for change in changes):
        node = data.get(name)
        if name not in cap.top_keys:
            new_sections.append(dump_node(cap, {name: node}))
            continue
        keys = [change.key for change in changes if change.section == name]
        if not isinstance(node, Mapping) or not _insert_keys(cap, data, name, keys, ops):
            return False
    return True


def _insert_keys(
    cap: Capture, data: CommentedMap, name: str, keys: Sequence[str], ops: list[Op]
) -> bool:
    """New ``key: value`` lines after the last key of block mapping ``data[name]``."""
    node: Any = data[name]
    if is_flow(node):
        return False
    spans = key_spans(cap.text, node, _section_limit(cap, data, name))
    if not spans:
        return False
    first = key_line(cap.text, node, next(iter(spans)))
    if first is None:
        return False
    lines: list[str] = []
    for key in keys:
        value = scalar_text(node.get(key))
        if value is None:
            return False
        lines.append(" " * first[1] + f"{key}: {value}" + cap.text.newline)
    at = max(last for _, last in spans.values()) + 1
    ops.append(Op(at, at, tuple(lines)))
    return True


def _section_limit(cap: Capture, data: CommentedMap, name: str) -> int:
    """The file line where the top-level key after ``name`` starts (or the body's end)."""
    own = key_line(cap.text, data, name)
    starts = [
        pos[0]
        for key in data
        if key != name and (pos := key_line(cap.text, data, key)) is not None
    ]
    after = [line for line in starts if own is not None and line > own[0]]
    return min(after, default=cap.text.body_end)
