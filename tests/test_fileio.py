"""Atomic writes, backups and the lock: the original file is never damaged."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from config_helpers import plan_refresh

from discovery_tui import fileio
from discovery_tui.configfile import ConfigDocument
from discovery_tui.errors import ConfigError
from discovery_tui.fileio import atomic_write_text, backup_path, lock_path, locked
from discovery_tui.models import OWNER_KEY, Entry

ORIGINAL = "# my proxy\nmodel_list: []  # empty for now\n"
POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes and symlinks")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(ORIGINAL)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def a_change(path: Path) -> ConfigDocument:
    doc = ConfigDocument.load(path)
    entry = Entry("openrouter/a", "openrouter", {"model": "openrouter/a"}, {OWNER_KEY: "x"})
    plan_refresh(doc, replace_providers=["openrouter"], entries=[entry], aliases={})
    return doc


# --- atomic write ---------------------------------------------------------------------------


def test_write_creates_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    atomic_write_text(path, "a: 1\n", backup=True)
    assert path.read_bytes() == b"a: 1\n"
    assert not backup_path(path).exists()  # nothing to back up yet
    atomic_write_text(path, "a: 2\r\n")
    assert path.read_bytes() == b"a: 2\r\n"  # bytes as given, on every OS
    assert leftovers(tmp_path) == []


def test_backup_holds_the_previous_bytes(config: Path) -> None:
    atomic_write_text(config, "a: 1\n", backup=True)
    assert backup_path(config).read_text() == ORIGINAL
    atomic_write_text(config, "a: 2\n", backup=True)
    assert backup_path(config).read_text() == "a: 1\n"
    assert config.read_text() == "a: 2\n"


@POSIX
def test_mode_is_kept_and_the_backup_is_as_private(config: Path) -> None:
    config.chmod(0o640)
    atomic_write_text(config, "a: 1\n", backup=True)
    assert config.stat().st_mode & 0o777 == 0o640
    assert backup_path(config).stat().st_mode & 0o777 == 0o640
    config.chmod(0o600)
    atomic_write_text(config, "a: 2\n", backup=True)
    assert backup_path(config).stat().st_mode & 0o777 == 0o600


@POSIX
def test_a_symlinked_config_stays_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "litellm.yaml"
    target.parent.mkdir()
    target.write_text(ORIGINAL)
    link = tmp_path / "config.yaml"
    link.symlink_to(Path("dotfiles") / "litellm.yaml")  # relative, as people make them
    atomic_write_text(link, "a: 1\n", backup=True)
    assert link.is_symlink()
    assert target.read_text() == "a: 1\n"
    assert backup_path(link).read_text() == ORIGINAL
    assert leftovers(target.parent) == [] and leftovers(tmp_path) == []


def fail_with(code: int) -> object:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


def test_a_full_disk_leaves_the_original_and_no_temp_file(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        if len(data) > 8:
            real_write(fd, bytes(data[:8]))  # a partial write, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    doc = a_change(config)
    monkeypatch.setattr(fileio.os, "write", half_then_full)
    with pytest.raises(ConfigError) as info:
        doc.write()
    monkeypatch.undo()
    message = str(info.value)
    assert str(config) in message and "disk is full" in message and "free some space" in message
    assert config.read_text() == ORIGINAL
    assert leftovers(config.parent) == []


@pytest.mark.parametrize(
    ("where", "code", "words"),
    [
        ("fsync", errno.ENOSPC, "disk is full"),
        ("fsync", errno.EIO, "check the path and the disk"),
        ("replace", errno.EACCES, "permission denied"),
        ("open", errno.EACCES, "permission denied"),  # a read-only folder, even as root
        ("open", errno.EROFS, "read-only"),
    ],
)
def test_os_errors_become_config_errors(
    config: Path, monkeypatch: pytest.MonkeyPatch, where: str, code: int, words: str
) -> None:
    monkeypatch.setattr(fileio.os, where, fail_with(code))
    with pytest.raises(ConfigError) as info:
        atomic_write_text(config, "a: 1\n")
    monkeypatch.undo()
    assert words in str(info.value) and str(config) in str(info.value)
    assert f"{config} was left unchanged" in str(info.value)
    assert config.read_text() == ORIGINAL
    assert leftovers(config.parent) == []


def test_a_read_only_file_is_refused(config: Path) -> None:
    config.chmod(0o444)  # works as root too: the missing write bits mark it read-only
    try:
        with pytest.raises(ConfigError, match="the file is read-only; make it writable"):
            a_change(config).write()
        assert config.read_text() == ORIGINAL
        assert leftovers(config.parent) == []
    finally:
        config.chmod(0o644)


@POSIX
@pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders (simulated above)")
def test_a_read_only_folder_is_refused(config: Path) -> None:
    config.parent.chmod(0o555)
    try:
        with pytest.raises(ConfigError, match="permission denied"):
            atomic_write_text(config, "a: 1\n", backup=True)
        assert config.read_text() == ORIGINAL
    finally:
        config.parent.chmod(0o755)


def test_a_folder_in_place_of_the_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").mkdir()
    with pytest.raises(ConfigError, match="not a regular file"):
        atomic_write_text(tmp_path / "config.yaml", "a: 1\n")


# --- lock -----------------------------------------------------------------------------------


def test_two_threads_serialise(config: Path) -> None:
    order: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def first() -> None:
        with locked(config):
            order.append("first in")
            holding.set()
            release.wait()
            order.append("first out")

    def second() -> None:
        with locked(config):
            order.append("second in")

    one = threading.Thread(target=first)
    one.start()
    holding.wait()
    two = threading.Thread(target=second)
    two.start()
    release.set()
    one.join()
    two.join()
    assert order == ["first in", "first out", "second in"]


def test_a_held_lock_times_out_with_an_explanation(config: Path) -> None:
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with locked(config):
            holding.set()
            release.wait()

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait()
    try:
        with pytest.raises(ConfigError) as info, locked(config, timeout=0.2):
            pass
    finally:
        release.set()
        thread.join()
    assert str(info.value) == (
        f"Another discovery-tui run is updating {config} (lock {lock_path(config)}): "
        "wait for it to finish, or delete the lock file if no run is active"
    )
    with locked(config, timeout=0.2):  # free again
        pass


HOLD = """
import sys
from pathlib import Path
from discovery_tui.fileio import locked
with locked(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_a_second_process_waits_then_explains(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "locked\n"
        monkeypatch.setenv("DISCOVERY_TUI_LOCK_TIMEOUT", "0.3")
        with (
            pytest.raises(ConfigError, match="Another discovery-tui run is updating"),
            locked(config),
        ):
            pass
    finally:
        proc.communicate("")
    with locked(config):  # released when the holder ended
        pass


def test_lock_timeout_env_must_be_a_number(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCOVERY_TUI_LOCK_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="is not a number of seconds"), locked(config):
        pass


def test_the_lock_lives_in_the_cache_never_beside_the_file(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path.parent / f"{tmp_path.name}-cache"
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(cache))
    before = sorted(config.parent.iterdir())
    moved = lock_path(config)
    assert moved.parent == cache / "locks" and moved.name.startswith("config.yaml.")
    assert lock_path(config.parent / "other.yaml") != moved
    with locked(config):
        assert moved.exists()
    assert sorted(config.parent.iterdir()) == before


@POSIX
def test_a_symlink_and_its_target_share_one_lock(tmp_path: Path, config: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(config)
    assert lock_path(link) == lock_path(config)


def test_the_lock_is_reentrant_in_one_thread(config: Path) -> None:
    with locked(config, timeout=0.2), locked(config, timeout=0.2):
        pass
