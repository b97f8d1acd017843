"""Bench: a refresh into a config of 1,000, 5,000 and 20,000 hand-written entries with comments,
against a plain ruamel.yaml round trip (load and dump) of the same file (goal: at most 1.5x, and
linear growth).

    python bench/bench_merge.py [--sizes 1000,5000,20000] [--runs 1] [--quick]

The configs are generated in a temporary folder. The refresh is the `refresh --demo --yes` command
in this process (``discovery_tui.cli.main``): it reads the config (again after the fetch only if
the file changed meanwhile), plans, merges the demo catalog's entries and aliases, writes the
file (backup, atomic) and records the picks. Times are this process's CPU time (other processes
busy on the machine do not count). The time per entry is printed for each size; growth is the
refresh's time per entry at the largest size over that at the smallest (linear: about 1x).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

import _common as common

GOAL = 1.5
GROWTH_GOAL = 1.25
SIZES = (1_000, 5_000, 20_000)
QUICK_SIZES = (100, 300)

HEADER = """\
# LiteLLM proxy config, kept by hand for years.
# Do not reorder: the team's scripts read the first entries.
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY   # never a literal key

model_list:
"""

ENTRY = """\
  # team {i}: a hand-written entry
  - model_name: team-{i}-model
    litellm_params:
      model: openai/team-model-{i}   # through the team's gateway
      api_key: os.environ/TEAM_KEY
      rpm: {rpm}
"""

FOOTER = """\

# Routing: keep the aliases that the team uses.
router_settings:
  routing_strategy: simple-shuffle   # spread the load
  model_group_alias:
    team-default: team-0-model

litellm_settings:
  drop_params: True
  num_retries: 2
"""


def config_text(entries: int) -> str:
    body = "".join(ENTRY.format(i=i, rpm=60 + i % 7) for i in range(entries))
    return HEADER + body + FOOTER


def plain_round_trip(path: Path) -> None:
    """What the refresh is measured against: ruamel.yaml's own round trip of the file."""
    from ruamel.yaml import YAML

    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    stream = io.StringIO()
    yaml.dump(data, stream)
    path.write_text(stream.getvalue(), encoding="utf-8")


def refresh(path: Path, profile: Path) -> None:
    from discovery_tui.cli import main

    argv = [
        "refresh",
        "--demo",
        "--yes",
        "--json",
        "--config",
        str(path),
        "--profile",
        str(profile),
    ]
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    if code != 0:
        raise SystemExit(f"refresh exited {code}")


def measure(folder: Path, entries: int, runs: int) -> tuple[float, float]:
    """Median seconds of (plain round trip, refresh), each on a fresh copy of the config."""
    text = config_text(entries)
    path, profile = folder / f"config-{entries}.yaml", folder / "profile.yaml"
    plain: list[float] = []
    ours: list[float] = []
    for _ in range(runs):
        path.write_text(text, encoding="utf-8")
        plain.append(common.timed(lambda: plain_round_trip(path), cpu=True))
        path.write_text(text, encoding="utf-8")
        profile.unlink(missing_ok=True)
        ours.append(common.timed(lambda: refresh(path, profile), cpu=True))
    check_merged(path, entries)
    return common.median(plain), common.median(ours)


def check_merged(path: Path, entries: int) -> None:
    """The refresh kept every hand-written entry and comment, and added its own entries."""
    text = path.read_text(encoding="utf-8")
    kept = text.count("# team ") == entries and text.count("- model_name: team-") == entries
    if not kept or "discovery_tui:" not in text or "spread the load" not in text:
        raise SystemExit(f"the refresh of {path.name} lost hand-written content")


def warm_up(folder: Path) -> None:
    """Import everything once, so the first size does not pay for the imports."""
    measure(folder, 10, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated entry counts (default 1000,5000,20000)")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (median)")
    parser.add_argument("--quick", action="store_true", help="small sizes: proves the bench runs")
    args = parser.parse_args()
    sizes = QUICK_SIZES if args.quick else SIZES
    if args.sizes:
        sizes = tuple(int(size) for size in args.sizes.split(","))
    results: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        warm_up(Path(tmp))
        for entries in sizes:
            plain, ours = measure(Path(tmp), entries, args.runs)
            results[entries] = (plain, ours)
            common.note(
                f"{entries:>6,} entries: ruamel round trip {plain:.2f} s, refresh {ours:.2f} s "
                f"({ours / plain:.2f}x); per entry {plain / entries * 1e6:.0f} µs vs "
                f"{ours / entries * 1e6:.0f} µs"
            )
    report(results)
    return 0


def report(results: dict[int, tuple[float, float]]) -> None:
    largest, smallest = max(results), min(results)
    worst = max(ours / plain for plain, ours in results.values())
    common.figure(
        "refresh into a hand-written config",
        f"{worst:.2f}x of a plain ruamel.yaml round trip (worst of {len(results)} sizes, "
        f"up to {largest:,} entries)",
        f"<= {GOAL:g}x",
        worst <= GOAL,
    )
    per_entry = {size: ours / size for size, (_, ours) in results.items()}
    growth = per_entry[largest] / per_entry[smallest]
    plain_growth = (results[largest][0] / largest) / (results[smallest][0] / smallest)
    common.figure(
        "refresh time per entry",
        f"{growth:.2f}x from {smallest:,} to {largest:,} entries "
        f"({per_entry[smallest] * 1e6:.0f} -> {per_entry[largest] * 1e6:.0f} µs; "
        f"ruamel.yaml's own: {plain_growth:.2f}x)",
        f"<= {GROWTH_GOAL:g}x, linear",
        growth <= GROWTH_GOAL,
    )


if __name__ == "__main__":
    sys.exit(main())
