"""doctor's checks on config.yaml itself (no network): it parses, aliases point at models and
shadow none, no alias target is retiring (its entry's ``deprecation_date``, written from the
catalog's expiry, is past or within 30 days), key variables are set, Claude Code's /model picker
reaches every alias."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

from discovery_tui.errors import ConfigError
from discovery_tui.providers import ProviderSpec
from discovery_tui.proxy import PICKER_PREFIXES, ProxyConfig, load_proxy_config
from discovery_tui.settings import keyring_get

CheckStatus = Literal["ok", "warn", "fail", "skip"]
OK: CheckStatus = "ok"
WARN: CheckStatus = "warn"
FAIL: CheckStatus = "fail"
SKIP: CheckStatus = "skip"  # could not run; ``detail`` says why
DEFAULT_TIMEOUT = 30.0
MAX_LISTED = 4
RETIRING_WITHIN = timedelta(days=30)  # as the ranking: a model expiring this soon is not picked


@dataclass(frozen=True)
class Check:
    name: str
    status: CheckStatus
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
    remote: bool = False  # a team's proxy without a local config: read through its API
    today: date | None = None  # None: the system's day (tests pass one)


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


def listing(items: Sequence[str]) -> str:
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
            f"{len(dangling)} alias(es) point at no model_name: {listing(dangling)}",
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
            f"alias(es) named like a model_name: {listing(shadowing)}",
            "rename the alias: LiteLLM routes the name to the alias target, not to the entry",
        )
    return Check("no alias shadows a model", OK, "alias names and model names are distinct")


def retirement_checks(config: ProxyConfig, *, today: date) -> list[Check]:
    """A warning per alias target whose ``deprecation_date`` is past or within 30 days (the
    aliases that share it on one line); one ok line when there is none. No catalog is fetched:
    the date is what the last refresh wrote."""
    if not config.aliases:
        return []
    by_target: dict[str, list[str]] = {}
    for alias, target in config.aliases.items():
        by_target.setdefault(target, []).append(alias)
    warnings = [
        _retiring(aliases, facts.model_name, facts.provider, facts.owned, facts.expires, today)
        for target, aliases in by_target.items()
        if (facts := config.targets.get(target)) is not None
        and facts.expires is not None
        and facts.expires <= today + RETIRING_WITHIN
    ]
    return warnings or [
        Check("retirements", OK, "no alias target expires within 30 days")
    ]


def _retiring(
    aliases: Sequence[str], target: str, provider: str, owned: bool, expires: date, today: date
) -> Check:
    verb = "expired" if expires < today else "expires"
    detail = f"{', '.join(aliases)} -> {target} {verb} {expires.isoformat()}"
    them = "it" if len(aliases) == 1 else "them"
    fix = (
        f"run `discovery-tui refresh {provider}` to move {them}"
        if owned
        else f"point {them} at another model_name ({target} is not an entry discovery-tui wrote)"
    )
    return Check("retirements", WARN, detail, fix)


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
                f"{listing(list(config.literal_keys))}",
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
    detail += f": {listing(reachable)}" if reachable else ""
    if missing:
        return Check(
            "Claude Code /model picker",
            WARN,
            f"{detail}; not reachable from it: {listing(missing)}",
            "use `discovery-tui launch --model NAME`, or add claude- prefixed aliases "
            "(see README: Using Claude Code's /model picker)",
        )
    return Check("Claude Code /model picker", OK, detail)
