"""What the bench scripts share: paths, timing, figure lines, synthetic catalogs.

Not a bench itself (``run_all.py`` runs ``bench_*.py``). A figure line reads
``LABEL: VALUE (goal GOAL): met`` (or ``MISSED``), or ``LABEL: VALUE (report)`` for a figure
without a goal; ``run_all.py`` collects those lines into its summary table.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_provider import FakeProvider

REPO = Path(__file__).resolve().parents[1]
CATALOGS = REPO.parent / "shared" / "catalogs"
OPENROUTER_CATALOG = CATALOGS / "openrouter__models-dev-repo-models-json.json"

# tests/ holds the fake servers (fake_provider.py, fake_judge.py); the repository root holds the
# package when it is not installed.
for _path in (REPO / "tests", REPO):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def figure(label: str, value: str, goal: str | None = None, met: bool | None = None) -> None:
    """Print one figure line (see the module docstring)."""
    if goal is None:
        print(f"{label}: {value} (report)", flush=True)
        return
    verdict = "met" if met else "MISSED"
    print(f"{label}: {value} (goal {goal}): {verdict}", flush=True)


def note(text: str) -> None:
    print(f"  {text}", flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def timed(action: Callable[[], object], *, cpu: bool = False) -> float:
    """Seconds ``action`` takes: wall-clock, or (``cpu``) this process's CPU time, which other
    processes busy on the machine do not change."""
    clock = time.process_time if cpu else time.perf_counter
    started = clock()
    action()
    return clock() - started


def run_timed(command: Sequence[str], *, env: Mapping[str, str] | None = None) -> float:
    """Seconds a subprocess takes (stdout and stderr discarded); raises when it fails."""
    started = time.perf_counter()
    done = subprocess.run(
        list(command), env=None if env is None else dict(env), capture_output=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 3):
        detail = done.stderr.decode(errors="replace").strip()[-500:]
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {detail}")
    return elapsed


_PROXY_VARS = {"http_proxy", "https_proxy", "all_proxy"}


def quiet_env(tmp: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a run that touches nothing of the user's: no keyring, no real keys,
    a private cache folder, no proxy variables (everything talks to 127.0.0.1)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_API_KEY", "_API_BASE")) and k.lower() not in _PROXY_VARS
    }
    env.update(
        DISCOVERY_TUI_NO_KEYRING="1",
        DISCOVERY_TUI_CACHE_DIR=str(tmp / "cache"),
        DISCOVERY_TUI_PROFILE=str(tmp / "profile.yaml"),
        NO_COLOR="1",
    )
    env.update(extra or {})
    return env


def catalog_route(server: FakeProvider, provider: str) -> str:
    """The path a provider reads first on ``server`` (xAI: its rich ``/language-models``;
    its plain ``/models`` is only the fallback)."""
    path = server.catalog_path(provider)
    return path.removesuffix("/models") + "/language-models" if provider == "xai" else path


# --------------------------------------------------------------------------- synthetic catalogs
# Realistic shapes and sizes, so a fresh clone (without ../shared/catalogs) can run every bench.

_LINES = {
    "anthropic": ["claude-sonnet", "claude-opus", "claude-haiku"],
    "openai": ["gpt", "gpt-mini", "o", "gpt-audio", "text-embedding", "dall-e", "tts", "whisper"],
    "xai": ["grok", "grok-fast", "grok-code", "grok-imagine-image"],
    "gemini": ["gemini-pro", "gemini-flash", "gemini-flash-lite", "imagen", "gemini-embedding"],
    "deepseek": ["deepseek-chat", "deepseek-reasoner"],
    "moonshot": ["kimi-k", "moonshot-v1"],
    "mistral": ["mistral-large", "mistral-medium", "mistral-small", "codestral", "mistral-embed"],
    "groq": ["llama", "qwen", "gpt-oss", "whisper-large"],
    "openrouter": [
        "anthropic/claude-sonnet", "anthropic/claude-opus", "openai/gpt", "google/gemini-pro",
        "google/gemini-flash", "x-ai/grok", "deepseek/deepseek", "moonshotai/kimi-k",
        "z-ai/glm", "qwen/qwen", "mistralai/mistral-large", "meta-llama/llama",
        "perplexity/sonar", "nousresearch/hermes",
    ],
}  # fmt: skip

# provider -> number of models in a realistic catalog (OpenRouter lists about 370).
SIZES = {
    "anthropic": 12,
    "openai": 110,
    "xai": 20,
    "gemini": 50,
    "deepseek": 4,
    "moonshot": 16,
    "mistral": 55,
    "groq": 20,
    "openrouter": 370,
}


def synthetic_ids(provider: str, count: int) -> list[str]:
    """``count`` distinct ids over the provider's model lines and versions (``gpt-4.1``...)."""
    lines = _LINES[provider]
    ids: list[str] = []
    for index in range(count):
        line = lines[index % len(lines)]
        major, minor = divmod(index // len(lines), 4)
        sep = "-" if provider == "anthropic" else "."
        ids.append(f"{line}-{major + 1}{sep}{minor}" if minor else f"{line}-{major + 1}")
    return ids


def synthetic_payload(provider: str, count: int | None = None) -> Any:
    """A model-list response in the provider's own shape, with ``count`` models."""
    ids = synthetic_ids(provider, SIZES[provider] if count is None else count)
    created = 1_700_000_000
    if provider == "anthropic":
        data = [
            {"type": "model", "id": i, "display_name": i, "created_at": "2025-05-14T00:00:00Z"}
            for i in ids
        ]
        return {"data": data, "has_more": False, "first_id": ids[0], "last_id": ids[-1]}
    if provider == "gemini":
        return {"models": [_gemini(i) for i in ids]}
    if provider == "xai":
        return {"models": [_xai(i, created + n * 86_400) for n, i in enumerate(ids)]}
    if provider == "openrouter":
        return {"data": [_openrouter(i, created + n * 86_400) for n, i in enumerate(ids)]}
    data = [
        {"id": i, "object": "model", "created": created + n * 86_400, "owned_by": provider}
        for n, i in enumerate(ids)
    ]
    return {"object": "list", "data": data}


def _gemini(model_id: str) -> dict[str, Any]:
    methods = ["embedContent"] if "embedding" in model_id else ["generateContent", "countTokens"]
    return {
        "name": f"models/{model_id}",
        "displayName": model_id,
        "inputTokenLimit": 1_048_576,
        "outputTokenLimit": 65_536,
        "supportedGenerationMethods": methods,
        "thinking": True,
    }


def _xai(model_id: str, created: int) -> dict[str, Any]:
    return {
        "id": model_id,
        "created": created,
        "input_modalities": ["text", "image"],
        "output_modalities": ["text"],
        "prompt_text_token_price": 30_000,
        "completion_text_token_price": 150_000,
        "aliases": [],
    }


def _openrouter(model_id: str, created: int) -> dict[str, Any]:
    return {
        "id": model_id,
        "name": model_id,
        "created": created,
        "context_length": 200_000,
        "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
        "pricing": {"prompt": "0.000003", "completion": "0.000015"},
        "top_provider": {"context_length": 200_000, "max_completion_tokens": 64_000},
        "supported_parameters": ["tools", "reasoning", "temperature"],
        "description": "A synthetic model of realistic size. " * 8,
    }


def openrouter_payload() -> tuple[Any, str]:
    """The real OpenRouter catalog when ../shared/catalogs has it, else a synthetic one."""
    import json

    if OPENROUTER_CATALOG.is_file():
        return json.loads(OPENROUTER_CATALOG.read_text(encoding="utf-8")), "real OpenRouter catalog"
    return synthetic_payload("openrouter"), "synthetic OpenRouter catalog (sample absent)"
