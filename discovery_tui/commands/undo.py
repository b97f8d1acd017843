"""`discovery-tui undo`: put config.yaml.bak back, after showing what that changes.

The restore is itself undoable: the file it replaces becomes the new ``.bak``, so running
``undo`` twice returns to where you started. The swap runs under the config's lock and never
leaves a moment without both versions on disk:

1. the current content is written (atomically) to ``<name>.bak.swap``;
2. the backup's content replaces ``<name>`` (atomically, keeping its mode and a symlink);
3. ``<name>.bak.swap`` is renamed over ``<name>.bak``.

A crash after step 2 leaves the replaced version in ``.bak.swap``; the next ``undo`` finishes the
swap. A crash before it leaves the config as it was.
"""

from __future__ import annotations

import argparse
import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from discovery_tui.commands import Io
from discovery_tui.errors import EXIT_OK, ConfigError, UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="LiteLLM config.yaml (default: ./config.yaml)")
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile.yaml, for its config: path (default: user config folder)",
    )
    parser.add_argument("--yes", "-y", action="store_true", help="restore without asking")


def swap_path(path: Path) -> Path:
    """Where step 1 keeps the replaced version until it becomes the new backup."""
    return path.with_name(path.name + ".bak.swap")


def config_path(args: argparse.Namespace) -> Path:
    """The config refresh would write (see ``settings.resolve_config_path``)."""
    from discovery_tui.options import profile_path
    from discovery_tui.profile import Profile
    from discovery_tui.settings import resolve_config_path

    explicit: Path | None = args.config
    if explicit is not None:
        return explicit
    return resolve_config_path(None, profile_config=Profile.load(profile_path(args)).config)


@dataclass(frozen=True)
class UndoResult:
    """What undo did, in one line."""

    message: str
    exit_code: int = EXIT_OK


def run(args: argparse.Namespace, io: Io) -> UndoResult:
    from discovery_tui.fileio import backup_path, locked
    from discovery_tui.render.undo import show_diff

    path = config_path(args)
    backup = backup_path(path)
    with locked(path):
        if finish_interrupted_swap(path, backup):
            return UndoResult(
                f"Finished an interrupted undo: {path} was restored from the backup, "
                f"and {backup.name} now holds the version it replaced."
            )
        state = read_state(path, backup)
        if state.current == state.backup:
            return UndoResult(f"{path} is the same as {backup.name}: nothing to undo.")
        show_diff(diff_lines(state), state.backup_path.name, io.screen)
        if not confirmed(args, state, io):
            return UndoResult(f"Nothing restored: {path} stays as it is.")
        restore(state)
    return UndoResult(restored_message(state))


@dataclass(frozen=True)
class State:
    path: Path
    backup_path: Path
    current: str | None  # None: the config does not exist
    backup: str


def read_state(path: Path, backup: Path) -> State:
    """Both versions, as text (newlines as they are); the backup must be a usable config."""
    from discovery_tui.configfile import ConfigDocument

    backup_text = read_text(backup)
    if backup_text is None:
        raise ConfigError(
            f"No backup to restore: {backup} does not exist (refresh keeps the previous "
            f"version of {path.name} there when it writes)"
        )
    ConfigDocument.load(backup)  # a broken backup is named with its line, and not restored
    return State(path, backup, read_text(path), backup_text)


def read_text(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(
            f"Cannot read {path} ({exc.strerror or exc}): check its permissions"
        ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}): undo restores only text configs; "
            "compare and copy the files by hand"
        ) from exc


def diff_lines(state: State) -> list[str]:
    """A unified diff from the file as it is now to the version that comes back."""
    now = (state.current or "").splitlines(keepends=True)
    restored = state.backup.splitlines(keepends=True)
    lines = difflib.unified_diff(
        now,
        restored,
        fromfile=f"{state.path} (now)" if state.current is not None else f"{state.path} (missing)",
        tofile=f"{state.backup_path} (restored)",
    )
    return [line if line.endswith("\n") else line + "\n" for line in lines]


def confirmed(args: argparse.Namespace, state: State, io: Io) -> bool:
    if args.yes:
        return True
    from discovery_tui.options import is_interactive

    if not is_interactive():
        raise UsageError(
            f"undo needs a terminal to confirm: add --yes to restore {state.backup_path}"
        )
    return io.prompter.confirm(
        f"Restore {state.path} from {state.backup_path.name}? (undo again to go back)",
        default=False,
    )


def restore(state: State) -> None:
    """Swap the config and its backup (see the module's docstring for the order)."""
    from discovery_tui.fileio import atomic_write_text

    if state.current is None:
        atomic_write_text(state.path, state.backup)  # nothing to keep: the backup stays as is
        return
    swap = swap_path(state.path)
    prepare_private(swap, like=state.path)
    atomic_write_text(swap, state.current)
    try:
        atomic_write_text(state.path, state.backup)
    except ConfigError:
        swap.unlink(missing_ok=True)  # the config is unchanged: the copy is not needed
        raise
    replace(swap, state.backup_path)


def prepare_private(swap: Path, *, like: Path) -> None:
    """Create ``swap`` with the config's mode first, so the copy is never more readable."""
    try:
        mode = stat.S_IMODE(like.stat().st_mode)
        swap.unlink(missing_ok=True)
        fd = os.open(swap, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.chmod(swap, mode | stat.S_IWUSR)
    except OSError as exc:
        raise ConfigError(
            f"Cannot write {swap} ({exc.strerror or exc}): make the folder writable; "
            "nothing was restored"
        ) from exc


def replace(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError as exc:
        raise ConfigError(
            f"Restored {target.name.removesuffix('.bak')}, but could not move {source} to "
            f"{target} ({exc.strerror or exc}): the replaced version is in {source}"
        ) from exc


def finish_interrupted_swap(path: Path, backup: Path) -> bool:
    """A ``.bak.swap`` left by a crash: finish that undo (True), or drop a stale copy (False).

    After step 2 the config equals its backup: the restore happened, only step 3 is missing.
    Before it, the config was not touched and the copy is not needed.
    """
    swap = swap_path(path)
    if not swap.exists():
        return False
    if read_text(path) == read_text(backup):
        replace(swap, backup)
        return True
    swap.unlink(missing_ok=True)
    return False


def restored_message(state: State) -> str:
    if state.current is None:
        return f"Restored {state.path} from {state.backup_path.name}."
    return (
        f"Restored {state.path} from {state.backup_path.name}; the replaced version is now "
        f"{state.backup_path.name} (run `discovery-tui undo` again to go back)."
    )
