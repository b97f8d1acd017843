"""Bytes outside what the tool owns stay as written (issue 11 item 7), on real-style configs.

Each fixture of tests/data/configs/ (styles LiteLLM's documentation shows: comments, anchors,
env references, fallbacks, callbacks, guardrails, CRLF and mixed endings, flow collections, long
and folded scalars, ``~``/``null``, commented-out entries, mixed indentation, ``include:``) is
refreshed twice with different catalogs through the plan (tests/config_helpers.py); every
line of the original must survive byte for byte, in order (only the tool's lines are added),
and the same refresh again writes nothing.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from config_helpers import plan_refresh

from discovery_tui.configfile import ConfigDocument
from discovery_tui.models import Entry

FIXTURES = sorted((Path(__file__).parent / "data" / "configs").glob("*.yaml"))


def entry(name: str, context: int) -> Entry:
    return Entry(
        f"openrouter/{name}",
        "openrouter",
        {"model": f"openrouter/{name}", "api_key": "os.environ/OPENROUTER_API_KEY"},
        {"discovery_tui": "openrouter", "mode": "chat", "max_input_tokens": context},
    )


def refresh(path: Path, entries: list[Entry], aliases: dict[str, str | None]) -> bool:
    doc = ConfigDocument.load(path)
    plan_refresh(doc, replace_providers=["openrouter"], entries=entries, aliases=aliases)
    assert doc.spliced() is not None or not doc._dirty, "the splice fell back to a full dump"
    return doc.write()


def only_inserted(before: bytes, after: bytes) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if any line of ``before`` changed."""
    old = before.decode("utf-8").splitlines(keepends=True)
    new = after.decode("utf-8").splitlines(keepends=True)
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and all(map(flow_alias_grew, old[i1:i2], new[j1:j2])):
            continue
        if tag == "replace" and i2 == i1 + 1 and list_filled(old[i1], new[j1]):
            added.extend(new[j1 + 1 : j2])  # `model_list: []` became the block of its entries
            continue
        assert tag in ("equal", "insert"), f"changed: {old[i1:i2]!r} -> {new[j1:j2]!r}"
        if tag == "insert":
            added.extend(new[j1:j2])
    return added


def list_filled(old: str, new: str) -> bool:
    """``model_list: []  # c`` whose ``[]`` the tool replaced by a block list: the comment stays
    at its column, the line keeps its ending."""
    return old.startswith("model_list: []") and new == old.replace("[]", "  ", 1)


def flow_alias_grew(old: str, new: str) -> bool:
    """A one-line flow alias table the tool added to: the user's part is kept as written."""
    return "model_group_alias: {" in old and new.startswith(old.rstrip().removesuffix("}"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_refresh_keeps_every_byte_it_does_not_own(fixture: Path, tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    original = fixture.read_bytes()
    path.write_bytes(original)

    assert refresh(path, [entry("a", 1000), entry("b", 2000)], {"house-a": "openrouter/a"})
    first = path.read_bytes()
    added = only_inserted(original, first)
    assert any("openrouter/a" in line for line in added)
    crlf = original.count(b"\r\n") * 2 > original.count(b"\n")  # the file's dominant ending
    assert all(line.endswith("\r\n") == crlf for line in added)

    # a changed catalog: a updated, b removed, c added; the alias moves
    assert refresh(path, [entry("a", 1500), entry("c", 10)], {"house-a": "openrouter/c"})
    second = path.read_bytes()
    only_inserted(original, second)
    assert b"openrouter/b" not in second
    assert b"max_input_tokens: 1500" in second

    # twice is once
    assert not refresh(path, [entry("a", 1500), entry("c", 10)], {"house-a": "openrouter/c"})
    assert path.read_bytes() == second

    # removing the tool's entries and alias gives back the original bytes
    assert refresh(path, [], {"house-a": None})
    left = only_inserted(original, path.read_bytes())
    tool_lines = {"router_settings:", "model_group_alias: {}", "model_list: []"}
    assert {line.strip() for line in left} <= tool_lines
    assert b"openrouter/" not in path.read_bytes()
