"""The LiteLLM proxy as ``doctor`` and ``launch`` see it: its config, its URL, its master key,
liveness and readiness probes (starting and stopping it: ``proxyprocess``).

The config is read as LiteLLM reads it (every entry and every alias, hand-written or not), so
the checks speak about what the proxy will do. Keys never leave memory: only the names of the
variables that hold them are shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from discovery_tui.errors import ConfigError, ProxyError
from discovery_tui.modelfacts import TargetFacts, read_fallbacks, target_facts
from discovery_tui.profile import Profile

if TYPE_CHECKING:
    import httpx

ENV_PREFIX = "os.environ/"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0", "[::1]"})
PROBE_TIMEOUT = 3.0
LITELLM_MASTER_KEY = "LITELLM_MASTER_KEY"  # LiteLLM reads it when the config names none
DEFAULT_READY_TIMEOUT = 120.0
PICKER_PREFIXES = ("claude", "anthropic")  # Claude Code's /model picker lists only these ids


@dataclass(frozen=True)
class ProxyConfig:
    """What LiteLLM will serve from a config.yaml: names, aliases, key variables, master key."""

    path: Path
    model_names: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)  # alias -> target model_name
    hidden_aliases: frozenset[str] = frozenset()
    key_refs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # VAR -> model_names
    literal_keys: tuple[str, ...] = ()  # model_names whose api_key is written into the file
    master_key: str | None = None  # general_settings.master_key as written (maybe os.environ/X)
    targets: Mapping[str, TargetFacts] = field(default_factory=dict)  # model_name -> facts
    fallbacks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> model_names

    def names(self) -> frozenset[str]:
        """Every name a client may ask for: model names and aliases."""
        return frozenset(self.model_names) | frozenset(self.aliases)

    def target(self, name: str) -> TargetFacts | None:
        """The entry a name (alias or model_name) routes to, or None when there is none."""
        return self.targets.get(self.aliases.get(name, name))


@dataclass(frozen=True)
class MasterKey:
    """The proxy's master key and where it came from; the value is never shown."""

    value: str | None
    source: str  # e.g. "LITELLM_MASTER_KEY", "general_settings.master_key in config.yaml"

    def __repr__(self) -> str:
        return f"MasterKey(source={self.source!r})"


def resolve_proxy_url(explicit: str | None, profile: Profile) -> str:
    """``--proxy-url``, else the profile's ``proxy.url``; without a trailing ``/`` or ``/v1``."""
    url = (explicit or profile.proxy.url).strip().rstrip("/")
    url = url.removesuffix("/v1")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProxyError(
            f"Proxy URL {url!r} is not an http(s) URL: give one like http://127.0.0.1:4000 "
            "(--proxy-url, or proxy.url in profile.yaml)"
        )
    return url


def load_proxy_config(path: Path) -> ProxyConfig:
    """Read ``path`` as LiteLLM does, through the one config reader (``ConfigDocument``: the
    same loading and validation as refresh), then check what LiteLLM needs of every entry and
    alias. Raises ConfigError naming the problem and the fix."""
    from discovery_tui.configfile import ConfigDocument

    doc = ConfigDocument.load(path)
    if not doc.state().exists:
        raise ConfigError(
            f"{path} does not exist: run `discovery-tui refresh` to write it, or pass --config"
        )
    names: list[str] = []
    key_refs: dict[str, list[str]] = {}
    literal: list[str] = []
    for index, entry in enumerate(doc.section("model_list") or ()):
        name, api_key = _entry_fields(entry, index, path)
        names.append(name)
        if isinstance(api_key, str) and api_key.startswith(ENV_PREFIX):
            key_refs.setdefault(api_key[len(ENV_PREFIX) :].strip(), []).append(name)
        elif api_key not in (None, ""):
            literal.append(name)
    router = doc.section("router_settings") or {}
    aliases, hidden = _aliases(router, path)
    general = _section(doc.section("general_settings"), "general_settings", path)
    master = general.get("master_key")
    return ProxyConfig(
        path=path,
        model_names=tuple(names),
        aliases=aliases,
        hidden_aliases=frozenset(hidden),
        key_refs={var: tuple(users) for var, users in key_refs.items()},
        literal_keys=tuple(literal),
        master_key=str(master) if master not in (None, "") else None,
        targets=target_facts(doc.section("model_list") or ()),
        fallbacks=read_fallbacks(router, doc.section("litellm_settings")),
    )


def _section(value: Any, key: str, path: Path) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: '{key}' must be a mapping: fix it or restore {path}.bak")
    return value


def _entry_fields(entry: Any, index: int, path: Path) -> tuple[str, Any]:
    where = f"{path}: model_list[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a mapping with model_name and litellm_params")
    name = entry.get("model_name")
    params = entry.get("litellm_params")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where} has no model_name: add one or remove the entry")
    if not isinstance(params, dict) or not isinstance(params.get("model"), str):
        raise ConfigError(
            f"{where} ({name}) has no litellm_params.model: add it or remove the entry"
        )
    return name, params.get("api_key")


def _aliases(router: Mapping[str, Any], path: Path) -> tuple[dict[str, str], set[str]]:
    raw = router.get("model_group_alias") or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: router_settings.model_group_alias must be a mapping")
    aliases: dict[str, str] = {}
    hidden: set[str] = set()
    for alias, target in raw.items():
        if isinstance(target, dict):
            if target.get("hidden"):
                hidden.add(str(alias))
            target = target.get("model")
        if not isinstance(target, str) or not target:
            raise ConfigError(
                f"{path}: alias '{alias}' has no target: give it a model_name, "
                "or {model: NAME, hidden: true}"
            )
        aliases[str(alias)] = target
    return aliases, hidden


def env_reference(value: str) -> str | None:
    """``VAR`` for ``os.environ/VAR``, else None."""
    return value[len(ENV_PREFIX) :].strip() if value.startswith(ENV_PREFIX) else None


def find_master_key(*, env_var: str, config: ProxyConfig | None) -> MasterKey:
    """The proxy's master key: the env variable named by the profile, else
    ``general_settings.master_key`` of the config (following ``os.environ/VAR`` to the
    environment), else the keyring entry of that variable (the wizard keeps a key it creates
    there). The value is never shown, only where it came from."""
    value = os.environ.get(env_var, "").strip()
    if value:
        return MasterKey(value, env_var)
    var = env_var
    if config is not None and config.master_key is not None:
        where = f"general_settings.master_key in {config.path.name}"
        var = env_reference(config.master_key) or ""
        if not var:
            return MasterKey(config.master_key, where)
        value = os.environ.get(var, "").strip()
        if value:
            return MasterKey(value, f"{var} (named by {where})")
    stored = master_key_from_keyring(var)
    return MasterKey(stored, f"{var} in the keyring") if stored else MasterKey(None, "none")


def master_key_from_keyring(variable: str) -> str | None:
    """The master key kept in the keyring under its variable's name (None: absent or off)."""
    from discovery_tui.settings import keyring_get

    if os.environ.get("DISCOVERY_TUI_NO_KEYRING"):
        return None
    return keyring_get(variable)


def master_key_variable(config: ProxyConfig | None) -> str:
    """The variable a proxy started on ``config`` reads its master key from: the one
    ``general_settings.master_key`` names, else LiteLLM's own ``LITELLM_MASTER_KEY``."""
    if config is not None and config.master_key is not None:
        return env_reference(config.master_key) or LITELLM_MASTER_KEY
    return LITELLM_MASTER_KEY


def has_usable_master_key(config: ProxyConfig | None) -> bool:
    """Whether the config itself sets a master key: a literal ``sk-...`` value, or a reference
    ``os.environ/VAR`` whose variable is set here or kept in the keyring."""
    if config is None or config.master_key is None:
        return False
    var = env_reference(config.master_key)
    if var is None:
        return bool(config.master_key.strip())
    return bool(os.environ.get(var, "").strip() or master_key_from_keyring(var))


def missing_master_key_error(env_var: str, config_path: Path) -> ProxyError:
    return ProxyError(
        f"No master key for the proxy: run `discovery-tui` (the wizard creates one and keeps "
        f"it in the keyring), or set {env_var} to the proxy's master key, or put "
        f"general_settings.master_key (e.g. os.environ/{env_var}) in {config_path}"
    )


def picker_name(model: str, names: frozenset[str]) -> str:
    """The name of ``model`` that Claude Code's /model picker can list: ``model`` itself when it
    starts with ``claude``/``anthropic``, else ``claude-<model>`` when the config defines it."""
    if model.startswith(PICKER_PREFIXES):
        return model
    prefixed = f"claude-{model}"
    return prefixed if prefixed in names else model


# --- probes -------------------------------------------------------------------------------


def new_probe_client(url: str | None = None) -> httpx.Client:
    """The client of the probes (one per command; tests inject their own). For a plain
    ``http://`` ``url`` no TLS is set up (loading the CA bundle is most of a warm launch's time)."""
    import httpx

    plain = url is not None and urlsplit(url).scheme == "http"
    return httpx.Client(timeout=PROBE_TIMEOUT, verify=not plain)


def probe(
    client: httpx.Client, url: str, path: str, *, timeout: float = PROBE_TIMEOUT
) -> int | None:
    """The HTTP status of ``GET url+path``, or None when nothing answers."""
    import httpx

    try:
        response = client.get(url + path, timeout=timeout)
    except httpx.HTTPError:
        return None
    return response.status_code


def is_live(client: httpx.Client, url: str) -> bool:
    return probe(client, url, "/health/liveliness") == 200


def is_ready(client: httpx.Client, url: str) -> bool:
    return probe(client, url, "/health/readiness") == 200


def is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


def host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.hostname or "127.0.0.1", port


def proxy_environment(
    base: Mapping[str, str],
    *,
    config: ProxyConfig,
    keyring_keys: Mapping[str, str],
    master_key_env: str = LITELLM_MASTER_KEY,
) -> dict[str, str]:
    """``base`` plus the keyring's keys for the variables the config references and ``base``
    lacks (``keyring_keys`` maps a variable name to its value), plus the master key (see
    :func:`find_master_key`) as the variable the proxy reads it from, when ``base`` lacks it."""
    env = dict(base)
    for var in config.key_refs:
        if not env.get(var, "").strip() and keyring_keys.get(var):
            env[var] = keyring_keys[var]
    proxy_var = master_key_variable(config)
    if config.master_key is not None and env_reference(config.master_key) is None:
        return env  # a literal master key in the file: the proxy needs nothing more
    if not env.get(proxy_var, "").strip():
        key = find_master_key(env_var=master_key_env, config=config)
        if key.value is not None:
            env[proxy_var] = key.value
    return env
