"""The HTTP side of the fakes on 127.0.0.1 (see fake_upstream.py): a recorded request, answers in
each API's shape (OpenAI chat completions and responses, Gemini, Anthropic messages, streaming and
not), and the threaded server every fake runs on.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

REPLY = "pong"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: Any


# --- responses ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """Token counts the fake reports; ``cached`` of the prompt tokens were read from a cache."""

    prompt: int = 5
    completion: int = 1
    cached: int = 0

    def openai(self) -> dict[str, Any]:
        usage: dict[str, Any] = {
            "prompt_tokens": self.prompt,
            "completion_tokens": self.completion,
            "total_tokens": self.prompt + self.completion,
        }
        if self.cached:
            usage["prompt_tokens_details"] = {"cached_tokens": self.cached}
        return usage


def chat_completion(model: str, usage: Usage = Usage()) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": REPLY},
                "finish_reason": "stop",
            }
        ],
        "usage": usage.openai(),
    }


def chat_chunks(model: str, usage: Usage = Usage()) -> list[dict[str, Any]]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time())}
    return [
        {
            **base,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "delta": {"role": "assistant", "content": REPLY},
                    "finish_reason": None,
                }
            ],
        },
        {
            **base,
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
            "usage": usage.openai(),
        },
    ]


def _message_item(status: str = "completed") -> dict[str, Any]:
    content = [{"type": "output_text", "text": REPLY, "annotations": []}]
    return {
        "type": "message",
        "id": "msg_fake",
        "status": status,
        "role": "assistant",
        "content": content if status == "completed" else [],
    }


def response_object(model: str, *, status: str = "completed") -> dict[str, Any]:
    done = status == "completed"
    return {
        "id": "resp_fake",
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "model": model,
        "error": None,
        "incomplete_details": None,
        "output": [_message_item()] if done else [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "text": {"format": {"type": "text"}},
        "usage": {
            "input_tokens": 5,
            "output_tokens": 1,
            "total_tokens": 6,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        }
        if done
        else None,
    }


def response_events(model: str) -> list[tuple[str, dict[str, Any]]]:
    part = {"type": "output_text", "text": "", "annotations": []}
    ids = {"item_id": "msg_fake", "output_index": 0, "content_index": 0}
    events: list[tuple[str, dict[str, Any]]] = [
        ("response.created", {"response": response_object(model, status="in_progress")}),
        ("response.in_progress", {"response": response_object(model, status="in_progress")}),
        ("response.output_item.added", {"output_index": 0, "item": _message_item("in_progress")}),
        ("response.content_part.added", {**ids, "part": part}),
        ("response.output_text.delta", {**ids, "delta": REPLY}),
        ("response.output_text.done", {**ids, "text": REPLY}),
        ("response.content_part.done", {**ids, "part": {**part, "text": REPLY}}),
        ("response.output_item.done", {"output_index": 0, "item": _message_item()}),
        ("response.completed", {"response": response_object(model)}),
    ]
    return [
        (name, {"type": name, "sequence_number": n, **data})
        for n, (name, data) in enumerate(events)
    ]


def gemini_response(model: str) -> dict[str, Any]:
    return {
        "candidates": [
            {
                "content": {"parts": [{"text": REPLY}], "role": "model"},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 1, "totalTokenCount": 6},
        "modelVersion": model,
    }


def gemini_cache(body: Any) -> dict[str, Any]:
    model = body.get("model", "models/unknown") if isinstance(body, dict) else "models/unknown"
    stamp = "2030-01-01T00:00:00Z"
    return {
        "name": "cachedContents/fake",
        "model": model,
        "createTime": stamp,
        "updateTime": stamp,
        "expireTime": stamp,
        "usageMetadata": {"totalTokenCount": 5},
    }


def anthropic_message(model: str) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": REPLY}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 1},
    }


def anthropic_events(model: str) -> list[tuple[str, dict[str, Any]]]:
    start = {**anthropic_message(model), "content": [], "stop_reason": None}
    return [
        ("message_start", {"message": start}),
        ("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": REPLY}}),
        ("content_block_stop", {"index": 0}),
        (
            "message_delta",
            {
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 1},
            },
        ),
        ("message_stop", {}),
    ]


# --- the HTTP machinery -------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        parts = urlsplit(self.path)
        request = Recorded(method, parts.path, parts.query, dict(self.headers.items()), body)
        self.server.app.requests.append(request)
        self.server.app.handle(self, request)

    def send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_sse(self, events: list[tuple[str | None, Any]], *, done: bool = False) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()  # HTTP/1.0: the stream ends when the connection closes
        for name, data in events:
            prefix = f"event: {name}\n" if name else ""
            self.wfile.write(f"{prefix}data: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()
        if done:
            self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: _App, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.app = app

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # the client gave up (a timeout under test): not worth a traceback
        super().handle_error(request, client_address)


@dataclass
class _App:
    requests: list[Recorded] = field(default_factory=list)
    _server: _Server | None = None
    _thread: threading.Thread | None = None

    def handle(self, handler: _Handler, request: Recorded) -> None:
        raise NotImplementedError

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._server = _Server(self, host, port)
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.05), daemon=True
        )
        self._thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def serve_forever(self, host: str, port: int) -> None:
        self._server = _Server(self, host, port)
        self._server.serve_forever()


def _model_of(request: Recorded) -> str:
    if isinstance(request.body, dict) and isinstance(request.body.get("model"), str):
        return str(request.body["model"])
    tail = request.path.rsplit("/models/", 1)[-1]
    return tail.split(":", 1)[0]
