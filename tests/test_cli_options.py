"""The command line as a newcomer meets it: options before or after the command, provider
names in any case, the closest match for a typo, output to a pipe never wrapped, and no file
left beside the config by a run that changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import USER_CONFIG, Harness, serving_harness

from discovery_tui.cli import main, parse


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    yield from serving_harness(tmp_path, monkeypatch, capsys)


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


# --------------------------------------------------------------------------- before or after


@pytest.mark.parametrize("command", ["doctor", "launch", "undo", "refresh"])
def test_options_before_the_command_mean_the_same_as_after(command: str) -> None:
    before = parse(["--config", "x.yaml", "--profile", "p.yaml", command])
    after = parse([command, "--config", "x.yaml", "--profile", "p.yaml"])

    assert (before.command, before.config, before.profile) == (
        command,
        Path("x.yaml"),
        Path("p.yaml"),
    )
    assert vars(before) == vars(after)


def test_a_refresh_with_its_options_first_uses_them(h: Harness) -> None:
    run = h.main(
        ["--config", str(h.config), "--profile", str(h.profile), "--no-llm", "refresh", "--yes"]
    )

    assert run.code == 0, run.text
    assert len(h.blocks("xai")) == 2
    assert h.profile.exists()


def test_an_option_the_command_does_not_have_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "--no-llm", "doctor")
    assert err == (
        "discovery-tui doctor: unknown option --no-llm (see `discovery-tui doctor --help`)\n"
    )


# --------------------------------------------------------------------------- provider names


def test_provider_names_are_case_insensitive(h: Harness) -> None:
    run = h.refresh("--dry-run", "--json", providers=["XAI"])

    assert run.code == 0, run.text
    statuses = {name: p["status"] for name, p in run.json["providers"].items()}
    assert statuses["xai"] == "ok" and statuses["openrouter"] == "skipped"


def test_refresh_takes_the_provider_option_too(h: Harness) -> None:
    run = h.refresh("--dry-run", "--json", "--provider", "xAI", providers=[])

    assert run.code == 0, run.text
    assert run.json["providers"]["xai"]["status"] == "ok"
    assert run.json["providers"]["openrouter"]["status"] == "skipped"


def test_an_unknown_provider_gets_the_closest_one(h: Harness) -> None:
    run = h.refresh("--dry-run", providers=["xia"])

    assert run.code == 2
    [line] = run.err.splitlines()
    assert line.startswith("discovery-tui: Unknown provider xia; did you mean xai? (choose from ")
    assert h.server.requests == []


# --------------------------------------------------------------------------- typos


def test_a_mistyped_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert usage_error(capsys, "refrsh") == (
        "discovery-tui: refrsh is not a command; did you mean refresh? "
        "(commands: refresh, doctor, launch, keys, undo)\n"
    )


def test_a_mistyped_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert usage_error(capsys, "refresh", "--dryrun") == (
        "discovery-tui refresh: unknown option --dryrun; did you mean --dry-run? "
        "(see `discovery-tui refresh --help`)\n"
    )


def test_a_command_option_given_without_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert usage_error(capsys, "--dry-run") == (
        "discovery-tui: unknown option --dry-run; did you mean `refresh --dry-run`? "
        "(see `discovery-tui --help`)\n"
    )


# --------------------------------------------------------------------------- output


def test_output_to_a_pipe_is_never_wrapped(h: Harness, tmp_path: Path) -> None:
    deep = tmp_path / ("a-folder-with-a-long-name-" * 4) / "config.yaml"
    deep.parent.mkdir()
    deep.write_text(USER_CONFIG, encoding="utf-8")
    argv = ["refresh", "--config", str(deep), "--profile", str(h.profile), "--no-llm", "--yes"]

    run = h.subprocess(argv)

    assert run.code == 0, run.text
    written = f"Wrote {deep} (previous version kept as config.yaml.bak)."
    assert written in run.out.splitlines()
    assert len(written) > 150


def test_a_second_run_says_nothing_to_change_once(h: Harness) -> None:
    assert h.refresh("--yes", "--no-enrich").code == 0

    again = h.refresh("--yes", "--no-enrich")

    assert again.code == 0, again.text
    assert again.out == f"{h.config}: nothing to change; 2 providers checked, all current.\n"
    assert again.err == ""


# --------------------------------------------------------------------------- no litter


def test_dry_runs_and_runs_that_change_nothing_leave_no_file(h: Harness) -> None:
    folder = h.config.parent
    assert h.refresh("--dry-run").code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["config.yaml"]
    assert not h.profile.exists()

    assert h.refresh("--yes").code == 0
    profile = h.profile.read_bytes()
    stamp = h.profile.stat().st_mtime_ns
    assert h.refresh("--yes").code == 0

    assert sorted(p.name for p in folder.iterdir()) == ["config.yaml", "config.yaml.bak"]
    assert h.profile.read_bytes() == profile
    assert h.profile.stat().st_mtime_ns == stamp


def test_the_readme_demo_leaves_only_its_config(h: Harness, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "discovery_tui",
            "refresh",
            "--demo",
            "--yes",
            "--config",
            "demo-config.yaml",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in work.iterdir()) == ["demo-config.yaml"]
    lines = done.stdout.splitlines()
    assert len(lines) <= 40
    assert lines[-2:] == [
        "Wrote demo-config.yaml (a new file).",
        "Next, try the wizard on the same demo: discovery-tui --demo --config demo-config.yaml",
    ]


README = Path(__file__).resolve().parent.parent / "README.md"


def bash_blocks(text: str) -> list[str]:
    return [block.split("```", 1)[0].strip() for block in text.split("```bash\n")[1:]]


def test_readme_first_command_leaves_the_tool_on_path_and_ci_runs_its_test_command() -> None:
    first, tests = bash_blocks(README.read_text(encoding="utf-8"))[:2]

    assert first.startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert first.endswith(" && discovery-tui refresh --demo --yes --config demo-config.yaml")
    ci = README.parent / ".ci" / "run"
    if ci.exists():
        assert ci.read_text(encoding="utf-8").rstrip("\n").splitlines()[-1] == tests


# --------------------------------------------------------------------------- profile typos


def test_unknown_profile_keys_and_providers_are_warned(h: Harness) -> None:
    h.profile.write_text("launch_modle: grok\nproviders: [bogus, XAI, openroutr]\n")

    run = h.refresh("--dry-run")

    assert run.code == 0, run.text
    assert run.err.splitlines() == [
        f"discovery-tui: {h.profile}: unknown key launch_modle; did you mean launch_model? "
        "(it is ignored)",
        f"discovery-tui: {h.profile}: unknown provider bogus in providers (it is ignored)",
        f"discovery-tui: {h.profile}: unknown provider openroutr in providers; "
        "did you mean openrouter? (it is ignored)",
    ]
