"""Perplexity: its Sonar API has no list endpoint, so this is a documented built-in list.

The list is Perplexity's documented Sonar models (docs.perplexity.ai, "Models" and "Pricing"
pages): ``sonar``, ``sonar-pro``, ``sonar-reasoning-pro`` and ``sonar-deep-research``
(``sonar-reasoning`` was deprecated and is not listed). Context windows and per-token prices are
the documented ones (token prices only: search and request fees are not per token). Every model
has ``source="builtin"``; fetching makes no HTTP call, so a new Sonar model appears only when
this list is updated. Perplexity's newer Agent API does have ``GET /v1/models``, but its ids are
third-party models routed through Perplexity, not what LiteLLM's ``perplexity/`` prefix calls.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from discovery_tui.models import Model
from discovery_tui.providers.base import ProviderSpec, litellm_model
from discovery_tui.providers.openai_compatible import key_hint

if TYPE_CHECKING:
    import httpx

NAME = "perplexity"
LABEL = "Perplexity"
PREFIX = "perplexity"
KEY_ENV = "PERPLEXITYAI_API_KEY"
KEY_HINT = key_hint(NAME, KEY_ENV)
M = 1e-6  # USD per 1M tokens -> USD per token


def _sonar(
    model_id: str,
    name: str,
    *,
    context: int,
    prices: tuple[float, float],
    images: bool,
    reasoning: bool,
    released: date,
) -> Model:
    return Model(
        provider=NAME,
        id=model_id,
        litellm_model=litellm_model(PREFIX, model_id),
        name=name,
        released=released,
        context_window=context,
        input_cost_per_token=round(prices[0] * M, 15),
        output_cost_per_token=round(prices[1] * M, 15),
        input_modalities=("text", "image") if images else ("text",),
        supports_reasoning=reasoning,
        source="builtin",
    )


BUILTIN_MODELS: tuple[Model, ...] = (
    # Release days: when each model reached the API (as listed on OpenRouter), so the ranking
    # prefers Sonar Pro, the flagship, over the older base Sonar.
    _sonar(
        "sonar",
        "Sonar",
        context=128_000,
        prices=(1, 1),
        images=False,
        reasoning=False,
        released=date(2025, 1, 27),
    ),
    _sonar(
        "sonar-pro",
        "Sonar Pro",
        context=200_000,
        prices=(3, 15),
        images=True,
        reasoning=False,
        released=date(2025, 3, 7),
    ),
    _sonar(
        "sonar-reasoning-pro",
        "Sonar Reasoning Pro",
        context=128_000,
        prices=(2, 8),
        images=True,
        reasoning=True,
        released=date(2025, 3, 7),
    ),
    _sonar(
        "sonar-deep-research",
        "Sonar Deep Research",
        context=128_000,
        prices=(2, 8),
        images=False,
        reasoning=True,
        released=date(2025, 3, 7),
    ),
)


async def fetch_models(
    client: httpx.AsyncClient, *, api_base: str, api_key: str | None
) -> list[Model]:
    """The built-in list; no HTTP call (the client, base and key are not used)."""
    del client, api_base, api_key
    return list(BUILTIN_MODELS)


SPEC = ProviderSpec(
    name=NAME,
    label=LABEL,
    litellm_prefix=PREFIX,
    key_env=KEY_ENV,
    default_api_base="https://api.perplexity.ai",
    fetch=fetch_models,
    vendor="perplexity",
    builtin_catalog=True,
)
