"""The bench scripts run from a fresh checkout: each, in its tiny mode, exits 0 and prints its
figure lines. No timing is asserted (the figures of a tiny run mean nothing; see bench/README.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"

# script -> (arguments of its tiny mode, the labels of the figure lines it must print)
QUICK: dict[str, tuple[list[str], list[str]]] = {
    "bench_help.py": (["--quick"], ["--help startup"]),
    "bench_fetch.py": (
        ["--quick"],
        ["catalog phase", "refresh --no-llm --dry-run (whole process)"],
    ),
    "bench_judge.py": (
        ["--latency", "0.2"],
        ["judge phase", "calls on a second run with unchanged catalogs"],
    ),
    "bench_merge.py": (
        ["--quick"],
        ["refresh into a hand-written config", "refresh time per entry"],
    ),
    "bench_memory.py": (
        ["--quick"],
        ["refresh of all providers, tracemalloc peak", "refresh of all providers, peak RSS"],
    ),
    "bench_launch.py": (["--quick"], ["launch overhead with a current proxy"]),
}


def run_script(name: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python bench/NAME ARGS`` from another folder, without the user's keys."""
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_API_BASE"))}
    return subprocess.run(
        [sys.executable, str(BENCH / name), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


def figure_labels(output: str) -> set[str]:
    return {
        line.split(": ", 1)[0]
        for line in output.splitlines()
        if "(goal " in line or "(report)" in line
    }


def test_every_bench_script_is_covered() -> None:
    assert set(QUICK) == {p.name for p in BENCH.glob("bench_*.py")}


@pytest.mark.parametrize("script", sorted(QUICK))
def test_a_bench_runs_and_prints_its_figures(script: str, tmp_path: Path) -> None:
    args, labels = QUICK[script]

    done = run_script(script, args, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert set(labels) <= figure_labels(done.stdout), done.stdout


def test_run_all_prints_the_summary_table(tmp_path: Path) -> None:
    done = run_script("run_all.py", ["--quick", "--only", "help"], tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    summary = done.stdout.split("== summary", 1)[1]
    assert "help: --help startup" in summary
    assert "<= 3x" in summary
