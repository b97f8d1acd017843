"""Bench: the catalog phase with three providers answering after 0.5, 1.0 and 2.0 s (goal: at
most 1.15x the slowest, 2.0 s).

    python bench/bench_fetch.py [--runs 3] [--quick]

A fake provider server on 127.0.0.1 (tests/fake_provider.py) plays OpenRouter (the real catalog
from ../shared/catalogs when present, else a synthetic one of the same size), xAI and Gemini, each
answering after its delay. Measured: ``fetch_catalogs`` over one shared HTTP client (the phase
itself), and the whole ``discovery-tui refresh --no-llm --dry-run --json`` as a subprocess
(interpreter start, imports, fetch, match, plan, preview) against the same slowest answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _common as common
from fake_provider import FakeProvider, Reply

GOAL = 1.15
DELAYS = {"openrouter": 0.5, "xai": 1.0, "gemini": 2.0}
KEYS = {"XAI_API_KEY": "bench-key", "GEMINI_API_KEY": "bench-key"}


def payloads() -> tuple[dict[str, Any], str]:
    openrouter, label = common.openrouter_payload()
    xai, gemini = common.synthetic_payload("xai"), common.synthetic_payload("gemini")
    return {"openrouter": openrouter, "xai": xai, "gemini": gemini}, label


@contextmanager
def serving(scale: float) -> Iterator[tuple[dict[str, str], str]]:
    """A fake server answering after DELAYS * scale; yields (environment additions, label)."""
    data, label = payloads()
    with FakeProvider() as server:
        env = dict(KEYS)
        for provider, delay in DELAYS.items():
            reply = Reply(json=data[provider], delay=delay * scale)
            server.route(common.catalog_route(server, provider), reply)
            env[f"{provider.upper()}_API_BASE"] = server.base_url(provider)
        yield env, label


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """``os.environ`` is exactly ``values`` inside (the in-process fetch reads it)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


async def fetch_phase() -> tuple[float, list[str]]:
    """Seconds of one catalog phase over one client, and the errors (none expected)."""
    from discovery_tui.fetch import fetch_catalogs, new_client
    from discovery_tui.providers import PROVIDERS
    from discovery_tui.settings import resolve_key

    specs = [PROVIDERS[name] for name in DELAYS]
    keys = {spec.name: resolve_key(spec, use_keyring=False) for spec in specs}
    started = time.perf_counter()
    async with new_client() as client:
        results = await fetch_catalogs(client, specs, keys=keys)
    elapsed = time.perf_counter() - started
    return elapsed, [f"{r.provider}: {r.error}" for r in results.values() if not r.ok]


def phase_ratio(runs: int, slowest: float) -> float:
    times: list[float] = []
    for _ in range(runs + 1):  # the first run warms the imports
        elapsed, errors = asyncio.run(fetch_phase())
        if errors:
            raise SystemExit("the fake providers failed: " + "; ".join(errors))
        times.append(elapsed)
    return common.median(times[1:]) / slowest


def refresh_ratio(runs: int, slowest: float, tmp: Path) -> float:
    command = [
        *cli_command(),
        "refresh", *DELAYS, "--no-llm", "--dry-run", "--json",
        "--config", str(tmp / "config.yaml"), "--profile", str(tmp / "profile.yaml"),
    ]  # fmt: skip
    times = [common.run_timed(command, env=os.environ) for _ in range(runs)]
    return common.median(times) / slowest


def cli_command() -> list[str]:
    import shutil

    script = shutil.which("discovery-tui", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "discovery_tui"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument("--quick", action="store_true", help="delays / 10, one run")
    args = parser.parse_args()
    scale, runs = (0.1, 1) if args.quick else (1.0, args.runs)
    slowest = max(DELAYS.values()) * scale
    delays = ", ".join(f"{name} {delay * scale:g} s" for name, delay in DELAYS.items())
    with serving(scale) as (extra, label), tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with environment(common.quiet_env(tmp, extra)):
            common.note(f"three fake providers on 127.0.0.1: {delays} ({label})")
            phase = phase_ratio(runs, slowest)
            whole = refresh_ratio(runs, slowest, tmp)
    common.note(f"median of {runs} run(s); ratios against the slowest answer, {slowest:g} s")
    common.figure(
        "catalog phase", f"{phase:.3f}x of the slowest provider", f"<= {GOAL:g}x", phase <= GOAL
    )
    common.figure(
        "refresh --no-llm --dry-run (whole process)",
        f"{whole:.3f}x of the slowest provider ({(whole - 1) * slowest:.2f} s over it)",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
