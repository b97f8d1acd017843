"""``discovery-tui launch``: start Claude Code through the LiteLLM proxy.

Claude Code gets the proxy, its master key, the launch model and its three tiers with names,
descriptions and capabilities, and a cap on its output (``discovery_tui.claude_env``). When no
proxy answers, one is started with the provider keys of the keyring in its environment only, and
stopped when Claude Code exits, unless it is kept for the next launch (``launch_proxy``).
``--refresh`` refreshes the providers first (``launch_refresh``). ``--print-env`` prints the
variables for ``eval`` instead; no provider key is ever among them.
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
from typing import Literal

from discovery_tui.claude_env import MAX_OUTPUT, claude_code_variables
from discovery_tui.commands import Io
from discovery_tui.commands.launch_proxy import ProxyNeed, ensure_proxy
from discovery_tui.commands.launch_refresh import parse_interval, refresh_due, refresh_for_launch
from discovery_tui.errors import EXIT_OK, LaunchError
from discovery_tui.profile import Profile
from discovery_tui.proxy import (
    DEFAULT_READY_TIMEOUT,
    PICKER_PREFIXES,
    ProxyConfig,
    find_master_key,
    is_live,
    load_proxy_config,
    missing_master_key_error,
    new_probe_client,
)
from discovery_tui.remote import proxy_url_of, remote_config_for
from discovery_tui.settings import default_profile_path, resolve_config_path

DEFAULT_MODEL = "claude"
DROPPED_FOR_CLAUDE = ("ANTHROPIC_API_KEY",)  # would be sent instead of the proxy's token

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
        "--keep-proxy",
        action="store_true",
        help="leave a proxy it starts running for the next launch (profile: proxy.keep_running)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="refresh the providers first, as `refresh --yes` (profile: refresh_before_launch)",
    )
    parser.add_argument(
        "claude_args", nargs=argparse.REMAINDER, help="-- then arguments for Claude Code"
    )


def run(args: argparse.Namespace, io: Io) -> LaunchResult:
    context = load_context(args)
    interval = parse_interval(context.profile.refresh_before_launch)
    if args.refresh or refresh_due(interval, context.profile.last_refresh):
        refresh_for_launch(context.config_path, context.profile.path, io)
        context = load_context(args)  # the refreshed config (or the last good one)
    env = claude_variables(context)
    with new_probe_client(context.url) as client:
        if args.print_env:
            if not is_live(client, context.url):
                io.screen.note(f"note: no proxy answers at {context.url} yet: start it first")
            return LaunchResult(env_lines=format_env(env, shell=args.shell))
        claude = find_claude()
        _warn_unknown_model(context, io)
        keep = args.keep_proxy or context.profile.proxy.keep_running
        need = ProxyNeed(
            context.profile,
            context.config_path,
            context.config,
            context.url,
            keep,
            args.proxy_timeout,
        )
        proxy = ensure_proxy(need, client, io)
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
    url = proxy_url_of(args.proxy_url, profile)  # a team's proxy: to_proxy in the profile
    config = (
        load_proxy_config(config_path)
        if config_path.exists()
        else remote_config_for(url, config_path, profile)
    )
    return LaunchContext(
        profile=profile,
        config_path=config_path,
        config=config,
        url=url,
        model=args.model or profile.launch_model or DEFAULT_MODEL,
    )


def claude_variables(context: LaunchContext) -> dict[str, str]:
    """The variables Claude Code needs, in print order; the master key is the auth token."""
    env_var = context.profile.proxy.master_key_env
    key = find_master_key(env_var=env_var, config=context.config)
    if key.value is None:
        raise missing_master_key_error(env_var, context.config_path)
    return claude_code_variables(
        url=context.url, token=key.value, model=context.model, config=context.config
    )


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
    """This environment with the variables; a smaller output cap set by the user is kept."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_FOR_CLAUDE}
    own = _tokens(env.get(MAX_OUTPUT))
    env.update(variables)
    ours = _tokens(variables.get(MAX_OUTPUT))
    if own is not None and (ours is None or own < ours):
        env[MAX_OUTPUT] = str(own)
    return env


def _tokens(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


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
