"""``discovery-tui launch``: start Claude Code through the LiteLLM proxy.

Claude Code gets ``ANTHROPIC_BASE_URL`` (the proxy), ``ANTHROPIC_AUTH_TOKEN`` (the proxy's master
key), ``ANTHROPIC_MODEL`` and the three ``ANTHROPIC_DEFAULT_*_MODEL`` variables, so the models it
picks by itself route through the proxy too. When no proxy answers, one is started with the
provider keys of the keyring in its environment only, and stopped when Claude Code exits.
``--print-env`` prints the variables for ``eval`` instead; no provider key is ever among them.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from discovery_tui.commands import Io
from discovery_tui.errors import EXIT_OK, ConfigError, LaunchError, ProxyError
from discovery_tui.profile import Profile
from discovery_tui.providers import ProviderSpec
from discovery_tui.proxy import (
    DEFAULT_READY_TIMEOUT,
    PICKER_PREFIXES,
    ProxyConfig,
    ProxyProcess,
    find_master_key,
    is_live,
    is_local,
    load_proxy_config,
    missing_master_key_error,
    new_probe_client,
    picker_name,
    proxy_command,
    proxy_environment,
    resolve_proxy_url,
    start_proxy,
    wait_until_ready,
)
from discovery_tui.settings import (
    cache_dir,
    default_profile_path,
    keyring_get,
    resolve_config_path,
)

DEFAULT_MODEL = "claude"
ROLE_MODELS = {
    "ANTHROPIC_DEFAULT_OPUS_MODEL": "claude-strong",
    "ANTHROPIC_DEFAULT_SONNET_MODEL": "claude",
    "ANTHROPIC_DEFAULT_HAIKU_MODEL": "claude-fast",
}
DROPPED_FOR_CLAUDE = ("ANTHROPIC_API_KEY",)  # would be sent instead of the proxy's token


if TYPE_CHECKING:
    import httpx

Shell = Literal["sh", "powershell"]


@dataclass(frozen=True)
class LaunchResult:
    """Claude Code's exit code, or (``--print-env``) the lines to ``eval``."""

    exit_code: int = EXIT_OK
    env_lines: str | None = None


@dataclass(frozen=True)
class LaunchContext:
    profile: Profile
    config_path: Path
    config: ProxyConfig | None
    url: str
    model: str


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help="alias to start with (default: profile's)")
    parser.add_argument("--proxy-url", default=None, help="the proxy (default: the profile's)")
    parser.add_argument("--config", type=Path, default=None, help="config.yaml of the proxy")
    parser.add_argument("--profile", type=Path, default=None, help="profile.yaml")
    parser.add_argument(
        "--print-env", action="store_true", help="print the variables for eval instead"
    )
    parser.add_argument(
        "--shell",
        choices=("sh", "powershell"),
        default="powershell" if os.name == "nt" else "sh",
        help="syntax of --print-env (default: this system's)",
    )
    parser.add_argument(
        "--proxy-timeout",
        type=float,
        default=DEFAULT_READY_TIMEOUT,
        help=f"seconds to wait for a proxy it starts (default {DEFAULT_READY_TIMEOUT:.0f})",
    )
    parser.add_argument(
        "claude_args", nargs=argparse.REMAINDER, help="-- then arguments for Claude Code"
    )


def run(args: argparse.Namespace, io: Io) -> LaunchResult:
    context = load_context(args)
    env = claude_variables(context)
    with new_probe_client() as client:
        if args.print_env:
            if not is_live(client, context.url):
                io.screen.note(f"note: no proxy answers at {context.url} yet: start it first")
            return LaunchResult(env_lines=format_env(env, shell=args.shell))
        claude = find_claude()
        _warn_unknown_model(context, io)
        proxy = None
        if not is_live(client, context.url):
            proxy = start_for_launch(context, args.proxy_timeout, client, io)
    try:
        code = run_claude([claude, *_claude_args(args.claude_args)], claude_environment(env))
    finally:
        if proxy is not None:
            io.screen.note("discovery-tui: stopping the proxy it started")
            proxy.stop()
    return LaunchResult(exit_code=code)


def load_context(args: argparse.Namespace) -> LaunchContext:
    profile = Profile.load(args.profile or default_profile_path())
    config_path = resolve_config_path(args.config, profile_config=profile.config)
    config = load_proxy_config(config_path) if config_path.exists() else None
    return LaunchContext(
        profile=profile,
        config_path=config_path,
        config=config,
        url=resolve_proxy_url(args.proxy_url, profile),
        model=args.model or profile.launch_model or DEFAULT_MODEL,
    )


def claude_variables(context: LaunchContext) -> dict[str, str]:
    """The variables Claude Code needs, in print order; the master key is the auth token."""
    env_var = context.profile.proxy.master_key_env
    key = find_master_key(env_var=env_var, config=context.config)
    if key.value is None:
        raise missing_master_key_error(env_var, context.config_path)
    names = context.config.names() if context.config else frozenset()
    variables = {
        "ANTHROPIC_BASE_URL": context.url,
        "ANTHROPIC_AUTH_TOKEN": key.value,
        "ANTHROPIC_MODEL": picker_name(context.model, names),
    }
    variables.update({var: picker_name(alias, names) for var, alias in ROLE_MODELS.items()})
    return variables


def format_env(env: Mapping[str, str], *, shell: Shell) -> str:
    """``export NAME=value`` lines (POSIX shells) or ``$env:NAME="value"`` (PowerShell)."""
    if shell == "powershell":
        return "\n".join(f'$env:{name}="{_powershell_quote(value)}"' for name, value in env.items())
    return "\n".join(f"export {name}={shlex.quote(value)}" for name, value in env.items())


def _powershell_quote(value: str) -> str:
    for char in ("`", '"', "$"):
        value = value.replace(char, f"`{char}")
    return value


def _claude_args(raw: Sequence[str]) -> list[str]:
    args = list(raw)
    return args[1:] if args[:1] == ["--"] else args


def _warn_unknown_model(context: LaunchContext, io: Io) -> None:
    config = context.config
    if config is None or context.model in config.names():
        return
    io.screen.note(
        f"note: '{context.model}' is not an alias or model of {context.config_path}: the proxy "
        "will refuse it unless it runs another config"
    )
    if not context.model.startswith(PICKER_PREFIXES):
        io.screen.note("note: Claude Code's /model picker lists only claude* names")


def find_claude() -> str:
    """The ``claude`` executable on PATH (``claude.cmd`` on Windows)."""
    names = ("claude.cmd", "claude.exe", "claude") if os.name == "nt" else ("claude",)
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise LaunchError(
        "Claude Code (`claude`) is not on PATH: install it (npm install -g "
        "@anthropic-ai/claude-code), or run `discovery-tui launch --print-env` and start it "
        "yourself"
    )


def claude_environment(variables: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_FOR_CLAUDE}
    env.update(variables)
    return env


def run_claude(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Run Claude Code in the foreground; its exit code is ours. Ctrl-C belongs to it."""
    try:
        process = subprocess.Popen(list(argv), env=dict(env))
    except OSError as exc:
        raise LaunchError(
            f"Cannot start {argv[0]} ({exc.strerror}): check the installation"
        ) from exc
    while True:
        try:
            code = process.wait()
        except KeyboardInterrupt:
            continue  # Claude Code handles Ctrl-C itself; wait for it to exit
        return code if code >= 0 else 128 - code


# --- starting the proxy -------------------------------------------------------------------


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


def start_for_launch(
    context: LaunchContext, timeout: float, client: httpx.Client, io: Io
) -> ProxyProcess:
    """Start the proxy on the context's config and URL; wait until it is ready."""
    from discovery_tui.providers import all_providers

    if not is_local(context.url):
        raise ProxyError(
            f"No proxy answers at {context.url}, and it is not on this machine, so launch cannot "
            "start it: start it there, or pass --proxy-url of a local one"
        )
    if context.config is None:
        raise ConfigError(
            f"{context.config_path} does not exist, so no proxy can be started: run "
            "`discovery-tui refresh`, or pass --config"
        )
    argv = proxy_command(
        context.profile.proxy.command, config_path=context.config_path, url=context.url
    )
    keys = keyring_keys(context.config, all_providers(context.profile.custom_providers))
    env = proxy_environment(os.environ, config=context.config, keyring_keys=keys)
    log_path = cache_dir() / "litellm-proxy.log"
    io.screen.note(f"discovery-tui: starting the proxy at {context.url} (log: {log_path})")
    proxy = start_proxy(argv, url=context.url, env=env, log_path=log_path)
    try:
        wait_until_ready(proxy, client, timeout=timeout)
    except BaseException:
        proxy.stop()
        raise
    return proxy
