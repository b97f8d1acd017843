"""`discovery-tui undo`: put config.yaml.bak back, after showing what that changes.

The restore is itself undoable: the file it replaces becomes the new ``.bak``, so running
``undo`` twice returns to where you started. The swap runs under the config's lock and never
leaves a moment without both versions on disk:

1. the current content is written (atomically) to ``<name>.bak.swap``;
2. the backup's content replaces ``<name>`` (atomically, keeping its mode and a symlink);
3. ``<name>.bak.swap`` is renamed over ``<name>.bak``.

A crash after step 2 leaves the replaced version in ``.bak.swap``; the next ``undo`` finishes the
swap. A crash before it leaves the config as it was. A swap that is the only copy of a version
(say a refresh wrote in between) is never deleted: it is moved aside and reported
(:func:`discovery_tui.fileio.recover_swap`).
"""

from __future__ import annotations

import argparse
import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui.commands import Io
from discovery_tui.errors import EXIT_OK, ConfigError, UsageError

if TYPE_CHECKING:
    from discovery_tui.fileio import SwapRecovery


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="LiteLLM config.yaml (default: ./config.yaml)")
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile.yaml, for its config: path (default: user config folder)",
    )
    parser.add_argument("--yes", "-y", action="store_true", help="restore without asking")
    parser.add_argument(
        "--diff",
        "--details",
        dest="diff",
        action="store_true",
        help="also show the line diff from the file as it is to the version that comes back",
    )


def swap_path(path: Path) -> Path:
    """Where step 1 keeps the replaced version until it becomes the new backup."""
    from discovery_tui.fileio import swap_path as path_of_swap

    return path_of_swap(path)


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

    path = config_path(args)
    backup = backup_path(path)
    with locked(path):
        recovered = finish_interrupted_swap(path)
        if recovered is not None and recovered.kind == "finished":
            return UndoResult(recovered.message)
        try:
            result = _undo(args, io, path, backup)
        except ConfigError as exc:
            if recovered is None:
                raise
            raise ConfigError(f"{recovered.message} {exc}") from exc
    if recovered is None:
        return result
    return UndoResult(f"{recovered.message}\n{result.message}", result.exit_code)


def _undo(args: argparse.Namespace, io: Io, path: Path, backup: Path) -> UndoResult:
    """Show what the restore changes, ask, and swap (under the lock, held by :func:`run`)."""
    from discovery_tui.render.undo import show_summary

    if not backup.exists() and path.exists():
        return move_created_aside(args, io, path, backup)
    state = read_state(path, backup)
    if state.current == state.backup:
        return UndoResult(f"{path} is the same as {backup.name}: nothing to undo.")
    diff = diff_lines(state) if getattr(args, "diff", False) else None
    show_summary(summarize(state), diff, state.backup_path.name, io.screen)
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
        raise ConfigError(no_backup_message(path, backup, []))
    ConfigDocument.load(backup)  # a broken backup is named with its line, and not restored
    return State(path, backup, read_text(path), backup_text)


def read_text(path: Path) -> str | None:
    from discovery_tui.yamlio import read_bytes

    raw = read_bytes(path)
    if raw is None:
        return None
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


@dataclass(frozen=True)
class UndoSummary:
    """What a restore changes, by name: entries that come back, go, or change, aliases moved."""

    back: tuple[str, ...]
    gone: tuple[str, ...]
    changed: tuple[str, ...]
    aliases: tuple[tuple[str, str | None, str | None], ...]  # (alias, now, after the restore)


def summarize(state: State) -> UndoSummary:
    """Compare the entries (by model_name) and aliases of the file now and of the backup."""
    now_entries, now_aliases = entries_and_aliases(state.path, state.current)
    old_entries, old_aliases = entries_and_aliases(state.backup_path, state.backup)
    moved = tuple(
        (alias, now_aliases.get(alias), old_aliases.get(alias))
        for alias in [*now_aliases, *(a for a in old_aliases if a not in now_aliases)]
        if now_aliases.get(alias) != old_aliases.get(alias)
    )
    return UndoSummary(
        back=tuple(n for n in old_entries if n not in now_entries),
        gone=tuple(n for n in now_entries if n not in old_entries),
        changed=tuple(
            n for n in old_entries if n in now_entries and old_entries[n] != now_entries[n]
        ),
        aliases=moved,
    )


def entries_and_aliases(path: Path, text: str | None) -> tuple[dict[str, object], dict[str, str]]:
    """model_name -> its entries (plain data), and alias -> target, of one version's text."""
    from discovery_tui.configfile import ConfigDocument

    if text is None:
        return {}, {}
    try:
        document = ConfigDocument.load(path)  # the backup was checked; the current may be broken
    except ConfigError:
        return {}, {}
    entries: dict[str, list[object]] = {}
    for item in document.section("model_list") or []:
        if isinstance(item, dict):
            entries.setdefault(str(item.get("model_name")), []).append(item)
    return dict(entries), document.aliases()


def confirmed(args: argparse.Namespace, state: State, io: Io) -> bool:
    return ask(
        args,
        io,
        f"Restore {state.path} from {state.backup_path.name}? (undo again to go back)",
        fix=f"add --yes to restore {state.backup_path}",
    )


def restore(state: State) -> None:
    """Swap the config and its backup (see the module's docstring for the order)."""
    from discovery_tui.fileio import atomic_write_text

    if state.current is None:
        atomic_write_text(state.path, state.backup)  # nothing to keep: the backup stays as is
        return
    swap = swap_path(state.path)  # absent: run() recovered any leftover under the lock
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


def finish_interrupted_swap(path: Path) -> SwapRecovery | None:
    """A ``.bak.swap`` left by a crash: finish that undo, drop a copy that another file holds
    too, or move the only copy of a version aside and say so; never delete it.

    After step 2 the config equals its backup: the restore happened, only step 3 is missing.
    Before it, the config was not touched and the copy is not needed.
    """
    from discovery_tui.fileio import recover_swap

    return recover_swap(path, finish=True)


def restored_message(state: State) -> str:
    if state.current is None:
        return f"Restored {state.path} from {state.backup_path.name}."
    return (
        f"Restored {state.path} from {state.backup_path.name}; the replaced version is now "
        f"{state.backup_path.name} (run `discovery-tui undo` again to go back)."
    )


# --------------------------------------------------------------------------- a file it created


def move_created_aside(args: argparse.Namespace, io: Io, path: Path, backup: Path) -> UndoResult:
    """No backup because discovery-tui created the file (there was none before): undo moves it
    aside to the backup's name, so ``undo`` again brings it back. A file that also holds
    entries discovery-tui did not write is left where it is."""
    from discovery_tui.render.undo import created_lines

    names, foreign = created_entries(path)
    if foreign or not names:
        raise ConfigError(no_backup_message(path, backup, foreign))
    for line in created_lines(path, backup.name, names):
        io.screen.line(line)
    question = f"Move {path} aside to {backup.name}? (undo again to bring it back)"
    if not ask(args, io, question, fix=f"add --yes to move {path} aside"):
        return UndoResult(f"Nothing moved: {path} stays as it is.")
    if path.is_symlink():
        raise ConfigError(
            f"{path} is a link: undo does not move links; remove the link by hand to undo"
        )
    try:
        os.replace(path, backup)
    except OSError as exc:
        raise ConfigError(
            f"Cannot move {path} to {backup} ({exc.strerror or exc}): make the folder "
            "writable; nothing was moved"
        ) from exc
    return UndoResult(
        f"Moved {path} aside to {backup.name} (run `discovery-tui undo` again to bring it back)."
    )


def created_entries(path: Path) -> tuple[list[str], list[str]]:
    """(entries discovery-tui wrote, entries it did not write) of the config, by model_name."""
    from discovery_tui.configfile import ConfigDocument

    state = ConfigDocument.load(path).state()
    foreign = [name for name in state.model_names if None in state.holders.get(name, {None})]
    mine = [name for name in state.model_names if name not in foreign]
    return mine, foreign


def no_backup_message(path: Path, backup: Path, foreign: list[str]) -> str:
    message = (
        f"No backup to restore: {backup} does not exist (refresh keeps the previous version of "
        f"{path.name} there when it writes)"
    )
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        message += f"; {path.name} holds entries discovery-tui did not write ({shown}), so undo "
        message += "leaves it where it is"
    return message


def ask(args: argparse.Namespace, io: Io, question: str, *, fix: str) -> bool:
    """``--yes``, or the question on a terminal (default no); without a terminal: exit 2."""
    if args.yes:
        return True
    from discovery_tui.options import is_interactive

    if not is_interactive():
        raise UsageError(f"undo needs a terminal to confirm: {fix}")
    return io.prompter.confirm(question, default=False)
