"""The one exception family of discovery-tui.

Every error a user can meet is a DiscoveryError whose message states the cause and the fix.
Errors of httpx, openai and ruamel.yaml are translated at the boundary with ``raise ... from exc``.
The CLI catches only this class (and KeyboardInterrupt) and prints ``str(exc)`` on one line.
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


class ProviderError(DiscoveryError):
    """A provider's catalog could not be read: network, HTTP status, or not its shape."""


class ConfigError(DiscoveryError):
    """config.yaml, profile.yaml or families.yaml cannot be read or written safely."""


class JudgeError(DiscoveryError):
    """The LLM judge failed; callers fall back to the deterministic ranking."""
