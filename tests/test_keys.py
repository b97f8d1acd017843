"""`discovery-tui keys set|list|delete`: an in-memory keyring backend, never the user's keyring."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from fake_upstream import memory_keyring
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
    previous = keyring.get_keyring()
    memory = memory_keyring()
    keyring.set_keyring(memory)
    try:
        yield memory
    finally:
        keyring.set_keyring(previous)


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


def test_set_reads_masked_input_on_a_terminal(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return "  xai-key-5678  "

    monkeypatch.setattr("sys.stdin", FakeTty())
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    assert main(["keys", "set", "xai"]) == 0
    assert prompts == ["xAI API key (input hidden): "]
    assert backend.store[("discovery-tui", "xai")] == "xai-key-5678"
    assert "xai-key-5678" not in capsys.readouterr().out


def test_set_without_a_terminal_asks_for_stdin(
    backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET))
    assert main(["keys", "set", "openrouter"]) == 2
    assert "--stdin" in capsys.readouterr().err
    assert backend.store == {}


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
