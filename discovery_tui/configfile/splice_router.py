"""Splicing ``router_settings``: alias lines in ``model_group_alias``, other changed keys (e.g.
``fallbacks``) re-emitted alone, one-line flow collections rewritten on their line, an emptied
alias table written as ``{}``. Part of :mod:`.splice`; None/False means "not handled here"."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from discovery_tui.configfile.dialect import plain
from discovery_tui.configfile.textmap import (
    Capture,
    Op,
    block_lines,
    dump_node,
    has_anchor,
    is_flow,
    item_start,
    replace_scalar,
    scalar_text,
    seq_block,
    shift,
    value_pos,
)

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from discovery_tui.plan import AliasChange


def router_ops(
    cap: Capture,
    data: CommentedMap,
    aliases: Sequence[AliasChange],
    ops: list[Op],
    new_sections: list[str],
) -> bool:
    router = data.get("router_settings")
    if cap.router_plain is None:
        if router is None:
            return True
        new_sections.append(dump_node(cap, {"router_settings": router}))
        return True
    if not isinstance(router, Mapping) or cap.router_spans is None:
        return bool(plain(router) == cap.router_plain)
    before = cap.router_plain
    spans = cap.router_spans
    end = max(s[1] for s in spans.values()) + 1
    for key in router:
        now = plain(router[key])
        if key in spans and now == before.get(key):
            continue
        if key == "model_group_alias" and _alias_ops(cap, aliases, router[key], ops):
            continue
        if key == "fallbacks" and _fallback_ops(cap, router[key], ops):
            continue
        if key == "fallbacks" and key in spans and _flow_append(cap, spans[key], router[key], ops):
            continue
        if key in spans and is_flow(router[key]):
            op = _inline_flow(cap, spans[key], cap.router_values.get(str(key)), key, router[key])
            if op is None:
                return False
            ops.append(op)
            continue
        if has_anchor(router[key]):
            return False
        block = block_lines(cap, dump_node(cap, {key: router[key]}))
        moved = shift(block, cap.router_col)
        if moved is None:
            return False
        first, last = spans[key] if key in spans else (end, end - 1)
        ops.append(Op(first, last + 1, tuple(moved)))
    for key in spans:
        if key not in router:
            ops.append(Op(spans[key][0], spans[key][1] + 1, ()))
    return True


def _emptied(cap: Capture, ops: list[Op], key: str = "model_group_alias") -> bool:
    """Every alias (fallback) went: ``model_group_alias: {}`` (``fallbacks: []``), as in
    memory; the comment lines inside stay."""
    if cap.router_spans is None or key not in cap.router_spans:
        return False
    first, last = cap.router_spans[key]
    match = re.fullmatch(rf"([ \t]*{key}:)([ \t]*(?:#.*)?)", cap.text.content(first))
    if match is None:
        return False
    ending = cap.text.lines[first][len(cap.text.content(first)) :]
    inside = range(first + 1, last + 1)
    kept = [cap.text.lines[i] for i in inside if cap.text.is_blank_or_comment(i)]
    empty = " {}" if key == "model_group_alias" else " []"
    ops.append(Op(first, last + 1, (match[1] + empty + match[2] + ending, *kept)))
    return True


# --------------------------------------------------------------------------------- fallbacks
def capture_fallbacks(cap: Capture, router: Any) -> None:
    """Where the items of a block ``fallbacks:`` list stand (before the edit)."""
    seq = router.get("fallbacks")
    if cap.router_spans is None or "fallbacks" not in cap.router_spans:
        return
    if not isinstance(seq, list) or not seq or is_flow(seq) or has_anchor(seq):
        return
    starts = [item_start(cap.text, seq, i) for i in range(len(seq))]
    if any(s is None for s in starts):
        return
    cap.fallback_items = list(seq)
    cap.fallback_starts = [int(s) for s in starts if s is not None]
    cap.fallback_plain = [plain(item) for item in seq]
    cap.fallback_values = [_one_line_value(cap, item) for item in seq]


def _one_line_value(cap: Capture, item: Any) -> tuple[int, int] | None:
    if not isinstance(item, Mapping) or len(item) != 1 or is_flow(item):
        return None
    key = next(iter(item))
    pos = value_pos(cap.text, item, key)
    return pos if pos is not None and is_flow(item[key]) else None


def _fallback_end(cap: Capture, index: int) -> int:
    if index + 1 < len(cap.fallback_starts):
        start = cap.fallback_starts[index]
        return cap.text.back_to_content(cap.fallback_starts[index + 1] - 1, start)
    assert cap.router_spans is not None
    return cap.router_spans["fallbacks"][1]


def _fallback_ops(cap: Capture, seq: Any, ops: list[Op]) -> bool:
    """Item edits of ``fallbacks``: removed items' lines go, a replaced item's value is
    rewritten on its line (or the item alone re-emitted), new items follow the last one.
    The user's items keep their bytes. False: a shape this does not handle (the key is then
    re-emitted whole, still verified)."""
    before = cap.fallback_items
    if not before or not isinstance(seq, list):
        return False
    if not seq:
        return _emptied(cap, ops, "fallbacks")
    if is_flow(seq):
        return False
    old_ids = {id(item) for item in before}
    now_ids = {id(item) for item in seq}
    survivors = [item for item in seq if id(item) in old_ids]
    if survivors != [item for item in before if id(item) in now_ids]:
        return False  # reordered: not an item edit
    if any(id(item) not in old_ids for item in seq[: len(survivors)]):
        return False  # a new item before an old one
    mine: list[Op] = []
    for index, item in enumerate(before):
        first, last = cap.fallback_starts[index], _fallback_end(cap, index)
        if id(item) not in now_ids:
            mine.append(Op(first, last + 1, ()))
        elif plain(item) != cap.fallback_plain[index]:
            op = _replaced_item(cap, index, item)
            if op is None:
                return False
            mine.append(op)
    added = seq[len(survivors) :]
    if added:
        at = _fallback_end(cap, len(before) - 1) + 1
        block = _items_block(cap, added)
        if block is None:
            return False
        mine.append(Op(at, at, tuple(block)))
    ops.extend(mine)
    return True


def _replaced_item(cap: Capture, index: int, item: Any) -> Op | None:
    first, last = cap.fallback_starts[index], _fallback_end(cap, index)
    pos = cap.fallback_values[index]
    if pos is not None and first == last == pos[0] and isinstance(item, Mapping):
        key = next(iter(item))
        op = _inline_flow(cap, (first, first), pos, key, item[key])
        if op is not None:
            return op
    block = _items_block(cap, [item])
    return None if block is None else Op(first, last + 1, tuple(block))


def _items_block(cap: Capture, items: Sequence[Any]) -> list[str] | None:
    """``items`` as ``fallbacks`` items at the column of the file's first item."""
    dash = cap.text.content(cap.fallback_starts[0]).index("-")
    return seq_block(cap, "fallbacks", items, dash)


def _inline_flow(
    cap: Capture, span: tuple[int, int], pos: tuple[int, int] | None, key: Any, value: Any
) -> Op | None:
    """A one-line flow collection (``{a: b}``, ``[x]``) rewritten in place on its line."""
    if pos is None or span != (pos[0], pos[0]) or has_anchor(value):
        return None
    dumped = dump_node(cap, {key: value}).rstrip("\n")
    head = f"{scalar_text(key)}: "
    if "\n" in dumped or not dumped.startswith(head):
        return None
    line, col = pos
    content = cap.text.content(line)
    close = "}" if content[col : col + 1] == "{" else "]"
    end = content.rfind(close)
    if content[col : col + 1] not in "{[" or end < col or content[end + 1 :].strip()[:1] not in "#":
        return None
    ending = cap.text.lines[line][len(content) :]
    return Op(line, line + 1, (content[:col] + dumped[len(head) :] + content[end + 1 :] + ending,))


def _alias_ops(cap: Capture, changes: Sequence[AliasChange], table: Any, ops: list[Op]) -> bool:
    spans = cap.alias_spans
    if spans is None:
        return False
    if not table:
        return _emptied(cap, ops)
    end = max(s[1] for s in spans.values()) + 1
    for change in changes:
        if change.new is None:
            if change.alias in spans:
                first, last = spans[change.alias]
                ops.append(Op(first, last + 1, ()))
            continue
        value = scalar_text(change.new)
        if value is None:
            return False
        if change.alias in cap.alias_flows:
            flow = cap.alias_flows[change.alias]
            op = _inline_flow(cap, spans[change.alias], flow, change.alias, table[change.alias])
            if op is None:
                return False
            ops.append(op)
        elif change.alias in spans:
            first, last = spans[change.alias]
            pos = cap.alias_values.get(change.alias)
            span = (pos[0], pos[0]) if pos and first < pos[0] == last else (first, last)
            op = replace_scalar(cap.text, span, pos, value)
            if op is None:
                return False
            ops.append(op)
        else:
            line = " " * cap.alias_col + f"{scalar_text(change.alias)}: {value}"
            ops.append(Op(end, end, (line + cap.text.newline,)))
    return True


def _flow_append(cap: Capture, span: tuple[int, int], seq: Any, ops: list[Op]) -> bool:
    """Items appended to a one-line flow ``fallbacks: [...]``: written before its ``]``, the
    user's items keep their spelling."""
    before = (cap.router_plain or {}).get("fallbacks")
    pos = cap.router_values.get("fallbacks")
    if not isinstance(seq, list) or not is_flow(seq) or not isinstance(before, list):
        return False
    if pos is None or span != (pos[0], pos[0]) or plain(seq[: len(before)]) != before:
        return False
    texts = [_flow_item(item) for item in seq[len(before) :]]
    if not texts or any(t is None for t in texts):
        return False
    line, col = pos
    content = cap.text.content(line)
    end = content.rfind("]")
    if content[col : col + 1] != "[" or end < col or content[end + 1 :].strip()[:1] not in "#":
        return False
    inside = content[col + 1 : end]
    joined = ", ".join(t for t in texts if t is not None)
    added = (", " if inside.strip() else "") + joined
    ending = cap.text.lines[line][len(content) :]
    keep = inside.rstrip(" ")
    new = content[: col + 1] + keep + added + inside[len(keep) :] + content[end:] + ending
    ops.append(Op(line, line + 1, (new,)))
    return True


def _flow_item(item: Any) -> str | None:
    """``{alias: [a, b]}`` for a one-key item of strings, in the config's dialect."""
    if not isinstance(item, Mapping) or len(item) != 1:
        return None
    alias, names = next(iter(item.items()))
    key = scalar_text(alias)
    values = [scalar_text(n) for n in names] if isinstance(names, list) else [None]
    if key is None or any(v is None for v in values):
        return None
    return "{" + key + ": [" + ", ".join(v for v in values if v is not None) + "]}"
