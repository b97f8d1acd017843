"""`discovery-tui keys set|list|delete`: an in-memory keyring backend, never the user's keyring."""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from fake_upstream import memory_backend
from keyring.backends import fail

from discovery_tui.cli import main
from discovery_tui.providers import PROVIDERS

SECRET = "sk-or-v1-secret-value-1234"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for spec in PROVIDERS.values():
        if spec.key_env:
            monkeypatch.delenv(spec.key_env, raising=False)
    monkeypatch.delenv("DISCOVERY_TUI_NO_KEYRING", raising=False)
    monkeypatch.setenv("DISCOVERY_TUI_PROFILE", str(tmp_path / "profile.yaml"))


@pytest.fixture
def backend() -> Iterator[Any]:
    yield from memory_backend()


@pytest.fixture
def no_backend() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_set_from_stdin_stores_under_the_service(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["keys", "set", "openrouter", "--stdin"]) == 0
    assert backend.store == {("discovery-tui", "openrouter"): SECRET}
    out = capsys.readouterr()
    assert "Stored the OpenRouter key" in out.out
    assert SECRET not in out.out + out.err


def test_set_reads_the_key_through_the_password_prompt_on_a_terminal(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At a terminal the key is typed into the same masked prompt the wizard uses."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from discovery_tui.commands import Io
    from discovery_tui.prompt import Prompter
    from discovery_tui.render.console import Screen, make_console

    monkeypatch.setattr("sys.stdin", FakeTty())
    with create_pipe_input() as pipe:
        pipe.send_text("  xai-key-5678  \r")
        io_ = Io(
            Screen(make_console(), make_console(stderr=True)),
            Prompter(input=pipe, output=DummyOutput()),
        )
        monkeypatch.setattr(Io, "terminal", classmethod(lambda cls: io_))
        assert main(["keys", "set", "xAI"]) == 0
    assert backend.store[("discovery-tui", "xai")] == "xai-key-5678"
    assert "xai-key-5678" not in capsys.readouterr().out


def test_set_without_a_terminal_reads_standard_input(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["keys", "set", "OpenRouter"]) == 0
    assert backend.store == {("discovery-tui", "openrouter"): SECRET}
    out = capsys.readouterr()
    assert out.out == "Stored the OpenRouter key in the keyring (service discovery-tui).\n"
    assert SECRET not in out.out + out.err


@pytest.mark.parametrize("given", ["\n", "two words\n"])
def test_set_refuses_empty_or_broken_keys(
    given: str, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(given))
    assert main(["keys", "set", "openrouter", "--stdin"]) == 2
    assert backend.store == {}


def test_set_notes_that_the_environment_wins(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "from-env")
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET))
    assert main(["keys", "set", "openrouter", "--stdin"]) == 0
    assert "OPENROUTER_API_KEY is set in this environment" in capsys.readouterr().out


def test_list_shows_where_each_key_comes_from_without_values(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", "env-value-9999")
    backend.set_password("discovery-tui", "openrouter", SECRET)
    backend.set_password("discovery-tui", "xai", "keyring-value-4321")
    assert main(["keys", "list", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["keyring"] is True
    providers = data["providers"]
    assert providers["openrouter"] == {
        "variable": "OPENROUTER_API_KEY",
        "source": "env",
        "in_keyring": True,
    }
    assert providers["xai"]["source"] == "keyring"
    assert providers["gemini"]["source"] == "none"
    assert set(providers) == set(PROVIDERS)
    for value in ("env-value-9999", SECRET, "keyring-value-4321"):
        assert value not in out


def test_list_table(backend: Any, capsys: pytest.CaptureFixture[str]) -> None:
    backend.set_password("discovery-tui", "xai", "keyring-value-4321")
    assert main(["keys", "list"]) == 0
    out = capsys.readouterr().out
    assert "XAI_API_KEY" in out and "keyring" in out
    assert "keyring-value-4321" not in out


def test_delete(backend: Any, capsys: pytest.CaptureFixture[str]) -> None:
    backend.set_password("discovery-tui", "gemini", SECRET)
    assert main(["keys", "delete", "gemini"]) == 0
    assert backend.store == {}
    assert main(["keys", "delete", "gemini"]) == 1
    assert "nothing was deleted" in capsys.readouterr().err


def test_unknown_or_missing_provider_is_a_usage_error(
    backend: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "set", "nope", "--stdin"]) == 2
    assert "openrouter" in capsys.readouterr().err
    assert main(["keys", "delete"]) == 2


def test_a_mistyped_provider_gets_the_closest_one(
    backend: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "delete", "openrutr"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("discovery-tui: Unknown provider openrutr; did you mean openrouter? ")


def test_a_bare_keys_shows_its_own_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: discovery-tui keys [-h]")
    assert "{set,list,delete}" in err
    assert err.endswith("discovery-tui keys: the following arguments are required: action\n")


def test_a_mistyped_action_gets_the_closest_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["keys", "sett", "xai"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        "discovery-tui keys: sett is not one of set, list, delete; did you mean set?\n"
    )


def test_no_backend_names_the_variable_instead(
    no_backend: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET))
    assert main(["keys", "set", "openrouter", "--stdin"]) == 1
    err = capsys.readouterr().err
    assert "No keyring backend" in err and "OPENROUTER_API_KEY" in err
    assert main(["keys", "delete", "perplexity"]) == 1
    assert "PERPLEXITYAI_API_KEY" in capsys.readouterr().err
    assert main(["keys", "list"]) == 0
    assert "No keyring backend here" in capsys.readouterr().out


def test_keyring_turned_off_by_environment(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET))
    assert main(["keys", "set", "xai", "--stdin"]) == 1
    err = capsys.readouterr().err
    assert "DISCOVERY_TUI_NO_KEYRING" in err and "XAI_API_KEY" in err
    assert backend.store == {}


# --------------------------------------------------------------------- in a real terminal
KEYS_IN_A_PTY = """\
import sys
import keyring
sys.path.insert(0, sys.argv[1])
from fake_upstream import memory_keyring
backend = memory_keyring()
keyring.set_keyring(backend)
from discovery_tui.cli import main
code = main(["keys", "set", "xai"])
print("STORED", sorted(backend.store) == [("discovery-tui", "xai")], code)
"""


@pytest.mark.pty
@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals on Windows")
def test_typing_a_key_shows_asterisks_in_a_real_terminal(tmp_path: Any) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(
        PROMPT_TOOLKIT_NO_CPR="1",
        DISCOVERY_TUI_PROFILE=str(tmp_path / "profile.yaml"),
        TERM="xterm",
    )
    env.pop("DISCOVERY_TUI_NO_KEYRING", None)
    env.pop("CI", None)
    child = pexpect.spawn(
        sys.executable,
        ["-c", KEYS_IN_A_PTY, str(Path(__file__).parent)],
        env=env,
        encoding="utf-8",
        dimensions=(24, 80),
        timeout=30,
    )
    child.logfile_read = screen = io.StringIO()
    child.expect("xAI API key:")
    child.send("xai-typed-4242")
    child.expect(r"\*{14}")
    child.send("\r")
    child.expect("STORED True 0")
    child.expect(pexpect.EOF)
    assert "xai-typed-4242" not in screen.getvalue()


def test_the_key_variable_of_a_keyless_hyphenated_provider_follows_one_rule() -> None:
    """settings and keys name the same variable: ``ProviderSpec.key_variable`` (``-`` -> ``_``)."""
    from dataclasses import replace

    from discovery_tui.commands.keys import variable_of
    from discovery_tui.settings import missing_key_error

    spec = replace(PROVIDERS["xai"], name="my-server", key_env=None)

    assert variable_of(spec) == "MY_SERVER_API_KEY"
    assert str(missing_key_error(spec)) == (
        "No key for my-server: set MY_SERVER_API_KEY or run `discovery-tui keys set my-server`"
    )
