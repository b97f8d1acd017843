"""Perplexity: its Sonar API has no list endpoint, so this is a documented built-in list.

The list is Perplexity's documented Sonar models (docs.perplexity.ai, "Models" and "Pricing"
pages): ``sonar``, ``sonar-pro``, ``sonar-reasoning-pro`` and ``sonar-deep-research``
(``sonar-reasoning`` was deprecated and is not listed). Context windows and per-token prices are
the documented ones (token prices only: search and request fees are not per token). Every model
has ``source="builtin"``; fetching makes no HTTP call, so a new Sonar model appears only when
this list is updated.

Max output tokens (``launch`` caps Claude Code's output with them: a request for more fails):
Perplexity's own docs state one, Sonar Pro's "8k" (docs.perplexity.ai model card; OpenRouter's
catalog and LiteLLM's model table give it as 8000, and the lower reading is the safe one, so 8000,
not models.dev's 8192). The others come from models.dev (https://models.dev/api.json, provider
``perplexity``, ``limit.output``): ``sonar`` 4096, ``sonar-reasoning-pro`` 4096,
``sonar-deep-research`` 32768.

Perplexity's newer Agent API does have ``GET /v1/models``, but its ids are third-party models
routed through Perplexity, not what LiteLLM's ``perplexity/`` prefix calls.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from discovery_tui.models import Model
from discovery_tui.providers.base import litellm_model, provider_spec

if TYPE_CHECKING:
    import httpx

NAME = "perplexity"
M = 1e-6  # USD per 1M tokens -> USD per token

# Release days: when each model reached the API (as listed on OpenRouter), so the ranking
# prefers Sonar Pro, the flagship, over the older base Sonar.
# id, name, (context window, max output), USD per 1M tokens (input, output), image input,
# reasoning, release
_SONAR_MODELS = (
    ("sonar", "Sonar", (128_000, 4096), (1, 1), False, False, date(2025, 1, 27)),
    ("sonar-pro", "Sonar Pro", (200_000, 8000), (3, 15), True, False, date(2025, 3, 7)),
    (
        "sonar-reasoning-pro",
        "Sonar Reasoning Pro",
        (128_000, 4096),
        (2, 8),
        True,
        True,
        date(2025, 3, 7),
    ),
    (
        "sonar-deep-research",
        "Sonar Deep Research",
        (128_000, 32_768),
        (2, 8),
        False,
        True,
        date(2025, 3, 7),
    ),
)


def _sonar(
    model_id: str,
    name: str,
    limits: tuple[int, int],
    prices: tuple[float, float],
    images: bool,
    reasoning: bool,
    released: date,
) -> Model:
    return Model(
        provider=NAME,
        id=model_id,
        litellm_model=litellm_model(NAME, model_id),
        name=name,
        released=released,
        context_window=limits[0],
        max_output_tokens=limits[1],
        input_cost_per_token=round(prices[0] * M, 15),
        output_cost_per_token=round(prices[1] * M, 15),
        input_modalities=("text", "image") if images else ("text",),
        supports_reasoning=reasoning,
        source="builtin",
    )


BUILTIN_MODELS: tuple[Model, ...] = tuple(_sonar(*row) for row in _SONAR_MODELS)


async def fetch_models(
    client: httpx.AsyncClient, *, api_base: str, api_key: str | None
) -> list[Model]:
    """The built-in list; no HTTP call (the client, base and key are not used)."""
    del client, api_base, api_key
    return list(BUILTIN_MODELS)


SPEC = provider_spec(
    NAME,
    label="Perplexity",
    api_base="https://api.perplexity.ai",
    fetch=fetch_models,
    vendor="perplexity",
    key_env="PERPLEXITYAI_API_KEY",  # LiteLLM's name for it, not PERPLEXITY_API_KEY
    builtin_catalog=True,
)
