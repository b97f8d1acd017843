"""The one key scrubber: the key values this process holds, and text with them masked.

A server may echo a key back (a LiteLLM proxy used as the judge repeats a provider's key in its
error; a proxy answering doctor may repeat its master key). Every message built from what a
server sent passes through :func:`scrub` before it is shown, logged or written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

MASK = "***"
# A value handed over as a key is masked from this length on: shorter values are not keys (and
# masking them would mangle ordinary words), while LiteLLM's documented ``sk-1234`` still is.
MIN_SECRET_LENGTH = 4
# Values found in the environment are only taken as keys from this length on: a variable set to
# ``test`` or ``none`` must not turn every such word of a message into the mask.
MIN_ENV_SECRET_LENGTH = 8
SECRET_ENV_VARS = ("DISCOVERY_TUI_JUDGE_API_KEY", "LITELLM_MASTER_KEY")


def known_secrets() -> list[str]:
    """The key values in this process's environment (every built-in provider's key variable,
    the judge's, the proxy's master key), longest first, to scrub from text a server sent back.
    Values under :data:`MIN_ENV_SECRET_LENGTH` characters are left out."""
    from discovery_tui.providers import PROVIDERS

    names = {spec.key_env for spec in PROVIDERS.values() if spec.key_env}
    names.update(SECRET_ENV_VARS)
    values = {os.environ.get(name, "").strip() for name in names}
    return sorted((v for v in values if len(v) >= MIN_ENV_SECRET_LENGTH), key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every secret of at least :data:`MIN_SECRET_LENGTH` characters replaced by
    :data:`MASK`, longest first (a key that contains another is masked whole)."""
    values = {value for value in secrets if value and len(value) >= MIN_SECRET_LENGTH}
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


# Query parameters that carry a key (Gemini's old ``?key=``, some gateways' ``?api_key=``).
_KEY_PARAMS = frozenset({"key", "api_key", "apikey", "api-key", "token", "access_token"})


def url_has_credentials(url: str) -> bool:
    """True when ``url`` carries a user name or password (``http://user:sk-…@host``)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "@" in url
    return "@" in parts.netloc


def redact_url(url: str) -> str:
    """``url`` safe to print: user name and password removed, key-like query values masked.
    Text that is not a URL is returned with anything before an ``@`` of its host part cut."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            if any(name.lower() in _KEY_PARAMS for name, _ in pairs):
                masked = [(n, MASK if n.lower() in _KEY_PARAMS else v) for n, v in pairs]
                query = urlencode(masked, safe="*")
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return MASK


def credentials_problem(url: str, *, where: str, key_var: str) -> str | None:
    """The message refusing an API base with credentials in it, naming the key variable to use
    instead; None when ``url`` carries none. The URL is shown without its credentials."""
    if not url_has_credentials(url):
        return None
    return (
        f"{where} has credentials in it ({redact_url(url)}): they would be written into "
        f"config.yaml; remove them from the URL and put the key in {key_var}"
    )
