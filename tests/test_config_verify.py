"""The spliced file is checked by parsing only the windows the edits touched (configfile/verify):
the check is used where nothing is shared, and a wrong edit inside a window is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_helpers import plan_refresh
from test_configfile import CONFIG, entry, write

from discovery_tui.configfile import ConfigDocument
from discovery_tui.configfile import document as document_module
from discovery_tui.configfile.textmap import Op
from discovery_tui.configfile.verify import edited_windows_match


def edited(tmp_path: Path, text: str = CONFIG) -> ConfigDocument:
    doc = ConfigDocument.load(write(tmp_path, text))
    plan_refresh(doc,
        replace_providers=["openrouter"],
        entries=[entry("openrouter/a", input_cost_per_token=2.5e-06), entry("openrouter/new")],
        aliases={"claude": "openrouter/new", "added": "openrouter/a"},
    )
    return doc


def test_a_refresh_without_shared_nodes_needs_no_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_parse(*args: object) -> bool:
        raise AssertionError("the whole file was parsed again")

    monkeypatch.setattr(document_module, "_same_data", full_parse)
    doc = edited(tmp_path)  # an entry updated, one removed, one added, aliases set and added
    assert doc.spliced() is not None
    assert doc.write()
    monkeypatch.undo()
    reloaded = ConfigDocument.load(tmp_path / "config.yaml")
    assert reloaded.model_names() == ["openrouter/a", "mine", "openrouter/new", "xai/grok-4"]
    assert reloaded.aliases()["added"] == "openrouter/a"


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda line: line.replace("  - model_name", "- model_name"),  # wrong column
        lambda line: line.replace("openrouter/new", "openrouter/other"),  # another value
        lambda line: line.replace("model_info:", "model_info: x"),  # a broken node
    ],
)
def test_a_wrong_line_inside_a_window_is_caught(tmp_path: Path, corrupt: object) -> None:
    doc = edited(tmp_path)
    assert doc.spliced() is not None
    cap = doc._capture
    assert cap is not None and edited_windows_match(cap, doc._data) is True
    assert callable(corrupt)
    inserted = next(
        op for op in cap.ops if any("model_name: openrouter/new" in x for x in op.lines)
    )
    cap.ops = [
        Op(op.start, op.end, tuple(corrupt(x) for x in op.lines)) if op is inserted else op
        for op in cap.ops
    ]
    assert edited_windows_match(cap, doc._data) is False


def test_a_window_reaches_the_untouched_neighbours(tmp_path: Path) -> None:
    """An edit that breaks the entry before it (a line swallowed into its block) is seen."""
    doc = edited(tmp_path)
    assert doc.spliced() is not None
    cap = doc._capture
    assert cap is not None
    removal = next(op for op in cap.ops if not op.lines)
    cap.ops = [Op(op.start - 1, op.end, ()) if op is removal else op for op in cap.ops]
    assert edited_windows_match(cap, doc._data) is False


def test_files_with_anchors_are_parsed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    real = document_module._same_data

    def counted(*args: object) -> bool:
        calls.append(True)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(document_module, "_same_data", counted)
    doc = edited(tmp_path, CONFIG.replace("rpm: 10", "rpm: &r 10") + "x: *r\n")
    assert doc.spliced() is not None and calls == [True]
