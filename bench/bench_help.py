"""Bench: `discovery-tui --help` against a bare `python -c pass` (goal: at most 3x).

    python bench/bench_help.py [--runs 21] [--quick] [--importtime]

Both commands run as subprocesses, alternately, and the medians are compared, so the ratio holds
on a slow or busy machine. Over the goal (or with ``--importtime``), the modules that
``python -X importtime -m discovery_tui --help`` spends most on are listed: those are the imports
to make lazy.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import _common as common

GOAL = 3.0


def help_command() -> list[str]:
    """The installed console script, else ``python -m discovery_tui``."""
    script = shutil.which("discovery-tui", path=str(Path(sys.executable).parent))
    if script:
        return [script, "--help"]
    return [sys.executable, "-m", "discovery_tui", "--help"]


def measure(runs: int) -> tuple[float, float]:
    """Median seconds of (python -c pass, discovery-tui --help), interleaved, after a warm-up."""
    bare, helped = [sys.executable, "-c", "pass"], help_command()
    common.run_timed(bare)
    common.run_timed(helped)
    bare_times: list[float] = []
    help_times: list[float] = []
    for _ in range(runs):
        bare_times.append(common.run_timed(bare))
        help_times.append(common.run_timed(helped))
    return common.median(bare_times), common.median(help_times)


def imported(command: list[str]) -> dict[str, tuple[int, int]]:
    """module -> (self µs, cumulative µs) from ``python -X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command], capture_output=True, text=True, check=False
    )
    found: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, total, name = (part.strip() for part in line[len("import time:") :].split("|"))
        found[name] = (int(own), int(total))
    return found


def offenders(limit: int = 12) -> list[tuple[str, int, int]]:
    """The modules `--help` imports beyond a bare interpreter, by cumulative time (µs)."""
    bare = imported(["-c", "pass"])
    extra = imported(["-m", "discovery_tui", "--help"])
    rows = [(name, own, total) for name, (own, total) in extra.items() if name not in bare]
    return sorted(rows, key=lambda row: row[2], reverse=True)[:limit]


def print_offenders() -> None:
    rows = offenders()
    print("  top imports of `python -X importtime -m discovery_tui --help` (µs):")
    print(f"  {'cumulative':>10} {'self':>8}  module")
    for name, own, total in rows:
        print(f"  {total:>10,} {own:>8,}  {name.strip()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (median)")
    parser.add_argument("--quick", action="store_true", help="3 runs: proves the bench runs")
    parser.add_argument("--importtime", action="store_true", help="always list the top imports")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    bare, helped = measure(runs)
    ratio = helped / bare
    common.note(
        f"python -c pass: {bare * 1000:.0f} ms; discovery-tui --help: {helped * 1000:.0f} ms"
    )
    common.note(f"(median of {runs} runs each, {' '.join(help_command())})")
    common.figure(
        "--help startup", f"{ratio:.2f}x of python -c pass", f"<= {GOAL:g}x", ratio <= GOAL
    )
    if ratio > GOAL or args.importtime:
        print_offenders()
    return 0


if __name__ == "__main__":
    sys.exit(main())
