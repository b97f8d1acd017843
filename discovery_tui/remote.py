"""A team's (remote) proxy: where refresh applies, and what doctor and launch read from it.

``refresh --to-proxy URL`` (or ``to_proxy:`` in profile.yaml) applies to the proxy's model API
(:func:`apply_target`, :mod:`discovery_tui.proxytarget`) with the master key from
``LITELLM_MASTER_KEY`` (the variable the profile names) or the keyring entry of that name.

When the proxy URL is not on this machine (``--proxy-url``, or ``to_proxy:`` in profile.yaml)
and there is no local config file, what it serves is read from its model API
(``/v2/model/info`` and ``/router/settings``) into the same :class:`ProxyConfig` a config.yaml
gives; launch then points Claude Code at it and never starts a proxy for it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui.errors import ApplyTargetError, ProxyError, UsageError

if TYPE_CHECKING:
    import httpx

    from discovery_tui.apply import ApplyTarget
    from discovery_tui.commands.doctor_checks import Check
    from discovery_tui.profile import Profile
    from discovery_tui.prompt import Prompter
    from discovery_tui.proxy import ProxyConfig
    from discovery_tui.proxytarget import ProxyTarget


def master_key_for(env_var: str) -> str | None:
    """The proxy's master key: the variable the profile names (LITELLM_MASTER_KEY by default),
    else the keyring entry of that name (``keyring set discovery-tui LITELLM_MASTER_KEY``)."""
    from discovery_tui.settings import keyring_get

    value = os.environ.get(env_var, "").strip()
    if value:
        return value
    if os.environ.get("DISCOVERY_TUI_NO_KEYRING"):
        return None
    return keyring_get(env_var)


def open_proxy_target(url: str, *, master_key_env: str, timeout: float = 30.0) -> ProxyTarget:
    """A ProxyTarget for ``url`` with the master key; ProxyError when there is none or the URL
    is not an http(s) URL. The key is sent to that URL only, and never shown."""
    import httpx

    from discovery_tui.proxyapi import ProxyApi
    from discovery_tui.secrets import url_has_credentials

    if not url.startswith(("http://", "https://")) or url_has_credentials(url):
        raise UsageError(
            f"--to-proxy needs the proxy's http(s) URL without credentials, not {url!r}: "
            "e.g. --to-proxy https://llm.example.com (the master key goes in "
            f"{master_key_env})"
        )
    key = master_key_for(master_key_env)
    if key is None:
        raise ProxyError(
            f"No master key for the proxy at {url}: set {master_key_env} to its master key, or "
            f"store it in the keyring (keyring set discovery-tui {master_key_env})"
        )
    from discovery_tui.proxytarget import ProxyTarget

    return ProxyTarget(ProxyApi(httpx.Client(timeout=timeout), url, key))


def apply_target(to_proxy: str | None, profile: Profile, config_path: Path) -> ApplyTarget:
    """Where refresh and the wizard apply: the proxy at ``to_proxy`` (``--to-proxy URL`` or
    ``to_proxy:`` in profile.yaml), else the config file."""
    from discovery_tui.apply import ConfigFileTarget

    if to_proxy:
        return open_proxy_target(to_proxy, master_key_env=profile.proxy.master_key_env)
    return ConfigFileTarget(config_path)


def wizard_target(profile: Profile, config_path: Path, prompter: Prompter) -> ApplyTarget:
    """The wizard's target: where the profile names a team's proxy (``to_proxy``), it asks
    whether to apply there or to the config file."""
    from discovery_tui.apply import ConfigFileTarget

    if profile.to_proxy and prompter.confirm(
        f"Apply to the team's proxy at {profile.to_proxy} (to_proxy in {profile.path.name})? "
        f"No: apply to {config_path}",
        default=True,
    ):
        return open_proxy_target(profile.to_proxy, master_key_env=profile.proxy.master_key_env)
    return ConfigFileTarget(config_path)


def target_notes(target: ApplyTarget) -> tuple[str, ...]:
    """What the target cannot take (a proxy whose LiteLLM refuses aliases), for the preview."""
    from discovery_tui.proxytarget import ProxyTarget

    return target.notes() if isinstance(target, ProxyTarget) else ()


def proxy_url_of(explicit: str | None, profile: Profile) -> str:
    """``--proxy-url``, else the profile's ``to_proxy`` (a team's proxy), else ``proxy.url``."""
    from discovery_tui.proxy import resolve_proxy_url

    return resolve_proxy_url(explicit or profile.to_proxy, profile)


def uses_remote_proxy(url: str, config_path: Path, profile: Profile) -> bool:
    """Whether to read what the proxy serves from the proxy: there is no local config file to
    read it from, and the proxy is not on this machine or is the profile's ``to_proxy``."""
    from discovery_tui.proxy import is_local, resolve_proxy_url

    if config_path.exists():
        return False
    team = resolve_proxy_url(profile.to_proxy, profile) if profile.to_proxy else None
    return url == team or not is_local(url)


def remote_proxy_config(client: httpx.Client, url: str, master_key: str) -> ProxyConfig:
    """What the proxy at ``url`` serves, from its API (ProxyError when it cannot be read).
    Its key references stay unknown: listings never show ``api_key``."""
    from discovery_tui.modelfacts import target_facts
    from discovery_tui.proxy import ProxyConfig
    from discovery_tui.proxyapi import ProxyApi, RouterSettings, names_of
    from discovery_tui.proxytarget import shown_name

    api = ProxyApi(client, url, master_key)
    models = api.list_models()
    try:
        settings = api.router_settings()
    except ApplyTargetError:  # an older LiteLLM: no aliases to read
        settings = RouterSettings()
    entries = [
        {
            "model_name": m.model_name,
            "litellm_params": dict(m.litellm_params),
            "model_info": dict(m.model_info),
        }
        for m in models
    ]
    fallbacks: dict[str, tuple[str, ...]] = {}
    for alias, names in settings.fallbacks:
        fallbacks.setdefault(alias, names)
    return ProxyConfig(
        path=Path(shown_name(url)),
        model_names=names_of(models),
        aliases=dict(settings.aliases),
        targets=target_facts(entries),
        fallbacks=fallbacks,
    )


def remote_config_for(url: str, config_path: Path, profile: Profile) -> ProxyConfig | None:
    """The remote proxy's config for launch, or None (a local proxy or config file; no master
    key; the proxy does not answer: launch then says so as for any proxy)."""
    from discovery_tui.proxy import new_probe_client

    key = master_key_for(profile.proxy.master_key_env)
    if key is None or not uses_remote_proxy(url, config_path, profile):
        return None
    with new_probe_client() as client:
        try:
            return remote_proxy_config(client, url, key)
        except ProxyError:
            return None


def remote_config_checks(
    client: httpx.Client, url: str, master_key_env: str
) -> tuple[ProxyConfig | None, list[Check]]:
    """doctor's first checks for a remote proxy: its model list, read through its API."""
    from discovery_tui.commands.doctor_checks import FAIL, OK, WARN, Check, dangling_check
    from discovery_tui.secrets import scrub

    name = "models on the proxy"
    key = master_key_for(master_key_env)
    if key is None:
        fix = f"set {master_key_env} to the proxy's master key (no local config.yaml is needed)"
        return None, [Check(name, FAIL, f"no master key to read the models of {url}", fix)]
    try:
        config = remote_proxy_config(client, url, key)
    except ProxyError as exc:
        fix = "check the URL and the master key"
        return None, [Check(name, FAIL, scrub(str(exc), [key]), fix)]
    count = f"{len(config.model_names)} models, {len(config.aliases)} aliases"
    if not config.model_names:
        fix = f"run `discovery-tui refresh --to-proxy {url}`"
        return config, [Check(name, WARN, f"{url} (read through its API): {count}", fix)]
    read = Check(name, OK, f"{url} (read through its API; no local config.yaml): {count}")
    return config, [read, dangling_check(config)]
