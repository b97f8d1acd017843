"""`discovery-tui refresh` from the command line, against the fake provider server on 127.0.0.1.

Exit codes (design): 0 done, 1 an error and nothing written, 2 wrong usage, 3 some providers
failed (kept) and the others applied. ``--dry-run`` writes nothing, ``--json`` prints the
designed object, a second run changes no byte, refreshing one provider touches only its entries,
and the user's own entries and comments survive.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_harness import (
    USER_CONFIG,
    Harness,
    alias_lines,
    assert_one_line_reason,
    openrouter_catalog,
    openrouter_path,
    serving_harness,
    xai_catalog,
)
from fake_provider import Reply

from discovery_tui.providers import PROVIDERS


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    yield from serving_harness(tmp_path, monkeypatch, capsys)


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def is_subsequence(lines: list[str], within: list[str]) -> bool:
    remaining = iter(within)
    return all(any(line == candidate for candidate in remaining) for line in lines)


# --- exit 0 and the --json object ----------------------------------------------------------


def test_a_healthy_run_exits_0_and_writes_both_providers(h: Harness) -> None:
    run = h.refresh("--yes")

    assert run.code == 0, run.text
    assert run.err == ""
    text = h.text()
    assert len(h.blocks("openrouter")) == 3
    assert len(h.blocks("xai")) == 2
    assert "api_key: os.environ/XAI_API_KEY" in text
    assert f"api_base: {h.server.base_url('xai')}" in text  # a moved base is written
    assert h.config.with_name("config.yaml.bak").read_text(encoding="utf-8") == USER_CONFIG
    assert f"Wrote {h.config}" in run.out


def check_pick(pick: Any) -> None:
    assert set(pick) == {"model", "by", "reason"}
    assert pick["by"] in {"llm", "heuristic", "cached", "pinned"}
    assert isinstance(pick["model"], str) and isinstance(pick["reason"], str)


def test_json_has_exactly_the_designed_shape(h: Harness) -> None:
    run = h.refresh("--yes", "--json")

    assert run.code == 0, run.text
    data = run.json
    designed = {"providers", "aliases", "changes", "written"}
    added = {"notes", "kept", "fallbacks", "retirements", "conflicts", "enrichment"}
    added |= {"file_notes", "target_notes"}  # render/refresh.py: the target's notes
    assert set(data) == designed | added
    assert set(data["providers"]) == set(PROVIDERS)
    for name, provider in data["providers"].items():
        keys = {"status", "error", "models", "picks", "notes", "filled", "not_in_family"}
        assert set(provider) == keys, name
        assert provider["status"] == ("ok" if name in ("openrouter", "xai") else "skipped")
        assert provider["error"] is None
        assert isinstance(provider["models"], int)
        for pick in provider["picks"].values():
            check_pick(pick)
    assert data["providers"]["xai"]["models"] == 2
    assert data["providers"]["xai"]["picks"]["grok"]["model"] == "grok-4"  # the provider's id
    claude = data["providers"]["openrouter"]["picks"]["claude"]
    assert claude["model"] == "anthropic/claude-sonnet-4.5"
    assert claude["by"] == "heuristic"
    assert data["aliases"]["grok"] == "xai/grok-4"  # first-party before the aggregator
    assert data["aliases"]["claude"] == data["aliases"]["default"]
    assert set(data["changes"]) == {"added", "removed", "updated"}
    assert len(data["changes"]["added"]) == 5
    assert data["changes"]["removed"] == data["changes"]["updated"] == []
    assert data["written"] is True
    names = set(h.text().split())
    assert all(target in names for target in data["aliases"].values())
    assert (data["notes"], data["kept"], data["retirements"], data["conflicts"]) == ([],) * 4
    assert data["enrichment"]["source"] == "models.dev"


def test_a_second_run_changes_no_byte(h: Harness) -> None:
    assert h.refresh("--yes").code == 0
    first = h.config.read_bytes()
    inode = h.config.stat().st_ino
    backup = h.config.with_name("config.yaml.bak").read_bytes()

    again = h.refresh("--yes", "--json")

    assert again.code == 0
    assert again.json["written"] is False
    assert again.json["changes"] == {"added": [], "removed": [], "updated": []}
    assert h.config.read_bytes() == first
    assert h.config.stat().st_ino == inode  # not even replaced by an identical copy
    assert h.config.with_name("config.yaml.bak").read_bytes() == backup


# --- what a refresh never touches ----------------------------------------------------------


def test_hand_written_entries_comments_and_other_sections_survive(h: Harness) -> None:
    assert h.refresh("--yes").code == 0
    h.serve(
        openrouter=[Reply(json=openrouter_catalog("anthropic/claude-sonnet-4.6"))],
        xai=[Reply(json=xai_catalog("grok-5"))],
    )
    assert h.refresh("--yes").code == 0

    lines = h.text().splitlines()
    assert is_subsequence(USER_CONFIG.splitlines(), lines)
    assert lines[0] == USER_CONFIG.splitlines()[0]


def test_refreshing_one_provider_touches_only_its_entries(h: Harness) -> None:
    assert h.refresh("--yes").code == 0
    openrouter_before = h.blocks("openrouter")
    aliases_before = alias_lines(h.text())
    h.serve(
        openrouter=[Reply(json=openrouter_catalog("anthropic/claude-sonnet-4.6"))],
        xai=[Reply(json=xai_catalog("grok-5"))],
    )

    run = h.refresh("--yes", "--json", providers=["xai"])

    assert run.code == 0, run.text
    data = run.json
    assert data["changes"]["added"] == ["xai/grok-5"]
    assert data["providers"]["openrouter"]["status"] == "skipped"
    assert h.blocks("openrouter") == openrouter_before
    assert len(h.blocks("xai")) == 3
    aliases = alias_lines(h.text())
    assert aliases["grok"].split(":", 1)[1].strip() == "xai/grok-5"
    assert {a: v for a, v in aliases.items() if a not in ("grok", "claude-grok")} == {
        a: v for a, v in aliases_before.items() if a not in ("grok", "claude-grok")
    }
    assert not h.server.requests_to(h.server.catalog_path("openrouter"))[1:]  # asked once, at first


def test_a_provider_answering_500_is_kept_and_the_run_exits_3(h: Harness) -> None:
    assert h.refresh("--yes").code == 0
    xai_before = h.blocks("xai")
    h.serve(
        openrouter=[Reply(json=openrouter_catalog("anthropic/claude-sonnet-4.6"))],
        xai=[Reply(500, json={"error": "internal"}, headers={"Retry-After": "0"})],
    )

    run = h.refresh("--yes")

    assert run.code == 3
    assert h.blocks("xai") == xai_before
    assert "model_name: openrouter/anthropic/claude-sonnet-4.6" in h.text()
    [line] = run.err.splitlines()
    assert_one_line_reason(line)
    assert line == (
        "discovery-tui: xai failed, its entries were kept: "
        "xAI failed on its side (HTTP 500): try again later"
    )


# --- --dry-run -----------------------------------------------------------------------------


def test_dry_run_writes_nothing(h: Harness) -> None:
    before = files_in(h.config.parent)

    run = h.refresh("--dry-run")

    assert run.code == 0, run.text
    assert "5 added" in run.out
    assert files_in(h.config.parent) == before  # not even a lock file
    assert not h.profile.exists()
    assert "Wrote" not in run.out


def test_dry_run_json_says_not_written(h: Harness) -> None:
    run = h.refresh("--dry-run", "--json")

    assert run.code == 0
    assert run.json["written"] is False
    assert len(run.json["changes"]["added"]) == 5
    assert h.text() == USER_CONFIG


def test_dry_run_with_a_failing_provider_exits_3(h: Harness) -> None:
    h.serve(xai=[Reply(401)])

    run = h.refresh("--dry-run", "--json")

    assert run.code == 3
    assert run.json["providers"]["xai"]["status"] == "failed"
    assert run.json["written"] is False
    assert h.text() == USER_CONFIG


def test_an_edit_made_during_the_fetch_is_kept(h: Harness) -> None:
    edited = USER_CONFIG + "# added while the catalogs were read\n"

    def edit_then_answer(request: object) -> Reply:
        h.write_user_config(edited)
        return Reply(json=openrouter_catalog())

    h.server.route(openrouter_path(h.server), edit_then_answer)
    run = h.refresh("--yes")

    assert run.code == 0, run.text
    assert h.text().endswith("# added while the catalogs were read\n")
    assert h.config.with_name("config.yaml.bak").read_text(encoding="utf-8") == edited


# --- exit 1 and exit 2 ---------------------------------------------------------------------


def test_a_malformed_config_exits_1_before_any_request(h: Harness) -> None:
    broken = "model_list:\n  - model_name: a\n   bad: [\n"
    h.config.write_text(broken, encoding="utf-8")

    run = h.refresh("--yes")

    assert run.code == 1
    [line] = run.err.splitlines()
    assert line.startswith("discovery-tui: ")
    assert "line" in line
    assert h.text() == broken
    assert h.server.requests == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), ("--yes", "--dry-run", "terminal")),
        (("--json",), ("--json", "--yes", "--dry-run")),
    ],
    ids=["no-terminal", "json-without-yes"],
)
def test_usage_errors_exit_2_naming_the_flags(
    h: Harness, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    run = h.refresh(*args)

    assert run.code == 2
    [line] = run.err.splitlines()
    for word in words:
        assert word in line
    assert h.text() == USER_CONFIG
    assert h.server.requests == []


def test_an_unknown_provider_exits_2_listing_the_choices(h: Harness) -> None:
    run = h.refresh("--yes", providers=["openrouter", "nosuch"])

    assert run.code == 2
    [line] = run.err.splitlines()
    assert "nosuch" in line and "openrouter" in line and "xai" in line
    assert h.text() == USER_CONFIG


def test_without_a_terminal_a_real_process_exits_2(h: Harness) -> None:
    run = h.subprocess(h.argv())

    assert run.code == 2
    [line] = run.err.splitlines()
    assert "--yes" in line and "--dry-run" in line
    assert "Traceback" not in run.text
    assert h.text() == USER_CONFIG
    assert h.server.requests == []


def test_a_real_process_exit_codes_0_then_3(h: Harness) -> None:
    first = h.subprocess(h.argv("--yes", "--json"))
    assert first.code == 0, first.text
    assert first.json["written"] is True
    h.serve(xai=[Reply(403)])

    second = h.subprocess(h.argv("--yes", "--json"))

    assert second.code == 3, second.text
    assert "blocked" in second.json["providers"]["xai"]["error"]
    assert second.json["written"] is False
