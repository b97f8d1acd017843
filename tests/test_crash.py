"""SIGKILL during refreshes (issue 6 item 3): the config is always the old file or a new one.

A child process loops load -> apply -> write (under the lock) on a real config with comments,
alternating between two refreshes so every iteration writes. It is killed at random moments,
many times; after each kill the config must parse, keep every comment, and be byte-identical
to one of the three versions a complete write can produce: never half of one.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from discovery_tui.configfile import ConfigDocument

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[1]
KILLS = 15

CONFIG = """\
# my LiteLLM proxy (comment at the top)
model_list:
  # hand-written first
  - model_name: local-llama  # my own server
    litellm_params:
      model: openai/llama
      api_base: http://127.0.0.1:8080/v1
  # refreshed by discovery-tui below
  - model_name: openrouter/m0
    litellm_params:
      model: openrouter/m0
    model_info:
      discovery_tui: openrouter
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY  # never a literal key
# last line comment
"""
COMMENTS = [line.split("#", 1)[1] for line in CONFIG.splitlines() if "#" in line]

LOOP = """
import sys
from pathlib import Path
from discovery_tui.configfile import ConfigDocument
from discovery_tui.fileio import locked
from discovery_tui.models import Entry

path = Path(sys.argv[1])

def entries(n):
    return [
        Entry(f"openrouter/m{i}", "openrouter",
              {"model": f"openrouter/m{i}", "api_key": "os.environ/OPENROUTER_API_KEY"},
              {"mode": "chat", "input_cost_per_token": 1e-06 * (i + 1),
               "discovery_tui": "openrouter"})
        for i in range(n)
    ]

refreshes = [(entries(40), {"claude": "openrouter/m1"}), (entries(3), {"claude": None})]
print("ready", flush=True)
turn = 0
while True:
    wanted, aliases = refreshes[turn % 2]
    with locked(path):
        doc = ConfigDocument.load(path)
        doc.apply(replace_providers=["openrouter"], entries=wanted, aliases=aliases)
        doc.write()
    turn += 1
"""


def versions(path: Path) -> set[bytes]:
    """The three contents a complete write can leave: the original and each refresh."""
    script = LOOP.split('print("ready"')[0]
    found = {CONFIG.encode()}
    for turn in (0, 1, 0):
        code = (
            f"{script}wanted, aliases = refreshes[{turn}]\n"
            "doc = ConfigDocument.load(path)\n"
            "doc.apply(replace_providers=['openrouter'], entries=wanted, aliases=aliases)\n"
            "doc.write()\n"
        )
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=child_env())
        found.add(path.read_bytes())
    path.write_text(CONFIG)
    return found


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "DISCOVERY_TUI_LOCK_TIMEOUT": "30"}


def test_sigkill_at_random_moments_never_leaves_a_broken_config(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG)
    allowed = versions(path)
    assert len(allowed) == 3
    rng = random.Random(20260101)
    for _ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-c", LOOP, str(path)], stdout=subprocess.PIPE, env=child_env()
        )
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.4))  # a random moment inside the loop (not an assertion)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()

        data = path.read_bytes()
        assert data in allowed, "a partial or unexpected file replaced the config"
        text = ConfigDocument.load(path).dump()
        assert all(comment in text for comment in COMMENTS)
        backup = path.with_name("config.yaml.bak")
        if backup.exists():
            assert backup.read_bytes() in allowed
    assert not path.is_symlink() and path.is_file()
