"""The proxy for ``launch``: use the one that answers, reuse a warm one that serves the current
config, restart a warm one that serves an older config, or start one with the keyring's keys.

A proxy launch starts is stopped when Claude Code exits, unless it is kept (``--keep-proxy`` or
``proxy.keep_running: true`` in profile.yaml): then it is recorded (``discovery_tui.warmproxy``)
and the next launch starts in well under a second instead of the 10 to 45 s LiteLLM needs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui import warmproxy
from discovery_tui.commands import Io
from discovery_tui.errors import ConfigError, ProxyError
from discovery_tui.profile import Profile
from discovery_tui.proxy import ProxyConfig, is_live, is_local, proxy_environment
from discovery_tui.proxyprocess import ProxyProcess, proxy_command, start_proxy, wait_until_ready
from discovery_tui.settings import cache_dir, keyring_get

if TYPE_CHECKING:
    import httpx

    from discovery_tui.providers import ProviderSpec

_KEPT: list[ProxyProcess] = []  # proxies left running: referenced until this process exits


@dataclass(frozen=True)
class ProxyNeed:
    """What launch needs of the proxy."""

    profile: Profile
    config_path: Path
    config: ProxyConfig | None
    url: str
    keep: bool  # leave a proxy it starts running for the next launch
    timeout: float


def ensure_proxy(need: ProxyNeed, client: httpx.Client, io: Io) -> ProxyProcess | None:
    """A proxy answering at ``need.url`` that serves the config; returns the one to stop when
    Claude Code exits (None: a proxy launch did not start, or one it keeps)."""
    warm = warmproxy.read(need.url) if is_local(need.url) else None
    live = is_live(client, need.url)
    if warm is not None:
        state = warmproxy.status(warm, need.config_path)
        if live and state == "current":
            io.screen.note(f"discovery-tui: using the proxy left running at {need.url}")
            return None
        if state != "gone":
            why = "serves an older config" if live else "does not answer"
            io.screen.note(
                f"discovery-tui: the proxy left running (pid {warm.pid}) {why}: restarting it"
            )
        warmproxy.stop(warm)
        live = is_live(client, need.url)
    if live:
        return None  # a proxy launch did not start: used as it is
    proxy = start_for_launch(need, client, io)
    if not need.keep:
        return proxy
    warmproxy.record(proxy.process.pid, need.url, need.config_path, proxy.log_path)
    _KEPT.append(proxy)
    io.screen.note(
        f"discovery-tui: the proxy (pid {proxy.process.pid}) stays running for the next launch"
    )
    return None


def keyring_keys(config: ProxyConfig, providers: Mapping[str, ProviderSpec]) -> dict[str, str]:
    """Keys of the keyring for the variables the config references and the environment lacks."""
    if os.environ.get("DISCOVERY_TUI_NO_KEYRING"):
        return {}
    keys: dict[str, str] = {}
    for spec in providers.values():
        var = spec.key_env
        if var and var in config.key_refs and not os.environ.get(var, "").strip():
            value = keyring_get(spec.name)
            if value:
                keys[var] = value
    return keys


def start_for_launch(need: ProxyNeed, client: httpx.Client, io: Io) -> ProxyProcess:
    """Start the proxy on the config and URL; wait until it is ready."""
    from discovery_tui.providers import all_providers

    if not is_local(need.url):
        raise ProxyError(
            f"No proxy answers at {need.url}, and it is not on this machine, so launch cannot "
            "start it: start it there, or pass --proxy-url of a local one"
        )
    if need.config is None:
        raise ConfigError(
            f"{need.config_path} does not exist, so no proxy can be started: run "
            "`discovery-tui refresh`, or pass --config"
        )
    argv = proxy_command(need.profile.proxy.command, config_path=need.config_path, url=need.url)
    keys = keyring_keys(need.config, all_providers(need.profile.custom_providers))
    env = proxy_environment(
        os.environ,
        config=need.config,
        keyring_keys=keys,
        master_key_env=need.profile.proxy.master_key_env,
    )
    log_path = cache_dir() / "litellm-proxy.log"
    io.screen.note(f"discovery-tui: starting the proxy at {need.url} (log: {log_path})")
    proxy = start_proxy(argv, url=need.url, env=env, log_path=log_path)
    try:
        wait_until_ready(proxy, client, timeout=need.timeout)
    except BaseException:
        proxy.stop()
        raise
    return proxy
