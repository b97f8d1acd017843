"""Run the command line against the fake provider server: environment, catalogs, config text.

Shared by the CLI, fault, secrets, concurrency and undo tests. Two providers are enough to show
isolation: OpenRouter (a public catalog) and xAI (``/language-models``), both moved to the fake
server with ``<PROVIDER>_API_BASE``. Every real key variable is cleared, the keyring is off, and
the cache, config and profile live in the test's tmp_path.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fake_provider import FakeProvider, Reply

from discovery_tui.providers import PROVIDERS

OPENROUTER_KEY = "sk-or-SECRET-openrouter-1234"
XAI_KEY = "xai-SECRET-5678"
JUDGE_KEY = "sk-judge-SECRET-9"
MASTER_KEY = "sk-master-SECRET-4242"
SECRETS = (OPENROUTER_KEY, XAI_KEY, JUDGE_KEY, MASTER_KEY)

# A config the user already has: a header comment, a hand-written entry, another section.
USER_CONFIG = """\
# My LiteLLM proxy. Hand-kept parts below must survive every refresh.
model_list:
  # a local model I run myself
  - model_name: my-local-llama   # keep me
    litellm_params:
      model: ollama/llama3
      api_base: http://localhost:11434
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY  # never a literal key
litellm_settings:
  drop_params: true
"""

DAY = 86_400
T0 = 1_760_000_000  # 2025-10-09, a fixed "created" for reproducible entries


def openrouter_model(model_id: str, *, days: int = 0, context: int = 200_000) -> dict[str, Any]:
    return {
        "id": model_id,
        "name": model_id,
        "created": T0 + days * DAY,
        "context_length": context,
        "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
        "pricing": {"prompt": "0.000003", "completion": "0.000015"},
        "top_provider": {"context_length": context, "max_completion_tokens": 64_000},
        "supported_parameters": ["tools", "reasoning"],
    }


def openrouter_catalog(*extra: str) -> dict[str, Any]:
    ids = ["anthropic/claude-sonnet-4.5", "openai/gpt-5", "moonshotai/kimi-k2", *extra]
    return {"data": [openrouter_model(i, days=n) for n, i in enumerate(ids)]}


def xai_model(model_id: str, *, days: int = 0, cents: int = 20_000) -> dict[str, Any]:
    return {
        "id": model_id,
        "created": T0 + days * DAY,
        "input_modalities": ["text", "image"],
        "output_modalities": ["text"],
        "prompt_text_token_price": cents,
        "completion_text_token_price": cents * 5,
        "aliases": [],
    }


def xai_catalog(*extra: str) -> dict[str, Any]:
    ids = ["grok-4", "grok-3", *extra]
    return {"models": [xai_model(i, days=n) for n, i in enumerate(ids)]}


def xai_path(server: FakeProvider) -> str:
    """xAI's rich list; the plain ``/models`` answers 404 on the fake server unless scripted."""
    return server.catalog_path("xai").removesuffix("/models") + "/language-models"


def openrouter_path(server: FakeProvider) -> str:
    return server.catalog_path("openrouter")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Harness:
    """A tmp folder with config.yaml and profile.yaml; the fake server plays both providers."""

    tmp: Path
    server: FakeProvider
    capsys: pytest.CaptureFixture[str]
    config: Path = field(init=False)
    profile: Path = field(init=False)
    cache: Path = field(init=False)

    def __post_init__(self) -> None:
        self.config = self.tmp / "proxy" / "config.yaml"
        self.profile = self.tmp / "profile.yaml"
        self.cache = self.tmp / "cache"
        self.config.parent.mkdir(parents=True, exist_ok=True)

    # scripting -----------------------------------------------------------------------------
    def serve(
        self,
        *,
        openrouter: Sequence[Reply] | None = None,
        xai: Sequence[Reply] | None = None,
    ) -> None:
        """Script both catalogs (None: the default healthy catalog)."""
        healthy_openrouter = [Reply(json=openrouter_catalog())]
        self.server.route(openrouter_path(self.server), *(openrouter or healthy_openrouter))
        self.server.route(xai_path(self.server), *(xai or [Reply(json=xai_catalog())]))

    def write_user_config(self, text: str = USER_CONFIG) -> None:
        self.config.write_text(text, encoding="utf-8")

    # running -------------------------------------------------------------------------------
    def argv(self, *args: str, providers: Sequence[str] = ("openrouter", "xai")) -> list[str]:
        return [
            "refresh",
            *providers,
            "--config",
            str(self.config),
            "--profile",
            str(self.profile),
            "--no-llm",
            *args,
        ]

    def main(self, argv: Sequence[str]) -> Result:
        """``discovery_tui.cli.main(argv)`` in this process; stdout and stderr captured."""
        from discovery_tui.cli import main

        self.capsys.readouterr()
        code = main(list(argv))
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def refresh(self, *args: str, providers: Sequence[str] = ("openrouter", "xai")) -> Result:
        return self.main(self.argv(*args, providers=providers))

    def subprocess(
        self, argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 120
    ) -> Result:
        """``python -m discovery_tui ARGV`` in a child process (no terminal: stdin is closed)."""
        proc = subprocess.run(
            [sys.executable, "-m", "discovery_tui", *argv],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env=env if env is not None else dict(os.environ),
            timeout=timeout,
            check=False,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def popen(
        self, argv: Sequence[str], *, env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "discovery_tui", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env if env is not None else dict(os.environ),
        )

    # reading -------------------------------------------------------------------------------
    def text(self) -> str:
        return self.config.read_text(encoding="utf-8")

    def blocks(self, provider: str) -> list[str]:
        return owned_blocks(self.text(), provider)


def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real key, base, judge, config or profile from the developer's environment."""
    for spec in PROVIDERS.values():
        if spec.key_env:
            monkeypatch.delenv(spec.key_env, raising=False)
        monkeypatch.delenv(spec.api_base_env, raising=False)
    for name in list(os.environ):
        if name.startswith("DISCOVERY_TUI_") or name in ("LITELLM_MASTER_KEY", "CI", "NO_COLOR"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    monkeypatch.setenv("DISCOVERY_TUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "100")


@contextlib.contextmanager
def harness_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    """The Harness with keys for OpenRouter and xAI, both pointing at a fresh fake server."""
    clean_environment(monkeypatch, tmp_path)
    server = FakeProvider().start()
    try:
        monkeypatch.setenv("OPENROUTER_API_KEY", OPENROUTER_KEY)
        monkeypatch.setenv("XAI_API_KEY", XAI_KEY)
        monkeypatch.setenv("OPENROUTER_API_BASE", server.base_url("openrouter"))
        monkeypatch.setenv("XAI_API_BASE", server.base_url("xai"))
        yield Harness(tmp_path, server, capsys)
    finally:
        server.stop()


def serving_harness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    """``harness_for`` with the user's config written and the fake server serving catalogs."""
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        harness.write_user_config()
        harness.serve()
        yield harness


_ENTRY_START = re.compile(r"^(\s*)- model_name:", re.MULTILINE)


def entry_blocks(text: str) -> list[str]:
    """The exact text of each ``model_list`` entry (its comment lines above it excluded)."""
    starts = [m.start() for m in _ENTRY_START.finditer(text)]
    blocks: list[str] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        chunk = text[start:end]
        indent = len(_ENTRY_START.match(text, start).group(1))  # type: ignore[union-attr]
        lines = chunk.splitlines(keepends=True)
        kept = [lines[0]]
        for line in lines[1:]:
            stripped = line.strip()
            if stripped and len(line) - len(line.lstrip()) <= indent:
                break  # the next top-level key or a dedented comment
            kept.append(line)
        blocks.append("".join(kept))
    return blocks


def owned_blocks(text: str, provider: str) -> list[str]:
    """The exact text of the entries marked as ``provider``'s (``discovery_tui: provider``)."""
    mark = re.compile(rf"^\s+discovery_tui: {re.escape(provider)}\s*$", re.MULTILINE)
    return [block for block in entry_blocks(text) if mark.search(block)]


def alias_lines(text: str) -> dict[str, str]:
    """``model_group_alias`` as written: alias -> its exact line."""
    lines = text.splitlines()
    result: dict[str, str] = {}
    inside = False
    for line in lines:
        if line.strip().startswith("model_group_alias:"):
            inside = True
            continue
        if inside:
            if line.startswith("    ") and ":" in line:
                result[line.split(":", 1)[0].strip()] = line
            elif line.strip():
                inside = False
    return result


def squeeze(text: str) -> str:
    """``text`` without any whitespace: a wrapped table cell compares equal to its one line."""
    return "".join(text.split())


def assert_one_line_reason(reason: object) -> str:
    """A readable single-line reason: a non-empty string, no newline, no traceback."""
    assert isinstance(reason, str), reason
    assert reason.strip() == reason and reason, repr(reason)
    assert "\n" not in reason and "\r" not in reason, repr(reason)
    assert "Traceback" not in reason and 'File "' not in reason, reason
    return reason


def no_secret_in(text: str, *, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} found in {where}"
