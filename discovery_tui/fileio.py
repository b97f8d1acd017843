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
from pathlib import Path

from discovery_tui.errors import ConfigError

LOCK_TIMEOUT_ENV = "DISCOVERY_TUI_LOCK_TIMEOUT"
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def backup_path(path: Path) -> Path:
    """Where ``atomic_write_text(path, ..., backup=True)`` keeps the previous content."""
    return path.with_name(path.name + ".bak")


def atomic_write_text(path: Path, text: str, *, backup: bool = False) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) atomically.

    A symlinked ``path`` writes through to its target, so the link is kept. The file's mode
    (and, where allowed, owner) is kept; a new file gets the usual mode (0o666 minus umask).
    ``backup=True`` first keeps the previous content as ``<name>.bak`` beside ``path``
    (itself written atomically). Any OS error becomes a :class:`ConfigError` naming the file
    and the fix; the original file is never damaged and the temporary file is removed.
    """
    target = path.resolve()
    _refuse_read_only(path, target)
    if backup and target.is_file():
        try:
            previous = target.read_bytes()
        except OSError as exc:
            raise _write_error(path, exc) from exc
        bak = backup_path(path)
        _atomic_write_bytes(bak.resolve(), previous, shown=bak, like=target)
    _atomic_write_bytes(target, text.encode("utf-8"), shown=path, like=target)


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


def _atomic_write_bytes(target: Path, data: bytes, *, shown: Path, like: Path) -> None:
    """Write ``data`` to a temporary file beside ``target``, fsync, and rename it over ``target``.

    The new file gets the mode of ``like`` (the config itself, also for its backup, so a
    private config never gets a world-readable ``.bak``).
    """
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
        os.replace(tmp, target)
    except OSError as exc:
        with suppress(OSError):
            tmp.unlink()
        raise _write_error(shown, exc) from exc
    _fsync_dir(target.parent)


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


def lock_path(path: Path) -> Path:
    """``<file>.lock`` beside the (symlink-resolved) file, or in the cache folder if read-only."""
    target = path.resolve()
    beside = target.with_name(target.name + ".lock")
    folder = target.parent
    if folder.is_dir() and os.access(folder, os.W_OK):
        return beside
    from discovery_tui.settings import cache_dir

    digest = hashlib.sha256(str(target).encode("utf-8")).hexdigest()[:16]
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
    wait. The lock file is left in place (removing it would race).
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
