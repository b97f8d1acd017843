"""Bench the judge phase against a fake judge on 127.0.0.1 (run by hand; not a test).

    .venv/bin/python bench/bench_judge.py [--latency 1.5]

Prints: the judge phase's time against one call's latency (goal <= 1.15x), the number of calls
(goal: one per provider), the request size for the real OpenRouter catalog in
../shared/catalogs/ when present (goal <= 16,000 bytes), and the number of calls on a second run
with unchanged catalogs (goal 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from fake_judge import FakeJudge, Recorded, pick_index, prompt_provider  # noqa: E402

from discovery_tui.families import Family, candidates_by_family, load_families  # noqa: E402
from discovery_tui.judge import (  # noqa: E402
    MAX_REQUEST_BYTES,
    JudgeSettings,
    choose_picks,
    warm_up,
)
from discovery_tui.judge.client import _warming  # noqa: E402
from discovery_tui.models import Model, Pick  # noqa: E402

TODAY = date(2026, 5, 20)
CATALOG = REPO.parent / "shared" / "catalogs" / "openrouter__models-dev-repo-models-json.json"
Candidates = dict[str, dict[str, list[Model]]]


def synthetic(provider: str, prefix: str, ids: Sequence[str]) -> list[Model]:
    return [
        Model(
            provider=provider,
            id=model_id,
            litellm_model=f"{prefix}/{model_id}",
            released=date(2026, 1, 1 + i),
            context_window=200_000,
            input_cost_per_token=3e-6,
            output_cost_per_token=15e-6,
            supports_tools=True,
        )
        for i, model_id in enumerate(ids)
    ]


def openrouter_families(families: Mapping[str, Family]) -> tuple[dict[str, list[Model]], bool]:
    """The real OpenRouter catalog's families when the sample exists, else a small set."""
    if CATALOG.is_file():
        from discovery_tui.providers.openrouter import parse_model

        data = json.loads(CATALOG.read_text(encoding="utf-8"))["data"]
        models = [m for m in (parse_model(obj) for obj in data) if m is not None]
        return candidates_by_family(models, families, provider_vendor=None, today=TODAY), True
    ids = ["anthropic/claude-sonnet-4.6", "anthropic/claude-sonnet-4.5"]
    return {"claude": synthetic("openrouter", "openrouter", ids)}, False


def three_providers(families: Mapping[str, Family]) -> tuple[Candidates, bool]:
    openrouter, real = openrouter_families(families)
    return {
        "openrouter": openrouter,
        "anthropic": {
            "claude": synthetic(
                "anthropic", "anthropic", ["claude-sonnet-4-6", "claude-sonnet-4-5"]
            ),
            "claude-strong": synthetic("anthropic", "anthropic", ["claude-opus-4-7"]),
        },
        "xai": {"grok": synthetic("xai", "xai", ["grok-4.3", "grok-4"])},
    }, real


async def judge_phase(
    judge: JudgeSettings, cands: Candidates, families: Mapping[str, Family], cache: Path
) -> tuple[float, dict[str, dict[str, Pick]]]:
    import httpx

    async with httpx.AsyncClient() as client:
        started = time.perf_counter()
        picks = await choose_picks(
            client,
            candidates=cands,
            families=families,
            judge=judge,
            pins={},
            today=TODAY,
            cache_dir=cache,
        )
        return time.perf_counter() - started, picks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=1.5, help="seconds per judge answer")
    args = parser.parse_args()
    families = load_families()
    cands, real = three_providers(families)
    started = time.perf_counter()
    warm_up()  # what a run does at its start: the SDK import overlaps the catalog fetch
    _warming[0].join()
    sdk = time.perf_counter() - started
    print(f"OpenAI SDK import (once per process, overlapped with the fetch): {sdk:.2f} s")
    with (
        FakeJudge(pick_index(0), latency=args.latency) as server,
        tempfile.TemporaryDirectory() as tmp,
    ):
        judge = JudgeSettings(base_url=server.url, model="fake-judge", api_key="sk-bench")
        elapsed, picks = asyncio.run(judge_phase(judge, cands, families, Path(tmp)))
        first = server.recorded()
        again, _ = asyncio.run(judge_phase(judge, cands, families, Path(tmp)))
        second = server.recorded()[len(first) :]
    report(args.latency, elapsed, again, first, len(second), picks, real)


def report(
    latency: float,
    elapsed: float,
    again: float,
    first: Sequence[Recorded],
    second_calls: int,
    picks: Mapping[str, Mapping[str, Pick]],
    real: bool,
) -> None:
    providers = len(picks)
    decided = sum(len(fams) for fams in picks.values())
    by = ", ".join(sorted({p.by for fams in picks.values() for p in fams.values()}))
    ratio = elapsed / latency
    print(f"providers: {providers}, families decided: {decided} (by: {by})")
    print(
        f"judge phase: {elapsed:.2f} s for {latency:.2f} s per answer: {ratio:.2f}x (goal <= 1.15x)"
    )
    print(f"calls on the first run: {len(first)} (goal {providers}: one per provider)")
    sizes = {prompt_provider(r.body or {}): len(r.raw) for r in first}
    label = "real OpenRouter catalog" if real else "OpenRouter (catalog sample absent: synthetic)"
    size = sizes.get("openrouter", 0)
    print(f"request size, {label}: {size:,} bytes (goal <= {MAX_REQUEST_BYTES:,})")
    print(f"largest request: {max(sizes.values(), default=0):,} bytes")
    print(f"calls on a second run with unchanged catalogs: {second_calls} (goal 0), {again:.3f} s")


if __name__ == "__main__":
    main()
