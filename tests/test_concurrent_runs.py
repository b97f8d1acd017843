"""Two `refresh` runs at once on one config: the second waits for the first, the result is the
same as running them one after the other, and a second run that waits too long explains why.

The first run is held inside its fetch (so inside the config's lock) by a gate on the fake
provider server; the test opens the gate once the second run has had time to reach the lock.
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


def reference_config(h: Harness, runs: list[list[str]]) -> bytes:
    """The config that ``runs`` produce one after the other, in a folder of their own."""
    folder = h.tmp / "reference"
    folder.mkdir()
    config = folder / "config.yaml"
    shutil.copyfile(h.config, config)
    for providers in runs:
        argv = h.argv("--yes", providers=providers)
        argv[argv.index(str(h.config))] = str(config)
        argv[argv.index(str(h.profile))] = str(folder / "profile.yaml")
        result = h.subprocess(argv)
        assert result.code == 0, result.text
    return config.read_bytes()


def start_held(h: Harness, gate: Gate, argv: list[str]) -> subprocess.Popen[str]:
    """Start a run and wait until it is inside its fetch, holding the config's lock."""
    first = h.popen(argv)
    if not gate.arrived.wait(WAIT_SECONDS):
        first.kill()
        pytest.fail(f"the first run never fetched: {finish(first).text}")
    return first


def let_second_reach_the_lock(second: subprocess.Popen[str]) -> None:
    """Give the second process time to start and block on the lock (not an assertion)."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and second.poll() is None:
        time.sleep(0.05)


def test_two_runs_at_once_leave_the_config_of_one_run(h: Harness) -> None:
    h.serve()
    expected = reference_config(h, [["openrouter", "xai"]])
    gate = Gate(Reply(json=openrouter_catalog()))
    h.server.route(openrouter_path(h.server), gate)
    asked_before = len(h.server.requests)

    first = start_held(h, gate, h.argv("--yes"))
    second = h.popen(h.argv("--yes"))
    let_second_reach_the_lock(second)
    asked_while_held = len(h.server.requests) - asked_before
    gate.release.set()
    one, two = finish(first), finish(second)

    assert one.code == 0, one.text
    assert two.code == 0, two.text
    assert asked_while_held <= 2  # only the first run's two catalogs: the second one waited
    assert h.config.read_bytes() == expected
    assert "nothing to change" in two.out


def test_two_runs_of_different_providers_at_once_equal_them_in_turn(h: Harness) -> None:
    """The second run must see the picks the first one recorded (read under the lock)."""
    catalog = openrouter_catalog("x-ai/grok-4")  # OpenRouter also serves the grok family
    h.serve(openrouter=[Reply(json=catalog)])
    expected = reference_config(h, [["xai"], ["openrouter"]])
    gate = Gate(Reply(json=xai_catalog()))
    h.server.route(xai_path(h.server), gate)

    first = start_held(h, gate, h.argv("--yes", providers=["xai"]))
    second = h.popen(h.argv("--yes", providers=["openrouter"]))
    let_second_reach_the_lock(second)
    gate.release.set()
    one, two = finish(first), finish(second)

    assert one.code == 0, one.text
    assert two.code == 0, two.text
    assert h.config.read_bytes() == expected
    picks = Profile.load(h.profile).picks
    assert picks["xai"]["grok"] == "xai/grok-4"
    assert picks["openrouter"]["grok"] == "openrouter/x-ai/grok-4"


def test_a_second_run_that_waits_too_long_exits_1_saying_why(h: Harness) -> None:
    h.serve()
    expected = reference_config(h, [["openrouter", "xai"]])
    gate = Gate(Reply(json=openrouter_catalog()))
    h.server.route(openrouter_path(h.server), gate)
    before = h.config.read_bytes()

    asked_before = len(h.server.requests)
    first = start_held(h, gate, h.argv("--yes"))
    try:
        impatient = dict(os.environ, DISCOVERY_TUI_LOCK_TIMEOUT="1")
        second = h.subprocess(h.argv("--yes", "--json"), env=impatient)
        during = h.config.read_bytes()
    finally:
        gate.release.set()
    one = finish(first)

    assert second.code == 1, second.text
    [line] = second.err.splitlines()
    assert_one_line_reason(line)
    assert "Another discovery-tui run is updating" in line
    assert str(h.config) in line and "lock" in line
    assert "Traceback" not in second.text
    assert second.out == ""
    assert len(h.server.requests) == asked_before + 2  # the first run's two: it fetched nothing
    assert during == before  # and wrote nothing
    assert one.code == 0, one.text
    assert h.config.read_bytes() == expected
