"""Where things stand in config.yaml's text: lines with their own endings, and the line spans
of block nodes from the positions ruamel.yaml reports (``lc``). Used by :mod:`.splice` to edit
only the lines the tool owns.

Every function returns None for a shape it does not handle; the caller then falls back to a
full ruamel.yaml dump (still verified), never to a guess.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from discovery_tui.configfile.dialect import round_trip_yaml

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")
_DASH_ONLY = re.compile(r"[ \t]*-[ \t]*(#.*)?")


@dataclass(frozen=True)
class Text:
    """A file's text as lines, each with its own ending (``\\r\\n``, ``\\n`` or none)."""

    lines: tuple[str, ...]
    offset: int  # lines of the preamble (ruamel's line numbers start after it)
    body_end: int  # index after the body's last line (a ``...`` postamble follows)
    newline: str  # the file's dominant line ending, for new lines

    @classmethod
    def of(cls, text: str, *, offset: int, postamble_lines: int) -> Text:
        lines = tuple(_LINE.findall(text))
        crlf = sum(1 for line in lines if line.endswith("\r\n"))
        newline = "\r\n" if crlf * 2 > len(lines) else "\n"
        return cls(lines, offset, len(lines) - postamble_lines, newline)

    def content(self, index: int) -> str:
        """Line ``index`` without its ending."""
        return self.lines[index].rstrip("\n").removesuffix("\r")

    def is_blank_or_comment(self, index: int) -> bool:
        stripped = self.content(index).strip()
        return not stripped or stripped.startswith("#")

    def back_to_content(self, index: int, floor: int) -> int:
        """The last line at or before ``index`` (not before ``floor``) that is not blank or a
        comment: where a node's own content ends, before the comments that follow it."""
        while index > floor and self.is_blank_or_comment(index):
            index -= 1
        return index


def item_start(text: Text, seq: Any, index: int) -> int | None:
    """The file line of item ``index``'s dash (``- model_name: ...`` or a lone ``-``)."""
    try:
        found: tuple[int, int] = seq.lc.item(index)
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    line, col = found[0] + text.offset, found[1]
    if line >= len(text.lines):
        return None
    head = text.content(line)[:col]
    if head.strip().startswith("-") and set(head.strip()) <= {"-", " ", "\t"}:
        return line
    if head.strip():
        return None
    probe = line - 1
    while probe >= 0 and text.is_blank_or_comment(probe):
        probe -= 1
    if probe >= 0 and _DASH_ONLY.fullmatch(text.content(probe)):
        return probe
    return None


def key_line(text: Text, node: Any, key: Any) -> tuple[int, int] | None:
    """(file line, column) of ``key`` in block mapping ``node``."""
    return _position(text, node, "key", key)


def value_pos(text: Text, node: Any, key: Any) -> tuple[int, int] | None:
    """(file line, column) of the value of ``key`` in mapping ``node``."""
    return _position(text, node, "value", key)


def _position(text: Text, node: Any, what: str, key: Any) -> tuple[int, int] | None:
    try:
        found: tuple[int, int] = getattr(node.lc, what)(key)
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return found[0] + text.offset, found[1]


def key_spans(text: Text, node: Any, limit: int) -> dict[Any, tuple[int, int]] | None:
    """key -> (first line, last content line) for each own key of block mapping ``node``
    whose content ends before line ``limit``; None for a flow mapping or unknown positions."""
    if is_flow(node):
        return None
    keys = [k for k in node if k in node.lc.data]
    if len(keys) != len(node.lc.data) or not keys:
        return None
    starts: list[int] = []
    for key in keys:
        pos = key_line(text, node, key)
        if pos is None:
            return None
        starts.append(pos[0])
    if starts != sorted(starts):
        return None
    spans: dict[Any, tuple[int, int]] = {}
    for position, key in enumerate(keys):
        after = starts[position + 1] if position + 1 < len(keys) else limit
        spans[key] = (starts[position], text.back_to_content(after - 1, starts[position]))
    return spans


def is_flow(node: Any) -> bool:
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style())


def scalar_end(content: str, col: int) -> int | None:
    """Where a one-line scalar starting at ``col`` ends (before spaces and a comment)."""
    if col >= len(content):
        return None
    first = content[col]
    if first in "&*!|>[{@`%":
        return None
    if first == "'":
        index = col + 1
        while index < len(content):
            if content[index] == "'":
                if content[index + 1 : index + 2] == "'":
                    index += 2
                    continue
                return index + 1
            index += 1
        return None
    if first == '"':
        index = col + 1
        while index < len(content):
            if content[index] == "\\":
                index += 2
                continue
            if content[index] == '"':
                return index + 1
            index += 1
        return None
    match = re.search(r"[ \t]#", content[col:])
    end = col + match.start() if match else len(content)
    return len(content[:end].rstrip(" \t"))


def shift(block: Sequence[str], by: int) -> list[str] | None:
    """Indent (``by`` > 0) or dedent lines by ``by`` columns; None if a line cannot move."""
    result: list[str] = []
    for line in block:
        if by >= 0 or not line.strip():
            result.append((" " * by + line) if line.strip() else line)
        elif line[: -by].strip():
            return None
        else:
            result.append(line[-by:])
    return result


@dataclass(frozen=True)
class Op:
    """Replace file lines ``[start, end)`` with ``lines`` (each with its ending)."""

    start: int
    end: int
    lines: tuple[str, ...]


@dataclass
class Capture:
    """Positions of the plan's targets in the original text, taken before the edit."""

    text: Text
    indent: tuple[int, int, int]
    items: list[Any] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    list_end: int = -1  # last content line of model_list (-1: no block model_list)
    list_key: int = -1  # the line of ``model_list:``
    sections: dict[int, dict[str, tuple[dict[Any, tuple[int, int]], int]]] = field(
        default_factory=dict
    )  # item index -> section -> (key spans, key column)
    values: dict[tuple[int, str, str], tuple[int, int] | None] = field(default_factory=dict)
    router_plain: Any = None
    router_spans: dict[Any, tuple[int, int]] | None = None
    router_col: int = 0
    router_values: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    alias_spans: dict[Any, tuple[int, int]] | None = None
    alias_col: int = 0
    alias_values: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    alias_flows: dict[str, tuple[int, int] | None] = field(default_factory=dict)  # {model: X}
    top_keys: list[str] = field(default_factory=list)
    supported: bool = True
    reason: str = ""  # why a splice was not possible (named in the refusal), when known
    # router_settings.fallbacks as a block list: its items, their dash lines, plain values and
    # the position of a one-line item's value (``- claude: [a, b]``)
    fallback_items: list[Any] = field(default_factory=list)
    fallback_starts: list[int] = field(default_factory=list)
    fallback_plain: list[Any] = field(default_factory=list)
    fallback_values: list[tuple[int, int] | None] = field(default_factory=list)
    # top-level key -> its line, and the line where the next top-level key starts
    key_lines: dict[str, int] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)
    ops: list[Op] = field(default_factory=list)  # the last splice's line edits


def replace_scalar(
    text: Text, span: tuple[int, int], pos: tuple[int, int] | None, value: str
) -> Op | None:
    first, last = span
    if pos is None or pos[0] != first or last != first:
        return None
    line, col = pos
    content = text.content(line)
    end = scalar_end(content, col)
    if end is None:
        return None
    ending = text.lines[line][len(content) :]
    return Op(line, line + 1, (content[:col] + value + content[end:] + ending,))


def dump_node(cap: Capture, node: Mapping[str, Any]) -> str:
    from ruamel.yaml.comments import CommentedMap

    stream = io.StringIO()
    round_trip_yaml(cap.indent).dump(CommentedMap(node), stream)
    return stream.getvalue()


def seq_block(cap: Capture, key: str, nodes: Sequence[Any], dash: int) -> list[str] | None:
    """``nodes`` as the items of block list ``key``, their dashes at column ``dash`` (comment
    lines after the last one dropped: they stay in the file where they are); None when a node
    carries an anchor or a merge."""
    from ruamel.yaml.comments import CommentedSeq

    if any(has_anchor(node) for node in nodes):
        return None
    lines = block_lines(cap, dump_node(cap, {key: CommentedSeq(nodes)}))[1:]
    if not lines:
        return None
    return shift(lines, dash - (len(lines[0]) - len(lines[0].lstrip(" "))))


def has_anchor(node: Any) -> bool:
    anchor = getattr(node, "anchor", None)
    if anchor is not None and getattr(anchor, "value", None):
        return True
    if getattr(node, "merge", None):
        return True
    if isinstance(node, Mapping):
        return any(has_anchor(v) for v in node.values())
    if isinstance(node, list):
        return any(has_anchor(v) for v in node)
    return False


def scalar_text(value: object) -> str | None:
    """``value`` as a one-line YAML scalar in the config's dialect."""
    if isinstance(value, (Mapping, list, tuple)):
        return None
    stream = io.StringIO()
    round_trip_yaml().dump({"k": value}, stream)
    text = stream.getvalue()
    if text.count("\n") != 1 or not text.startswith("k: "):
        return None
    return text[3:].rstrip("\n")


def block_lines(cap: Capture, block: str) -> list[str]:
    """``block``'s lines with the file's newline; comment lines after its last content line
    (ruamel keeps them on the node before them) are dropped: they stay where they are."""
    lines = block.split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith("#")):
        lines.pop()
    return [line + cap.text.newline for line in lines]


def apply_ops(text: Text, ops: list[Op]) -> str | None:
    lines = list(text.lines)
    ordered = sorted(enumerate(ops), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    previous_end = -1
    for _, op in ordered:
        if op.start < previous_end:
            return None  # two edits of one region: not handled here
        previous_end = max(previous_end, op.end)
    for _, op in reversed(ordered):
        if op.lines and op.start > 0 and not lines[op.start - 1].endswith("\n"):
            lines[op.start - 1] += text.newline
        lines[op.start : op.end] = op.lines
    return "".join(lines)


def own_keys(node: Any) -> list[Any]:
    """The keys written in ``node`` itself (not merged in), as ruamel recorded them."""
    return list(getattr(getattr(node, "lc", None), "data", None) or ())
