"""Fakes on 127.0.0.1 for the end-to-end tier and the doctor/launch tests (one import place).

- ``FakeUpstream`` (strict_upstream.py): the providers' catalogs and an LLM upstream that answers
  ``pong`` in each API's shape (fake_http.py), strict like the real providers (``ModelRules``);
  point ``<PROVIDER>_API_BASE`` at ``upstream.base(provider)``; every request is recorded.
- ``FakeProxy`` (here): a tiny stand-in for the LiteLLM proxy (health, ``/v1/models``,
  ``/v1/chat/completions``, ``/v1/messages``) with a master key. Run as a script
  (``python tests/fake_upstream.py proxy --config C --host H --port P``) it serves the aliases and
  model names of a config.yaml, like ``litellm --config`` would, and records its environment in
  ``$FAKE_PROXY_ENV_FILE`` (JSON), so tests can check which keys reached it.
- ``memory_keyring`` (a real keyring backend that keeps keys in memory) and
  ``write_stand_in_claude`` (a ``claude`` executable that records its arguments and environment,
  and can make one streaming ``/v1/messages`` request the way Claude Code does).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_http import (  # noqa: F401  (re-exported: the tests import them from here)
    REPLY,
    Recorded,
    Usage,
    _App,
    _Handler,
    _model_of,
    anthropic_events,
    anthropic_message,
    chat_completion,
)
from strict_upstream import (  # noqa: F401
    API_PATHS,
    SHARED_CATALOGS,
    FakeUpstream,
    LlmCall,
    ModelRules,
    builtin_catalogs,
    real_catalogs,
    strictness_error,
)

# --- the fake proxy -----------------------------------------------------------------------


@dataclass
class FakeProxy(_App):
    """A stand-in for the LiteLLM proxy: health, ``/v1/models``, chat completions, messages."""

    master_key: str = "sk-fake-master"
    aliases: Mapping[str, str] = field(default_factory=dict)
    model_names: tuple[str, ...] = ()
    failing: frozenset[str] = frozenset()  # names that answer 500
    slow: frozenset[str] = frozenset()  # names that answer only after ``delay`` seconds
    delay: float = 5.0
    answers_max_tokens_error: frozenset[str] = frozenset()  # 400 "max_tokens ... reached"
    no_db: bool = False  # a wrong key answers 400 "No connected db." like LiteLLM without a DB

    def handle(self, handler: _Handler, request: Recorded) -> None:
        path = request.path
        if path == "/health/liveliness":
            handler.send_json(200, "I'm alive!")
        elif path == "/health/readiness":
            handler.send_json(200, {"status": "healthy", "db": "Not connected"})
        elif not self._authorised(handler, request):
            return
        elif path in ("/v1/models", "/models"):
            names = [*self.aliases, *self.model_names]
            handler.send_json(
                200,
                {
                    "object": "list",
                    "data": [{"id": n, "object": "model", "owned_by": "openai"} for n in names],
                },
            )
        elif path.endswith("/chat/completions") or path.endswith("/messages"):
            self._complete(handler, request)
        else:
            handler.send_json(404, {"detail": "Not Found"})

    def _authorised(self, handler: _Handler, request: Recorded) -> bool:
        headers = {k.lower(): v for k, v in request.headers.items()}
        given = headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = given or headers.get("x-api-key", "")
        if given == self.master_key:
            return True
        if self.no_db and given:
            handler.send_json(400, {"error": {"message": "No connected db.", "code": "400"}})
        else:
            handler.send_json(
                401,
                {
                    "error": {
                        "message": "Authentication Error, Invalid proxy server token passed.",
                        "type": "auth_error",
                        "code": "401",
                    }
                },
            )
        return False

    def _complete(self, handler: _Handler, request: Recorded) -> None:
        model = _model_of(request)
        if model in self.slow:
            time.sleep(self.delay)
        if model in self.answers_max_tokens_error:
            message = "Could not finish the message because max_tokens was reached."
            handler.send_json(400, {"error": {"message": message, "code": "400"}})
        elif model in self.failing:
            handler.send_json(
                500,
                {
                    "error": {
                        "message": f"litellm.APIError: {model} upstream failed\nTraceback ...",
                        "code": "500",
                    }
                },
            )
        elif model not in self.aliases and model not in self.model_names:
            handler.send_json(
                400,
                {
                    "error": {
                        "message": f"Invalid model name passed in model={model}",
                        "code": "400",
                    }
                },
            )
        elif request.path.endswith("/messages"):
            stream = isinstance(request.body, dict) and bool(request.body.get("stream"))
            if stream:
                handler.send_sse(list(anthropic_events(model)))
            else:
                handler.send_json(200, anthropic_message(model))
        else:
            handler.send_json(200, chat_completion(model))


def proxy_from_config(path: Path) -> FakeProxy:
    """A FakeProxy serving what a config.yaml defines, as ``litellm --config`` would."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    names = tuple(str(e["model_name"]) for e in data.get("model_list") or [])
    raw_aliases = (data.get("router_settings") or {}).get("model_group_alias") or {}
    aliases = {
        str(a): str(t["model"] if isinstance(t, dict) else t) for a, t in raw_aliases.items()
    }
    key = str((data.get("general_settings") or {}).get("master_key") or "")
    if key.startswith("os.environ/"):
        key = os.environ.get(key.removeprefix("os.environ/"), "")
    if not key:
        raise SystemExit("fake proxy: general_settings.master_key is required")
    return FakeProxy(master_key=key, aliases=aliases, model_names=names)


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fake_upstream.py")
    parser.add_argument("role", choices=["proxy"])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4000)
    args = parser.parse_args(argv)
    record = os.environ.get("FAKE_PROXY_ENV_FILE")
    if record:
        Path(record).write_text(json.dumps(dict(os.environ)), encoding="utf-8")
    proxy = proxy_from_config(args.config)
    print(f"fake proxy on {args.host}:{args.port}", flush=True)
    proxy.serve_forever(args.host, args.port)
    return 0


# --- a keyring backend in memory ----------------------------------------------------------


def memory_keyring() -> Any:
    """A fresh in-memory keyring backend (a real ``KeyringBackend``, not a mock)."""
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordDeleteError

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            if (service, username) not in self.store:
                raise PasswordDeleteError(f"no {username} in {service}")
            del self.store[(service, username)]

    # keep it out of keyring's registry, so a later automatic choice never picks it
    KeyringBackend._classes.discard(MemoryKeyring)  # type: ignore[attr-defined]
    return MemoryKeyring()


def memory_backend() -> Iterator[Any]:
    """A fresh in-memory backend set as keyring's backend for as long as the caller holds it."""
    import keyring

    previous = keyring.get_keyring()
    memory = memory_keyring()
    keyring.set_keyring(memory)
    try:
        yield memory
    finally:
        keyring.set_keyring(previous)


# --- a stand-in for Claude Code -----------------------------------------------------------

STAND_IN_CLAUDE = r"""
import json, os, sys, urllib.request

record = {"argv": sys.argv[1:], "env": dict(os.environ)}
if os.environ.get("STAND_IN_CLAUDE_REQUEST"):
    body = json.dumps({
        "model": os.environ["ANTHROPIC_MODEL"], "max_tokens": 16, "stream": True,
        "messages": [{"role": "user", "content": "hi"}],
    }).encode()
    request = urllib.request.Request(
        os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages?beta=true", data=body, method="POST",
        headers={"Authorization": "Bearer " + os.environ["ANTHROPIC_AUTH_TOKEN"],
                 "content-type": "application/json", "anthropic-version": "2023-06-01"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            record["status"] = response.status
            record["stream"] = response.read().decode("utf-8", "replace")
    except Exception as exc:  # recorded for the test to show
        record["error"] = repr(exc)
with open(os.environ["STAND_IN_CLAUDE_RECORD"], "w", encoding="utf-8") as out:
    json.dump(record, out)
sys.exit(int(os.environ.get("STAND_IN_CLAUDE_EXIT", "0")))
"""


def write_stand_in_claude(bin_dir: Path) -> Path:
    """Write a ``claude`` executable into ``bin_dir`` (``claude.cmd`` on Windows).

    It records ``{"argv", "env"}`` (and, with ``STAND_IN_CLAUDE_REQUEST=1``, the answer of one
    streaming ``POST /v1/messages``) into ``$STAND_IN_CLAUDE_RECORD`` and exits with
    ``$STAND_IN_CLAUDE_EXIT``. Put ``bin_dir`` first on PATH.
    """
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "stand_in_claude.py"
    script.write_text(STAND_IN_CLAUDE, encoding="utf-8")
    if os.name == "nt":
        launcher = bin_dir / "claude.cmd"
        launcher.write_text(f'@"{sys.executable}" "{script}" %*\r\n', encoding="utf-8")
    else:
        launcher = bin_dir / "claude"
        launcher.write_text(f"#!{sys.executable}\n" + STAND_IN_CLAUDE, encoding="utf-8")
        launcher.chmod(0o755)
    return launcher


PINNED_CLAUDE = Path(__file__).resolve().parent / "e2e" / "claude-code" / "node_modules" / ".bin"


def real_claude_code() -> Path | None:
    """The real Claude Code: ``$DISCOVERY_TUI_CLAUDE``, else the pinned one of
    ``tests/e2e/claude-code`` (``npm ci`` there, as ``.ci/run`` does), else None."""
    given = os.environ.get("DISCOVERY_TUI_CLAUDE", "").strip()
    if given:
        return Path(given)
    pinned = PINNED_CLAUDE / ("claude.cmd" if os.name == "nt" else "claude")
    return pinned if pinned.exists() else None


def iter_sse_data(lines: Iterator[str]) -> Iterator[str]:
    """The ``data:`` payloads of a server-sent event stream (helper for tests)."""
    for line in lines:
        if line.startswith("data:"):
            yield line[5:].strip()


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
