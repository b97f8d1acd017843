"""``discovery-tui doctor``: one screen of checks on config.yaml and the running proxy.

Each check is ok, warn or fail, with the fix. The exit code is 0 only when nothing fails. Key
values are never shown: only the names of the variables that hold them, and any text that comes
back from the proxy is scrubbed of the keys this process knows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discovery_tui.commands import Io
from discovery_tui.commands.doctor_checks import (
    DEFAULT_TIMEOUT,
    FAIL,
    OK,
    SKIP,
    WARN,
    Check,
    DoctorOptions,
    config_checks,
    key_checks,
    listing,
    picker_check,
    retirement_checks,
)
from discovery_tui.commands.doctor_launch import launch_checks
from discovery_tui.errors import EXIT_ERROR, EXIT_OK
from discovery_tui.proxy import (
    MasterKey,
    ProxyConfig,
    env_reference,
    find_master_key,
    probe,
)
from discovery_tui.remote import proxy_url_of, remote_config_checks, uses_remote_proxy
from discovery_tui.settings import default_profile_path, resolve_config_path

if TYPE_CHECKING:
    import httpx

PROMPT = "Reply with one word."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, help="config.yaml to check")
    parser.add_argument("--profile", type=Path, default=None, help="profile.yaml")
    parser.add_argument("--proxy-url", default=None, help="the proxy (default: the profile's)")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds each alias may take to answer (default {DEFAULT_TIMEOUT:.0f})",
    )


@dataclass(frozen=True)
class DoctorReport:
    """Every check in screen order, and what was checked."""

    checks: tuple[Check, ...]
    config_path: Path
    proxy_url: str
    as_json: bool

    @property
    def ok(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_ERROR


def run(args: argparse.Namespace, io: Io) -> DoctorReport:
    from discovery_tui.profile import Profile
    from discovery_tui.providers import all_providers
    from discovery_tui.proxy import new_probe_client

    profile = Profile.load(args.profile or default_profile_path())
    options = DoctorOptions(
        config_path=resolve_config_path(args.config, profile_config=profile.config),
        proxy_url=proxy_url_of(args.proxy_url, profile),
        master_key_env=profile.proxy.master_key_env,
        providers=all_providers(profile.custom_providers),
        timeout=args.timeout,
    )
    if uses_remote_proxy(options.proxy_url, options.config_path, profile):
        options = replace(options, remote=True)
    with new_probe_client() as client:
        checks = run_checks(options, client)
    return DoctorReport(tuple(checks), options.config_path, options.proxy_url, args.json)


def run_checks(
    options: DoctorOptions,
    client: httpx.Client,
    alias_client: httpx.AsyncClient | None = None,
) -> list[Check]:
    """Every check, in screen order; the proxy's answers are scrubbed of known keys.
    ``client`` serves the probes and /v1/models; ``alias_client`` (default: a new one) the
    chat completions of the alias checks."""
    from discovery_tui.secrets import scrub

    if options.remote:  # a team's proxy: what it serves is read through its API
        config, checks = remote_config_checks(client, options.proxy_url, options.master_key_env)
    else:
        config, checks = config_checks(options.config_path)
    if config is not None:
        checks += retirement_checks(config, today=options.today or date.today())
    live = probe(client, options.proxy_url, "/health/liveliness") == 200
    if config is not None:
        checks += key_checks(config, options.providers, proxy_live=live)
        checks.append(picker_check(config))
    checks += proxy_checks(client, options.proxy_url, live=live, config_path=options.config_path)
    checks += launch_checks(options.config_path, options.proxy_url, config, live=live)
    key = find_master_key(env_var=options.master_key_env, config=config)
    if live:
        key_check, listed = master_key_check(client, options, key)
        checks.append(key_check)
        if listed is not None and config is not None:
            checks.append(serves_config_check(config, listed))
        if key_check.status == OK and config is not None:
            checks += asyncio.run(alias_checks(options, key, config, alias_client))
        elif config is not None and config.aliases:
            checks.append(Check("aliases answer", SKIP, "the proxy did not accept the master key"))
    else:
        checks.append(local_master_key_check(options, key))
        why = "the proxy is not running"
        checks.append(Check("proxy serves this config", SKIP, why))
        if config is not None and config.aliases:
            checks.append(Check("aliases answer", SKIP, why))
    secrets = [key.value, *_known_key_values(config)]
    return [
        Check(c.name, c.status, scrub(c.detail, secrets), scrub(c.fix, secrets)) for c in checks
    ]


# --- the proxy ----------------------------------------------------------------------------


def proxy_checks(
    client: httpx.Client, url: str, *, live: bool, config_path: Path | None = None
) -> list[Check]:
    from discovery_tui.render.wizard import quote

    config = quote(config_path) if config_path is not None else "config.yaml"
    start = (
        "`discovery-tui launch` starts it for Claude Code; or run "
        f"`litellm --config {config} --port N` (and pass --proxy-url)"
    )
    if not live:
        return [Check("proxy live", FAIL, f"nothing answers at {url}/health/liveliness", start)]
    status = probe(client, url, "/health/readiness")
    ready = Check("proxy ready", OK, "GET /health/readiness answered 200")
    if status != 200:
        ready = Check(
            "proxy ready",
            FAIL,
            f"GET /health/readiness answered {status}",
            "see the proxy's log; it may still be starting",
        )
    return [Check("proxy live", OK, f"{url} answers"), ready]


def master_key_fix(env_var: str) -> str:
    return (
        f"run `discovery-tui` (it creates one and keeps it in the keyring), or set {env_var}"
    )


def local_master_key_check(options: DoctorOptions, key: MasterKey) -> Check:
    """The proxy is not running: is there a master key for the one launch would start?"""
    if key.value is None:
        return Check(
            "master key", FAIL, "no master key found", master_key_fix(options.master_key_env)
        )
    return Check("master key", OK, f"found (from {key.source}); the proxy is not running")


def master_key_check(
    client: httpx.Client, options: DoctorOptions, key: MasterKey
) -> tuple[Check, list[str] | None]:
    """GET /v1/models with the master key; also returns the ids it lists when accepted."""
    fix = (
        f"set {options.master_key_env} to the running proxy's general_settings.master_key, "
        "or restart the proxy on this config"
    )
    if key.value is None:
        return Check(
            "master key", FAIL, "no master key found", master_key_fix(options.master_key_env)
        ), None
    import httpx

    try:
        response = client.get(
            f"{options.proxy_url}/v1/models",
            timeout=10.0,
            headers={"Authorization": f"Bearer {key.value}"},
        )
    except httpx.HTTPError as exc:
        return Check(
            "master key",
            FAIL,
            f"GET /v1/models failed ({type(exc).__name__})",
            "check that the proxy is still running",
        ), None
    status, message = response.status_code, error_message(response)
    if status == 200:
        listed = [str(m.get("id")) for m in _data(response) if isinstance(m, dict)]
        return Check("master key", OK, f"accepted (from {key.source})"), listed
    if status == 400 and "no connected db" in message.lower():
        why = (
            "the proxy answered 400 'No connected db.': without a database LiteLLM says "
            f"this for any key that is not its master key (key from {key.source})"
        )
        return Check("master key", FAIL, why, fix), None
    if status in (401, 403):
        why = f"the proxy rejected the key from {key.source} (HTTP {status}: {message})"
        return Check("master key", FAIL, why, fix), None
    return Check(
        "master key",
        FAIL,
        f"GET /v1/models answered HTTP {status}: {message}",
        "see the proxy's log",
    ), None


def _data(response: Any) -> list[Any]:
    try:
        payload = response.json()
    except ValueError:
        return []
    data = payload.get("data") if isinstance(payload, dict) else None
    return data if isinstance(data, list) else []


def serves_config_check(config: ProxyConfig, listed: Iterable[str]) -> Check:
    listed_set = set(listed)
    wanted = [a for a in config.aliases if a not in config.hidden_aliases]
    wanted += list(config.model_names)
    missing = [name for name in wanted if name not in listed_set]
    if missing:
        return Check(
            "proxy serves this config",
            WARN,
            f"the proxy does not list {len(missing)} name(s) of {config.path.name}: "
            f"{listing(missing)}",
            "it runs another config or predates the last refresh: restart it on this config",
        )
    return Check("proxy serves this config", OK, f"lists all {len(wanted)} names")


def error_message(response: Any) -> str:
    """The first line of LiteLLM's error message, shortened."""
    try:
        payload = response.json()
    except ValueError:
        payload = None
    message: Any = None
    if isinstance(payload, dict):
        error = payload.get("error")
        message = error.get("message") if isinstance(error, dict) else error
        message = message or payload.get("detail")
    text = str(message if message is not None else response.text or "").strip()
    first = text.splitlines()[0] if text else "no message"
    return first[:160] + ("…" if len(first) > 160 else "")


# --- every alias answers ------------------------------------------------------------------


async def alias_checks(
    options: DoctorOptions,
    key: MasterKey,
    config: ProxyConfig,
    client: httpx.AsyncClient | None = None,
) -> list[Check]:
    """One small chat completion per alias, all at once, each bounded by ``options.timeout``.
    ``client``: the injected client (default: a new one, closed at the end)."""
    import httpx

    if not config.aliases:
        return []
    headers = {"Authorization": f"Bearer {key.value}"}
    own = client is None
    http = client if client is not None else httpx.AsyncClient(timeout=options.timeout)
    try:
        asks = (
            _ask(http, headers, alias, target, options)
            for alias, target in config.aliases.items()
        )
        return list(await asyncio.gather(*asks))
    finally:
        if own:
            await http.aclose()


async def _ask(
    client: httpx.AsyncClient,
    headers: Mapping[str, str],
    alias: str,
    target: str,
    options: DoctorOptions,
) -> Check:
    import httpx

    name = f"alias {alias}"
    body = {
        "model": alias,
        "max_tokens": options.max_tokens,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    started = time.monotonic()
    try:
        response = await asyncio.wait_for(
            client.post(
                f"{options.proxy_url}/v1/chat/completions",
                json=body,
                headers=headers,
                timeout=options.timeout,
            ),
            timeout=options.timeout,
        )
    except (asyncio.TimeoutError, httpx.TimeoutException):
        return Check(
            name,
            FAIL,
            f"no answer within {options.timeout:.0f} s ({target})",
            "check the upstream in the proxy's log, or raise --timeout",
        )
    except httpx.HTTPError as exc:
        return Check(
            name,
            FAIL,
            f"request failed ({type(exc).__name__})",
            "check that the proxy is still running",
        )
    took = time.monotonic() - started
    if response.status_code == 200:
        return Check(name, OK, f"answered in {took:.1f} s ({target})")
    message = error_message(response)
    if response.status_code == 400 and "max_tokens" in message.lower():
        return Check(
            name,
            OK,
            f"reached {target}; it needs more than {options.max_tokens} token(s) to finish",
        )
    return Check(
        name, FAIL, f"HTTP {response.status_code} from {target}: {message}", alias_fix(message)
    )


def alias_fix(message: str) -> str:
    lowered = message.lower()
    if "credential" in lowered or "api key" in lowered or "api_key" in lowered:
        return "set the provider's key variable in the proxy's environment and restart it"
    if "invalid model name" in lowered or "no deployments" in lowered:
        return "restart the proxy on this config, or run `discovery-tui refresh`"
    return "see the proxy's log; run `discovery-tui refresh` if the model was withdrawn"


# --- output -------------------------------------------------------------------------------


def _known_key_values(config: ProxyConfig | None) -> list[str]:
    values = []
    if config is not None:
        for var in config.key_refs:
            values.append(os.environ.get(var, ""))
        if config.master_key and env_reference(config.master_key) is None:
            values.append(config.master_key)
    return values
