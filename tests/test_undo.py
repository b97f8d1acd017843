"""`discovery-tui undo`: restore config.yaml.bak after showing the diff; itself undoable."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from cli_harness import USER_CONFIG, Harness, harness_for

from discovery_tui.commands import undo
from discovery_tui.errors import EXIT_INTERRUPTED
from discovery_tui.fileio import locked

OLD = (
    "model_list:\n  - model_name: old-model   # my comment\n"
    "    litellm_params:\n      model: openai/old\n"
)
NEW = "model_list:\n  - model_name: new-model\n    litellm_params:\n      model: openai/new\n"


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        yield harness


def bak(h: Harness) -> Path:
    return h.config.with_name("config.yaml.bak")


def both(h: Harness, *, config: str | None, backup: str | None) -> None:
    for path, text in ((h.config, config), (bak(h), backup)):
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(text.encode("utf-8"))


def undo_argv(h: Harness, *args: str) -> list[str]:
    return ["undo", "--config", str(h.config), *args]


def files(h: Harness) -> dict[str, bytes]:
    folder = h.config.parent
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "config.yaml.lock"}


# --- the swap ------------------------------------------------------------------------------


def test_undo_restores_the_backup_and_keeps_the_replaced_version(h: Harness) -> None:
    both(h, config=NEW, backup=OLD)

    run = h.main(undo_argv(h, "--yes", "--diff"))

    assert run.code == 0, run.text
    assert h.text() == OLD
    assert bak(h).read_text(encoding="utf-8") == NEW
    assert f"--- {h.config} (now)" in run.out
    assert f"+++ {bak(h)} (restored)" in run.out
    assert "-  - model_name: new-model" in run.out
    assert "+  - model_name: old-model   # my comment" in run.out
    assert "undo again" in run.out or "undo` again" in run.out
    assert run.err == ""
    assert not undo.swap_path(h.config).exists()


def test_undo_twice_returns_to_where_it_started(h: Harness) -> None:
    both(h, config=NEW, backup=OLD)

    assert h.main(undo_argv(h, "--yes")).code == 0
    assert h.main(undo_argv(h, "--yes")).code == 0

    assert h.text() == NEW
    assert bak(h).read_text(encoding="utf-8") == OLD


def test_undo_after_a_real_refresh_gives_back_the_users_file(h: Harness) -> None:
    h.write_user_config()
    h.serve()
    assert h.refresh("--yes").code == 0
    refreshed = h.config.read_bytes()

    run = h.main(undo_argv(h, "--yes", "--details"))

    assert run.code == 0, run.text
    assert h.text() == USER_CONFIG
    assert bak(h).read_bytes() == refreshed
    assert "-  - model_name: openrouter/anthropic/claude-sonnet-4.5" in run.out


def test_crlf_newlines_and_non_ascii_text_are_restored_byte_for_byte(h: Harness) -> None:
    old = "# café ☕\r\nmodel_list: []\r\n"
    both(h, config=NEW, backup=old)

    assert h.main(undo_argv(h, "--yes")).code == 0

    assert h.config.read_bytes() == old.encode("utf-8")


def test_the_file_mode_is_kept_on_both_files(h: Harness) -> None:
    both(h, config=NEW, backup=OLD)
    os.chmod(h.config, 0o600)
    os.chmod(bak(h), 0o600)

    assert h.main(undo_argv(h, "--yes")).code == 0

    assert stat.S_IMODE(h.config.stat().st_mode) == 0o600
    assert stat.S_IMODE(bak(h).stat().st_mode) == 0o600


def test_a_symlinked_config_stays_a_link(h: Harness, tmp_path: Path) -> None:
    real = tmp_path / "real" / "litellm.yaml"
    real.parent.mkdir()
    real.write_text(NEW, encoding="utf-8")
    h.config.symlink_to(real)
    bak(h).write_text(OLD, encoding="utf-8")

    assert h.main(undo_argv(h, "--yes")).code == 0

    assert h.config.is_symlink()
    assert real.read_text(encoding="utf-8") == OLD
    assert bak(h).read_text(encoding="utf-8") == NEW


def test_a_missing_config_is_restored_from_the_backup(h: Harness) -> None:
    both(h, config=None, backup=OLD)

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 0, run.text
    assert h.text() == OLD
    assert bak(h).read_text(encoding="utf-8") == OLD


# --- nothing to do, nothing allowed --------------------------------------------------------


def test_no_backup_exits_1_with_a_clear_message(h: Harness) -> None:
    both(h, config=NEW, backup=None)

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 1
    [line] = run.err.splitlines()
    assert "No backup to restore" in line and str(bak(h)) in line
    assert h.text() == NEW


def test_no_backup_and_entries_of_the_user_name_them_and_move_nothing(h: Harness) -> None:
    both(h, config=NEW, backup=None)

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 1
    assert run.err.splitlines() == [
        f"discovery-tui: No backup to restore: {bak(h)} does not exist (refresh keeps the "
        "previous version of config.yaml there when it writes); config.yaml holds entries "
        "discovery-tui did not write (new-model), so undo leaves it where it is"
    ]
    assert h.text() == NEW and not bak(h).exists()


# --- a config discovery-tui created ---------------------------------------------------------


def test_a_created_config_is_moved_aside_and_undo_again_brings_it_back(h: Harness) -> None:
    h.serve()
    assert not h.config.exists()
    assert h.refresh("--yes").code == 0  # creates config.yaml: no backup
    created = h.config.read_bytes()

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 0, run.text
    assert not h.config.exists()
    assert bak(h).read_bytes() == created
    lines = run.out.splitlines()
    assert lines[0] == (
        f"{h.config} has no backup: discovery-tui created it (there was no file before)."
    )
    assert lines[1].startswith("  entries it wrote: 5: openrouter/")
    assert lines[2:] == [
        "undo can move it aside to config.yaml.bak; `discovery-tui undo` again brings it back.",
        "",
        f"Moved {h.config} aside to config.yaml.bak (run `discovery-tui undo` again to bring "
        "it back).",
    ]

    again = h.main(undo_argv(h, "--yes"))

    assert again.code == 0, again.text
    assert h.config.read_bytes() == created
    assert bak(h).read_bytes() == created  # as after any restore: both hold that version


@pytest.mark.parametrize(("answer", "moved"), [(True, True), (False, False)])
def test_moving_a_created_config_aside_asks_first_defaulting_to_no(
    h: Harness, terminal: type[FakePrompter], answer: bool, moved: bool
) -> None:
    h.serve()
    assert h.refresh("--yes").code == 0
    created = h.config.read_bytes()
    terminal.answers = [answer]

    run = h.main(undo_argv(h))

    assert run.code == 0, run.text
    assert terminal.asked == [
        (f"Move {h.config} aside to config.yaml.bak? (undo again to bring it back)", False)
    ]
    assert h.config.exists() is not moved
    assert bak(h).exists() is moved
    assert (bak(h) if moved else h.config).read_bytes() == created
    if not moved:
        assert run.out.splitlines()[-1] == f"Nothing moved: {h.config} stays as it is."


def test_moving_a_created_config_aside_needs_yes_without_a_terminal(h: Harness) -> None:
    h.serve()
    assert h.refresh("--yes").code == 0

    run = h.main(undo_argv(h))

    assert run.code == 2
    assert f"add --yes to move {h.config} aside" in run.err
    assert h.config.exists() and not bak(h).exists()


def test_identical_files_say_so_and_exit_0(h: Harness) -> None:
    both(h, config=OLD, backup=OLD)
    before = files(h)

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 0
    assert "nothing to undo" in run.out
    assert files(h) == before


def test_without_a_terminal_and_without_yes_it_shows_the_summary_and_exits_2(
    h: Harness,
) -> None:
    both(h, config=NEW, backup=OLD)
    before = files(h)

    run = h.main(undo_argv(h))

    assert run.code == 2
    [line] = run.err.splitlines()
    assert "--yes" in line
    assert "  entries back: 1: old-model" in run.out  # what --yes would restore
    assert "+  - model_name: old-model" not in run.out  # the raw diff only with --diff
    assert files(h) == before


def test_a_real_process_without_a_terminal_exits_2(h: Harness) -> None:
    both(h, config=NEW, backup=OLD)

    run = h.subprocess(undo_argv(h))

    assert run.code == 2
    assert "--yes" in run.err
    assert h.text() == NEW


def test_a_broken_backup_is_not_restored(h: Harness) -> None:
    both(h, config=NEW, backup="model_list: [\n  - oops: {\n")
    before = files(h)

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 1
    [line] = run.err.splitlines()
    assert "config.yaml.bak" in line and "line" in line
    assert files(h) == before


def test_a_held_lock_makes_undo_wait_then_explain(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    both(h, config=NEW, backup=OLD)
    monkeypatch.setenv("DISCOVERY_TUI_LOCK_TIMEOUT", "0.2")

    with locked(h.config):
        run = h.subprocess(undo_argv(h, "--yes"))

    assert run.code == 1
    [line] = run.err.splitlines()
    assert "Another discovery-tui run" in line
    assert h.text() == NEW


# --- on a terminal -------------------------------------------------------------------------


class FakePrompter:
    answers: ClassVar[list[bool | None]] = []
    asked: ClassVar[list[tuple[str, bool]]] = []

    def confirm(self, message: str, *, default: bool = True) -> bool:
        FakePrompter.asked.append((message, default))
        answer = FakePrompter.answers.pop(0)
        if answer is None:
            from discovery_tui.errors import Cancelled

            raise Cancelled("interrupted; nothing was written")
        return answer


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> type[FakePrompter]:
    import discovery_tui.prompt

    monkeypatch.setattr("discovery_tui.options.is_interactive", lambda: True)
    monkeypatch.setattr(discovery_tui.prompt, "Prompter", FakePrompter)
    FakePrompter.answers = []
    FakePrompter.asked = []
    return FakePrompter


@pytest.mark.parametrize(("answer", "restored"), [(True, True), (False, False)])
def test_on_a_terminal_it_asks_first_defaulting_to_no(
    h: Harness, terminal: type[FakePrompter], answer: bool, restored: bool
) -> None:
    both(h, config=NEW, backup=OLD)
    terminal.answers = [answer]

    run = h.main(undo_argv(h))

    assert run.code == 0
    [(message, default)] = terminal.asked
    assert "config.yaml.bak" in message and default is False
    assert h.text() == (OLD if restored else NEW)
    assert ("Nothing restored" in run.out) is not restored


def test_ctrl_c_at_the_question_restores_nothing(h: Harness, terminal: type[FakePrompter]) -> None:
    both(h, config=NEW, backup=OLD)
    terminal.answers = [None]

    run = h.main(undo_argv(h))

    assert run.code == EXIT_INTERRUPTED
    assert h.text() == NEW
    assert bak(h).read_text(encoding="utf-8") == OLD


# --- crashes in the middle of the swap -----------------------------------------------------


def test_an_undo_interrupted_after_the_restore_is_finished_by_the_next(h: Harness) -> None:
    both(h, config=OLD, backup=OLD)  # step 2 done: the config is the backup
    undo.swap_path(h.config).write_text(NEW, encoding="utf-8")  # step 3 missing

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 0, run.text
    assert "Finished an interrupted undo" in run.out
    assert h.text() == OLD
    assert bak(h).read_text(encoding="utf-8") == NEW
    assert not undo.swap_path(h.config).exists()


def test_an_undo_interrupted_before_the_restore_starts_over(h: Harness) -> None:
    both(h, config=NEW, backup=OLD)
    undo.swap_path(h.config).write_text(NEW, encoding="utf-8")  # only step 1 happened

    assert h.main(undo_argv(h, "--yes")).code == 0

    assert h.text() == OLD
    assert bak(h).read_text(encoding="utf-8") == NEW
    assert not undo.swap_path(h.config).exists()


def test_a_failed_restore_leaves_both_files_and_no_copy(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    both(h, config=NEW, backup=OLD)
    from discovery_tui import fileio
    from discovery_tui.errors import ConfigError

    real = fileio.atomic_write_text

    def fail_on_config(path: Path, text: str, *, backup: bool = False) -> None:
        if path == h.config:
            raise ConfigError(f"Cannot write {path}: the disk is full")
        real(path, text, backup=backup)

    monkeypatch.setattr(fileio, "atomic_write_text", fail_on_config)

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 1
    assert "disk is full" in run.err
    assert h.text() == NEW
    assert bak(h).read_text(encoding="utf-8") == OLD
    assert not undo.swap_path(h.config).exists()


# --- where the config is -------------------------------------------------------------------


def test_without_config_it_uses_the_profiles_config_path(h: Harness) -> None:
    both(h, config=NEW, backup=OLD)
    h.profile.write_text(f"config: {h.config}\n", encoding="utf-8")

    run = h.main(["undo", "--profile", str(h.profile), "--yes"])

    assert run.code == 0, run.text
    assert h.text() == OLD


# --- the summary by name -------------------------------------------------------------------


def test_the_summary_names_entries_and_aliases_before_the_diff(h: Harness) -> None:
    before = (
        "model_list:\n"
        "  - model_name: kept\n    litellm_params: {model: openai/kept}\n"
        "  - model_name: changed\n    litellm_params: {model: openai/a}\n"
        "  - model_name: old-model\n    litellm_params: {model: openai/old}\n"
        "router_settings:\n  model_group_alias: {gpt: old-model, claude: kept}\n"
    )
    after = (
        "model_list:\n"
        "  - model_name: kept\n    litellm_params: {model: openai/kept}\n"
        "  - model_name: changed\n    litellm_params: {model: openai/b}\n"
        "  - model_name: new-model\n    litellm_params: {model: openai/new}\n"
        "router_settings:\n  model_group_alias: {gpt: new-model, claude: kept, fast: kept}\n"
    )
    both(h, config=after, backup=before)

    run = h.main(undo_argv(h, "--yes"))

    assert run.code == 0
    summary = [
        "undo brings back config.yaml.bak:",
        "  entries back: 1: old-model",
        "  entries gone: 1: new-model",
        "  entries changed: 1: changed",
        "  alias gpt: new-model -> old-model",
        "  alias fast: kept -> (none)",
    ]
    assert run.out.splitlines() == [  # the summary only, as the preview gives one
        *summary,
        "(`discovery-tui undo --diff` shows the line diff)",
        f"Restored {h.config} from config.yaml.bak; the replaced version is now "
        "config.yaml.bak (run `discovery-tui undo` again to go back).",
    ]
    assert h.text() == before

    again = h.main(undo_argv(h, "--yes", "--diff"))  # back to ``after``, with the line diff
    assert again.code == 0
    out = again.out.splitlines()
    assert out[: out.index("")] == [
        "undo brings back config.yaml.bak:",
        "  entries back: 1: new-model",
        "  entries gone: 1: old-model",
        "  entries changed: 1: changed",
        "  alias gpt: old-model -> new-model",
        "  alias fast: (none) -> kept",
    ]
    assert out[out.index("") + 1 :] == [
        f"--- {h.config} (now)",
        f"+++ {bak(h)} (restored)",
        "@@ -2,8 +2,8 @@",
        "   - model_name: kept",
        "     litellm_params: {model: openai/kept}",
        "   - model_name: changed",
        "-    litellm_params: {model: openai/a}",
        "-  - model_name: old-model",
        "-    litellm_params: {model: openai/old}",
        "+    litellm_params: {model: openai/b}",
        "+  - model_name: new-model",
        "+    litellm_params: {model: openai/new}",
        " router_settings:",
        "-  model_group_alias: {gpt: old-model, claude: kept}",
        "+  model_group_alias: {gpt: new-model, claude: kept, fast: kept}",
        "undo: 4 lines go, 4 lines come back from config.yaml.bak.",
        f"Restored {h.config} from config.yaml.bak; the replaced version is now "
        "config.yaml.bak (run `discovery-tui undo` again to go back).",
    ]
    assert h.text() == after
