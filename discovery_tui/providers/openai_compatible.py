"""The one helper for OpenAI-style list endpoints, and user-declared compatible servers.

:func:`list_provider` builds the ProviderSpec of a provider whose catalog is ``GET {base}/models``
(Bearer key): a provider module gives only what differs (name, label, API base, vendor, which
entries to keep) and its ``parse_model``, made by :func:`list_parser` from the fields every entry
has plus a small function adding the provider's own (``details``).

``GET {base}/models`` answers ``{"object": "list", "data": [{"id", "created", "owned_by"}, ...]}``.
Servers add fields of their own, read here when present: ``context_length`` / ``context_window``
/ ``max_model_len`` (vLLM), ``max_completion_tokens``, ``display_name``, ``type`` and ``pricing``
in USD per 1M tokens (Together, which also answers with a bare array instead of ``data``).

A user declares a compatible server (a local server or a gateway) in profile.yaml's
``custom_providers``; :func:`make_spec` turns one declaration into a ProviderSpec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import ProviderError
from discovery_tui.models import Model
from discovery_tui.providers.base import (
    CONVENTIONAL_KEY_ENV,
    FetchFn,
    KeyEnv,
    ProviderSpec,
    get_json,
    key_hint,
    litellm_model,
    provider_spec,
    require_list,
)
from discovery_tui.providers.text import text_or_none
from discovery_tui.providers.values import (
    ModelParser,
    as_int,
    as_mapping,
    as_price,
    date_from_unix,
    parse_each,
)

if TYPE_CHECKING:
    import httpx

PER_MILLION = 1e-6

# Ids that name a model whose output is not text (checked in order; the first match wins).
_MEDIA_OUTPUT: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("imagine-video", "veo-", "sora"), ("video",)),
    (("imagine-image", "grok-2-image", "dall-e", "gpt-image", "imagen-"), ("image",)),
    (("-tts", "tts-1", "lyria"), ("audio",)),
)

# Together's ``type`` field -> output modalities.
_TYPE_OUTPUT: Mapping[str, tuple[str, ...]] = {
    "image": ("image",),
    "video": ("video",),
    "audio": ("audio",),
    "embedding": ("embedding",),
    "moderation": ("moderation",),
    "rerank": ("rerank",),
}


def bearer(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def media_output(model_id: str) -> tuple[str, ...] | None:
    """The output modalities an id names when it is an image, video or speech model, else None."""
    lowered = model_id.lower()
    for needles, modalities in _MEDIA_OUTPUT:
        if any(needle in lowered for needle in needles):
            return modalities
    return None


def base_model(
    obj: Mapping[str, Any], *, provider: str, prefix: str, created_is_release: bool = True
) -> Model | None:
    """The fields every OpenAI-style entry has: id, LiteLLM string, ``created`` as release day."""
    model_id = obj.get("id")
    if not isinstance(model_id, str) or not model_id.strip():
        return None
    model_id = model_id.strip()
    return Model(
        provider=provider,
        id=model_id,
        litellm_model=litellm_model(prefix, model_id),
        released=date_from_unix(obj.get("created")) if created_is_release else None,
        output_modalities=media_output(model_id) or ("text",),
    )


def first_int(obj: Mapping[str, Any], *keys: str) -> int | None:
    for key in keys:
        value = as_int(obj.get(key))
        if value is not None:
            return value
    return None


Details = Callable[[Model, Mapping[str, Any]], "Model | None"]
"""A provider's own fields added to the base model of an entry (None: the entry is left out)."""


def list_parser(
    provider: str,
    details: Details | None = None,
    *,
    prefix: str | None = None,
    created_is_release: bool = True,
) -> ModelParser:
    """The ``parse_model`` of an OpenAI-style list: :func:`base_model`, then ``details``."""

    def parse_model(obj: Mapping[str, Any]) -> Model | None:
        model = base_model(
            obj, provider=provider, prefix=prefix or provider, created_is_release=created_is_release
        )
        if model is None or details is None:
            return model
        return details(model, obj)

    return parse_model


def compatible_details(model: Model, obj: Mapping[str, Any]) -> Model:
    """The extra fields of vLLM, Together and the like (a user-declared compatible server)."""
    pricing = as_mapping(obj.get("pricing"))
    kind = obj.get("type")
    return replace(
        model,
        name=text_or_none(obj.get("display_name")),
        context_window=first_int(obj, "context_length", "context_window", "max_model_len"),
        max_output_tokens=first_int(obj, "max_completion_tokens", "max_output_tokens"),
        input_cost_per_token=_positive_price(pricing.get("input")),
        output_cost_per_token=_positive_price(pricing.get("output")),
        output_modalities=_TYPE_OUTPUT.get(kind, model.output_modalities)
        if isinstance(kind, str)
        else model.output_modalities,
        deprecated=obj.get("active") is False,
    )


def _positive_price(value: Any) -> float | None:
    """Together prices USD per 1M tokens; 0 there means "not priced per token" (e.g. hourly)."""
    price = as_price(value, scale=PER_MILLION)
    return price if price else None


def models_or_error(models: list[Model | None], label: str) -> list[Model]:
    """The parsed models; an answer with no usable entry is a failure, never "no models"."""
    usable = [model for model in models if model is not None]
    if not usable:
        raise ProviderError(
            f"{label} returned no usable model entries: the API may have changed; "
            "check the API base URL"
        )
    return usable


async def fetch_list(
    client: httpx.AsyncClient,
    *,
    url: str,
    label: str,
    hint: str,
    headers: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The model objects of an OpenAI-style list (``{"data": [...]}`` or a bare array)."""
    payload = await get_json(client, url, label=label, key_hint=hint, headers=headers)
    return require_list(payload, "data" if isinstance(payload, dict) else None, label)


EntryFilter = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
"""Which entries of a list to parse (Mistral drops the entries that only alias another)."""


def list_fetch(
    *, label: str, hint: str, parse: ModelParser, keep: EntryFilter | None = None
) -> FetchFn:
    """The fetch of an OpenAI-style catalog: ``GET {api_base}/models`` with a Bearer key."""

    async def fetch_models(
        client: httpx.AsyncClient, *, api_base: str, api_key: str | None
    ) -> list[Model]:
        objects = await fetch_list(
            client, url=f"{api_base}/models", label=label, hint=hint, headers=bearer(api_key)
        )
        if keep is not None:
            objects = keep(objects)
        return models_or_error(parse_each(objects, parse), label)

    return fetch_models


def list_provider(
    name: str,
    *,
    label: str,
    api_base: str,
    parse: ModelParser,
    vendor: str | None,
    key_env: KeyEnv = CONVENTIONAL_KEY_ENV,
    prefix: str | None = None,
    keep: EntryFilter | None = None,
    catalog_needs_key: bool = True,
) -> ProviderSpec:
    """The ProviderSpec of a provider whose catalog is an OpenAI-style list."""
    fetch = list_fetch(label=label, hint=key_hint(name, key_env), parse=parse, keep=keep)
    return provider_spec(
        name,
        label=label,
        api_base=api_base,
        fetch=fetch,
        vendor=vendor,
        key_env=key_env,
        prefix=prefix,
        catalog_needs_key=catalog_needs_key,
    )


def make_spec(
    *,
    name: str,
    base_url: str,
    key_env: str | None,
    prefix: str = "openai",
    vendor: str | None = None,
) -> ProviderSpec:
    """A ProviderSpec for a user-declared OpenAI-compatible server; its default base is base_url."""
    parse = list_parser(name, compatible_details, prefix=prefix)
    spec = list_provider(
        name,
        label=name,
        api_base=base_url,
        parse=parse,
        vendor=vendor,
        key_env=key_env,
        prefix=prefix,
        catalog_needs_key=key_env is not None,
    )
    return replace(spec, entries_need_api_base=True)
