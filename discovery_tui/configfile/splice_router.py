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
    replace_scalar,
    scalar_text,
    shift,
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


def _emptied(cap: Capture, ops: list[Op]) -> bool:
    """Every alias went: ``model_group_alias: {}`` (as in memory); comment lines stay."""
    if cap.router_spans is None or "model_group_alias" not in cap.router_spans:
        return False
    first, last = cap.router_spans["model_group_alias"]
    match = re.fullmatch(r"([ \t]*model_group_alias:)([ \t]*(?:#.*)?)", cap.text.content(first))
    if match is None:
        return False
    ending = cap.text.lines[first][len(cap.text.content(first)) :]
    inside = range(first + 1, last + 1)
    kept = [cap.text.lines[i] for i in inside if cap.text.is_blank_or_comment(i)]
    ops.append(Op(first, last + 1, (match[1] + " {}" + match[2] + ending, *kept)))
    return True


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


def _alias_ops(
    cap: Capture, changes: Sequence[AliasChange], table: Any, ops: list[Op]
) -> bool:
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
