"""What every provider module shares: its spec, and one careful JSON GET with retries.

A provider module exposes ``SPEC`` (a ProviderSpec) whose ``fetch`` is
``async def fetch_models(client, *, api_base, api_key) -> list[Model]``. It raises ProviderError
when the catalog is empty or not of the provider's shape; HTTP and network failures are raised as
ProviderError by :func:`get_json`.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol

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
# The ranges a catalog's numbers must fall in; a value outside is dropped with a note.
MAX_TOKENS = 100_000_000
MAX_PRICE_PER_TOKEN = 1.0  # USD; the dearest real models cost about 0.0006
FIRST_YEAR, LAST_YEAR = 1990, 2100

# Notes about a catalog's bad values, collected while its provider is fetched (fetch.fetch_one
# sets the list; parse_each prefixes each value's note with its model's id).
CATALOG_NOTES: ContextVar[list[str] | None] = ContextVar("catalog_notes", default=None)
_VALUE_PROBLEMS: ContextVar[list[str] | None] = ContextVar("value_problems", default=None)


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


def _problem(text: str) -> None:
    """Record that a value of the model being parsed was dropped (see :func:`parse_each`)."""
    problems = _VALUE_PROBLEMS.get()
    if problems is not None:
        problems.append(text)


def add_note(text: str) -> None:
    """A note about the catalog being fetched (shown in the preview and ``--json``)."""
    notes = CATALOG_NOTES.get()
    if notes is not None:
        notes.append(text)


def _number_text(value: Any) -> str:
    return printable(one_line(str(value), limit=40))


def date_from_unix(value: Any) -> date | None:
    """A unix time's day; a time before 1990 or after 2100 (or not a number) is dropped."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return None
    try:
        day = datetime.fromtimestamp(value, tz=timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        _problem(
            f"creation time {_number_text(value)} dropped (not a date between "
            f"{FIRST_YEAR} and {LAST_YEAR})"
        )
        return None
    return day


def date_from_iso(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def as_int(value: Any) -> int | None:
    """A token count in 1..MAX_TOKENS; 0 and negatives mean unknown, other values are dropped."""
    if isinstance(value, bool):
        return None
    number: float | int | None = None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = value if math.isfinite(value) else math.inf
    elif isinstance(value, str) and value.isdigit():
        number = int(value)
    if number is None or number <= 0:
        return None
    if number > MAX_TOKENS:
        _problem(f"token limit {_number_text(value)} dropped (not a count up to {MAX_TOKENS:,})")
        return None
    return int(number)


def as_price(value: Any, *, scale: float = 1.0) -> float | None:
    """A non-negative per-token price; ``scale`` converts the provider's unit to USD per token.

    Negative means unknown (OpenRouter prices routers ``"-1"``); NaN, infinity and prices over
    MAX_PRICE_PER_TOKEN are dropped with a note.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value) * scale
    except (TypeError, ValueError, OverflowError):
        return None
    if math.isfinite(number) and number < 0:
        if number != -scale:  # "-1" is OpenRouter's "unknown" and says nothing wrong
            _problem(f"price {_number_text(value)} dropped (a negative price)")
        return None
    if not math.isfinite(number) or number > MAX_PRICE_PER_TOKEN:
        _problem(f"price {_number_text(value)} dropped (not a finite price in range)")
        return None
    return round(number, 15)


def parse_each(
    objects: Iterable[Mapping[str, Any]], parse: Callable[[Any], Model | None]
) -> list[Model | None]:
    """``parse`` applied to each catalog entry: a value it drops becomes a note naming the
    model; an entry it cannot read at all is left out with a note, never failing the rest."""
    models: list[Model | None] = []
    for obj in objects:
        problems: list[str] = []
        token = _VALUE_PROBLEMS.set(problems)
        try:
            model = parse(obj)
        except (LookupError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
            model = None
            problems.append(f"left out (unreadable entry: {type(exc).__name__})")
        finally:
            _VALUE_PROBLEMS.reset(token)
        raw_id = obj.get("id", obj.get("name")) if isinstance(obj, Mapping) else None
        shown = printable(str(raw_id))[:80]
        for problem in problems:
            add_note(f"model '{shown}': {problem}")
        models.append(model)
    return models


ModelParser = Callable[[dict[str, Any]], "Model | None"]
