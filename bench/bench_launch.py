"""Bench: what `discovery-tui launch` adds before Claude Code starts, when a current proxy runs
(a warm start; goal: at most 0.3 s).

    python bench/bench_launch.py [--runs 11] [--quick]

A first `launch --keep-proxy` starts a proxy (the fake proxy of tests/fake_upstream.py, which
answers like LiteLLM's health routes; LiteLLM itself takes 10 to 45 s to start) and leaves it
running. Then `launch` runs again and again with a stand-in `claude` that exits at once, and so
does the stand-in alone; the difference of the medians is what launch adds: Python's start, the
imports, reading profile and config, the state file, one liveness probe. The proxy is stopped
at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from pathlib import Path

import _common as common

GOAL = 0.3  # seconds
MODELS = ("openrouter/anthropic/claude-sonnet-4.5", "openrouter/anthropic/claude-haiku-4.5")
CONFIG = """\
model_list:
{entries}
router_settings:
  model_group_alias:
    claude: {sonnet}
    claude-strong: {sonnet}
    claude-fast: {haiku}
general_settings:
  master_key: sk-bench-launch-1
"""
ENTRY = """\
  - model_name: {name}
    litellm_params: {{model: {name}, api_key: os.environ/OPENROUTER_API_KEY}}
    model_info: {{discovery_tui: openrouter, max_input_tokens: 200000, max_output_tokens: 64000,
      input_cost_per_token: 3.0e-06, output_cost_per_token: 1.5e-05, supports_reasoning: true}}
"""


def free_url() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def prepare(tmp: Path) -> tuple[dict[str, str], str, Path]:
    """config, profile (a kept fake proxy), a stand-in claude; the environment, URL, claude."""
    from fake_upstream import write_stand_in_claude

    entries = "".join(ENTRY.format(name=name) for name in MODELS)
    config = CONFIG.format(entries=entries.rstrip("\n"), sonnet=MODELS[0], haiku=MODELS[1])
    (tmp / "config.yaml").write_text(config, encoding="utf-8")
    url = free_url()
    script = common.REPO / "tests" / "fake_upstream.py"
    command = f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} proxy"
    profile = f"proxy:\n  url: {url}\n  command: {json.dumps(command)}\n  keep_running: true\n"
    (tmp / "profile.yaml").write_text(profile, encoding="utf-8")
    claude = write_stand_in_claude(tmp / "bin")
    env = common.quiet_env(tmp)
    env.update(
        PATH=f"{tmp / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        STAND_IN_CLAUDE_RECORD=str(tmp / "claude.json"),
        DISCOVERY_TUI_CACHE_DIR=str(tmp / "cache"),
        DISCOVERY_TUI_NO_KEYRING="1",
    )
    return env, url, claude


def launch_command(tmp: Path) -> list[str]:
    import shutil

    script = shutil.which("discovery-tui", path=str(Path(sys.executable).parent))
    base = [script] if script else [sys.executable, "-m", "discovery_tui"]
    files = ["--config", str(tmp / "config.yaml"), "--profile", str(tmp / "profile.yaml")]
    return [*base, "launch", *files]


def measure(tmp: Path, env: dict[str, str], claude: Path, runs: int) -> tuple[float, float]:
    """Median seconds of (the stand-in claude alone, launch with a current proxy), interleaved."""
    launch = launch_command(tmp)
    alone: list[float] = []
    launched: list[float] = []
    for _ in range(runs):
        alone.append(common.run_timed([str(claude)], env=env))
        launched.append(common.run_timed(launch, env=env))
    return common.median(alone), common.median(launched)


def stop_kept_proxy(url: str, env: dict[str, str]) -> None:
    saved = os.environ.get("DISCOVERY_TUI_CACHE_DIR")
    os.environ["DISCOVERY_TUI_CACHE_DIR"] = env["DISCOVERY_TUI_CACHE_DIR"]
    try:
        from discovery_tui import warmproxy

        warm = warmproxy.read(url)
        if warm is not None:
            warmproxy.stop(warm, timeout=5)
    finally:
        if saved is None:
            os.environ.pop("DISCOVERY_TUI_CACHE_DIR", None)
        else:
            os.environ["DISCOVERY_TUI_CACHE_DIR"] = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11, help="runs of each measure (median)")
    parser.add_argument("--quick", action="store_true", help="two runs")
    args = parser.parse_args()
    runs = 2 if args.quick else args.runs
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env, url, claude = prepare(tmp)
        try:
            cold = common.run_timed(launch_command(tmp), env=env)  # starts and keeps the proxy
            alone, launched = measure(tmp, env, claude, runs)
        finally:
            stop_kept_proxy(url, env)
    added = launched - alone
    common.note(
        f"median of {runs} run(s); the first launch (starting the fake proxy): {cold:.2f} s"
    )
    common.note(f"stand-in claude alone {alone:.3f} s, through launch {launched:.3f} s")
    common.figure(
        "launch overhead with a current proxy",
        f"{added:.3f} s",
        f"<= {GOAL:g} s",
        added <= GOAL,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
