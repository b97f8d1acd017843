"""doctor's checks for what launch relies on: the fallbacks of the config (which alias falls back
to what, and whether every target exists), and a proxy launch left running (current or stale).
Each check is absent when there is nothing to say (no fallbacks, no proxy kept by launch)."""

from __future__ import annotations

from pathlib import Path

from discovery_tui import warmproxy
from discovery_tui.commands.doctor_checks import FAIL, OK, WARN, Check, listing
from discovery_tui.proxy import ProxyConfig


def launch_checks(
    config_path: Path, proxy_url: str, config: ProxyConfig | None, *, live: bool
) -> list[Check]:
    checks = [fallback_check(config)] if config is not None and config.fallbacks else []
    warm = warm_proxy_check(config_path, proxy_url, live=live)
    return checks + ([warm] if warm is not None else [])


def fallback_check(config: ProxyConfig) -> Check:
    """``claude -> anthropic/claude-sonnet-4-5``; a target that is no model_name or alias fails
    (LiteLLM would fail over to nothing), a key no client can ask for is never used."""
    names = config.names()
    shown = [f"{key} -> {', '.join(targets)}" for key, targets in config.fallbacks.items()]
    missing = [
        f"{key} -> {target}"
        for key, targets in config.fallbacks.items()
        for target in targets
        if target not in names
    ]
    if missing:
        return Check(
            "fallbacks",
            FAIL,
            f"{len(missing)} fallback target(s) are not in the config: {listing(missing)}",
            "run `discovery-tui refresh` (it rewrites the fallbacks it owns), or point them at "
            "an existing model_name in router_settings.fallbacks",
        )
    unused = [key for key in config.fallbacks if key not in names]
    if unused:
        return Check(
            "fallbacks",
            WARN,
            f"no alias or model is named {listing(unused)}: those fallbacks are never used",
            "key each fallback on the name clients ask for (the alias, e.g. claude)",
        )
    return Check("fallbacks", OK, listing(shown))


def warm_proxy_check(config_path: Path, proxy_url: str, *, live: bool) -> Check | None:
    """The proxy ``launch --keep-proxy`` left running: serving this config as it is now, or an
    older one (stale). None when launch keeps no proxy at this URL."""
    warm = warmproxy.read(proxy_url)
    if warm is None or not live or warmproxy.status(warm, config_path) == "gone":
        return None
    started = f"pid {warm.pid}, started {warm.started} by launch"
    if warmproxy.status(warm, config_path) == "current":
        return Check("proxy is current", OK, f"serves {config_path.name} as it is now ({started})")
    changed = (
        f"{config_path.name} changed since it started"
        if warm.config_path == str(config_path.resolve())
        else f"it serves {warm.config_path}"
    )
    return Check(
        "proxy is current",
        WARN,
        f"stale: {changed} ({started})",
        "run `discovery-tui launch` (it restarts a stale proxy it kept), or stop it "
        f"(kill {warm.pid}) and start it again",
    )
