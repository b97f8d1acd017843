"""The wizard's key screen: a chosen provider without a key gets one typed (or is skipped).

A typed key is used for the fetch (as its variable, for the run only) and stored in the keyring
at the end, through the one keyring writer, and only when its provider accepted it: Ctrl-C
stores nothing. Keys are never shown.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from discovery_tui.errors import KeyringUnavailableError
from discovery_tui.prompt import Option

if TYPE_CHECKING:
    from discovery_tui.commands.wizard import Session
    from discovery_tui.plan import Plan


def ensure_key(session: Session, name: str) -> bool:
    """True when ``name`` can be fetched: it has a key, needs none, or one was just typed."""
    if session.keys[name].source != "none":
        return True
    spec = session.specs[name]
    var = spec.key_env or f"{name.upper()}_API_KEY"
    if not spec.key_env or not can_store_keys():
        session.console.print(
            f"{spec.label} has no key and no keyring is available here: set {var} and run "
            f"again. Skipping {name}."
        )
        return False
    choice = session.prompter.select(
        f"{spec.label} has no key (${var} is not set).",
        [
            Option("enter", "Enter the key now (stored in the keyring)"),
            Option("skip", f"Skip {spec.label} this time"),
        ],
        default="enter",
    )
    if choice == "skip":
        return False
    key = session.prompter.password(f"{spec.label} API key (hidden; empty to skip):").strip()
    if not key:
        session.console.print(f"No key entered: skipping {name}.")
        return False
    session.new_keys[name] = key
    return True


def can_store_keys() -> bool:
    from discovery_tui.settings import keyring_available

    return not os.environ.get("DISCOVERY_TUI_NO_KEYRING") and keyring_available()


def store_new_keys(session: Session, plan: Plan) -> None:
    """Keep each key typed in this run in the keyring, if its provider accepted it."""
    from discovery_tui.settings import KEYRING_SERVICE

    ok = set(plan.refreshed)
    for name, key in session.new_keys.items():
        label = session.specs[name].label
        if name not in ok:
            session.console.print(f"The {label} key was not stored: {label} failed with it.")
        elif store_key(session, name, key):
            session.record(f"{name} key", f"the keyring ({KEYRING_SERVICE}/{name})")
    session.new_keys.clear()


def store_key(session: Session, name: str, key: str) -> bool:
    from discovery_tui.settings import keyring_set

    spec = session.specs[name]
    try:
        keyring_set(name, key, variable=spec.key_env or f"{name.upper()}_API_KEY")
    except KeyringUnavailableError as exc:
        session.console.print(f"{exc}.", markup=False)  # names the variable to set instead
        return False
    return True


@contextmanager
def keys_in_environment(session: Session) -> Iterator[None]:
    """The keys typed in this run, as their variables, while the catalogs are read."""
    saved = {}
    for name, key in session.new_keys.items():
        var = session.specs[name].key_env
        if var:
            saved[var] = os.environ.get(var)
            os.environ[var] = key
    try:
        yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


