"""No key ever leaves memory: every command, with recognisable fake keys in the environment.

Keys: ``sk-or-SECRET-openrouter-1234`` (OpenRouter), ``xai-SECRET-5678`` (xAI),
``sk-judge-SECRET-9`` (the judge) and a proxy master key. Every command that exists runs:
`refresh` (plain, ``--json``, ``--dry-run``, with the judge, with failures whose answers echo the
key, with ``DISCOVERY_TUI_DEBUG=1``), the wizard (without a terminal, and driven through its
prompts with a key typed in), `doctor` against a proxy whose errors echo a key, `launch
--print-env`, `keys list`, `undo`. Then stdout, stderr, the JSON and every file under the test's
folder (config, .bak, profile, cache, lock files, logs) are searched for the key values.
The master key is the one value meant to be printed: by `launch --print-env`, for Claude Code.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_harness import (
    JUDGE_KEY,
    MASTER_KEY,
    OPENROUTER_KEY,
    SECRETS,
    XAI_KEY,
    Harness,
    Result,
    harness_for,
)
from fake_judge import FakeJudge, error_body, pick_index
from fake_judge import Reply as JudgeReply
from fake_provider import Reply
from fake_upstream import FakeProxy, Recorded, _Handler, _model_of, proxy_from_config

PROVIDER_SECRETS = (OPENROUTER_KEY, XAI_KEY, JUDGE_KEY)
ECHO = f"Incorrect API key provided: {XAI_KEY} ({OPENROUTER_KEY}, {JUDGE_KEY}, {MASTER_KEY})"
# What a LiteLLM proxy may echo: the keys it holds (the provider keys) and its own master key.
PROXY_ECHO = f"Incorrect API key provided: {XAI_KEY} ({OPENROUTER_KEY}); master key {MASTER_KEY}"


class Seen:
    """Everything the commands printed, by label, to be searched at the end."""

    def __init__(self) -> None:
        self.outputs: dict[str, str] = {}

    def add(self, label: str, result: Result) -> Result:
        self.outputs[f"{label} (stdout)"] = result.out
        self.outputs[f"{label} (stderr)"] = result.err
        return result

    def assert_clean(
        self, folder: Path, *, allowed: dict[str, tuple[str, ...]] | None = None
    ) -> None:
        allowed = allowed or {}
        for label, text in self.outputs.items():
            for secret in SECRETS:
                if secret in text and secret not in allowed.get(label, ()):
                    pytest.fail(f"{secret!r} found in {label}:\n{text}")
        assert_no_secret_in_files(folder)


def assert_no_secret_in_files(folder: Path) -> None:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    assert files, folder
    for path in files:
        data = path.read_bytes()
        for secret in SECRETS:
            assert secret.encode() not in data, f"{secret!r} found in the file {path}"


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        monkeypatch.setenv("LITELLM_MASTER_KEY", MASTER_KEY)
        monkeypatch.setenv("DISCOVERY_TUI_JUDGE_API_KEY", JUDGE_KEY)
        monkeypatch.chdir(tmp_path)  # a file written "here" by mistake is scanned too
        harness.write_user_config()
        harness.serve()
        yield harness


def with_judge(h: Harness, judge: FakeJudge, *args: str) -> list[str]:
    argv = h.argv(*args)
    argv.remove("--no-llm")
    return [*argv, "--judge-base-url", judge.url, "--judge-model", "fake-judge"]


def echoing_judge(body: dict[str, Any]) -> JudgeReply:
    return JudgeReply(status=403, raw=error_body(403, ECHO))


# --- refresh ------------------------------------------------------------------------------


def test_refresh_never_shows_a_key(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Seen()
    with FakeJudge(pick_index()) as judge:
        run = seen.add("refresh with the judge", h.main(with_judge(h, judge, "--yes")))
        assert run.code == 0, run.text
        assert judge.recorded(), "the judge was asked"
        for request in judge.recorded():
            headers = {name.lower(): value for name, value in request.headers.items()}
            assert headers["authorization"] == f"Bearer {JUDGE_KEY}"
    with FakeJudge(echoing_judge) as judge:
        argv = with_judge(h, judge, "--yes", "--json", "--refresh-judge")
        run = seen.add("refresh, the judge echoing keys", h.main(argv))
        assert run.code == 0, run.text
        assert "403" in run.out  # the judge's failure is noted in the reasons
    seen.add("refresh --json", h.refresh("--yes", "--json"))
    seen.add("refresh --dry-run", h.refresh("--dry-run"))
    seen.add("refresh --dry-run --json", h.refresh("--dry-run", "--json"))

    h.serve(
        openrouter=[Reply(401, json={"error": {"message": ECHO}})],
        xai=[Reply(403, json={"error": ECHO}, headers={"X-Echo": XAI_KEY})],
    )
    failed = seen.add("refresh, providers echoing keys", h.refresh("--yes", "--json"))
    assert failed.code == 3
    seen.add("refresh, providers echoing keys, table", h.refresh("--yes"))

    seen.assert_clean(h.tmp)


def test_debug_tracebacks_never_show_a_key(h: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = Seen()
    monkeypatch.setenv("DISCOVERY_TUI_DEBUG", "1")
    h.serve(xai=[Reply(401, json={"error": ECHO})])
    failing = seen.add("debug, a provider failing", h.subprocess(h.argv("--yes", "--json")))
    assert failing.code == 3, failing.text
    unknown = h.subprocess(h.argv("--yes", providers=["openrouter", "xai", "nosuch"]))
    seen.add("debug, a usage error", unknown)
    assert "Traceback" in unknown.err  # DISCOVERY_TUI_DEBUG shows the traceback
    h.config.write_text("model_list: [\n", encoding="utf-8")
    broken = seen.add("debug, a broken config", h.subprocess(h.argv("--yes")))
    assert "Traceback" in broken.err

    seen.assert_clean(h.tmp)


def test_a_key_in_the_api_base_variable_is_not_written(h: Harness) -> None:
    """Keys belong in key variables; the entries written reference them, never a value."""
    assert h.refresh("--yes").code == 0
    text = h.text()
    assert "api_key: os.environ/OPENROUTER_API_KEY" in text
    assert "api_key: os.environ/XAI_API_KEY" in text
    assert_no_secret_in_files(h.tmp)


# --- the wizard ---------------------------------------------------------------------------


def test_the_wizard_without_a_terminal_names_the_flags_and_no_key(h: Harness) -> None:
    run = h.main(["--config", str(h.config), "--profile", str(h.profile), "--no-llm"])

    assert run.code == 2
    assert "refresh --yes" in run.err
    assert_no_secret_in_files(h.tmp)
    for secret in SECRETS:
        assert secret not in run.text


def test_a_key_typed_into_the_wizard_is_never_shown_or_written(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from fake_upstream import memory_keyring
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput
    from rich.console import Console

    from discovery_tui.cli import build_parser
    from discovery_tui.commands.wizard import run_wizard
    from discovery_tui.prompt import Prompter

    backend = memory_keyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("DISCOVERY_TUI_NO_KEYRING")
    monkeypatch.delenv("XAI_API_KEY")
    enter = "\r"
    # the providers, "enter the key now", the key, apply, the launch model
    typed = enter + enter + XAI_KEY + enter + enter + enter
    paths = ["--config", str(h.config), "--profile", str(h.profile)]
    preselect = ["--provider", "openrouter", "--provider", "xai"]
    args = build_parser().parse_args(["--no-llm", *paths, *preselect])
    screen = io.StringIO()
    console = Console(file=screen, width=100, no_color=True, force_terminal=False)
    try:
        with create_pipe_input() as pipe:
            pipe.send_text(typed)
            pipe.close()
            code = run_wizard(
                args, prompter=Prompter(input=pipe, output=DummyOutput()), console=console
            )
        assert code == 0, screen.getvalue()
        assert backend.store == {("discovery-tui", "xai"): XAI_KEY}
        assert len(h.blocks("xai")) == 2  # fetched with the typed key
        listed = h.main(["keys", "list", "--json", "--profile", str(h.profile)])
        again = h.refresh("--yes", "--json")  # the key now comes from the keyring
    finally:
        keyring.set_keyring(previous)
    assert again.code == 0, again.text
    seen = Seen()
    seen.outputs["wizard screen"] = screen.getvalue()
    seen.add("keys list --json, key in the keyring", listed)
    seen.add("refresh with the keyring key", again)
    seen.assert_clean(h.tmp)


# --- doctor, launch, keys, undo -----------------------------------------------------------


class EchoingProxy(FakeProxy):
    """A proxy whose `grok` alias fails with an upstream error that echoes provider keys."""

    def _complete(self, handler: _Handler, request: Recorded) -> None:
        if _model_of(request) == "grok":
            handler.send_json(
                401, {"error": {"message": f"litellm.AuthenticationError: {PROXY_ECHO}"}}
            )
        else:
            super()._complete(handler, request)


@pytest.fixture
def proxy(h: Harness) -> Iterator[FakeProxy]:
    assert h.refresh("--yes").code == 0
    plain = proxy_from_config(h.config)
    server = EchoingProxy(
        master_key=plain.master_key, aliases=plain.aliases, model_names=plain.model_names
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_doctor_launch_keys_and_undo_never_show_a_provider_key(
    h: Harness, proxy: FakeProxy
) -> None:
    seen = Seen()
    common = ["--config", str(h.config), "--profile", str(h.profile)]
    for extra in ([], ["--json"]):
        doctor = seen.add(
            f"doctor {extra}", h.main(["doctor", *common, "--proxy-url", proxy.url, *extra])
        )
        assert "grok" in doctor.out  # the failing alias was reported
    env = seen.add(
        "launch --print-env",
        h.main(["launch", "--print-env", *common, "--proxy-url", proxy.url, "--shell", "sh"]),
    )
    assert env.code == 0, env.text
    [token_line] = [line for line in env.out.splitlines() if MASTER_KEY in line]
    assert "ANTHROPIC_AUTH_TOKEN" in token_line  # the one place the master key belongs
    for extra in ([], ["--json"]):
        seen.add(
            f"keys list {extra}", h.main(["keys", "list", "--profile", str(h.profile), *extra])
        )
    seen.add("undo without a terminal", h.main(["undo", "--config", str(h.config)]))
    undo = seen.add("undo --yes", h.main(["undo", "--config", str(h.config), "--yes"]))
    assert undo.code == 0, undo.text

    seen.assert_clean(h.tmp, allowed={"launch --print-env (stdout)": (MASTER_KEY,)})


def test_the_master_key_written_literally_in_the_config_is_not_printed_by_doctor(
    h: Harness, proxy: FakeProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand-kept config may hold the master key itself; doctor's report must not repeat it."""
    text = h.text().replace("os.environ/LITELLM_MASTER_KEY", MASTER_KEY)
    h.config.write_text(text, encoding="utf-8")
    monkeypatch.delenv("LITELLM_MASTER_KEY")

    for extra in ([], ["--json"]):
        run = h.main(["doctor", "--config", str(h.config), "--proxy-url", proxy.url, *extra])
        for secret in SECRETS:
            assert secret not in run.text, (secret, extra)
    assert os.environ.get("LITELLM_MASTER_KEY") is None


def test_catalog_keys_in_the_environment_are_sent_only_as_headers(h: Harness) -> None:
    assert h.refresh("--yes").code == 0
    for request in h.server.requests:
        assert all(secret not in request.path for secret in SECRETS)
        assert all(secret not in str(request.query) for secret in SECRETS)
    headers = {r.path: r.headers.get("authorization") for r in h.server.requests}
    assert f"Bearer {XAI_KEY}" in headers.values()
    assert f"Bearer {OPENROUTER_KEY}" in headers.values()


# --------------------------------------------------------------------------- the one scrubber


def test_scrub_masks_every_key_longest_first_and_leaves_short_values() -> None:
    from discovery_tui.secrets import MASK, scrub

    text = f"echo {OPENROUTER_KEY} and sk-or-SECRET, then sk-1234 and abc"
    cleaned = scrub(text, ["sk-or-SECRET", OPENROUTER_KEY, "sk-1234", "abc", None, ""])
    assert cleaned == f"echo {MASK} and {MASK}, then {MASK} and abc"


def test_known_secrets_are_the_environment_keys_of_eight_characters_or_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from discovery_tui.secrets import known_secrets

    monkeypatch.setenv("XAI_API_KEY", XAI_KEY)
    monkeypatch.setenv("DISCOVERY_TUI_JUDGE_API_KEY", JUDGE_KEY)
    monkeypatch.setenv("LITELLM_MASTER_KEY", "short")
    found = known_secrets()
    assert XAI_KEY in found and JUDGE_KEY in found and "short" not in found
    assert found == sorted(found, key=len, reverse=True)


# --- credentials inside an API base (issue 11) ---------------------------------------------------


def test_credentials_in_an_api_base_are_refused_never_written_or_printed(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``XAI_API_BASE=http://user:KEY@host``: xAI fails with a message naming XAI_API_KEY and
    the URL without its credentials; the other provider is applied; the key is nowhere."""
    seen = Seen()
    clean_base = h.server.base_url("xai")
    monkeypatch.setenv("XAI_API_BASE", clean_base.replace("http://", f"http://me:{XAI_KEY}@"))
    run = seen.add("refresh, a key in XAI_API_BASE", h.refresh("--yes", "--json"))
    assert run.code == 3, run.text
    xai = run.json["providers"]["xai"]
    assert xai["status"] == "failed"
    assert xai["error"] == (
        f"XAI_API_BASE has credentials in it ({clean_base}): they would be written into "
        "config.yaml; remove them from the URL and put the key in XAI_API_KEY"
    )
    assert run.json["providers"]["openrouter"]["status"] == "ok"
    assert "me:" not in run.text and "@127.0.0.1" not in h.text()
    seen.add("the same, as a table", h.refresh("--dry-run"))
    seen.assert_clean(h.tmp)
