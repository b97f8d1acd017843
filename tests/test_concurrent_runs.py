"""Two `refresh` runs at once on one config: the result is the same as running them one after
the other, and a run that waits too long for the lock explains why.

The lock is held only around re-plan + write + record (``apply.apply_run``), never across the
fetch: a run held inside its fetch (by a gate on the fake provider server) does not stop another
run, and when it goes on it re-plans on the file and the picks that the other run left. The
waiting itself is tested by holding the config's lock in the test process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import (
    Harness,
    Result,
    assert_one_line_reason,
    harness_for,
    openrouter_catalog,
    openrouter_path,
    xai_catalog,
    xai_path,
)
from fake_provider import Reply, Request

from discovery_tui.fileio import locked
from discovery_tui.profile import Profile

WAIT_SECONDS = 60.0  # an upper bound for waiting on a child process, never asserted


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        harness.write_user_config()
        yield harness


class Gate:
    """A route whose first request waits until ``release`` is set; later ones answer at once."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.arrived = threading.Event()
        self.release = threading.Event()
        self._first = True
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        with self._lock:
            first, self._first = self._first, False
        if first:
            self.arrived.set()
            self.release.wait(WAIT_SECONDS)
        return self.reply


def finish(proc: subprocess.Popen[str]) -> Result:
    out, err = proc.communicate(timeout=WAIT_SECONDS)
    return Result(proc.returncode, out, err)


def reference_config(h: Harness, runs: list[list[str]], folder: str = "reference") -> bytes:
    """The config that ``runs`` produce one after the other, in a folder of their own."""
    folder_path = h.tmp / folder
    folder_path.mkdir()
    config = folder_path / "config.yaml"
    shutil.copyfile(h.config, config)
    for providers in runs:
        argv = h.argv("--yes", providers=providers)
        argv[argv.index(str(h.config))] = str(config)
        argv[argv.index(str(h.profile))] = str(folder_path / "profile.yaml")
        result = h.subprocess(argv)
        assert result.code == 0, result.text
    return config.read_bytes()


def start_held(h: Harness, gate: Gate, argv: list[str]) -> subprocess.Popen[str]:
    """Start a run and wait until it is inside its fetch (holding no lock)."""
    first = h.popen(argv)
    if not gate.arrived.wait(WAIT_SECONDS):
        first.kill()
        pytest.fail(f"the first run never fetched: {finish(first).text}")
    return first


def wait_for_requests(h: Harness, count: int) -> None:
    """Wait until the fake server has seen ``count`` requests (not an assertion)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline and len(h.server.requests) < count:
        time.sleep(0.05)


def let_them_reach_the_lock(*runs: subprocess.Popen[str]) -> None:
    """Give the runs time to get to the lock and block on it (not an assertion)."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and all(run.poll() is None for run in runs):
        time.sleep(0.05)


def test_a_run_held_in_its_fetch_replans_on_what_another_run_wrote(h: Harness) -> None:
    h.serve()
    expected = reference_config(h, [["openrouter", "xai"]])
    gate = Gate(Reply(json=openrouter_catalog()))
    h.server.route(openrouter_path(h.server), gate)

    first = start_held(h, gate, h.argv("--yes"))
    two = h.subprocess(h.argv("--yes"))  # not blocked: the first holds no lock while fetching
    written_by_two = h.config.read_bytes()
    gate.release.set()
    one = finish(first)

    assert two.code == 0, two.text
    assert "Wrote" in two.out
    assert written_by_two == expected
    assert one.code == 0, one.text
    assert "Wrote" not in one.out  # re-planned on the file as the other run left it: no change
    assert h.config.read_bytes() == expected


def test_two_runs_of_different_providers_at_once_equal_them_in_turn(h: Harness) -> None:
    """The run that goes on second must see the picks the other one recorded (under the lock)."""
    catalog = openrouter_catalog("x-ai/grok-4")  # OpenRouter also serves the grok family
    h.serve(openrouter=[Reply(json=catalog)])
    expected = reference_config(h, [["openrouter"], ["xai"]])
    gate = Gate(Reply(json=xai_catalog()))
    h.server.route(xai_path(h.server), gate)

    first = start_held(h, gate, h.argv("--yes", providers=["xai"]))
    two = h.subprocess(h.argv("--yes", providers=["openrouter"]))
    gate.release.set()
    one = finish(first)

    assert one.code == 0, one.text
    assert two.code == 0, two.text
    assert h.config.read_bytes() == expected
    picks = Profile.load(h.profile).picks
    assert picks["xai"]["grok"] == "xai/grok-4"
    assert picks["openrouter"]["grok"] == "openrouter/x-ai/grok-4"


def test_two_runs_waiting_for_the_lock_write_one_after_the_other(h: Harness) -> None:
    catalog = openrouter_catalog("x-ai/grok-4")
    h.serve(openrouter=[Reply(json=catalog)])
    in_turn = {
        reference_config(h, [["xai"], ["openrouter"]]),
        reference_config(h, [["openrouter"], ["xai"]], folder="reference-2"),
    }
    before = h.config.read_bytes()
    asked_before = len(h.server.requests)
    with locked(h.config):
        runs = [h.popen(h.argv("--yes", providers=[p])) for p in ("xai", "openrouter")]
        wait_for_requests(h, asked_before + 2)  # both fetched: now both wait for the lock
        let_them_reach_the_lock(*runs)
        during = h.config.read_bytes()
        waiting = [run.poll() is None for run in runs]
    one, two = (finish(run) for run in runs)

    assert during == before
    assert waiting == [True, True]
    assert one.code == 0, one.text
    assert two.code == 0, two.text
    assert h.config.read_bytes() in in_turn
    picks = Profile.load(h.profile).picks
    assert picks["xai"]["grok"] == "xai/grok-4"
    assert picks["openrouter"]["grok"] == "openrouter/x-ai/grok-4"


def test_a_run_that_waits_too_long_exits_1_saying_why(h: Harness) -> None:
    h.serve()
    before = h.config.read_bytes()
    profile_before = h.profile.read_bytes() if h.profile.exists() else None
    impatient = dict(os.environ, DISCOVERY_TUI_LOCK_TIMEOUT="1")
    with locked(h.config):
        second = h.subprocess(h.argv("--yes", "--json"), env=impatient)
        during = h.config.read_bytes()

    assert second.code == 1, second.text
    [line] = second.err.splitlines()
    assert_one_line_reason(line)
    assert "Another discovery-tui run is updating" in line
    assert str(h.config) in line and "lock" in line
    assert "Traceback" not in second.text
    assert second.out == ""
    assert during == before  # it wrote nothing
    assert (h.profile.read_bytes() if h.profile.exists() else None) == profile_before
