"""What every provider module shares: its spec, and one careful JSON GET with retries.

A provider module exposes ``SPEC`` (a ProviderSpec, built with :func:`provider_spec`) whose
``fetch`` is ``async def fetch_models(client, *, api_base, api_key) -> list[Model]``. It raises
ProviderError when the catalog is empty or not of the provider's shape; HTTP and network failures
are raised as ProviderError by :func:`get_json`. One entry's values are read by
``providers.values``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias

from discovery_tui.errors import ProviderError
from discovery_tui.formatting import one_line
from discovery_tui.httpstatus import status_problem
from discovery_tui.safetext import printable
from discovery_tui.secrets import redact_url

if TYPE_CHECKING:
    import httpx

    from discovery_tui.models import Model

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_RETRY_AFTER_SECONDS = 15.0
MAX_REDIRECTS = 5
# Headers that say nothing secret and may follow a redirect to another origin; every other
# header a provider sets (Authorization, x-api-key, x-goog-api-key, ...) stays with its origin.
SAFE_HEADERS = frozenset({"anthropic-version", "accept", "user-agent"})


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
        return f"{env_prefix(self.name)}_API_BASE"

    @property
    def key_variable(self) -> str:
        """The variable to name in messages: ``key_env``, else ``<NAME>_API_KEY``."""
        return self.key_env or conventional_key_env(self.name)

    @property
    def key_hint(self) -> str:
        return key_hint(self.name, self.key_env)


class _Conventional(Enum):
    KEY_ENV = "<NAME>_API_KEY"


CONVENTIONAL_KEY_ENV = _Conventional.KEY_ENV
KeyEnv: TypeAlias = "str | Literal[_Conventional.KEY_ENV] | None"
"""A key variable; CONVENTIONAL_KEY_ENV: ``<NAME>_API_KEY``; None: the provider needs no key."""


def env_prefix(name: str) -> str:
    """A provider name as the start of its variables: ``my-server`` -> ``MY_SERVER``."""
    return name.upper().replace("-", "_")


def conventional_key_env(name: str) -> str:
    return f"{env_prefix(name)}_API_KEY"


def key_hint(name: str, key_env: KeyEnv) -> str:
    """What to do about a missing or rejected key, for messages."""
    variable = key_env if isinstance(key_env, str) else conventional_key_env(name)
    return f"set {variable} or run `discovery-tui keys set {name}`"


def provider_spec(
    name: str,
    *,
    label: str,
    api_base: str,
    fetch: FetchFn,
    vendor: str | None,
    key_env: KeyEnv = CONVENTIONAL_KEY_ENV,
    prefix: str | None = None,
    catalog_needs_key: bool = True,
    builtin_catalog: bool = False,
    entries_need_api_base: bool = False,
) -> ProviderSpec:
    """A ProviderSpec from what differs: the LiteLLM prefix is the name and the key variable
    ``<NAME>_API_KEY`` unless given; the API base loses a trailing ``/``."""
    return ProviderSpec(
        name=name,
        label=label,
        litellm_prefix=prefix or name,
        key_env=conventional_key_env(name) if key_env is CONVENTIONAL_KEY_ENV else key_env,
        default_api_base=api_base.rstrip("/"),
        fetch=fetch,
        catalog_needs_key=catalog_needs_key,
        vendor=vendor,
        builtin_catalog=builtin_catalog,
        entries_need_api_base=entries_need_api_base,
    )


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

    Redirects are followed here, not by httpx: a key header never goes to another origin.
    Every failure becomes a ProviderError with a one-line message; the key never appears in it.
    With ``missing_ok``, HTTP 404 returns None (for optional endpoints with a fallback).
    """
    import httpx

    shown = redact_url(url)
    for attempt in range(retries + 1):
        try:
            response = await _send_following(client, url, headers or {}, params, label)
            try:
                if response.status_code in RETRY_STATUSES and attempt < retries:
                    delay = retry_delay(response, attempt)
                else:
                    if missing_ok and response.status_code == 404:
                        return None
                    if response.status_code >= 400:
                        message = status_message(label, response.status_code, shown, key_hint)
                        raise ProviderError(message)
                    body = await _read_limited(response, label)
                    content_type = response.headers.get("content-type", "")
                    return _parse_json(body, label, shown, content_type)
            finally:
                await response.aclose()
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise ProviderError(transport_message(exc, label=label, url=shown)) from exc
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


async def _send_following(
    client: httpx.AsyncClient,
    url: str,
    headers: Mapping[str, str],
    params: Mapping[str, str | int] | None,
    label: str,
) -> httpx.Response:
    """The streamed response at the end of at most MAX_REDIRECTS redirects. Once a redirect
    leaves the first origin (scheme, host, port), only SAFE_HEADERS go along."""
    import httpx

    request = client.build_request("GET", url, headers=headers, params=params)
    first = _origin(request.url)
    for _ in range(MAX_REDIRECTS + 1):
        response = await client.send(request, stream=True, follow_redirects=False)
        location = response.headers.get("location")
        if not (response.is_redirect and location):
            return response
        await response.aclose()
        try:
            target = request.url.join(location)
        except httpx.InvalidURL as exc:
            raise ProviderError(_redirect_message(label, location, "an invalid URL")) from exc
        if target.scheme not in ("http", "https"):
            raise ProviderError(_redirect_message(label, location, "a non-http(s) URL"))
        if _origin(target) != first:
            headers = _safe_headers(headers)  # and so for every later hop, back home too
        request = client.build_request("GET", target, headers=headers)
    raise ProviderError(
        f"{label} redirected more than {MAX_REDIRECTS} times ({redact_url(url)}): "
        "fix the API base URL"
    )


def _safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() in SAFE_HEADERS}


def _redirect_message(label: str, location: str, what: str) -> str:
    target = printable(one_line(redact_url(location), limit=200))
    return f"{label} redirected to {what} ({target}): fix the API base URL"


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
