"""What every provider module shares: its spec, and one careful JSON GET with retries.

A provider module exposes ``SPEC`` (a ProviderSpec) whose ``fetch`` is
``async def fetch_models(client, *, api_base, api_key) -> list[Model]``. It raises ProviderError
when the catalog is empty or not of the provider's shape; HTTP and network failures are raised as
ProviderError by :func:`get_json`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol

from discovery_tui.errors import ProviderError
from discovery_tui.formatting import one_line
from discovery_tui.httpstatus import status_problem

if TYPE_CHECKING:
    import httpx

    from discovery_tui.models import Model

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_RETRY_AFTER_SECONDS = 15.0


class FetchFn(Protocol):
    def __call__(
        self, client: httpx.AsyncClient, *, api_base: str, api_key: str | None
    ) -> Awaitable[list[Model]]: ...


@dataclass(frozen=True)
class ProviderSpec:
    """A provider: how LiteLLM names it, where its key lives, how to read its catalog."""

    name: str  # registry key and the prefix of its environment variables
    label: str  # for people: "xAI", "OpenRouter"
    litellm_prefix: str  # "xai" -> model strings "xai/<id>"
    key_env: str | None  # the variable LiteLLM reads, referenced as os.environ/<key_env>
    default_api_base: str
    fetch: FetchFn
    catalog_needs_key: bool = True  # False: the catalog is public (OpenRouter)
    vendor: str | None = None  # the vendor of ids without a "vendor/" part
    builtin_catalog: bool = False  # True: no list endpoint, a documented list (Perplexity)
    # True: entries always carry api_base (a user-declared server LiteLLM cannot know by prefix)
    entries_need_api_base: bool = False

    @property
    def api_base_env(self) -> str:
        return f"{self.name.upper().replace('-', '_')}_API_BASE"


def litellm_model(prefix: str, model_id: str) -> str:
    return f"{prefix}/{model_id}"


def status_message(label: str, status: int, url: str, key_hint: str) -> str:
    """One line naming what the status means and what to do (the table is httpstatus's)."""
    meaning, action = status_problem(
        status, key_hint=key_hint, missing=f"model list at {url}", url=url, retried=True
    )
    return f"{label} {meaning}: {action}"


def retry_delay(response: httpx.Response, attempt: int) -> float:
    """Seconds to wait before the next try: Retry-After (seconds or HTTP date) or backoff."""
    header = response.headers.get("retry-after")
    if header:
        try:
            seconds = float(header)
        except ValueError:
            try:
                when = parsedate_to_datetime(header)
                seconds = (when - datetime.now(timezone.utc)).total_seconds()
            except (TypeError, ValueError):
                seconds = 0.5 * 2.0**attempt
        return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)
    return min(0.5 * 2.0**attempt, MAX_RETRY_AFTER_SECONDS)


async def _read_limited(response: httpx.Response, label: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ProviderError(
                f"{label} sent a model list over {MAX_BODY_BYTES // (1024 * 1024)} MB: "
                "that is not a catalog; check the API base URL"
            )
        chunks.append(chunk)
    return b"".join(chunks)


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    label: str,
    key_hint: str,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str | int] | None = None,
    retries: int = 3,
    missing_ok: bool = False,
) -> Any:
    """GET ``url`` and return its JSON; retry 429 and 5xx honouring Retry-After.

    Every failure becomes a ProviderError with a one-line message; the key never appears in it.
    With ``missing_ok``, HTTP 404 returns None (for optional endpoints with a fallback).
    """
    import httpx

    for attempt in range(retries + 1):
        try:
            async with client.stream("GET", url, headers=headers, params=params) as response:
                if response.status_code in RETRY_STATUSES and attempt < retries:
                    delay = retry_delay(response, attempt)
                else:
                    if missing_ok and response.status_code == 404:
                        return None
                    if response.status_code >= 400:
                        message = status_message(label, response.status_code, url, key_hint)
                        raise ProviderError(message)
                    body = await _read_limited(response, label)
                    return _parse_json(body, label, url, response.headers.get("content-type", ""))
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise ProviderError(transport_message(exc, label=label, url=url)) from exc
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def transport_message(exc: Exception, *, label: str, url: str) -> str:
    """One line for a failure below HTTP: a timeout, a bad URL, no connection, a broken one."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"{label} did not answer in time ({url}): try again later"
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return f"{label}'s API base is not a valid http(s) URL ({url}): fix the API base URL"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)):
        return (
            f"{label} broke off the connection before the model list was complete ({url}): "
            "try again later; if it keeps happening, check the API base URL"
        )
    reason = one_line(str(exc), limit=None) or type(exc).__name__
    return f"{label} cannot be reached at {url} ({reason}): check the network and the API base URL"


def _parse_json(body: bytes, label: str, url: str, content_type: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        html = "html" in content_type or body.lstrip()[:1] == b"<"
        kind = "an HTML page" if html else "broken JSON"
        raise ProviderError(
            f"{label} sent {kind} instead of a model list ({url}): check the API base URL"
        ) from exc


def require_list(payload: Any, key: str | None, label: str) -> list[dict[str, Any]]:
    """The list of model objects at ``payload[key]`` (or ``payload`` itself), else ProviderError."""
    items = payload.get(key) if key is not None and isinstance(payload, dict) else payload
    if not isinstance(items, list):
        where = f"a '{key}' list" if key else "a list"
        raise ProviderError(f"{label} answered without {where} of models: the API may have changed")
    objects = [
        item
        for item in items
        if isinstance(item, dict) and isinstance(item.get("id", item.get("name")), str)
    ]
    if items and not objects:
        raise ProviderError(
            f"{label} answered with model entries that have no id: the API may have changed; "
            "check the API base URL"
        )
    if not objects:
        raise ProviderError(
            f"{label} returned an empty model list: check the key's access and retry"
        )
    return objects


def date_from_unix(value: Any) -> date | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return datetime.fromtimestamp(value, tz=timezone.utc).date()
    return None


def date_from_iso(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, float) and value > 0:
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value) or None
    return None


def as_price(value: Any, *, scale: float = 1.0) -> float | None:
    """A non-negative per-token price; ``scale`` converts the provider's unit to USD per token."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number < 0:
        return None  # OpenRouter prices routers "-1": unknown
    return round(number * scale, 15)


ModelParser = Callable[[dict[str, Any]], "Model | None"]
