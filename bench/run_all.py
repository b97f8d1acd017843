"""Run every bench, then print one table: figure, value, goal, met?

    python bench/run_all.py [--quick] [--only help,merge] [--strict]

Each bench runs in its own process (``bench_*.py`` in this folder, the judge's included) and its
output is shown as it comes. Its figure lines (``LABEL: VALUE (goal GOAL)`` or ``LABEL: VALUE
(report)``) make the table; where a line does not say met or MISSED itself, the value is checked
against the goal (``<= 1.15x``, ``<= 16,000``, ``0``). Exit 1 when a bench failed, or with
``--strict`` when a goal was missed. ``--quick`` runs each bench in its tiny mode (the figures
then prove only that the benches run).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ("help", "fetch", "judge", "merge", "memory", "launch")
QUICK_ARGS = {"judge": ["--latency", "0.2"]}  # bench_judge.py is quick with a short latency

_FIGURE = re.compile(r"^(?P<label>[^:\s][^:]*): (?P<value>.+?) \((?P<goal>goal [^)]*|report)\)")
_VERDICT = re.compile(r":\s*(met|MISSED)\s*$")
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([a-zA-Z%]*)")


@dataclass(frozen=True)
class Figure:
    bench: str
    label: str
    value: str
    goal: str  # "" when reported only
    met: bool | None  # None: no goal


def benches(only: set[str] | None) -> list[tuple[str, Path]]:
    found = {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}
    names = [n for n in ORDER if n in found] + sorted(n for n in found if n not in ORDER)
    return [(n, found[n]) for n in names if only is None or n in only]


def run(name: str, path: Path, *, quick: bool) -> tuple[int, str, float]:
    """Run one bench, echoing its output; (exit code, output, seconds)."""
    args = QUICK_ARGS.get(name, ["--quick"]) if quick else []
    print(f"\n== {path.name} {' '.join(args)}".rstrip(), flush=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=HERE.parent,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return proc.wait(), "".join(lines), time.perf_counter() - started


def figures(bench: str, output: str) -> list[Figure]:
    found: list[Figure] = []
    for line in output.splitlines():
        match = _FIGURE.match(line)
        if match is None:
            continue
        goal = match["goal"].removeprefix("goal").strip() if match["goal"] != "report" else ""
        verdict = _VERDICT.search(line)
        met = (verdict[1] == "met") if verdict else check(match["value"], goal)
        found.append(Figure(bench, match["label"], match["value"], goal, met))
    return found


def check(value: str, goal: str) -> bool | None:
    """``value`` against ``goal`` (``<= 1.15x``, ``0``, ``3: one per provider``), else None."""
    wanted = _NUMBER.search(goal)
    if wanted is None:
        return None
    limit, unit = float(wanted[1].replace(",", "")), wanted[2]
    numbers = [(float(n.replace(",", "")), u) for n, u in _NUMBER.findall(value)]
    same_unit = [n for n, u in numbers if u == unit] if unit else [n for n, _ in numbers[:1]]
    if not same_unit:
        return None
    actual = same_unit[-1]
    if goal.startswith("<="):
        return actual <= limit
    if goal.startswith(">="):
        return actual >= limit
    return actual == limit


def table(rows: list[Figure], failures: list[str]) -> None:
    print("\n== summary")
    widths = (max((len(f"{r.bench}: {r.label}") for r in rows), default=10), 54, 24)
    print(f"{'figure':<{widths[0]}}  {'value':<{widths[1]}}  {'goal':<{widths[2]}}  met?")
    for r in rows:
        value = r.value if len(r.value) <= widths[1] else r.value[: widths[1] - 1] + "…"
        met = {True: "yes", False: "NO", None: "-"}[r.met]
        name, goal = f"{r.bench}: {r.label}", r.goal or "report"
        print(f"{name:<{widths[0]}}  {value:<{widths[1]}}  {goal:<{widths[2]}}  {met}")
    for failure in failures:
        print(f"FAILED: {failure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every bench in its tiny mode")
    parser.add_argument("--only", help="comma-separated benches: " + ", ".join(ORDER))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    rows: list[Figure] = []
    failures: list[str] = []
    for name, path in benches(only):
        code, output, seconds = run(name, path, quick=args.quick)
        found = figures(name, output)
        rows += found
        if code != 0 or not found:
            failures.append(f"{path.name}: exit {code} after {seconds:.0f} s, {len(found)} figures")
    table(rows, failures)
    missed = any(r.met is False for r in rows)
    return 1 if failures or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
