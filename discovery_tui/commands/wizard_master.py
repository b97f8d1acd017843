"""The wizard's master-key step: a proxy needs a master key (Claude Code signs in with it).

Where neither the environment, the config nor the keyring holds one, the wizard offers to create
one (default yes): ``sk-`` and 32 random bytes (:func:`secrets.token_urlsafe`), kept in the
keyring under its variable's name when the run ends (Ctrl-C stores nothing). ``launch`` finds it
there (:func:`discovery_tui.proxy.find_master_key`) and hands it to a proxy it starts, as the
variable the config names (``os.environ/VAR``) or, when the config names none, as
``LITELLM_MASTER_KEY``, which LiteLLM reads by itself. Without a keyring the wizard shows the
export line to add instead. The key is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from discovery_tui.errors import KeyringUnavailableError

if TYPE_CHECKING:
    from discovery_tui.commands.wizard import Session
    from discovery_tui.proxy import ProxyConfig

MasterKeyState = Literal["found", "create", "declined", "no_keyring"]


@dataclass(frozen=True)
class MasterKeyNeed:
    """Whether the proxy has a master key, and the variable that would hold a new one."""

    state: MasterKeyState
    variable: str
    source: str = ""  # where a found key came from (never the value)


def new_master_key() -> str:
    import secrets

    return "sk-" + secrets.token_urlsafe(32)


def read_config(session: Session) -> ProxyConfig | None:
    from discovery_tui.errors import ConfigError
    from discovery_tui.proxy import load_proxy_config

    path = session.options.config_path
    if not path.exists():
        return None
    try:
        return load_proxy_config(path)
    except ConfigError:
        return None  # the wizard already checked it parses; a shape problem is doctor's to name


def master_key_need(session: Session) -> MasterKeyNeed:
    """Found (environment, config or keyring), or which variable a new key would go in."""
    from discovery_tui.commands.wizard_keys import can_store_keys
    from discovery_tui.proxy import env_reference, find_master_key

    env_var = session.profile.proxy.master_key_env
    config = read_config(session)
    found = find_master_key(env_var=env_var, config=config)
    referenced = config.master_key if config is not None else None
    variable = (env_reference(referenced) if referenced else None) or env_var
    if found.value is not None:
        return MasterKeyNeed("found", variable, found.source)
    if not can_store_keys():
        return MasterKeyNeed("no_keyring", variable)
    return MasterKeyNeed("create", variable)


def ask_master_key(session: Session) -> None:
    """Offer to create the master key (default yes); it is stored at the end of the run."""
    from discovery_tui.render.wizard import show_master_key_export

    need = master_key_need(session)
    if need.state == "found":
        return
    if need.state == "no_keyring":
        show_master_key_export(need.variable, session.console)
        return
    session.console.print(
        "The proxy has no master key yet: Claude Code signs in to the proxy with it."
    )
    if session.prompter.confirm("Create one and keep it in the keyring?", default=True):
        session.new_master_key = (need.variable, new_master_key())


def store_master_key(session: Session) -> None:
    """Keep the key created in this run in the keyring, through the one keyring writer."""
    from discovery_tui.settings import KEYRING_SERVICE, keyring_set

    if session.new_master_key is None:
        return
    variable, key = session.new_master_key
    session.new_master_key = None
    try:
        keyring_set(variable, key, variable=variable)
    except KeyringUnavailableError as exc:
        from discovery_tui.render.wizard import show_master_key_export

        session.console.print(f"{exc}.", markup=False)
        show_master_key_export(variable, session.console)
        return
    where = f"the keyring ({KEYRING_SERVICE}/{variable})"
    session.record("master key", where)

