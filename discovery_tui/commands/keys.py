"""``discovery-tui keys set|list|delete PROVIDER``: provider keys in the system keyring.

Keys live under the service ``discovery-tui`` with the provider's name as the user name. An
environment variable always wins over the keyring (``settings.resolve_key``). A key is typed
at a terminal (shown as asterisks) or read from standard input (``--stdin``, or whenever
standard input is not a terminal), and never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from discovery_tui.commands import Io
from discovery_tui.errors import EXIT_OK, DiscoveryError, KeyringUnavailableError, UsageError
from discovery_tui.providers import ProviderSpec
from discovery_tui.settings import (
    KEYRING_SERVICE,
    KeySource,
    default_profile_path,
    keyring_available,
    keyring_get,
    keyring_set,
    resolve_key,
)

ACTIONS = ("set", "list", "delete")


@dataclass(frozen=True)
class KeyStatus:
    """Where one provider's key comes from; never its value."""

    provider: str
    label: str
    variable: str | None
    source: KeySource
    in_keyring: bool


@dataclass(frozen=True)
class KeyList:
    """``keys list``: every provider's key source; ``keyring``: a backend is usable."""

    statuses: tuple[KeyStatus, ...]
    keyring: bool
    as_json: bool
    exit_code: int = EXIT_OK


@dataclass(frozen=True)
class KeyChange:
    """``keys set``/``keys delete``: the lines that say what was done (never the key)."""

    lines: tuple[str, ...]
    exit_code: int = EXIT_OK


KeysResult = KeyList | KeyChange


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from discovery_tui.options import provider_name

    parser.add_argument("action", choices=ACTIONS, help="set, list or delete")
    parser.add_argument(
        "provider", nargs="?", type=provider_name, metavar="PROVIDER", help="e.g. openrouter"
    )
    parser.add_argument(
        "--stdin",
        action="store_true",
        help="set: read the key from standard input (the default without a terminal)",
    )
    parser.add_argument("--json", action="store_true", help="list: print JSON")
    parser.add_argument(
        "--profile", type=Path, default=None, help="profile.yaml (for custom providers)"
    )


def run(args: argparse.Namespace, io: Io) -> KeysResult:
    from discovery_tui.options import check_providers

    providers = _providers(args.profile)
    if args.action == "list":
        return list_keys(providers, as_json=args.json)
    if not args.provider:
        raise UsageError(f"`keys {args.action}` needs a provider: one of {', '.join(providers)}")
    [name] = check_providers([args.provider], providers)
    spec = providers[name]
    if args.action == "set":
        return set_key(spec, io, from_stdin=args.stdin)
    return delete_key(spec)


def _providers(profile_path: Path | None) -> dict[str, ProviderSpec]:
    from discovery_tui.profile import Profile
    from discovery_tui.providers import all_providers

    profile = Profile.load(profile_path or default_profile_path())
    return all_providers(profile.custom_providers)


def variable_of(spec: ProviderSpec) -> str:
    """The variable that holds ``spec``'s key (one rule: ``ProviderSpec.key_variable``)."""
    return spec.key_variable


def require_keyring(spec: ProviderSpec) -> None:
    """Raise KeyringUnavailableError, naming the variable to use instead, when there is none."""
    var = variable_of(spec)
    if os.environ.get("DISCOVERY_TUI_NO_KEYRING"):
        raise KeyringUnavailableError(
            f"The keyring is turned off by DISCOVERY_TUI_NO_KEYRING: set {var} in the "
            "environment instead, or unset DISCOVERY_TUI_NO_KEYRING"
        )
    if not keyring_available():
        raise KeyringUnavailableError(
            "No keyring backend is available on this system (headless Linux has no Secret "
            f"Service): set {var} in the environment instead, or install a backend such as "
            "keyrings.alt"
        )


def read_secret(spec: ProviderSpec, io: Io, *, from_stdin: bool) -> str:
    """The key: typed at a terminal (shown as asterisks), else the first line of stdin."""
    if from_stdin or not sys.stdin.isatty():
        value = sys.stdin.readline()
    else:
        value = io.prompter.password(f"{spec.label} API key:")
    value = value.strip()
    if not value:
        raise UsageError(f"No key given for {spec.name}: nothing was stored")
    if any(ch.isspace() for ch in value):
        raise UsageError(
            f"The {spec.name} key contains spaces or line breaks: check what you pasted"
        )
    return value


def set_key(spec: ProviderSpec, io: Io, *, from_stdin: bool) -> KeyChange:
    require_keyring(spec)
    value = read_secret(spec, io, from_stdin=from_stdin)
    var = variable_of(spec)
    keyring_set(spec.name, value, variable=var)
    lines = [f"Stored the {spec.label} key in the keyring (service {KEYRING_SERVICE})."]
    if os.environ.get(var, "").strip():
        lines.append(
            f"Note: {var} is set in this environment and takes precedence over the keyring."
        )
    return KeyChange(tuple(lines))


def delete_key(spec: ProviderSpec) -> KeyChange:
    require_keyring(spec)
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, spec.name)
    except PasswordDeleteError as exc:
        raise DiscoveryError(
            f"No {spec.name} key in the keyring: nothing was deleted "
            "(`discovery-tui keys list` shows where each key comes from)"
        ) from exc
    except (KeyringError, RuntimeError, OSError) as exc:
        raise DiscoveryError(
            f"The keyring refused to delete the {spec.name} key ({type(exc).__name__}): "
            "unlock it and retry"
        ) from exc
    return KeyChange((f"Deleted the {spec.label} key from the keyring.",))


def key_statuses(providers: Mapping[str, ProviderSpec]) -> list[KeyStatus]:
    """Where each provider's key comes from (environment first, then keyring)."""
    usable = keyring_available() and not os.environ.get("DISCOVERY_TUI_NO_KEYRING")
    statuses = []
    for spec in providers.values():
        resolved = resolve_key(spec, use_keyring=usable)
        statuses.append(
            KeyStatus(
                provider=spec.name,
                label=spec.label,
                variable=spec.key_env,
                source=resolved.source,
                in_keyring=usable and keyring_get(spec.name) is not None,
            )
        )
    return statuses


def list_keys(providers: Mapping[str, ProviderSpec], *, as_json: bool) -> KeyList:
    usable = keyring_available() and not os.environ.get("DISCOVERY_TUI_NO_KEYRING")
    return KeyList(tuple(key_statuses(providers)), keyring=usable, as_json=as_json)
