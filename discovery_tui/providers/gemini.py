"""Google Gemini API: ``GET {base}/models?pageSize=1000``, key in ``x-goog-api-key``.

Pages follow ``nextPageToken`` (sent back as ``pageToken``). Only models whose
``supportedGenerationMethods`` contain ``generateContent`` are kept (Imagen, Veo, embeddings, AQA
and Live-only models are not chat models). Ids lose their ``models/`` prefix. The API gives
``inputTokenLimit``, ``outputTokenLimit``, ``displayName`` and ``thinking``, and no dates or
prices. Image models (``*-image*``, ``nano-banana*``) answer with text and images; TTS and Lyria
models with audio: their output modalities say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import ProviderError
from discovery_tui.models import Model
from discovery_tui.providers.base import (
    CONVENTIONAL_KEY_ENV,
    get_json,
    key_hint,
    litellm_model,
    provider_spec,
    require_list,
)
from discovery_tui.providers.openai_compatible import media_output, models_or_error
from discovery_tui.providers.text import short_description, text_or_none
from discovery_tui.providers.values import as_int, parse_each

if TYPE_CHECKING:
    import httpx

NAME = "gemini"
LABEL = "Gemini"
KEY_HINT = key_hint(NAME, CONVENTIONAL_KEY_ENV)  # GEMINI_API_KEY
API_BASE = "https://generativelanguage.googleapis.com/v1beta"
PAGE_SIZE = 1000
MAX_PAGES = 50


def _output_modalities(model_id: str) -> tuple[str, ...]:
    media = media_output(model_id)
    if media:
        return media
    if "-image" in model_id or model_id.startswith("nano-banana"):
        return ("text", "image")
    return ("text",)


def parse_model(obj: Mapping[str, Any]) -> Model | None:
    raw = obj.get("name")
    methods = obj.get("supportedGenerationMethods")
    if not isinstance(raw, str) or not isinstance(methods, list):
        return None
    if "generateContent" not in methods:
        return None
    model_id = raw.removeprefix("models/").strip()
    if not model_id:
        return None
    display = obj.get("displayName")
    thinking = obj.get("thinking")
    return Model(
        provider=NAME,
        id=model_id,
        litellm_model=litellm_model(NAME, model_id),
        name=text_or_none(display),
        description=short_description(obj.get("description")),
        context_window=as_int(obj.get("inputTokenLimit")),
        max_output_tokens=as_int(obj.get("outputTokenLimit")),
        output_modalities=_output_modalities(model_id),
        supports_reasoning=True if thinking is True else None,
    )


async def _pages(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    token: str | None = None
    seen: set[str] = set()
    for _ in range(MAX_PAGES):
        params: dict[str, str | int] = {"pageSize": PAGE_SIZE}
        if token:
            params["pageToken"] = token
        payload = await get_json(
            client, url, label=LABEL, key_hint=KEY_HINT, headers=headers, params=params
        )
        if token and isinstance(payload, dict) and not payload.get("models"):
            return objects  # a last, empty page
        objects.extend(require_list(payload, "models", LABEL))
        token = payload.get("nextPageToken") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            return objects
        if token in seen:
            break
        seen.add(token)
    raise ProviderError(f"{LABEL} kept sending more pages of models: try again later")


async def fetch_models(
    client: httpx.AsyncClient, *, api_base: str, api_key: str | None
) -> list[Model]:
    headers = {"x-goog-api-key": api_key} if api_key else {}
    objects = await _pages(client, f"{api_base}/models", headers)
    return models_or_error(parse_each(objects, parse_model), LABEL)


SPEC = provider_spec(NAME, label=LABEL, api_base=API_BASE, fetch=fetch_models, vendor="google")
