"""Where things live and where keys come from: paths, API bases, keys (env, then keyring)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from discovery_tui.errors import DiscoveryError, KeyringUnavailableError

if TYPE_CHECKING:
    from discovery_tui.providers.base import ProviderSpec

APP_NAME = "discovery-tui"
DEFAULT_TIMEOUT_SECONDS = 20.0  # per provider (--timeout); here, so --help imports no network code
KEYRING_SERVICE = "discovery-tui"
KeySource = Literal["env", "keyring", "none", "keyless"]


def resolve_config_path(explicit: Path | None, *, profile_config: str | None = None) -> Path:
    """``--config``, else ``$DISCOVERY_TUI_CONFIG``, else profile.yaml's ``config:``, else
    ``config.yaml`` in the current folder. Every command finds the config this one way."""
    if explicit is not None:
        return explicit
    from_env = os.environ.get("DISCOVERY_TUI_CONFIG")
    if from_env:
        return Path(from_env)
    if profile_config:
        return Path(profile_config).expanduser()
    return Path("config.yaml")


def default_profile_path() -> Path:
    """``$DISCOVERY_TUI_PROFILE``, else ``profile.yaml`` in the user's config folder."""
    explicit = os.environ.get("DISCOVERY_TUI_PROFILE")
    if explicit:
        return Path(explicit)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "profile.yaml"


def cache_dir() -> Path:
    """``$DISCOVERY_TUI_CACHE_DIR``, else the user cache folder (judge decisions live here)."""
    explicit = os.environ.get("DISCOVERY_TUI_CACHE_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def api_base(spec: ProviderSpec) -> tuple[str, bool]:
    """The provider's API base and whether ``<PROVIDER>_API_BASE`` moved it."""
    moved = os.environ.get(spec.api_base_env, "").strip()
    if moved:
        return moved.rstrip("/"), True
    return spec.default_api_base, False


@dataclass(frozen=True)
class ResolvedKey:
    source: KeySource
    value: str | None = None

    def __repr__(self) -> str:  # never show the value, even in a traceback's locals
        return f"ResolvedKey(source={self.source!r})"


def keyring_get(provider: str) -> str | None:
    """The provider's key from the keyring; None when absent or when there is no backend."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, provider)
    except (KeyringError, RuntimeError, OSError):
        return None  # headless Linux without a Secret Service: not an error
    return value or None


def keyring_set(provider: str, value: str, *, variable: str) -> None:
    """Store the provider's key in the keyring: the one keyring writer (``keys set`` and the
    wizard). Raises KeyringUnavailableError naming ``variable`` as the way around it."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, provider, value)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise KeyringUnavailableError(
            f"The keyring refused to store the {provider} key ({type(exc).__name__}): unlock "
            f"it and retry, or set {variable} in the environment instead"
        ) from exc


def keyring_available() -> bool:
    """True when a real keyring backend (not the 'fail' or null one) is configured."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    return getattr(backend, "priority", 1) > 0


def resolve_key(spec: ProviderSpec, *, use_keyring: bool = True) -> ResolvedKey:
    """The key for ``spec``: its environment variable first, then the keyring."""
    if spec.key_env:
        value = os.environ.get(spec.key_env, "").strip()
        if value:
            return ResolvedKey("env", value)
    if use_keyring and not os.environ.get("DISCOVERY_TUI_NO_KEYRING"):
        stored = keyring_get(spec.name)
        if stored:
            return ResolvedKey("keyring", stored)
    if not spec.catalog_needs_key:
        return ResolvedKey("keyless")
    return ResolvedKey("none")


# Moved to discovery_tui.secrets (the one key scrubber); kept importable from here.
from discovery_tui.secrets import SECRET_ENV_VARS, known_secrets  # noqa: E402, F401


def missing_key_error(spec: ProviderSpec) -> DiscoveryError:
    var, name = spec.key_variable, spec.name
    return DiscoveryError(f"No key for {name}: set {var} or run `discovery-tui keys set {name}`")
