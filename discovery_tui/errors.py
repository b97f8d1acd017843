"""The one exception tree of discovery-tui: every class the package raises is defined here.

Every error a user can meet is a :class:`DiscoveryError` whose message states the cause and the
fix. Errors of httpx, openai, keyring and ruamel.yaml are translated at the boundary with
``raise ... from exc``. The CLI catches only :class:`DiscoveryError` (and KeyboardInterrupt),
prints ``str(exc)`` on one line and exits with ``exc.exit_code``; ``DISCOVERY_TUI_DEBUG=1``
shows the traceback instead. Messages never carry a key: see :mod:`discovery_tui.secrets`.

    DiscoveryError                 exit 1 unless said otherwise
    ├── UsageError                 wrong usage of the command line (exit 2)
    ├── Cancelled                  Ctrl-C or a closed input at a prompt (exit 130)
    ├── ConfigError                config.yaml, profile.yaml or families.yaml: unreadable or unsafe
    ├── ProviderError              a provider's catalog could not be read, or is not its shape
    ├── JudgeError                 the LLM judge failed; callers fall back to the ranking
    │   └── JudgeFormatRejected    the endpoint refused JSON mode (internal: retried without it)
    ├── KeyringUnavailableError    no usable OS keyring (keys set/delete, storing a typed key)
    ├── ProxyError                 the LiteLLM proxy: not reachable, not ready, no master key
    │   └── ApplyTargetError       a running proxy's model API refused a change (--to-proxy)
    └── LaunchError                Claude Code could not be found or started
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130


class DiscoveryError(Exception):
    """A failure with a one-line, user-facing message naming the cause and the fix."""

    exit_code: int = EXIT_ERROR

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(DiscoveryError):
    """Wrong usage of the command line (exit 2)."""

    exit_code = EXIT_USAGE


class Cancelled(DiscoveryError):
    """The user pressed Ctrl-C (or the input closed) at a prompt (exit 130)."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class ConfigError(DiscoveryError):
    """config.yaml, profile.yaml or families.yaml cannot be read or written safely."""


class ProviderError(DiscoveryError):
    """A provider's catalog could not be read: network, HTTP status, or not its shape."""


class JudgeError(DiscoveryError):
    """The LLM judge failed; callers fall back to the deterministic ranking."""


class JudgeFormatRejected(JudgeError):
    """The judge endpoint refused ``response_format`` (JSON mode); asked again without it."""


class KeyringUnavailableError(DiscoveryError):
    """No usable OS keyring: keys cannot be stored or deleted there."""


class ProxyError(DiscoveryError):
    """The LiteLLM proxy cannot be used: not reachable, not ready, or no master key."""


class ApplyTargetError(ProxyError):
    """A running proxy's model API refused a change (``refresh --to-proxy``)."""


class LaunchError(DiscoveryError):
    """Claude Code could not be found or started."""
