"""Bench: peak memory of a refresh of every provider with catalogs of realistic size (reported).

    python bench/bench_memory.py [--quick]

A fake provider server on 127.0.0.1 serves all ten providers (Perplexity's list is built in):
the real OpenRouter catalog from ../shared/catalogs when present (else a synthetic one of the same
size) and synthetic catalogs of realistic size for the others. ``discovery-tui refresh --yes
--no-llm`` runs in a child process into a config of hand-written entries: once under tracemalloc
(the peak of Python allocations, imports included) and once without it (the process's peak
resident size: VmHWM on Linux, else ru_maxrss), next to a bare interpreter's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import _common as common
from bench_merge import config_text
from fake_provider import FakeProvider

HAND_WRITTEN_ENTRIES = 200
MB = 1024 * 1024


def serve_all(server: FakeProvider) -> tuple[dict[str, str], str]:
    """Every provider's catalog on ``server``; (environment additions, OpenRouter's source)."""
    from discovery_tui.providers import PROVIDERS

    openrouter, label = common.openrouter_payload()
    env: dict[str, str] = {}
    for name, spec in PROVIDERS.items():
        if spec.builtin_catalog:
            continue
        payload = openrouter if name == "openrouter" else common.synthetic_payload(name)
        server.json(common.catalog_route(server, name), payload)
        env[spec.api_base_env] = server.base_url(name)
        if spec.key_env:
            env[spec.key_env] = "bench-key"
    perplexity = PROVIDERS["perplexity"].key_env
    if perplexity:
        env[perplexity] = "bench-key"
    return env, label


def child(config: str, profile: str, trace: bool) -> int:
    """In the child process: one refresh; prints one JSON line of what it measured."""
    import contextlib
    import io
    import tracemalloc

    if trace:
        tracemalloc.start()
    from discovery_tui.cli import main

    argv = ["refresh", "--yes", "--no-llm", "--json", "--config", config, "--profile", profile]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    report = json.loads(out.getvalue())
    providers = report["providers"]
    print(
        json.dumps(
            {
                "code": code,
                "traced_peak": peak,
                "maxrss": maxrss(),
                "ok": sum(p["status"] == "ok" for p in providers.values()),
                "models": sum(p["models"] for p in providers.values()),
                "failed": {n: p["error"] for n, p in providers.items() if p["status"] != "ok"},
            }
        )
    )
    return 0


def maxrss() -> int | None:
    """This process's peak resident size in bytes (None where the platform cannot say).

    Linux: ``VmHWM`` of /proc/self/status, because ``ru_maxrss`` keeps the high-water mark of the
    parent that forked the process (here, the bench with its fake server). Elsewhere ru_maxrss.
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    try:
        import resource
    except ImportError:
        return None
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024  # bytes on macOS, else KiB


def run_child(tmp: Path, env: dict[str, str], *, trace: bool) -> dict[str, Any]:
    config = tmp / ("traced.yaml" if trace else "plain.yaml")
    config.write_text(config_text(HAND_WRITTEN_ENTRIES), encoding="utf-8")
    command = [sys.executable, __file__, "--child", str(config), str(tmp / "profile.yaml")]
    done = subprocess.run(
        command + (["--trace"] if trace else []), env=env, capture_output=True, text=True
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"the refresh failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["failed"]:
        raise SystemExit(f"providers failed: {result['failed']}")
    return result


def bare_maxrss() -> int | None:
    """The same measure (the same function's source) in an interpreter that does nothing else."""
    import inspect

    code = "import sys\nfrom pathlib import Path\n" + inspect.getsource(maxrss) + "print(maxrss())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return int(done.stdout) if done.returncode == 0 and done.stdout.strip().isdigit() else None


def megabytes(value: int | None) -> str:
    return "not available on this platform" if value is None else f"{value / MB:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the same (it takes a few seconds)")
    parser.add_argument("--child", nargs=2, metavar=("CONFIG", "PROFILE"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child, trace=args.trace)
    with FakeProvider() as server, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        extra, label = serve_all(server)
        env = common.quiet_env(tmp, extra)
        traced = run_child(tmp, env, trace=True)
        plain = run_child(tmp, env, trace=False)
    common.note(
        f"{traced['ok']} providers, {traced['models']:,} catalog models ({label}), "
        f"config of {HAND_WRITTEN_ENTRIES} hand-written entries; bare interpreter peak RSS: "
        f"{megabytes(bare_maxrss())}"
    )
    common.figure("refresh of all providers, tracemalloc peak", megabytes(traced["traced_peak"]))
    common.figure("refresh of all providers, peak RSS", megabytes(plain["maxrss"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
