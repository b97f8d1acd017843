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
from config_helpers import plan_refresh

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
from config_helpers import plan_refresh

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
        plan_refresh(doc, replace_providers=["openrouter"], entries=wanted, aliases=aliases)
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
            "plan_refresh(doc, replace_providers=['openrouter'], entries=wanted, aliases=aliases)\n"
            "doc.write()\n"
        )
        subprocess.run([sys.executable, "-c", code, str(path)], check=True, env=child_env())
        found.add(path.read_bytes())
    path.write_text(CONFIG)
    return found


def child_env() -> dict[str, str]:
    paths = os.pathsep.join([str(ROOT), str(ROOT / "tests")])  # tests/config_helpers.py
    return {**os.environ, "PYTHONPATH": paths, "DISCOVERY_TUI_LOCK_TIMEOUT": "30"}


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


# --- an undo killed between its steps (issue 11 item 6) ----------------------------------------


def version(name: str) -> str:
    entry = f"  - model_name: {name}   # {name}\n    litellm_params:\n      model: x/{name}\n"
    return "model_list:\n" + entry


BEFORE, NOW, LATER = version("before"), version("now"), version("later")

UNDO_KILLED = """
import os, sys
from discovery_tui.cli import main

calls = [0]
real = os.replace
stop, when = int(sys.argv[2]), sys.argv[3]

def replace(src, dst):
    calls[0] += 1
    if calls[0] == stop and when == "before":
        os._exit(9)  # a crash: no cleanup, no finally
    real(src, dst)
    if calls[0] == stop and when == "after":
        os._exit(9)

os.replace = replace
sys.exit(main(["undo", "--config", sys.argv[1], "--yes"]))
"""


def undo_child(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**child_env(), "DISCOVERY_TUI_CACHE_DIR": str(path.parent / "cache")}
    args = (
        [sys.executable, "-c", UNDO_KILLED, str(path), *extra]
        if extra
        else [sys.executable, "-m", "discovery_tui", "undo", "--config", str(path), "--yes"]
    )
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)


def held(folder: Path) -> dict[str, str]:
    """Every version on disk beside the config (temporary files of a crash aside)."""
    return {
        p.name: p.read_text()
        for p in folder.iterdir()
        if p.is_file() and p.name.startswith("config.yaml") and not p.name.endswith(".tmp")
    }


def start(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(NOW)
    path.with_name("config.yaml.bak").write_text(BEFORE)
    return path


# undo's renames: 1 the swap copy in place, 2 the backup over the config, 3 the swap to .bak
@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("stop", [1, 2, 3])
def test_an_undo_killed_at_any_step_loses_no_version_and_the_next_undo_finishes(
    tmp_path: Path, stop: int, when: str
) -> None:
    path = start(tmp_path)
    killed = undo_child(path, str(stop), when)
    assert killed.returncode == 9, killed.stderr
    assert {NOW, BEFORE} <= set(held(tmp_path).values())  # both versions are still on disk

    again = undo_child(path)

    assert again.returncode == 0, again.stderr
    files = held(tmp_path)
    assert set(files) == {"config.yaml", "config.yaml.bak"}  # nothing left over, nothing lost
    assert {files["config.yaml"], files["config.yaml.bak"]} == {NOW, BEFORE}
    if (stop, when) in {(2, "after"), (3, "before")}:  # killed between restore and rename
        assert "Finished an interrupted undo" in again.stdout + again.stderr
        assert files["config.yaml"] == BEFORE  # the killed undo is completed, not repeated


def test_a_swap_that_is_the_only_copy_of_a_version_is_kept_and_reported(tmp_path: Path) -> None:
    """Killed after the restore, then a refresh writes before the next undo: the swap holds
    the only copy of NOW. The refresh moves it aside and says so; nothing deletes it."""
    path = start(tmp_path)
    assert undo_child(path, "3", "before").returncode == 9  # config = backup = BEFORE, swap = NOW
    from discovery_tui.configfile import ConfigDocument

    doc = ConfigDocument.load(path)
    plan_refresh(doc, replace_providers=["nobody"], entries=[], aliases={"claude": "before"})
    assert doc.write()
    assert len(doc.notes) == 1 and "kept as" in doc.notes[0] and "in no other file" in doc.notes[0]
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("config.yaml.bak.swap.")]
    assert len(kept) == 1 and kept[0].read_text() == NOW
    assert not path.with_name("config.yaml.bak.swap").exists()
    assert path.with_name("config.yaml.bak").read_text() == BEFORE

    assert undo_child(path).returncode == 0  # the next undo works as usual
    assert kept[0].read_text() == NOW  # and leaves the kept copy alone


def test_the_next_undo_keeps_a_swap_no_other_file_holds(tmp_path: Path) -> None:
    """The same crash, then a write by something else (no refresh): undo keeps the copy,
    reports where, and does its own restore."""
    path = start(tmp_path)
    assert undo_child(path, "3", "before").returncode == 9
    path.write_text(LATER)  # an editor, or an older discovery-tui

    again = undo_child(path)

    assert again.returncode == 0, again.stderr
    assert "An interrupted undo had left a version of config.yaml" in again.stdout
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("config.yaml.bak.swap.")]
    assert len(kept) == 1 and kept[0].read_text() == NOW
    assert path.read_text() == BEFORE
    assert path.with_name("config.yaml.bak").read_text() == LATER
