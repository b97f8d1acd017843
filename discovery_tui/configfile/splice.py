"""Writing a plan into the original text: only the lines the tool owns change.

ruamel.yaml's round trip re-emits the whole file and normalises what the tool does not own
(long scalars re-wrapped, flow collections, trailing spaces, line endings, ``null``, indentation).
Instead, :func:`capture` records where the plan's targets stand (before the edit, from the
positions ruamel reports) and :func:`splice` replaces, inserts or deletes only those lines:
an updated owned key's value on its line (or, where that is not possible, the entry re-emitted
alone), added entries after the provider's last owned entry, removed entries' own lines (the
comments between entries stay), alias lines in ``router_settings.model_group_alias``, changed
``router_settings`` keys, and new sections after the last section's own content (before a closing
comment block). The caller verifies the result by parsing it; None means "not handled here".
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from discovery_tui.configfile.dialect import plain
from discovery_tui.configfile.setting_edits import settings_ops
from discovery_tui.configfile.splice_router import capture_fallbacks, router_ops
from discovery_tui.configfile.textmap import (
    Capture,
    Op,
    Text,
    apply_ops,
    block_lines,
    dump_node,
    is_flow,
    item_start,
    key_line,
    key_spans,
    own_keys,
    replace_scalar,
    scalar_text,
    seq_block,
    value_pos,
)
from discovery_tui.configfile.validation import owner_of

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from discovery_tui.plan import AliasChange, EntryChange, SettingChange

SECTIONS = ("litellm_params", "model_info")


def capture(
    data: CommentedMap,
    text: Text,
    indent: tuple[int, int, int],
    changes: Sequence[EntryChange],
    hidden_tops: Sequence[int] = (),
) -> Capture:
    """Where the entries, sections and aliases the plan touches stand in ``text``.
    ``hidden_tops``: file lines of top-level keys the data does not show (a key written
    twice), where the section before them ends too."""
    cap = Capture(text, indent, top_keys=[str(k) for k in data])
    limits = _top_limits(data, text, hidden_tops)
    if limits is None:
        cap.supported = False
        return cap
    cap.limits = limits
    cap.key_lines = {k: pos[0] for k in data if (pos := key_line(text, data, k)) is not None}
    seq = data.get("model_list")
    if isinstance(seq, list) and seq and is_flow(seq):
        cap.reason = "`model_list` is written in flow style (`[...]`)"
    if isinstance(seq, list) and seq and not is_flow(seq):
        cap.items = list(seq)
        starts = [item_start(text, seq, i) for i in range(len(seq))]
        if any(s is None for s in starts):
            cap.supported = False
            return cap
        cap.starts = [int(s) for s in starts if s is not None]
        cap.list_end = text.back_to_content(limits["model_list"] - 1, cap.starts[-1])
        cap.list_key = (key_line(text, data, "model_list") or (-1, 0))[0]
    updated = {(c.provider, c.model_name) for c in changes if c.kind == "updated"}
    for index, item in enumerate(cap.items):
        owner = owner_of(item)
        if owner is not None and (owner, str(item.get("model_name"))) in updated:
            _capture_item(cap, index, item)
    router = data.get("router_settings")
    if isinstance(router, Mapping):
        cap.router_plain = plain(router)
        cap.router_spans = key_spans(text, router, limits["router_settings"])
        cap.router_col = _col(text, router)
        cap.router_values = {str(k): value_pos(text, router, k) for k in own_keys(router)}
        capture_fallbacks(cap, router)
        table = router.get("model_group_alias")
        if cap.router_spans is not None and isinstance(table, Mapping) and table:
            last = cap.router_spans["model_group_alias"][1] + 1
            cap.alias_spans = key_spans(text, table, last)
            cap.alias_col = _col(text, table)
            for alias in table:
                target = table[alias]
                if isinstance(target, Mapping) and is_flow(target):
                    cap.alias_flows[str(alias)] = value_pos(text, table, alias)
                elif isinstance(target, Mapping):
                    cap.alias_values[str(alias)] = _nested_value(text, target, "model")
                else:
                    cap.alias_values[str(alias)] = value_pos(text, table, alias)
    return cap


def _nested_value(text: Text, node: Any, key: str) -> tuple[int, int] | None:
    return None if is_flow(node) or key not in node else value_pos(text, node, key)


def _top_limits(
    data: CommentedMap, text: Text, hidden: Sequence[int]
) -> dict[str, int] | None:
    """Top-level key -> the file line where the next top-level key starts (or the body end)."""
    lines: list[tuple[str, int]] = []
    for key in data:
        pos = key_line(text, data, key)
        if pos is None:
            return None
        lines.append((str(key), pos[0]))
    starts = sorted({line for _, line in lines} | set(hidden))
    limits: dict[str, int] = {}
    for key, line in lines:
        limits[key] = next((s for s in starts if s > line), text.body_end)
    return limits


def _col(text: Text, node: Any) -> int:
    first = next(iter(node.lc.data), None)
    pos = key_line(text, node, first) if first is not None else None
    return pos[1] if pos else 0


def _capture_item(cap: Capture, index: int, item: Any) -> None:
    end = _item_end(cap, index)
    spans = key_spans(cap.text, item, end + 1)
    if spans is None:
        return
    found: dict[str, tuple[dict[Any, tuple[int, int]], int]] = {}
    for section in SECTIONS:
        node = item.get(section)
        if section not in spans or not isinstance(node, Mapping) or not node:
            continue
        inner = key_spans(cap.text, node, spans[section][1] + 1)
        if inner is None:
            continue
        found[section] = (inner, _col(cap.text, node))
        for key, value in node.items():
            if key in inner and not isinstance(value, (Mapping, list)):
                cap.values[(index, section, str(key))] = value_pos(cap.text, node, key)
    cap.sections[index] = found


def _item_end(cap: Capture, index: int) -> int:
    if index + 1 < len(cap.starts):
        return cap.text.back_to_content(cap.starts[index + 1] - 1, cap.starts[index])
    return cap.list_end


# --------------------------------------------------------------------------------- splicing
def splice(
    cap: Capture,
    data: CommentedMap,
    changes: Sequence[EntryChange],
    aliases: Sequence[AliasChange],
    reemit: set[int],
    settings: Sequence[SettingChange] = (),
) -> str | None:
    """The original text with the plan's edits made in place; None when a shape is not
    handled. ``reemit``: ids of owned entries to write whole (un-shared in memory)."""
    if not cap.supported:
        return None
    ops: list[Op] = []
    new_sections: list[str] = []
    if not _entry_ops(cap, data, changes, reemit, ops, new_sections):
        return None
    if not router_ops(cap, data, aliases, ops, new_sections):
        return None
    if not settings_ops(cap, data, settings, ops, new_sections):
        return None
    if new_sections:
        at = cap.text.back_to_content(cap.text.body_end - 1, -1) + 1
        block = (line for section in new_sections for line in block_lines(cap, section))
        ops.append(Op(at, at, tuple(block)))  # each without the comments ruamel moved into it
    cap.ops = list(ops)  # for the verification of the edited windows (see :mod:`.verify`)
    return apply_ops(cap.text, ops)


def _entry_ops(
    cap: Capture,
    data: CommentedMap,
    changes: Sequence[EntryChange],
    reemit: set[int],
    ops: list[Op],
    new_sections: list[str],
) -> bool:
    index_of: dict[tuple[str, str], int] = {}
    for index, item in enumerate(cap.items):
        owner = owner_of(item)
        if owner is not None:
            index_of[(owner, str(item.get("model_name")))] = index
    seq = data.get("model_list")
    added = [c for c in changes if c.kind == "added"]
    if added and not cap.items:
        if not isinstance(seq, list):
            return False
        if "model_list" in cap.top_keys:
            return _fill_empty_list(cap, seq, ops)
        new_sections.append(dump_node(cap, {"model_list": seq}))
        return True
    removed = 0
    for change in changes:
        found = index_of.get((change.provider, change.model_name))
        if change.kind == "removed" and found is not None:
            ops.append(Op(cap.starts[found], _item_end(cap, found) + 1, ()))
            removed += 1
        elif change.kind == "updated" and found is not None:
            if id(cap.items[found]) not in reemit and _key_ops(cap, found, change, ops):
                continue
            block = _entry_text(cap, found, [cap.items[found]])
            if block is None:
                return False
            ops.append(Op(cap.starts[found], _item_end(cap, found) + 1, tuple(block)))
        elif change.kind != "added":
            return False
    for index, item in enumerate(cap.items):
        if id(item) in reemit and not any(
            index_of.get((c.provider, c.model_name)) == index for c in changes
        ):
            block = _entry_text(cap, index, [item])
            if block is None:
                return False
            ops.append(Op(cap.starts[index], _item_end(cap, index) + 1, tuple(block)))
    if cap.items and removed == len(cap.items) and not added:
        return _emptied_list(cap, ops)
    return _insert_ops(cap, seq, added, index_of, ops)


def _emptied_list(cap: Capture, ops: list[Op]) -> bool:
    """Every entry went: ``model_list: []`` (as in memory); comment lines between stay."""
    first, last = cap.list_key, cap.list_end
    match = re.fullmatch(r"(model_list:)([ \t]*(?:#.*)?)", cap.text.content(first))
    if first < 0 or match is None:
        return False
    ending = cap.text.lines[first][len(cap.text.content(first)) :]
    inside = range(first + 1, last + 1)
    kept = [cap.text.lines[i] for i in inside if cap.text.is_blank_or_comment(i)]
    ops[:] = [op for op in ops if not first <= op.start <= last]
    rest = match[2]
    if rest.startswith("    ") and rest.lstrip(" ").startswith("#"):  # see _fill_empty_list
        rest = rest[3:]
    ops.append(Op(first, last + 1, (match[1] + " []" + rest + ending, *kept)))
    return True


_EMPTY_LIST = re.compile(r"(model_list:)([ \t]*)(\[[ \t]*\]|~|null|Null|NULL)?([ \t]*(?:#.*)?)")


def _fill_empty_list(cap: Capture, seq: Sequence[Any], ops: list[Op]) -> bool:
    """``model_list: []`` / ``model_list:`` (null) becomes a block list of the new entries: the
    key line keeps its comment (at its column), the lines after it stay where they are."""
    line = cap.key_lines.get("model_list")
    match = None if line is None else _EMPTY_LIST.fullmatch(cap.text.content(line))
    if line is None or match is None:
        cap.reason = cap.reason or "`model_list` is neither a block list nor an empty one"
        return False
    if any(not cap.text.is_blank_or_comment(i) for i in range(line + 1, cap.limits["model_list"])):
        cap.reason = "the value of `model_list` is written on the lines after its key"
        return False
    block = seq_block(cap, "model_list", seq, cap.indent[2])
    if block is None:
        return False
    value = match[2] + (match[3] or "")
    head = match[1] + (" " * len(value) + match[4] if match[4].strip() else "")
    ending = cap.text.lines[line][len(cap.text.content(line)) :] or cap.text.newline
    ops.append(Op(line, line + 1, (head + ending, *block)))
    return True


def _insert_ops(
    cap: Capture,
    seq: Any,
    added: Sequence[EntryChange],
    index_of: Mapping[tuple[str, str], int],
    ops: list[Op],
) -> bool:
    new_items = {id(item): item for item in seq or ()} if added else {}
    by_name = {str(item.get("model_name")): item for item in new_items.values()}
    groups: dict[int, list[Any]] = {}
    for change in added:
        after = None if change.after is None else index_of.get((change.provider, change.after))
        at = _item_end(cap, after) + 1 if after is not None else cap.list_end + 1
        node = by_name.get(change.model_name)
        if node is None:
            return False
        groups.setdefault(at, []).append(node)
    order = {id(item): index for index, item in enumerate(seq or ())}
    for at, nodes in groups.items():  # one place, several groups: in the document's order
        block = _entry_text(cap, 0, sorted(nodes, key=lambda node: order[id(node)]))
        if block is None:
            return False
        ops.append(Op(at, at, tuple(block)))
    return True


def _key_ops(cap: Capture, index: int, change: EntryChange, ops: list[Op]) -> bool:
    """Line edits for ``change.edits``; False (nothing added) when one is not possible."""
    mine: list[Op] = []
    sections = cap.sections.get(index, {})
    item = cap.items[index]
    for edit in change.edits:
        if edit.section not in sections:
            return False
        spans, col = sections[edit.section]
        node = item.get(edit.section)
        if edit.remove:
            if edit.key not in spans or len(spans) <= 1:
                return False
            first, last = spans[edit.key]
            mine.append(Op(first, last + 1, ()))
            continue
        value = scalar_text(edit.value)
        if value is None:
            return False
        pos = cap.values.get((index, edit.section, edit.key))
        if edit.key in spans:
            op = replace_scalar(cap.text, spans[edit.key], pos, value)
            if op is None:
                return False
            mine.append(op)
            continue
        keys = list(node or ())
        position = keys.index(edit.key) if edit.key in keys else len(keys)
        later = [k for k in keys[position + 1 :] if k in spans]
        at = spans[later[0]][0] if later else max(s[1] for s in spans.values()) + 1
        line = " " * col + f"{scalar_text(edit.key)}: {value}" + cap.text.newline
        mine.append(Op(at, at, (line,)))
    ops.extend(mine)
    return True


def _entry_text(cap: Capture, index: int, nodes: list[Any]) -> list[str] | None:
    """``nodes`` as ``model_list`` items at the file's item column."""
    dash = cap.text.content(cap.starts[index]).index("-") if cap.starts else 0
    block = seq_block(cap, "model_list", nodes, dash)
    if block is None:
        cap.reason = "an entry it has to write again uses a YAML anchor or merge key"
    return block
