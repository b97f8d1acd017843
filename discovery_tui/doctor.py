"""``discovery-tui doctor``: one screen of checks on config.yaml and the running proxy.

Each check is ok, warn or fail, with the fix. The exit code is 0 only when nothing fails. Key
values are never shown: only the names of the variables that hold them, and any text that comes
back from the proxy is scrubbed of the keys this process knows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from discovery_tui.errors import EXIT_ERROR, EXIT_OK, ConfigError
from discovery_tui.providers import ProviderSpec
from discovery_tui.proxy import (
    PICKER_PREFIXES,
    MasterKey,
    ProxyConfig,
    env_reference,
    find_master_key,
    load_proxy_config,
    probe,
    resolve_proxy_url,
)
from discovery_tui.settings import default_profile_path, keyring_get, resolve_config_path

OK, WARN, FAIL = "ok", "warn", "fail"
DEFAULT_TIMEOUT = 30.0
PROMPT = "Reply with one word."
MAX_LISTED = 4


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class DoctorOptions:
    config_path: Path
    proxy_url: str
    master_key_env: str
    providers: Mapping[str, ProviderSpec]
    timeout: float = DEFAULT_TIMEOUT
    max_tokens: int = 1


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


def run(args: argparse.Namespace) -> int:
    from discovery_tui.profile import Profile
    from discovery_tui.providers import all_providers

    profile = Profile.load(args.profile or default_profile_path())
    options = DoctorOptions(
        config_path=resolve_config_path(args.config, profile_config=profile.config),
        proxy_url=resolve_proxy_url(args.proxy_url, profile),
        master_key_env=profile.proxy.master_key_env,
        providers=all_providers(profile.custom_providers),
        timeout=args.timeout,
    )
    checks = run_checks(options)
    if args.json:
        print(json.dumps(to_json(checks, options), indent=2))
    else:
        render(checks, options)
    return EXIT_ERROR if any(c.status == FAIL for c in checks) else EXIT_OK


def run_checks(options: DoctorOptions) -> list[Check]:
    """Every check, in screen order; the proxy's answers are scrubbed of known keys."""
    config, checks = config_checks(options.config_path)
    live = probe(options.proxy_url, "/health/liveliness") == 200
    if config is not None:
        checks += key_checks(config, options.providers, proxy_live=live)
        checks.append(picker_check(config))
    checks += proxy_checks(options.proxy_url, live=live)
    key = find_master_key(env_var=options.master_key_env, config=config)
    if live:
        key_check, listed = master_key_check(options, key)
        checks.append(key_check)
        if listed is not None and config is not None:
            checks.append(serves_config_check(config, listed))
        if key_check.status == OK and config is not None:
            checks += asyncio.run(alias_checks(options, key, config))
    secrets = [key.value or "", *_known_key_values(config)]
    return [_scrub(check, secrets) for check in checks]


# --- config -------------------------------------------------------------------------------


def config_checks(path: Path) -> tuple[ProxyConfig | None, list[Check]]:
    try:
        config = load_proxy_config(path)
    except ConfigError as exc:
        fix = f"fix the file, or restore {path.name}.bak, or run `discovery-tui refresh`"
        return None, [Check("config parses", FAIL, str(exc), fix)]
    parsed = Check(
        "config parses",
        OK if config.model_names else WARN,
        f"{path}: {len(config.model_names)} models, {len(config.aliases)} aliases",
        "" if config.model_names else "run `discovery-tui refresh` to add models",
    )
    return config, [parsed, dangling_check(config), shadow_check(config)]


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def dangling_check(config: ProxyConfig) -> Check:
    names = set(config.model_names)
    dangling = [f"{a} -> {t}" for a, t in config.aliases.items() if t not in names]
    if not config.aliases:
        return Check(
            "aliases point at models",
            WARN,
            "no aliases defined",
            "run `discovery-tui refresh` to write the default aliases",
        )
    if dangling:
        return Check(
            "aliases point at models",
            FAIL,
            f"{len(dangling)} alias(es) point at no model_name: {_listing(dangling)}",
            "run `discovery-tui refresh`, or point them at an existing model_name "
            "(LiteLLM does not follow aliases of aliases)",
        )
    return Check(
        "aliases point at models",
        OK,
        f"all {len(config.aliases)} aliases point at existing model names",
    )


def shadow_check(config: ProxyConfig) -> Check:
    shadowing = sorted(set(config.aliases) & set(config.model_names))
    if shadowing:
        return Check(
            "no alias shadows a model",
            FAIL,
            f"alias(es) named like a model_name: {_listing(shadowing)}",
            "rename the alias: LiteLLM routes the name to the alias target, not to the entry",
        )
    return Check("no alias shadows a model", OK, "alias names and model names are distinct")


def key_checks(
    config: ProxyConfig, providers: Mapping[str, ProviderSpec], *, proxy_live: bool
) -> list[Check]:
    by_var = {spec.key_env: spec for spec in providers.values() if spec.key_env}
    checks = [
        _key_check(var, users, by_var.get(var), proxy_live=proxy_live)
        for var, users in sorted(config.key_refs.items())
    ]
    if config.literal_keys:
        checks.append(
            Check(
                "keys in the file",
                WARN,
                f"{len(config.literal_keys)} entr(ies) carry a key written into the file: "
                f"{_listing(list(config.literal_keys))}",
                "use `api_key: os.environ/VAR` and keep the key in the environment or the keyring",
            )
        )
    return checks


def _key_check(
    var: str, users: Sequence[str], spec: ProviderSpec | None, *, proxy_live: bool
) -> Check:
    name, count = f"key {var}", f"used by {len(users)} model(s)"
    if os.environ.get(var, "").strip():
        return Check(name, OK, f"set in the environment ({count})")
    if spec is not None and keyring_get(spec.name):
        return Check(
            name,
            OK,
            f"in the keyring for {spec.name} ({count}); "
            "`discovery-tui launch` passes it to a proxy it starts",
        )
    fix = (
        f"export {var}=... (or `discovery-tui keys set {spec.name}`)"
        if spec
        else (f"export {var}=... in the proxy's environment")
    )
    if proxy_live:
        return Check(
            name,
            WARN,
            f"not set here ({count}); the running proxy may have it: the alias checks tell",
            fix,
        )
    return Check(name, FAIL, f"not set ({count}): the proxy answers 500 'Missing credentials'", fix)


def picker_check(config: ProxyConfig) -> Check:
    visible = [a for a in config.aliases if a not in config.hidden_aliases]
    reachable = sorted(a for a in visible if a.startswith(PICKER_PREFIXES))
    # a model is reachable when a name the picker lists routes to it
    targets = {config.aliases[a] for a in reachable}
    targets |= {m for m in config.model_names if m.startswith(PICKER_PREFIXES)}
    missing = sorted(a for a in visible if config.aliases[a] not in targets)
    detail = f"Claude Code's /model picker lists {len(reachable)} alias(es)"
    detail += f": {_listing(reachable)}" if reachable else ""
    if missing:
        return Check(
            "Claude Code /model picker",
            WARN,
            f"{detail}; not reachable from it: {_listing(missing)}",
            "use `discovery-tui launch --model NAME`, or add claude- prefixed aliases "
            "(see README: Using Claude Code's /model picker)",
        )
    return Check("Claude Code /model picker", OK, detail)


# --- the proxy ----------------------------------------------------------------------------


def proxy_checks(url: str, *, live: bool) -> list[Check]:
    start = (
        "start it: `discovery-tui launch` starts it for Claude Code, or run "
        "`litellm --config config.yaml --port N` (and pass --proxy-url)"
    )
    if not live:
        return [Check("proxy live", FAIL, f"nothing answers at {url}/health/liveliness", start)]
    status = probe(url, "/health/readiness")
    ready = Check("proxy ready", OK, "GET /health/readiness answered 200")
    if status != 200:
        ready = Check(
            "proxy ready",
            FAIL,
            f"GET /health/readiness answered {status}",
            "see the proxy's log; it may still be starting",
        )
    return [Check("proxy live", OK, f"{url} answers"), ready]


def master_key_check(options: DoctorOptions, key: MasterKey) -> tuple[Check, list[str] | None]:
    """GET /v1/models with the master key; also returns the ids it lists when accepted."""
    fix = (
        f"set {options.master_key_env} to the running proxy's general_settings.master_key, "
        "or restart the proxy on this config"
    )
    if key.value is None:
        return Check("master key", FAIL, "no master key found", fix), None
    import httpx

    try:
        response = httpx.get(
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
            f"{_listing(missing)}",
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


async def alias_checks(options: DoctorOptions, key: MasterKey, config: ProxyConfig) -> list[Check]:
    """One small chat completion per alias, all at once, each bounded by ``options.timeout``."""
    import httpx

    if not config.aliases:
        return []
    headers = {"Authorization": f"Bearer {key.value}"}
    async with httpx.AsyncClient(
        base_url=options.proxy_url, headers=headers, timeout=options.timeout
    ) as client:
        return list(
            await asyncio.gather(
                *(_ask(client, alias, target, options) for alias, target in config.aliases.items())
            )
        )


async def _ask(client: Any, alias: str, target: str, options: DoctorOptions) -> Check:
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
            client.post("/v1/chat/completions", json=body), timeout=options.timeout
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


def _scrub(check: Check, secrets: Iterable[str]) -> Check:
    detail, fix = check.detail, check.fix
    for secret in secrets:
        if len(secret) >= 4:
            detail, fix = detail.replace(secret, "***"), fix.replace(secret, "***")
    return Check(check.name, check.status, detail, fix)


def to_json(checks: Sequence[Check], options: DoctorOptions) -> dict[str, Any]:
    return {
        "ok": not any(c.status == FAIL for c in checks),
        "config": str(options.config_path),
        "proxy_url": options.proxy_url,
        "checks": [asdict(c) for c in checks],
    }


def render(checks: Sequence[Check], options: DoctorOptions) -> None:
    from rich.console import Console
    from rich.table import Table

    styles = {OK: "[green]ok[/]", WARN: "[yellow]warn[/]", FAIL: "[bold red]FAIL[/]"}
    table = Table(title=f"discovery-tui doctor: {options.config_path} -> {options.proxy_url}")
    columns = ["check", "status", "detail"] + (["fix"] if any(c.fix for c in checks) else [])
    for column in columns:
        table.add_column(column, overflow="fold")
    for check in checks:
        cells = [check.name, styles[check.status], check.detail, check.fix]
        table.add_row(*cells[: len(columns)])
    console = Console()
    console.print(table)
    failed = sum(c.status == FAIL for c in checks)
    warned = sum(c.status == WARN for c in checks)
    verdict = "[green]all good[/]" if not failed else f"[bold red]{failed} failed[/]"
    console.print(f"{verdict}, {warned} warning(s)")
