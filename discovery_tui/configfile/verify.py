"""Checking a spliced file cheaply: parse only the windows the edits touched.

The spliced text is the original text with some line ranges replaced (:mod:`.splice`). Lines
outside those ranges are byte for byte the original, which parsed to the document before the
edit; so where nothing is shared between nodes (no anchors, aliases or merge keys) and no key
is written twice, it is enough to parse what the edits touched, each together with the
untouched neighbours that bound it, and compare it with the edited document:

- in ``model_list``, the touched entries plus one untouched entry on each side (the window
  starts and ends at entry boundaries the original parse reported);
- any other top-level section with an edit, whole (they are small);
- new sections appended at the end, alone.

:func:`edited_windows_match` answers True only when every window parses to exactly the edited
data; None when a shape is not covered here. The caller then parses the whole file (as before),
so a doubt never costs correctness, only time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from discovery_tui.configfile.dialect import plain
from discovery_tui.configfile.textmap import Capture, Op


def edited_windows_match(cap: Capture, data: Mapping[str, Any]) -> bool | None:
    """Whether every window the last splice touched parses to the edited data (see above)."""
    if not cap.ops or not cap.limits:
        return None
    list_ops: list[Op] = []
    sections: dict[str, list[Op]] = {}
    appended: list[Op] = []
    tail = cap.text.back_to_content(cap.text.body_end - 1, -1) + 1
    for op in cap.ops:
        where = _where(cap, op, tail)
        if where is None:
            return None
        if where == "model_list":
            list_ops.append(op)
        elif where == "":
            appended.append(op)
        else:
            sections.setdefault(where, []).append(op)
    checks = [_section_matches(cap, key, ops, data) for key, ops in sections.items()]
    checks.append(_appended_match(cap, appended, data))
    checks.append(_list_matches(cap, list_ops, data.get("model_list")) if list_ops else True)
    if any(check is None for check in checks):
        return None
    return all(checks)


def _where(cap: Capture, op: Op, tail: int) -> str | None:
    """``model_list`` (inside its entries), a top-level key (inside that section), ``""``
    (new sections at the end), or None (anything else: a key line, the space between)."""
    if cap.starts and cap.starts[0] <= op.start and op.end <= cap.list_end + 1:
        return "model_list"
    for key, line in cap.key_lines.items():
        if key != "model_list" and line <= op.start and op.end <= cap.limits[key]:
            return key
    if op.start == op.end == tail and all(not line[:1].isspace() for line in op.lines[:1]):
        return ""
    return None


def _parse(lines: Sequence[str]) -> tuple[bool, Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return True, YAML(typ="safe").load("".join(lines))
    except YAMLError:
        return False, None


def _edited(cap: Capture, start: int, end: int, ops: Sequence[Op]) -> list[str] | None:
    """Original lines ``[start, end)`` with ``ops`` (all inside the range) applied."""
    lines = list(cap.text.lines[start:end])
    ordered = sorted(enumerate(ops), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    for _, op in reversed(ordered):  # as :func:`.textmap.apply_ops` does
        if op.start < start or op.end > end:
            return None
        if op.lines and op.start > start and not lines[op.start - start - 1].endswith("\n"):
            lines[op.start - start - 1] += cap.text.newline
        lines[op.start - start : op.end - start] = op.lines
    return lines


def _section_matches(
    cap: Capture, key: str, ops: Sequence[Op], data: Mapping[str, Any]
) -> bool | None:
    lines = _edited(cap, cap.key_lines[key], cap.limits[key], ops)
    if lines is None or key not in data:
        return None
    ok, loaded = _parse(lines)
    return ok and bool(plain(loaded) == {key: plain(data[key])})


def _appended_match(cap: Capture, ops: Sequence[Op], data: Mapping[str, Any]) -> bool | None:
    added = [k for k in data if k not in cap.top_keys]
    if [k for k in cap.top_keys if k not in data]:
        return None  # a section went: not an edit of this kind
    if not ops:
        return not added or None
    ok, loaded = _parse([line for op in ops for line in op.lines])
    if not ok or not isinstance(loaded, dict) or sorted(loaded) != sorted(added):
        return False
    return bool(plain(loaded) == {k: plain(data[k]) for k in added})


def _list_matches(cap: Capture, ops: Sequence[Op], seq: Any) -> bool | None:
    """Each window of touched entries (with an untouched entry on each side) parses to the
    entries the edited list holds there."""
    if not isinstance(seq, list) or any(not _items_of(cap, op) for op in ops):
        return None
    count = len(cap.starts)
    where = {id(item): index for index, item in enumerate(seq)}
    touched = sorted({i for op in ops for i in _items_of(cap, op)})
    windows: list[list[int]] = []
    for index in touched:
        low, high = _widen(cap, max(index - 1, 0), min(index + 1, count - 1), where)
        if windows and low <= windows[-1][1] + 1:
            windows[-1][1] = max(windows[-1][1], high)
        else:
            windows.append([low, high])
    for low, high in windows:
        start = cap.starts[low]
        end = cap.starts[high + 1] if high + 1 < count else cap.list_end + 1
        inside = [op for op in ops if start <= op.start and op.end <= end]
        if high + 1 >= count:
            inside += [op for op in ops if op.start == op.end == cap.list_end + 1]
        lines = _edited(cap, start, end, list(dict.fromkeys(inside)))
        if lines is None:
            return None
        first = where.get(id(cap.items[low]), 0) if low > 0 else 0
        last = where[id(cap.items[high])] + 1 if high + 1 < count else len(seq)
        ok, loaded = _parse(lines)
        if not ok or plain(loaded) != plain(seq[first:last]):
            return False
    return True


def _items_of(cap: Capture, op: Op) -> list[int]:
    """The entries (original indexes) whose lines ``op`` replaces, or after which it inserts."""
    count = len(cap.starts)

    def block(i: int) -> tuple[int, int]:
        return cap.starts[i], cap.starts[i + 1] if i + 1 < count else cap.list_end + 1

    if op.start == op.end:
        return [i for i in range(count) if block(i)[0] < op.start <= block(i)[1]]
    return [i for i in range(count) if block(i)[0] < op.end and op.start < block(i)[1]]


def _widen(cap: Capture, low: int, high: int, where: Mapping[int, int]) -> tuple[int, int]:
    """Move the window's ends outwards to entries that are still there (removed ones have no
    place in the edited list to compare with)."""
    while low > 0 and id(cap.items[low]) not in where:
        low -= 1
    while high + 1 < len(cap.starts) and id(cap.items[high]) not in where:
        high += 1
    return low, high
