"""``discovery-tui keys set|list|delete PROVIDER``: provider keys in the system keyring.

Keys live under the service ``discovery-tui`` with the provider's name as the user name. An
environment variable always wins over the keyring (``settings.resolve_key``). Values are read
with masked input (or ``--stdin`` for scripts) and never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from discovery_tui.errors import EXIT_OK, DiscoveryError, UsageError
from discovery_tui.providers import ProviderSpec
from discovery_tui.settings import (
    KEYRING_SERVICE,
    default_profile_path,
    keyring_available,
    keyring_get,
    resolve_key,
)

ACTIONS = ("set", "list", "delete")


class KeyringUnavailableError(DiscoveryError):
    """No usable keyring backend: keys must come from environment variables."""


@dataclass(frozen=True)
class KeyStatus:
    """Where one provider's key comes from; never its value."""

    provider: str
    label: str
    variable: str | None
    source: str  # "env" | "keyring" | "none" | "keyless"
    in_keyring: bool


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS, help="set, list or delete")
    parser.add_argument("provider", nargs="?", metavar="PROVIDER", help="e.g. openrouter")
    parser.add_argument(
        "--stdin", action="store_true", help="set: read the key from standard input (scripts)"
    )
    parser.add_argument("--json", action="store_true", help="list: print JSON")
    parser.add_argument(
        "--profile", type=Path, default=None, help="profile.yaml (for custom providers)"
    )


def run(args: argparse.Namespace) -> int:
    providers = _providers(args.profile)
    if args.action == "list":
        return list_keys(providers, as_json=args.json)
    if not args.provider:
        raise UsageError(f"`keys {args.action}` needs a provider: one of {', '.join(providers)}")
    spec = providers.get(args.provider)
    if spec is None:
        raise UsageError(f"Unknown provider '{args.provider}': use one of {', '.join(providers)}")
    if args.action == "set":
        return set_key(spec, from_stdin=args.stdin)
    return delete_key(spec)


def _providers(profile_path: Path | None) -> dict[str, ProviderSpec]:
    from discovery_tui.profile import Profile
    from discovery_tui.providers import all_providers

    profile = Profile.load(profile_path or default_profile_path())
    return all_providers(profile.custom_providers)


def variable_of(spec: ProviderSpec) -> str:
    return spec.key_env or f"{spec.name.upper().replace('-', '_')}_API_KEY"


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


def read_secret(spec: ProviderSpec, *, from_stdin: bool) -> str:
    if from_stdin:
        value = sys.stdin.readline()
    elif not sys.stdin.isatty():
        raise UsageError("No terminal to type the key in: pipe it in with `--stdin`")
    else:
        import getpass

        value = getpass.getpass(f"{spec.label} API key (input hidden): ")
    value = value.strip()
    if not value:
        raise UsageError(f"No key given for {spec.name}: nothing was stored")
    if any(ch.isspace() for ch in value):
        raise UsageError(
            f"The {spec.name} key contains spaces or line breaks: check what you pasted"
        )
    return value


def set_key(spec: ProviderSpec, *, from_stdin: bool) -> int:
    require_keyring(spec)
    value = read_secret(spec, from_stdin=from_stdin)
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, spec.name, value)
    except (KeyringError, RuntimeError, OSError) as exc:
        raise DiscoveryError(
            f"The keyring refused to store the {spec.name} key ({type(exc).__name__}): unlock "
            f"it and retry, or set {variable_of(spec)} in the environment instead"
        ) from exc
    print(f"Stored the {spec.label} key in the keyring (service {KEYRING_SERVICE}).")
    var = variable_of(spec)
    if os.environ.get(var, "").strip():
        print(f"Note: {var} is set in this environment and takes precedence over the keyring.")
    return EXIT_OK


def delete_key(spec: ProviderSpec) -> int:
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
    print(f"Deleted the {spec.label} key from the keyring.")
    return EXIT_OK


def key_statuses(providers: Mapping[str, ProviderSpec]) -> list[KeyStatus]:
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


def describe(status: KeyStatus) -> str:
    if status.source == "env":
        extra = " (also in the keyring)" if status.in_keyring else ""
        return f"env {status.variable}{extra}"
    if status.source == "keyring":
        return "keyring"
    if status.source == "keyless":
        return "none (its catalog is public; completions still need a key)"
    return "none"


def list_keys(providers: Mapping[str, ProviderSpec], *, as_json: bool) -> int:
    statuses = key_statuses(providers)
    usable = keyring_available() and not os.environ.get("DISCOVERY_TUI_NO_KEYRING")
    if as_json:
        payload = {
            "keyring": usable,
            "providers": {
                s.provider: {"variable": s.variable, "source": s.source, "in_keyring": s.in_keyring}
                for s in statuses
            },
        }
        print(json.dumps(payload, indent=2))
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Provider keys (values are never shown)")
    for column in ("provider", "variable", "source"):
        table.add_column(column)
    for s in statuses:
        table.add_row(s.provider, s.variable or "-", describe(s))
    console = Console()
    console.print(table)
    if not usable:
        console.print(
            "No keyring backend here: keys come from environment variables only "
            "(set the variable shown, e.g. in your shell profile)."
        )
    return EXIT_OK
