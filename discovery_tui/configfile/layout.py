"""What ruamel.yaml does not keep of config.yaml, kept beside the document: the indentation
style, a preamble up to ``---``, a ``...`` postamble, CRLF newlines and a UTF-8 BOM."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from discovery_tui.configfile.dialect import DEFAULT_INDENT
from discovery_tui.fileio import backup_path
from discovery_tui.yamlio import UTF8_BOM, decode

_DOC_START = re.compile(r"---[ \t]*(#.*)?")
_DOC_END = re.compile(r"\.\.\.[ \t]*(#.*)?")


@dataclass
class Layout:
    """What ruamel.yaml does not keep: indentation style, a preamble up to ``---``, a ``...``
    postamble, CRLF newlines and a UTF-8 BOM."""

    indent: tuple[int, int, int]
    preamble: str = ""
    postamble: str = ""
    newline: str = "\n"
    bom: bool = False

    @classmethod
    def default(cls) -> Layout:
        return cls(indent=DEFAULT_INDENT)

    @classmethod
    def split(cls, path: Path, raw: bytes) -> tuple[Layout, str]:
        """The layout of ``raw`` and the YAML body ruamel.yaml should parse."""
        bom = raw.startswith(UTF8_BOM)
        bak = backup_path(path)
        text = decode(path, raw, fix=f"restore {bak.name}" if bak.exists() else "")
        newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n")
        lines = text.splitlines(keepends=True)
        start = _preamble_end(lines)
        end = _postamble_start(lines, start)
        preamble, body, post = "".join(lines[:start]), "".join(lines[start:end]), lines[end:]
        layout = cls(
            indent=_guess_indent(body),
            preamble=preamble,
            postamble="".join(post),
            newline=newline,
            bom=bom,
        )
        return layout, body

    def render(self, body: str) -> str:
        if body.strip() in ("{}", ""):
            body = "" if self.preamble or self.postamble else body
        preamble = self.preamble
        if preamble and not preamble.endswith("\n"):
            preamble += "\n"
        text = preamble + body + self.postamble
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ("\ufeff" if self.bom else "") + text


def is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _preamble_end(lines: list[str]) -> int:
    """Index after a leading ``---`` line (with only comments/directives before it), else 0."""
    for index, line in enumerate(lines):
        if _DOC_START.fullmatch(line.rstrip("\n").rstrip()):
            return index + 1
        if not (is_blank_or_comment(line) or line.startswith("%")):
            return 0
    return 0


def _postamble_start(lines: list[str], start: int) -> int:
    """Index of a trailing ``...`` line (only comments after it), else len(lines)."""
    for index in range(len(lines) - 1, start - 1, -1):
        line = lines[index]
        if _DOC_END.fullmatch(line.rstrip("\n").rstrip()):
            return index
        if not is_blank_or_comment(line):
            break
    return len(lines)


_KEY_ONLY = re.compile(r"^( *)((?:- +)*)[^\s#][^#]*?:[ \t]*(?:#.*)?$")


def _guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) of the file's block style, defaults where it does not say."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None
    key_col: int | None = None
    for line in text.splitlines():
        if is_blank_or_comment(line):
            continue
        col = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        if key_col is not None and col >= key_col:
            if stripped.startswith("- ") and sequence is None:
                rest = stripped[1:]
                content = col + 1 + len(rest) - len(rest.lstrip(" "))
                if not rest.lstrip(" ").startswith("#"):
                    sequence = (content - key_col, col - key_col)
            elif col > key_col and mapping is None and not stripped.startswith("-"):
                mapping = col - key_col
        if mapping is not None and sequence is not None:
            break
        match = _KEY_ONLY.match(line)
        key_col = len(match.group(1)) + len(match.group(2)) if match else None
    return _indent_triple(mapping, sequence)


def _indent_triple(mapping: int | None, sequence: tuple[int, int] | None) -> tuple[int, int, int]:
    if mapping is None and sequence is None:
        return DEFAULT_INDENT
    if sequence is None:
        assert mapping is not None
        return (mapping, mapping + 2, mapping)
    seq, offset = sequence
    seq = max(seq, offset + 2)
    return (mapping if mapping is not None else max(seq - offset, 2), seq, offset)
