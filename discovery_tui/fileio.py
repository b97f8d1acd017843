"""Safe file writes: atomic replacement with fsync, a ``.bak`` of the previous content, a lock.

Portable to Windows, macOS and Linux: the temporary file lives in the target's folder (so
``os.replace`` is a rename on one file system), folders are fsynced only where the OS allows,
and the lock is the ``filelock`` package's. A crash at any moment leaves the old file or the
new one, never half of one; a temporary file may be left behind by a crash (``.<name>.*.tmp``),
never in place of the config.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from discovery_tui.errors import ConfigError
from discovery_tui.yamlio import read_bytes

LOCK_TIMEOUT_ENV = "DISCOVERY_TUI_LOCK_TIMEOUT"
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def backup_path(path: Path) -> Path:
    """Where ``atomic_write_text(path, ..., backup=True)`` keeps the previous content."""
    return path.with_name(path.name + ".bak")


def atomic_write_text(path: Path, text: str, *, backup: bool = False) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) atomically.

    A symlinked ``path`` writes through to its target, so the link is kept. The file's mode
    (and, where allowed, owner) is kept; a new file gets the usual mode (0o666 minus umask).
    ``backup=True`` keeps the previous content as ``<name>.bak`` beside ``path``.

    The order keeps the last good version on every failure: (1) the new content is written to
    a temporary file beside ``path`` and synced; (2) the previous content goes to ``<name>.bak``
    through its own temporary file and a rename, so the previous ``.bak`` survives until the new
    one is complete; (3) the temporary file is renamed over ``path``. A full disk or an error
    in (1) or (2) leaves ``path`` and its ``.bak`` as they were. Ctrl-C during (2)-(3) is held
    until both renames are done: an interrupted write either completed or changed nothing, and
    :func:`completed_writes` says which. Any OS error becomes a :class:`ConfigError` naming the
    file and the fix; the temporary files are removed.
    """
    target = path.resolve()
    _refuse_read_only(path, target)
    previous: bytes | None = None
    if backup and target.is_file():
        try:
            previous = target.read_bytes()
        except OSError as exc:
            raise _write_error(path, exc) from exc
    staged = _stage(target, text.encode("utf-8"), shown=path, like=target)
    bak_staged: Path | None = None
    try:
        if previous is not None:
            bak = backup_path(path)
            bak_staged = _stage(bak.resolve(), previous, shown=bak, like=target)
        with _interrupts_held():
            if bak_staged is not None:
                _commit(bak_staged, backup_path(path).resolve(), shown=backup_path(path))
            _commit(staged, target, shown=path)
            _COMPLETED.append(path)
    finally:
        for leftover in (staged, bak_staged):
            with suppress(OSError):
                if leftover is not None:
                    leftover.unlink(missing_ok=True)
    _fsync_dir(target.parent)


_COMPLETED: list[Path] = []


def completed_writes() -> tuple[Path, ...]:
    """Every file :func:`atomic_write_text` replaced in this process, in order.

    What a command reads after Ctrl-C to say truthfully what was written (see
    :func:`interrupted_message`).
    """
    return tuple(_COMPLETED)


def interrupted_message(since: int = 0) -> str:
    """The one line to print after Ctrl-C: which files were written (completely), or none.

    ``since``: the number of :func:`completed_writes` before the command began.
    """
    written = list(dict.fromkeys(completed_writes()[since:]))
    if not written:
        return "interrupted; nothing was written"
    names = ", ".join(str(p) for p in written)
    return (
        f"interrupted; {names} had already been written completely "
        "(`discovery-tui undo` restores the previous version)"
    )


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT (main thread only) until the block is done, then raise it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: object) -> None:
        received.append(signum)

    try:
        previous = signal.signal(signal.SIGINT, hold)
    except (ValueError, OSError):  # not allowed here: run unprotected
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _stage(target: Path, data: bytes, *, shown: Path, like: Path) -> Path:
    """``data`` in a synced temporary file beside ``target`` (removed again on any failure)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise _write_error(shown, exc) from exc
    try:
        try:
            _write_all(fd, data)
            _copy_metadata(fd, tmp, like)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _write_error(shown, exc) from exc
        raise
    return tmp


def _commit(staged: Path, target: Path, *, shown: Path) -> None:
    try:
        os.replace(staged, target)
    except OSError as exc:
        with suppress(OSError):
            staged.unlink()
        raise _write_error(shown, exc) from exc


def _refuse_read_only(path: Path, target: Path) -> None:
    """A file marked read-only (no write bit, or not writable by us) is never replaced."""
    try:
        st = target.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _write_error(path, exc) from exc
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"Cannot write {path}: it is not a regular file; pass a file path")
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ConfigError(
            f"Cannot write {path}: the file is read-only; make it writable "
            f"(chmod u+w, or clear the read-only attribute) and run again"
        )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _copy_metadata(fd: int, tmp: Path, like: Path) -> None:
    """Give the temporary file the mode (and, where permitted, owner) of ``like``."""
    try:
        st = like.stat()
    except FileNotFoundError:
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    if hasattr(os, "fchown"):
        with suppress(OSError):  # only root may give a file away; not an error otherwise
            os.fchown(fd, st.st_uid, st.st_gid)


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable where the OS allows opening a folder (not on Windows)."""
    if os.name == "nt":
        return
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _write_error(path: Path, exc: OSError) -> ConfigError:
    detail = exc.strerror or str(exc)
    if exc.errno in _DISK_FULL:
        fix = f"the disk is full ({detail}); free some space and run again"
    elif isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        fix = (
            f"permission denied ({detail}); make the file and its folder writable, "
            "or pass --config with a writable path"
        )
    elif exc.errno == errno.EROFS:
        fix = f"the file system is read-only ({detail}); pass --config with a writable path"
    else:
        fix = f"{detail}; check the path and the disk, then run again"
    return ConfigError(f"Cannot write {path}: {fix}. {path} was left unchanged")


# ------------------------------------------------------------------ an interrupted undo's copy
def swap_path(path: Path) -> Path:
    """Where ``undo`` keeps the version it replaces until that becomes the new backup."""
    return path.with_name(path.name + ".bak.swap")


@dataclass(frozen=True)
class SwapRecovery:
    """What was done with a ``.bak.swap`` an interrupted ``undo`` left: ``finished`` (the
    swap became the backup) or ``kept`` (the only copy of a version, moved to ``kept_as``)."""

    kind: Literal["finished", "kept"]
    message: str
    kept_as: Path | None = None


def recover_swap(path: Path, *, finish: bool) -> SwapRecovery | None:
    """Deal with ``<name>.bak.swap`` left by an interrupted ``undo``; a version is never lost.

    The swap holds the version undo replaced. It is removed only when that content is also in
    the config or the backup (or empty: undo stopped before copying). ``finish`` (undo itself):
    when the config already equals the backup, the restore happened and only the last rename
    is missing, so the swap becomes the backup. Otherwise the swap is the only copy of a version
    and is moved to ``<name>.bak.swap.<date-time>``, which nothing overwrites, and reported.
    None: there was no swap, or nothing needed saying. Call it under :func:`locked`.
    """
    swap = swap_path(path)
    held = read_bytes(swap)
    if held is None:
        return None
    current, backup = read_bytes(path), read_bytes(backup_path(path))
    try:
        if not held or held in (current, backup):  # that version is in another file too
            swap.unlink()
            return None
        if finish and current is not None and current == backup:
            os.replace(swap, backup_path(path))
            return SwapRecovery(
                "finished",
                f"Finished an interrupted undo: {path} was restored from the backup, "
                f"and {backup_path(path).name} now holds the version it replaced.",
            )
        kept = _free_name(swap)
        os.replace(swap, kept)
    except OSError as exc:
        raise ConfigError(
            f"Cannot recover {swap}, left by an interrupted undo ({exc.strerror or exc}): "
            f"it holds a version of {path.name}; copy it somewhere safe, then delete it"
        ) from exc
    return SwapRecovery(
        "kept",
        f"An interrupted undo had left a version of {path.name} that is in no other file: "
        f"it is kept as {kept} (compare it with {path.name} and copy back what you need).",
        kept,
    )


def _free_name(swap: Path) -> Path:
    import time

    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = swap.with_name(f"{swap.name}.{stamp}")
    count = 1
    while candidate.exists():
        count += 1
        candidate = swap.with_name(f"{swap.name}.{stamp}-{count}")
    return candidate


def lock_path(path: Path) -> Path:
    """The lock of a (symlink-resolved) file: in the user cache folder (``locks/``), keyed by
    the file's resolved path, so nothing is ever left beside the user's config."""
    from discovery_tui.settings import cache_dir

    target = path.resolve()
    key = os.path.normcase(str(target))  # one lock per file on case-insensitive Windows too
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return cache_dir() / "locks" / f"{target.name}.{digest}.lock"


def _effective_timeout(timeout: float) -> float:
    raw = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not raw:
        return timeout
    try:
        return min(timeout, max(0.0, float(raw)))
    except ValueError as exc:
        raise ConfigError(
            f"{LOCK_TIMEOUT_ENV}={raw!r} is not a number of seconds; set it to e.g. 5, or unset it"
        ) from exc


@contextmanager
def locked(path: Path, *, timeout: float = 30.0) -> Iterator[None]:
    """Hold a lock on ``path`` so two runs at once serialise; the second waits ``timeout`` s.

    ``$DISCOVERY_TUI_LOCK_TIMEOUT`` can shorten the wait. After the wait a :class:`ConfigError`
    explains which lock is held. Re-entrant within one thread; other threads and processes
    wait. The lock file stays in the cache folder, never beside ``path`` (see
    :func:`lock_path`); one empty file per config path. It is not removed after release: the
    lock is ``flock`` on POSIX, and a run already waiting on the file's inode would get the
    lock on a removed file while the next run creates and locks a new one (two holders); a
    safe removal needs every acquirer to re-check the inode after locking, which ``FileLock``
    does not offer (Windows' FileLock removes its file itself when nobody holds it).
    """
    from filelock import FileLock, Timeout

    lockfile = lock_path(path)
    try:
        lockfile.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the lock folder {lockfile.parent}: {exc.strerror or exc}; "
            "make it writable or set DISCOVERY_TUI_CACHE_DIR"
        ) from exc
    wait = _effective_timeout(timeout)
    lock = FileLock(str(lockfile), is_singleton=True)  # re-entrant within one process
    try:
        lock.acquire(timeout=wait)
    except Timeout as exc:
        raise ConfigError(
            f"Another discovery-tui run is updating {path} (lock {lockfile}): wait for it to "
            "finish, or delete the lock file if no run is active"
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"Cannot lock {path} (lock {lockfile}): {exc.strerror or exc}; "
            "make the folder writable or set DISCOVERY_TUI_CACHE_DIR"
        ) from exc
    try:
        yield
    finally:
        lock.release()
