"""A small real HTTP server on 127.0.0.1 that plays LLM providers' model-list endpoints.

Used by every test tier (unit, CLI, fault injection, pty, LiteLLM end to end) and by hand::

    python tests/fake_provider.py --catalog openrouter=../shared/catalogs/openrouter__x.json

prints ``OPENROUTER_API_BASE=http://127.0.0.1:PORT/openrouter/api/v1`` and serves until Ctrl-C.

Routes are keyed by path (the query is ignored; the request records it). Each route holds a queue
of scripted replies, consumed in order; the last one repeats, so ``[Reply(429), Reply(200, ...)]``
means "one 429, then 200 for ever". A route may also be a function of the request (pagination).
Unknown paths answer 404 with a JSON error. Faults: ``delay``, ``hang`` (no answer until the
server stops), ``reset`` (the connection is reset), ``truncate`` (Content-Length larger than the
body, then close). Every request is recorded (method, path, query, headers).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import struct
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

_NO_JSON: Any = object()

# Path of each provider's API base (as in its default base URL), for serve_catalog.
_BASE_PATHS = {
    "anthropic": "/v1",
    "openai": "/v1",
    "gemini": "/v1beta",
    "xai": "/v1",
    "deepseek": "",
    "moonshot": "/v1",
    "mistral": "/v1",
    "perplexity": "",
    "groq": "/openai/v1",
    "openrouter": "/api/v1",
}


@dataclass(frozen=True)
class Reply:
    """One scripted response."""

    status: int = 200
    json: Any = _NO_JSON
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False
    reset: bool = False
    truncate: bool = False

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body
        if self.json is not _NO_JSON:
            return json.dumps(self.json).encode()
        return b""

    def content_type(self) -> str:
        if self.body is not None and self.json is _NO_JSON:
            return "application/octet-stream"
        return "application/json"


@dataclass(frozen=True)
class Request:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


Responder = Callable[[Request], Reply]
Route = list[Reply] | Responder


def base_path(provider: str) -> str:
    """The path part of a provider's API base (``/api/v1`` for OpenRouter)."""
    try:
        from discovery_tui.providers import PROVIDERS
    except ImportError:  # pragma: no cover - used without the package installed
        return _BASE_PATHS.get(provider, "/v1")
    spec = PROVIDERS.get(provider)
    if spec is None:
        return _BASE_PATHS.get(provider, "/v1")
    return urlsplit(spec.default_api_base).path.rstrip("/")


class _ConnectionReset(Exception):
    """Raised inside a handler after it reset its connection: ends the handler quietly."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FakeProvider

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, _Handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Wake handlers waiting on idle keep-alive connections: their reads end at once."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``requests`` instead."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        split = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        request = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        owner._record(request)
        reply = owner._next_reply(request)
        if reply.hang:
            owner._stopping.wait()
            self._reset()
            return
        if reply.delay and owner._stopping.wait(reply.delay):
            self._reset()
            return
        if reply.reset:
            self._reset()
            return
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        body = reply.payload()
        self.send_response(reply.status)
        names = {name.lower() for name in reply.headers}
        if "content-type" not in names:
            self.send_header("Content-Type", reply.content_type())
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.truncate:
            self.send_header("Content-Length", str(len(body) + 1024))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _reset(self) -> None:
        """Close the connection abruptly (RST) with nothing sent, and end this handler."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
        for stream in (self.rfile, self.wfile, self.connection):
            with contextlib.suppress(OSError):
                stream.close()
        raise _ConnectionReset

    def handle(self) -> None:
        with contextlib.suppress(_ConnectionReset, OSError):
            super().handle()

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()


class FakeProvider:
    """The server. ``start()`` it (or use it as a context manager), script routes, ``stop()``."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._routes: dict[str, Route] = {}
        self._requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeProvider:
        server = _Server((self._host, self._port))
        server.owner = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hung or delayed handlers are released and their connections reset."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.drop_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("FakeProvider is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # scripting -------------------------------------------------------------------------------
    def route(self, path: str, *replies: Reply | Responder) -> None:
        """Script ``path``: replies in order (the last repeats), or one function of the request."""
        if not replies:
            raise ValueError("route() needs at least one Reply or a function")
        route: Route
        if len(replies) == 1 and callable(replies[0]):
            route = replies[0]
        else:
            if not all(isinstance(r, Reply) for r in replies):
                raise TypeError("route() takes Replies, or a single function")
            route = [r for r in replies if isinstance(r, Reply)]
        with self._lock:
            self._routes[_norm(path)] = route

    def json(self, path: str, payload: Any, *, status: int = 200) -> None:
        """Serve ``payload`` as JSON at ``path`` for every request."""
        self.route(path, Reply(status=status, json=payload))

    def catalog_path(self, provider: str, *, prefix: str | None = None) -> str:
        """Where ``provider``'s model list lives on this server (``/openrouter/api/v1/models``)."""
        return f"{self._prefix(provider, prefix)}{base_path(provider)}/models"

    def base_url(self, provider: str, *, prefix: str | None = None) -> str:
        """The value for ``<PROVIDER>_API_BASE`` (``http://127.0.0.1:PORT/openrouter/api/v1``)."""
        return f"{self.url}{self._prefix(provider, prefix)}{base_path(provider)}"

    def serve_catalog(
        self,
        provider: str,
        payload: Any = None,
        *,
        prefix: str | None = None,
        replies: Sequence[Reply] = (),
    ) -> str:
        """Serve ``payload`` (JSON, or a Path to a JSON file) as ``provider``'s model list.

        ``replies`` come first (e.g. a 429), then the catalog. Returns the API base URL.
        """
        if isinstance(payload, Path):
            payload = json.loads(payload.read_text(encoding="utf-8"))
        scripted = list(replies)
        if payload is not None:
            scripted.append(Reply(json=payload))
        if scripted:
            self.route(self.catalog_path(provider, prefix=prefix), *scripted)
        return self.base_url(provider, prefix=prefix)

    @staticmethod
    def _prefix(provider: str, prefix: str | None) -> str:
        chosen = f"/{provider}" if prefix is None else prefix
        return _norm(chosen) if chosen else ""

    # inspection ------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[Request]:
        wanted = _norm(path)
        return [r for r in self.requests if r.path == wanted]

    def __iter__(self) -> Iterator[Request]:
        return iter(self.requests)

    # server side -----------------------------------------------------------------------------
    def _record(self, request: Request) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            route = self._routes.get(request.path)
            if route is None:
                return Reply(status=404, json={"error": f"no route for {request.path}"})
            if callable(route):
                responder = route
            else:
                return route.pop(0) if len(route) > 1 else route[0]
        return responder(request)


def _norm(path: str) -> str:
    path = "/" + path.strip("/")
    return path if path != "/" else "/"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve provider catalogs on 127.0.0.1.")
    parser.add_argument(
        "--catalog",
        action="append",
        default=[],
        metavar="PROVIDER=FILE",
        help="serve FILE (JSON) as PROVIDER's model list; repeatable",
    )
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = FakeProvider(port=args.port).start()
    try:
        for item in args.catalog:
            provider, sep, file = item.partition("=")
            if not sep or not provider or not file:
                parser.error(f"--catalog wants PROVIDER=FILE, got {item!r}")
            base = server.serve_catalog(provider, Path(file))
            env = f"{provider.upper().replace('-', '_')}_API_BASE"
            print(f"{env}={base}", flush=True)
        print(f"serving on {server.url} (Ctrl-C to stop)", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
