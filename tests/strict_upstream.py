"""The strict fake upstream (``FakeUpstream``): the providers' catalogs and an LLM upstream that
refuses what the strictest real providers refuse (``ModelRules``), and records every call
(``LlmCall``) with its parameters; plus small built-in catalogs in each provider's shape.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_http import (
    Recorded,
    Usage,
    _App,
    _Handler,
    _model_of,
    anthropic_events,
    anthropic_message,
    chat_chunks,
    chat_completion,
    gemini_cache,
    gemini_response,
    response_events,
    response_object,
)

SHARED_CATALOGS = Path(__file__).resolve().parents[2] / "shared" / "catalogs"
REAL_CATALOG_FILES = {
    "openrouter": "openrouter__models-dev-repo-models-json.json",
    "xai": "xai__lim-asdk-v1-models.json",
    "gemini": "gemini__aylivdele-metaboxaibot.json",
}
API_PATHS = {"openrouter": "/openrouter/api/v1", "xai": "/xai/v1", "gemini": "/gemini/v1beta"}


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
    usage: Usage = field(default_factory=Usage)


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
