"""Fakes on 127.0.0.1 for the end-to-end tier and the doctor/launch tests.

``FakeUpstream`` plays both roles LiteLLM meets in a refresh-then-serve run:
- the providers' catalogs: ``GET /<provider>/.../models`` (OpenRouter, xAI and OpenAI style lists,
  Gemini's ``{"models": [...]}``); xAI's ``/language-models`` answers 404 so its parser falls back;
- an LLM upstream, routed on the end of the path whatever prefix comes before it (see
  ``../shared/notes/litellm-offline.md``): OpenAI ``/chat/completions`` and ``/responses``
  (streaming and not), Gemini ``:generateContent``, ``:streamGenerateContent?alt=sse`` and
  ``cachedContents``, Anthropic ``/messages``.
Point ``<PROVIDER>_API_BASE`` at ``upstream.base(provider)``; every request is recorded.

``FakeProxy`` is a tiny stand-in for the LiteLLM proxy (health, ``/v1/models``,
``/v1/chat/completions``, ``/v1/messages``) with a master key. Run as a script
(``python tests/fake_upstream.py proxy --config C --host H --port P``) it serves the aliases and
model names of a config.yaml, like ``litellm --config`` would, and records its environment in
``$FAKE_PROXY_ENV_FILE`` (JSON), so tests can check which keys reached it.

Also here, shared by the doctor, launch, keys and end-to-end tests: ``MemoryKeyring`` (a real
keyring backend that keeps keys in memory, installed with ``keyring.set_keyring``) and
``write_stand_in_claude`` (a ``claude`` executable that records its arguments and environment,
and can make one streaming ``/v1/messages`` request the way Claude Code does).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPLY = "pong"
SHARED_CATALOGS = Path(__file__).resolve().parents[2] / "shared" / "catalogs"
REAL_CATALOG_FILES = {
    "openrouter": "openrouter__models-dev-repo-models-json.json",
    "xai": "xai__lim-asdk-v1-models.json",
    "gemini": "gemini__aylivdele-metaboxaibot.json",
}
API_PATHS = {"openrouter": "/openrouter/api/v1", "xai": "/xai/v1", "gemini": "/gemini/v1beta"}


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


# --- the fake upstream --------------------------------------------------------------------


def _model_of(request: Recorded) -> str:
    if isinstance(request.body, dict) and isinstance(request.body.get("model"), str):
        return str(request.body["model"])
    tail = request.path.rsplit("/models/", 1)[-1]
    return tail.split(":", 1)[0]


def _call_of(request: Recorded) -> LlmCall:
    provider = request.path.strip("/").split("/", 1)[0]
    return LlmCall(provider, request.path, _model_of(request), _params(request.body))


REASONING_PARAMS = ("reasoning_effort", "reasoning", "thinking")
MAX_OUTPUT_PARAMS = ("max_tokens", "max_completion_tokens", "max_output_tokens")


@dataclass(frozen=True)
class ModelRules:
    """How strict the fake is about one upstream model (keyed on the id the upstream sees).

    ``reasoning=False``: a request carrying ``reasoning_effort``, ``reasoning``, ``thinking`` (or
    Gemini's ``generationConfig.thinkingConfig``) answers 400, as xAI, Perplexity and OpenAI do
    for a model without reasoning. ``max_output``: ``max_tokens``, ``max_completion_tokens``,
    ``max_output_tokens`` or Gemini's ``generationConfig.maxOutputTokens`` (LiteLLM sends it
    snake_case) above it answers 400.
    ``usage``: the tokens the answer reports (``cached`` ones priced as cache reads).
    """

    reasoning: bool = True
    max_output: int | None = None
    usage: Usage = Usage()


@dataclass(frozen=True)
class LlmCall:
    """One LLM request the fake received: where, for which model, with which parameters."""

    provider: str  # the first path segment: openrouter, xai, gemini, perplexity, ...
    path: str
    model: str
    params: Mapping[str, Any]  # the body without messages/input/contents/tools/system


def _params(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        return {}
    bulky = ("messages", "input", "contents", "tools", "system", "systemInstruction")
    params = {k: v for k, v in body.items() if k not in bulky}
    config = body.get("generationConfig")
    if isinstance(config, dict):  # Gemini's parameters, flattened beside the others
        params.update({f"generationConfig.{k}": v for k, v in config.items()})
    return params


def strictness_error(rules: ModelRules, call: LlmCall) -> str | None:
    """The provider-like 400 message for a request this model would refuse, else None."""
    if not rules.reasoning:
        sent = [
            p for p in (*REASONING_PARAMS, "generationConfig.thinkingConfig") if p in call.params
        ]
        if sent:
            return f"Model {call.model} does not support parameter {sent[0]}."
    if rules.max_output is not None:
        gemini = ("generationConfig.maxOutputTokens", "generationConfig.max_output_tokens")
        for name in (*MAX_OUTPUT_PARAMS, *gemini):
            value = call.params.get(name)
            if isinstance(value, int) and value > rules.max_output:
                return (
                    f"{name} is too large: {value}. This model supports at most "
                    f"{rules.max_output} completion tokens, whereas you provided {value}."
                )
    return None


@dataclass
class FakeUpstream(_App):
    """Catalogs by provider (raw JSON bytes) and an LLM upstream that answers ``pong``.

    Models named in ``rules`` are served strictly (see ``ModelRules``); models in ``failing``
    answer 500 (a provider outage, to prove fallbacks); any other model answers. Every request
    is recorded; ``calls()`` gives the LLM ones with their parameters.
    """

    catalogs: Mapping[str, bytes] = field(default_factory=dict)
    rules: dict[str, ModelRules] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)

    def base(self, provider: str) -> str:
        return self.url + API_PATHS.get(provider, f"/{provider}/v1")

    def llm_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    def calls(self, since: int = 0) -> list[LlmCall]:
        """The LLM calls among ``requests[since:]`` (Gemini's cachedContents left out)."""
        return [
            _call_of(r)
            for r in self.requests[since:]
            if r.method == "POST" and not r.path.endswith("cachedContents")
        ]

    def handle(self, handler: _Handler, request: Recorded) -> None:
        path = request.path
        if request.method == "GET" and "cachedContents" in path:
            handler.send_json(200, {"cachedContents": []})
        elif request.method == "GET":
            self._catalog(handler, path)
        elif path.endswith("cachedContents"):
            handler.send_json(200, gemini_cache(request.body))
        elif self._refused(handler, _call_of(request)):
            return
        else:
            self._answer(handler, request)

    def _refused(self, handler: _Handler, call: LlmCall) -> bool:
        if call.model in self.failing:
            message = f"fake upstream: {call.model} is failing (told to answer 500)"
            handler.send_json(500, {"error": {"message": message, "type": "server_error"}})
            return True
        rules = self.rules.get(call.model)
        error = strictness_error(rules, call) if rules else None
        if error is None:
            return False
        handler.send_json(
            400,
            {"error": {"message": error, "type": "invalid_request_error", "code": "400"}},
        )
        return True

    def _answer(self, handler: _Handler, request: Recorded) -> None:
        path, model = request.path, _model_of(request)
        usage = self.rules.get(model, ModelRules()).usage
        stream = isinstance(request.body, dict) and bool(request.body.get("stream"))
        if path.endswith("/chat/completions") and stream:
            handler.send_sse([(None, c) for c in chat_chunks(model, usage)], done=True)
        elif path.endswith("/chat/completions"):
            handler.send_json(200, chat_completion(model, usage))
        elif path.endswith("/responses") and stream:
            handler.send_sse(list(response_events(model)))
        elif path.endswith("/responses"):
            handler.send_json(200, response_object(model))
        elif path.endswith(":streamGenerateContent"):
            handler.send_sse([(None, gemini_response(model))])
        elif path.endswith(":generateContent"):
            handler.send_json(200, gemini_response(model))
        elif path.endswith("/messages") and stream:
            handler.send_sse(list(anthropic_events(model)))
        elif path.endswith("/messages"):
            handler.send_json(200, anthropic_message(model))
        else:
            handler.send_json(404, {"error": {"message": f"fake upstream: no route {path}"}})

    def _catalog(self, handler: _Handler, path: str) -> None:
        provider = path.strip("/").split("/", 1)[0]
        if path.endswith("/models") and provider in self.catalogs:
            data = self.catalogs[provider]
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        else:  # xAI's /language-models, openai/ startup GET /models: a 404 is harmless
            handler.send_json(404, {"error": {"message": f"fake upstream: no catalog at {path}"}})


def real_catalogs(folder: Path = SHARED_CATALOGS) -> dict[str, bytes] | None:
    """The real catalog responses of ``../shared/catalogs`` (read, never copied), or None.

    ``FAKE_UPSTREAM_BUILTIN_CATALOGS=1`` pretends they are absent (to run the built-in ones).
    """
    if os.environ.get("FAKE_UPSTREAM_BUILTIN_CATALOGS"):
        return None
    files = {name: folder / file for name, file in REAL_CATALOG_FILES.items()}
    if not all(path.is_file() for path in files.values()):
        return None
    return {name: path.read_bytes() for name, path in files.items()}


def _openrouter_model(model_id: str, created: int, name: str) -> dict[str, Any]:
    return {
        "id": model_id,
        "canonical_slug": model_id,
        "name": name,
        "created": created,
        "context_length": 200000,
        "architecture": {
            "modality": "text->text",
            "input_modalities": ["text"],
            "output_modalities": ["text"],
        },
        "pricing": {"prompt": "0.000001", "completion": "0.000005"},
        "top_provider": {"context_length": 200000, "max_completion_tokens": 32000},
        "supported_parameters": ["max_tokens", "tools", "tool_choice"],
        "expiration_date": None,
    }


BUILTIN_OPENROUTER = [
    ("anthropic/claude-sonnet-4.5", 1759000000, "Anthropic: Claude Sonnet 4.5"),
    ("anthropic/claude-opus-4.1", 1754400000, "Anthropic: Claude Opus 4.1"),
    ("anthropic/claude-haiku-4.5", 1760500000, "Anthropic: Claude Haiku 4.5"),
    ("openai/gpt-5", 1754600000, "OpenAI: GPT-5"),
    ("google/gemini-2.5-pro", 1750000000, "Google: Gemini 2.5 Pro"),
    ("x-ai/grok-4", 1752000000, "xAI: Grok 4"),
    ("deepseek/deepseek-v3.2", 1759200000, "DeepSeek: DeepSeek V3.2"),
    ("moonshotai/kimi-k2-0905", 1757000000, "MoonshotAI: Kimi K2 0905"),
    ("z-ai/glm-4.6", 1759100000, "Z.AI: GLM 4.6"),
    ("qwen/qwen3-max", 1758600000, "Qwen: Qwen3 Max"),
    ("perplexity/sonar-pro", 1741300000, "Perplexity: Sonar Pro"),
    ("mistralai/mistral-large-2411", 1731900000, "Mistral Large 2411"),
    ("mistralai/mistral-medium-3.1", 1755000000, "Mistral: Mistral Medium 3.1"),
]
BUILTIN_XAI = [("grok-4-0709", 1752019200), ("grok-3", 1743724800), ("grok-3-mini", 1743724800)]
BUILTIN_GEMINI = [
    ("gemini-2.5-pro", "Gemini 2.5 Pro"),
    ("gemini-2.5-flash", "Gemini 2.5 Flash"),
    ("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite"),
    ("text-embedding-004", "Text Embedding 004"),
]


def builtin_catalogs() -> dict[str, bytes]:
    """Small catalogs in each provider's shape, with a model for every default family."""
    openrouter = {"data": [_openrouter_model(*row) for row in BUILTIN_OPENROUTER]}
    xai = {
        "data": [
            {"id": i, "created": c, "object": "model", "owned_by": "xai"} for i, c in BUILTIN_XAI
        ]
    }
    gemini = {
        "models": [
            {
                "name": f"models/{i}",
                "version": "001",
                "displayName": d,
                "inputTokenLimit": 1048576,
                "outputTokenLimit": 65536,
                "supportedGenerationMethods": ["embedContent"]
                if "embedding" in i
                else ["generateContent", "countTokens"],
            }
            for i, d in BUILTIN_GEMINI
        ]
    }
    return {
        name: json.dumps(doc).encode()
        for name, doc in {"openrouter": openrouter, "xai": xai, "gemini": gemini}.items()
    }


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
