"""The one table of what an HTTP status means and what to do about it.

Callers build their one-line messages as ``f"{who} {meaning}: {action}"`` (a provider's catalog,
the judge); what differs between them goes in as arguments, never as a second table.
"""

from __future__ import annotations

_ACCESS = (
    "the key may be blocked, revoked after a leak, or lack access; "
    "create a new key, then {key_hint}"
)


def status_problem(
    status: int,
    *,
    key_hint: str = "check the key",
    missing: str = "such resource",
    url: str | None = None,
    retried: bool = False,
) -> tuple[str, str]:
    """(what ``status`` means, what to do), e.g. ``("rejected the key (HTTP 401)", key_hint)``.

    ``missing`` names what a 404 lacks (``"model list at URL"``, ``"model 'x' at URL"``);
    ``url`` is named in the meaning of an unexpected status; ``retried`` says a 429 outlasted
    the retries.
    """
    if status == 401:
        return "rejected the key (HTTP 401)", key_hint
    if status == 403:
        return "refused access (HTTP 403)", _ACCESS.format(key_hint=key_hint)
    if status == 404:
        return f"has no {missing} (HTTP 404)", "check the API base URL"
    if status == 429:
        after = " after retries" if retried else ""
        return f"is rate-limiting requests (HTTP 429){after}", "wait a minute and retry"
    if status >= 500:
        return f"failed on its side (HTTP {status})", "try again later"
    where = f" for {url}" if url else ""
    return f"answered HTTP {status}{where}", "check the API base URL and the key"
