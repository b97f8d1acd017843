"""Plain data shared by every step: normalised catalog models and per-provider fetch results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal


@dataclass(frozen=True)
class Model:
    """One model of one provider's catalog, normalised.

    ``id`` is the provider's own id (``anthropic/claude-sonnet-4.6`` on OpenRouter,
    ``gemini-2.5-pro`` on Gemini, without ``models/``). ``litellm_model`` is the LiteLLM model
    string (``openrouter/anthropic/claude-sonnet-4.6``), which is also the config's ``model_name``.
    Prices are USD per token (cache prices: reading and writing the prompt cache). ``None``
    means the provider does not say. ``filled`` names the fields another source filled in.
    """

    provider: str
    id: str
    litellm_model: str
    name: str | None = None
    released: date | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    input_cost_per_token: float | None = None
    output_cost_per_token: float | None = None
    cache_read_cost_per_token: float | None = None
    cache_write_cost_per_token: float | None = None
    input_modalities: tuple[str, ...] = ("text",)
    output_modalities: tuple[str, ...] = ("text",)
    supports_tools: bool | None = None
    supports_reasoning: bool | None = None
    expires: date | None = None
    deprecated: bool = False
    # "api": read from the provider's live catalog; "builtin": a documented list shipped with
    # discovery-tui (Perplexity has no list endpoint); "demo": the offline demo catalog.
    source: str = "api"
    description: str | None = None  # the catalog's own short text about the model, one line
    # Fields filled from another source than the provider's catalog, as sorted
    # (field name, source) pairs, e.g. (("input_cost_per_token", "models.dev"),). A tuple keeps
    # Model frozen and hashable; read it with ``filled_from``.
    filled: tuple[tuple[str, str], ...] = ()

    def filled_from(self, field_name: str) -> str | None:
        """Where a filled value came from (``"models.dev"``), None when the catalog said it."""
        return dict(self.filled).get(field_name)


@dataclass(frozen=True)
class Catalog:
    """What one provider returned: its models (never empty) and where they came from."""

    provider: str
    models: tuple[Model, ...]
    api_base: str | None = None  # set only when moved by <PROVIDER>_API_BASE
    extra: dict[str, str] = field(default_factory=dict)


OWNER_KEY = "discovery_tui"  # model_info[OWNER_KEY] = provider name marks an entry as ours


@dataclass(frozen=True)
class Entry:
    """One ``model_list`` entry the tool wants in config.yaml.

    ``litellm_params`` holds ``model``, ``api_key`` (always ``os.environ/VAR``) and, when the
    provider's base was moved, ``api_base``. ``model_info`` holds what the catalog knows plus
    ``OWNER_KEY: provider``. Only these keys are owned: keys a user adds to the entry survive.
    """

    model_name: str
    provider: str
    litellm_params: dict[str, object]
    model_info: dict[str, object]


PickedBy = Literal["llm", "heuristic", "cached", "pinned"]  # how a pick was chosen


@dataclass(frozen=True)
class Pick:
    """The chosen model of one family at one provider, and how it was chosen."""

    family: str
    model: Model
    by: PickedBy
    reason: str
    note: str | None = None  # e.g. "the judge would choose X" for a pin that is no longer best
