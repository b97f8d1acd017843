"""Fault injection: one provider misbehaves, the other is applied, nothing of the first is lost.

Each fault is served by the fake provider server on 127.0.0.1 to xAI, while OpenRouter answers
normally (with one new model, so that "applied" is visible). For every fault: the run exits 3,
OpenRouter's change is written, xAI's entries written by an earlier run stay byte-identical (and
its alias with them), the user's hand-written entry and comments survive, and the reason is one
readable line in the preview, on stderr and in ``--json``.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cli_harness import (
    USER_CONFIG,
    Harness,
    Result,
    alias_lines,
    assert_one_line_reason,
    harness_for,
    openrouter_catalog,
    xai_catalog,
    xai_path,
)
from fake_provider import Reply

from discovery_tui.providers.base import MAX_BODY_BYTES

NEW_OPENROUTER_MODEL = "openrouter/anthropic/claude-sonnet-4.6"
RETRY_NOW = {"Retry-After": "0"}


@pytest.fixture
def h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Harness]:
    with harness_for(tmp_path, monkeypatch, capsys) as harness:
        yield harness


# --- servers the fake provider cannot play ------------------------------------------------


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class _HugeBody(BaseHTTPRequestHandler):
    """Streams a JSON-looking body larger than the cap, 1 MiB at a time (chunked), never held."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b" " * (1 << 20)
        try:
            self._chunk(b'{"models": [')
            for _ in range(MAX_BODY_BYTES // len(chunk) + 8):
                self._chunk(chunk)
            self._chunk(b"]}")
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client stopped reading at the cap: expected

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


@pytest.fixture
def huge_server() -> Iterator[str]:
    """An API base whose every path streams a body over MAX_BODY_BYTES."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HugeBody)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the faults ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    name: str
    replies: tuple[Reply, ...] = ()  # served at xAI's /language-models
    base: str | None = None  # "refused" | "huge" | "invalid": XAI_API_BASE elsewhere
    words: tuple[str, ...] = ()  # what the reason must say (case-insensitive)
    timeout: str | None = None


HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
CUT_JSON = json.dumps(xai_catalog()).encode()[:70]

FAULTS = [
    Fault(
        "401",
        (Reply(401, json={"error": "invalid api key"}),),
        words=("rejected the key", "XAI_API_KEY"),
    ),
    Fault(
        "403",
        (Reply(403, json={"error": "this key was disabled"}),),
        words=("HTTP 403", "blocked", "leak", "new key"),
    ),
    Fault(
        "404", (Reply(404, json={"error": "no such route"}),), words=("HTTP 404", "API base URL")
    ),
    Fault("429-forever", (Reply(429, headers=RETRY_NOW),), words=("HTTP 429", "rate-limiting")),
    Fault("500", (Reply(500, json={"error": "boom"}, headers=RETRY_NOW),), words=("HTTP 500",)),
    Fault(
        "503", (Reply(503, body=b"Service Unavailable", headers=RETRY_NOW),), words=("HTTP 503",)
    ),
    Fault("refused", base="refused", words=("cannot be reached", "API base URL")),
    Fault("reset", (Reply(reset=True),), words=("broke off the connection",)),
    Fault("hang", (Reply(hang=True),), words=("did not answer", "1 s"), timeout="1"),
    Fault(
        "html-page",
        (Reply(200, body=HTML, headers={"Content-Type": "text/html"}),),
        words=("HTML page", "API base URL"),
    ),
    Fault("truncated-transfer", (Reply(json=xai_catalog(), truncate=True),), words=("broke off",)),
    Fault(
        "truncated-json",
        (Reply(body=CUT_JSON, headers={"Content-Type": "application/json"}),),
        words=("broken JSON",),
    ),
    Fault(
        "deeply-nested-json",
        (Reply(body=b"[" * 200_000, headers={"Content-Type": "application/json"}),),
        words=("broken JSON",),
    ),
    Fault("empty-list", (Reply(json={"models": []}),), words=("empty model list",)),
    Fault("schema-not-a-list", (Reply(json={"models": "x"}),), words=("API may have changed",)),
    Fault(
        "schema-no-ids",
        (Reply(json={"models": [{"model": "grok-5"}, {"name": 7}, 3]}),),
        words=("no id", "API may have changed"),
    ),
    Fault("schema-no-list-key", (Reply(json={"result": {"models": []}}),), words=("changed",)),
    Fault("huge-body", base="huge", words=("32 MB",)),
    Fault("invalid-base-url", base="invalid", words=("not a valid", "URL")),
]


def fault_base(fault: Fault, huge: Callable[[], str]) -> str | None:
    if fault.base == "refused":
        return f"http://127.0.0.1:{closed_port()}/v1"
    if fault.base == "huge":
        return huge()
    if fault.base == "invalid":
        return "http://[::1/v1"
    return None


# --- the run before the fault, and the checks after it -----------------------------------


@dataclass(frozen=True)
class Before:
    text: str
    xai_blocks: list[str]
    grok_alias: str


def first_successful_run(h: Harness) -> Before:
    """Both providers refreshed and written, as a user's earlier run would have."""
    h.write_user_config()
    h.serve()
    first = h.refresh("--yes")
    assert first.code == 0, first.text
    text = h.text()
    blocks = h.blocks("xai")
    assert len(blocks) == 2, text
    grok = alias_lines(text)["grok"]
    assert grok.split(":", 1)[1].strip() == "xai/grok-4"
    return Before(text, blocks, grok)


def stderr_reason(result: Result) -> str:
    """The only stderr line: ``discovery-tui: xai failed, its entries were kept: REASON``."""
    lines = result.err.splitlines()
    prefix = "discovery-tui: xai failed, its entries were kept: "
    assert len(lines) == 1, result.err
    assert lines[0].startswith(prefix), result.err
    return assert_one_line_reason(lines[0].removeprefix(prefix))


def assert_kept_and_applied(h: Harness, before: Before) -> str:
    text = h.text()
    assert h.blocks("xai") == before.xai_blocks  # the exact YAML text of xAI's entries
    assert alias_lines(text)["grok"] == before.grok_alias
    assert f"model_name: {NEW_OPENROUTER_MODEL}" in text  # the healthy provider was applied
    assert text.startswith(USER_CONFIG.splitlines()[0])
    for line in (
        "# a local model I run myself",
        "model_name: my-local-llama   # keep me",
        "master_key: os.environ/LITELLM_MASTER_KEY  # never a literal key",
    ):
        assert line in text
    return text


def assert_reason_words(reason: str, fault: Fault) -> None:
    assert reason.startswith("xAI"), reason
    for word in fault.words:
        assert word.lower() in reason.lower(), (word, reason)


def script_fault(
    h: Harness, monkeypatch: pytest.MonkeyPatch, fault: Fault, huge: Callable[[], str]
) -> list[str]:
    """OpenRouter gains a model; xAI misbehaves. Returns the extra options of the run."""
    replies = list(fault.replies) or [Reply(json=xai_catalog("grok-5"))]
    h.serve(openrouter=[Reply(json=openrouter_catalog("anthropic/claude-sonnet-4.6"))], xai=replies)
    base = fault_base(fault, huge)
    if base is not None:
        monkeypatch.setenv("XAI_API_BASE", base)
    return ["--timeout", fault.timeout] if fault.timeout else []


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_a_failing_provider_is_kept_and_the_other_applied(
    h: Harness, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, fault: Fault
) -> None:
    before = first_successful_run(h)
    extra = script_fault(h, monkeypatch, fault, lambda: request.getfixturevalue("huge_server"))

    run = h.refresh("--yes", *extra)

    assert run.code == 3, run.text
    reason = stderr_reason(run)
    assert_reason_words(reason, fault)
    assert "xai         failed" in run.out and reason not in run.out  # the reason once: stderr
    assert "Traceback" not in run.text
    after = assert_kept_and_applied(h, before)

    again = h.refresh("--yes", "--json", *extra)

    assert again.code == 3, again.text
    data = again.json
    designed = ("status", "error", "models", "picks")  # JSON keys may be added (design.md)
    assert {key: data["providers"]["xai"][key] for key in designed} == {
        "status": "failed",
        "error": reason,
        "models": 0,
        "picks": {},
    }
    assert data["providers"]["openrouter"]["status"] == "ok"
    assert data["changes"] == {"added": [], "removed": [], "updated": []}
    assert data["written"] is False
    assert stderr_reason(again) == reason
    assert h.text() == after  # a second run changes no byte


def test_429_with_retry_after_is_retried_to_success(h: Harness) -> None:
    first_successful_run(h)
    path = xai_path(h.server)
    asked_before = len(h.server.requests_to(path))
    h.serve(
        xai=[
            Reply(429, json={"error": "slow down"}, headers={"Retry-After": "1"}),
            Reply(json=xai_catalog("grok-4.1")),
        ]
    )

    run = h.refresh("--yes", "--json")

    assert run.code == 0, run.text
    assert run.err == ""
    data = run.json
    assert data["providers"]["xai"]["status"] == "ok"
    assert data["providers"]["xai"]["error"] is None
    assert "xai/grok-4.1" in data["changes"]["added"]
    assert data["aliases"]["grok"] == "xai/grok-4.1"
    assert len(h.server.requests_to(path)) - asked_before == 2
    assert "model_name: xai/grok-4.1" in h.text()


def test_429_with_an_http_date_retry_after_is_retried(h: Harness) -> None:
    h.write_user_config()
    h.serve(
        xai=[
            Reply(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),  # in the past
            Reply(json=xai_catalog()),
        ]
    )

    run = h.refresh("--yes")

    assert run.code == 0, run.text
    assert len(h.blocks("xai")) == 2


def test_both_providers_failing_writes_nothing_and_exits_3(h: Harness) -> None:
    before = first_successful_run(h)
    h.serve(openrouter=[Reply(401)], xai=[Reply(reset=True)])

    run = h.refresh("--yes", "--json")

    assert run.code == 3
    data = run.json
    statuses = {name: p["status"] for name, p in data["providers"].items()}
    assert {name for name, status in statuses.items() if status != "skipped"} == {
        "openrouter",
        "xai",
    }
    assert statuses["openrouter"] == statuses["xai"] == "failed"
    assert data["written"] is False
    assert len(run.err.splitlines()) == 2
    for line in run.err.splitlines():
        assert_one_line_reason(line)
    assert h.text() == before.text


# --- the same through a real process ------------------------------------------------------

SUBPROCESS_FAULTS = [f for f in FAULTS if f.name in ("401", "reset", "hang", "html-page")]


@pytest.mark.parametrize("fault", SUBPROCESS_FAULTS, ids=[f.name for f in SUBPROCESS_FAULTS])
def test_a_fault_in_a_real_process(
    h: Harness, monkeypatch: pytest.MonkeyPatch, fault: Fault
) -> None:
    before = first_successful_run(h)
    extra = script_fault(h, monkeypatch, fault, lambda: "unused")

    run = h.subprocess(h.argv("--yes", "--json", *extra))

    assert run.code == 3, run.text
    reason = stderr_reason(run)
    assert_reason_words(reason, fault)
    assert run.json["providers"]["xai"]["error"] == reason
    assert run.json["written"] is True
    assert_kept_and_applied(h, before)
