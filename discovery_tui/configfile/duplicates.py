"""A key written twice in one mapping, explained; and no key value in a config error message.

LiteLLM reads config.yaml with PyYAML, which accepts a key written twice and keeps the last
one, silently: everything under the earlier one is ignored. ruamel.yaml refuses such a file.
discovery-tui explains it in the file's own spelling (which lines LiteLLM uses, which it
ignores, how to fix it) and then:

- refuses, when the key is one it writes into or reads (``model_list``, ``router_settings``,
  ``include``) or is not at the top level: a merge cannot keep both, and writing one would
  change what LiteLLM runs;
- otherwise (say ``litellm_settings`` twice) goes on, writing only its own lines: both copies
  stay byte for byte, and the explanation is a note. If its lines cannot be written in place
  (the full rewrite would keep only one copy), it refuses with the same explanation.

Messages never show a value of a key-like field (``api_key``, ``master_key``, ``token``, ...):
:func:`scrub_message` masks them, with the secrets :mod:`discovery_tui.secrets` knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from discovery_tui.secrets import MASK, known_secrets, scrub

EDITED_KEYS = frozenset({"model_list", "router_settings", "include"})
_KEY_LIKE = re.compile(r"(key|token|secret|password|passwd|credential|auth)", re.IGNORECASE)
_FIELD = re.compile(r"""^(\s*(?:-\s+)?)(["']?)([^"'#:\s][^"'#:]*?)\2\s*:(\s+)(\S.*?)\s*(#.*)?$""")
_LOOKS_LIKE_KEY = re.compile(r"\b(?:sk|xai|gsk|pplx|key|tok)[-_][A-Za-z0-9_\-]{6,}")
_SHOWN_LINES = 3


@dataclass(frozen=True)
class Duplicate:
    """A key written twice: where, whether it is at the top level, and the explanation."""

    key: str
    lines: tuple[int, ...]  # 1-based file lines of every occurrence, in order
    top_level: bool
    text: str  # what LiteLLM uses, what it ignores (no trailing fix)

    @property
    def refused(self) -> bool:
        return not self.top_level or self.key in EDITED_KEYS


def find_duplicate(body: str, offset: int, line: int, column: int) -> Duplicate | None:
    """The duplicate key at 0-based body ``line``/``column`` (ruamel's problem mark), with
    every earlier occurrence in the same mapping; None if the text does not show one."""
    lines = body.splitlines()
    if line >= len(lines):
        return None
    key = _key_at(lines[line], column)
    if key is None:
        return None
    found = [
        index
        for index in range(line + 1)
        if _key_at(lines[index], column) == key and _same_mapping(lines, index, line, column)
    ]
    if len(found) < 2:
        return None
    numbers = tuple(index + 1 + offset for index in found)
    used, ignored = found[-1], found[:-1]
    parts = [
        f"`{key}` is written {len(found)} times in one mapping "
        f"(lines {', '.join(map(str, numbers[:-1]))} and {numbers[-1]})",
        f"LiteLLM loads the file and uses only the last one, line {numbers[-1]}: "
        f"{_shown(lines, used, column)}",
        "it ignores "
        + "; ".join(f"line {i + 1 + offset}: {_shown(lines, i, column)}" for i in ignored),
    ]
    return Duplicate(key, numbers, column == 0, "; ".join(parts))


def refusal(path: Path, duplicate: Duplicate) -> str:
    """The whole message for a duplicate the tool will not write around."""
    where = f"{path} line {duplicate.lines[-1]}"
    if duplicate.top_level and duplicate.key in EDITED_KEYS:
        why = f"discovery-tui writes into {duplicate.key} and cannot keep both"
    elif duplicate.top_level:
        why = "discovery-tui could not write its lines in place without dropping one of them"
    else:
        why = "discovery-tui does not guess which one you meant"
    fix = (
        f"merge them into one `{duplicate.key}:` (or delete the one you do not want), "
        "then run again"
    )
    return f"{where}: {duplicate.text}. {why}: {fix}"


def note(path: Path, duplicate: Duplicate) -> str:
    """The note for a top-level duplicate the tool writes around (both stay as they are)."""
    return (
        f"{path} line {duplicate.lines[-1]}: {duplicate.text}. discovery-tui left both as they "
        f"are; merge them into one `{duplicate.key}:` so the file says what LiteLLM does"
    )


def _key_at(line: str, column: int) -> str | None:
    content = line[column:]
    if line[:column].strip(" -") or not content or content[0] in " #-":
        return None
    match = re.match(r"""(["']?)([^"'#:]+?)\1\s*:(\s|$)""", content)
    return match[2] if match else None


def _same_mapping(lines: list[str], first: int, last: int, column: int) -> bool:
    """No line between ``first`` and ``last`` starts left of ``column`` (the mapping ends)."""
    for index in range(first + 1, last):
        text = lines[index]
        stripped = text.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(stripped)
        if indent < column or (indent == column and stripped.startswith("- ") and column > 0):
            return False
    return True


def _shown(lines: list[str], index: int, column: int) -> str:
    """The occurrence at ``index`` in the file's own spelling (its first lines, key values
    masked), e.g. ```drop_params: true```."""
    block = [mask_line(lines[index][column:])]
    for text in lines[index + 1 :]:
        stripped = text.strip()
        if stripped and not stripped.startswith("#") and len(text) - len(text.lstrip()) <= column:
            break
        if stripped and not stripped.startswith("#"):
            block.append(mask_line(stripped))
    more = " ..." if len(block) > _SHOWN_LINES else ""
    return "`" + " / ".join(line.rstrip() for line in block[:_SHOWN_LINES]) + "`" + more


def mask_line(line: str) -> str:
    """``line`` with the value of a key-like field masked (``os.environ/...`` references stay)."""
    match = _FIELD.match(line)
    if match is None or not _KEY_LIKE.search(match[3]):
        return _LOOKS_LIKE_KEY.sub(MASK, line)
    value = match[5]
    if value.strip("\"'").startswith("os.environ/"):
        return line
    return line[: match.start(5)] + MASK + line[match.end(5) :]


def secret_values(text: str) -> list[str]:
    """The literal values of key-like fields in ``text`` (not ``os.environ/`` references)."""
    values: list[str] = []
    for line in text.splitlines():
        match = _FIELD.match(line)
        if match is None or not _KEY_LIKE.search(match[3]):
            continue
        value = match[5].strip().strip("\"'")
        if value and not value.startswith("os.environ/") and value not in values:
            values.append(value)
            if value[:1] in "*&!":  # an alias or anchor name a message may quote alone
                values.append(value[1:])
    return values


def scrub_message(message: str, text: str) -> str:
    """``message`` without any value of a key-like field of ``text`` nor a known secret."""
    found = [v for v in secret_values(text) if len(v) >= 4]
    cleaned = scrub(message, [*found, *known_secrets()])
    return _LOOKS_LIKE_KEY.sub(MASK, cleaned)


# ----------------------------------------------------------------------------- loading
def parse_config(
    path: Path, body: str, *, offset: int, fix: str
) -> tuple[object, list[Duplicate]]:
    """Parse ``body`` for a round trip. A top-level key written twice that the tool neither
    writes nor reads is accepted (both copies stay in the text; the data holds the first,
    which the tool does not use) and returned, to be noted; every other problem raises
    :class:`ConfigError`, explained and without key values."""
    from ruamel.yaml.constructor import DuplicateKeyError

    from discovery_tui.configfile.dialect import round_trip_yaml
    from discovery_tui.errors import ConfigError
    from discovery_tui.yamlio import parse

    probe, found = body, []
    for _ in range(20):  # one pass per duplicated key; each pass blanks the ones explained
        try:
            data = parse(path, probe, fix=fix, yaml=round_trip_yaml(), line_offset=offset)
        except ConfigError as exc:
            cause = exc.__cause__
            mark = getattr(cause, "problem_mark", None)
            duplicate = None
            if isinstance(cause, DuplicateKeyError) and mark is not None:
                duplicate = find_duplicate(probe, offset, mark.line, mark.column)
            if duplicate is None:
                raise ConfigError(scrub_message(str(exc), body)) from cause
            if duplicate.refused:
                raise ConfigError(scrub_message(refusal(path, duplicate), body)) from cause
            found.append(duplicate)
            probe = _blank_earlier(probe, duplicate, offset)
            continue
        if not found:
            return data, found  # the usual case: one parse
        break
    yaml = round_trip_yaml()
    yaml.allow_duplicate_keys = True
    return parse(path, body, fix=fix, yaml=yaml, line_offset=offset), found


def _blank_earlier(body: str, duplicate: Duplicate, offset: int) -> str:
    """``body`` with every occurrence of a top-level duplicate but the last turned into
    comment lines (line numbers kept), so parsing finds the next problem."""
    lines = body.splitlines(keepends=True)
    for number in duplicate.lines[:-1]:
        index = number - 1 - offset
        lines[index] = "#\n"
        index += 1
        while index < len(lines) and (not lines[index].strip() or lines[index][:1] in " \t#"):
            lines[index] = "#\n"
            index += 1
    return "".join(lines)


def top_lines(duplicates: list[Duplicate]) -> list[int]:
    """0-based file lines where the duplicated top-level keys start (every occurrence)."""
    return sorted({n - 1 for d in duplicates for n in d.lines})
