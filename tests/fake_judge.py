"""A fake OpenAI-compatible judge on 127.0.0.1: real HTTP, scripted answers, recorded requests.

``FakeJudge(responder)`` serves ``POST /chat/completions`` and ``POST /v1/chat/completions``.
The responder receives the parsed request body and returns a :class:`Reply` (status, content,
raw body, latency). Every request is recorded with its body, headers, arrival and finish times
(``time.monotonic()``), so tests can check concurrency without timing the whole run.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the fake answers: ``content`` as an assistant message, or ``raw`` bytes as is."""

    status: int = 200
    content: str | None = None
    refusal: str | None = None
    raw: bytes | None = None
    latency: float | None = None  # None: the server's default latency
    content_type: str = "application/json"


@dataclass
class Recorded:
    path: str
    body: dict[str, Any] | None
    raw: bytes
    headers: dict[str, str]
    arrived: float
    finished: float | None = None


Responder = Callable[[dict[str, Any]], Reply]


def completion(content: str | None, *, refusal: str | None = None, model: str = "fake") -> bytes:
    """An OpenAI chat completion body with one assistant message."""
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
    return json.dumps(body).encode()


def error_body(status: int, message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "fake", "code": status}}).encode()


# --------------------------------------------------------------------------- reading the prompt


def user_prompt(body: Mapping[str, Any]) -> str:
    return "\n".join(
        str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "user"
    )


def prompt_provider(body: Mapping[str, Any]) -> str | None:
    match = re.search(r"^Provider: ([^.\s]+)\.", user_prompt(body), re.MULTILINE)
    return match.group(1) if match else None


def prompt_families(body: Mapping[str, Any]) -> dict[str, list[str]]:
    """family -> candidate ids, as listed in the prompt (best first)."""
    families: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in user_prompt(body).splitlines():
        if line.startswith("Family: "):
            current = families.setdefault(line[len("Family: ") :].strip(), [])
        elif line.startswith("- ") and current is not None:
            current.append(line[2:].split(" | ", 1)[0].strip())
    return families


def picks_json(picks: Mapping[str, str], reason: str = "the judge's choice") -> str:
    return json.dumps({"picks": {f: {"model": m, "reason": reason} for f, m in picks.items()}})


def pick_index(index: int = 0, reason: str = "the judge's choice") -> Responder:
    """A responder choosing the ``index``-th listed candidate (clamped) of every family."""

    def respond(body: dict[str, Any]) -> Reply:
        fams = prompt_families(body)
        chosen = {f: ids[min(index, len(ids) - 1)] for f, ids in fams.items() if ids}
        return Reply(content=picks_json(chosen, reason))

    return respond


# --------------------------------------------------------------------------- the server


@dataclass
class FakeJudge:
    """Start with ``with FakeJudge(responder) as judge:``; ``judge.url`` ends in ``/v1``."""

    responder: Responder = field(default_factory=pick_index)
    latency: float = 0.0
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake judge first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeJudge:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping out their latency
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def record(self, item: Recorded) -> None:
        with self._lock:
            self.requests.append(item)

    def recorded(self) -> list[Recorded]:
        with self._lock:
            return list(self.requests)

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


def _handler_for(judge: FakeJudge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_POST(self) -> None:
            arrived = time.monotonic()
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            item = Recorded(self.path, _json_or_none(raw), raw, dict(self.headers.items()), arrived)
            judge.record(item)
            if self.path.rstrip("/") not in ("/chat/completions", "/v1/chat/completions"):
                self._send(404, error_body(404, f"no route {self.path}"), "application/json")
                item.finished = time.monotonic()
                return
            reply = judge.responder(item.body or {})
            judge.wait(judge.latency if reply.latency is None else reply.latency)
            payload = reply.raw
            if payload is None:
                if reply.status >= 400:
                    payload = error_body(reply.status, reply.content or "fake error")
                else:
                    payload = completion(reply.content, refusal=reply.refusal)
            self._send(reply.status, payload, reply.content_type)
            item.finished = time.monotonic()

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler


def _json_or_none(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def disjoint_pairs(items: list[Recorded]) -> Iterator[tuple[Recorded, Recorded]]:
    """Pairs of requests whose [arrived, finished] intervals do not overlap."""
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if a.finished is None or b.finished is None:
                continue
            if a.finished <= b.arrived or b.finished <= a.arrived:
                yield a, b
