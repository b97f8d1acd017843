"""Options shared by the wizard and `refresh`, and the terminal check."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui.errors import ConfigError, UsageError
from discovery_tui.settings import (
    DEFAULT_TIMEOUT_SECONDS,
    default_profile_path,
    resolve_config_path,
)

if TYPE_CHECKING:  # imported when used: `--help` stays fast
    from discovery_tui.pipeline import RunOptions
    from discovery_tui.profile import Profile


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="LiteLLM config.yaml (default: ./config.yaml)")
    parser.add_argument("--profile", type=Path, help="profile.yaml (default: user config folder)")
    parser.add_argument("--families", type=Path, help="families.yaml (default: the shipped one)")
    parser.add_argument("--no-llm", action="store_true", help="choose by the deterministic ranking")
    parser.add_argument("--judge-base-url", metavar="URL", help="OpenAI-compatible judge endpoint")
    parser.add_argument("--judge-model", metavar="NAME", help="model the judge endpoint runs")
    parser.add_argument(
        "--refresh-judge", action="store_true", help="ignore cached judge decisions"
    )
    parser.add_argument(
        "--demo", action="store_true", help="use the offline demo catalog (no key, no network)"
    )
    parser.add_argument(
        "--no-enrich",
        action="store_true",
        help="do not fill prices and limits from models.dev (MODELS_DEV_API_URL moves it)",
    )
    parser.add_argument(
        "--details", action="store_true", help="show every entry change, not only the summary"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"per-provider timeout (default {DEFAULT_TIMEOUT_SECONDS:g})",
    )


def add_wizard_arguments(parser: argparse.ArgumentParser) -> None:
    """The bare command's options (the wizard): the common ones and ``--provider``."""
    add_common_arguments(parser)
    add_provider_option(parser, help_text="preselect only this provider (repeatable)")


def add_provider_option(parser: argparse.ArgumentParser, *, help_text: str) -> None:
    parser.add_argument(
        "--provider",
        action="append",
        default=[],
        type=provider_name,
        metavar="NAME",
        help=help_text,
    )


def provider_name(text: str) -> str:
    """Provider names are case-insensitive: ``XAI``, ``xAI`` and ``xai`` are one provider."""
    return text.strip().lower()


def check_providers(requested: Sequence[str], known: Iterable[str]) -> tuple[str, ...]:
    """``requested`` in lower case, each once; an unknown name is a UsageError naming the
    closest known one and the choices."""
    from discovery_tui.suggest import did_you_mean

    names = list(known)
    chosen = tuple(dict.fromkeys(provider_name(name) for name in requested))
    for name in chosen:
        if name not in names:
            raise UsageError(
                f"Unknown provider {name}{did_you_mean(name, names)} (choose from "
                f"{', '.join(names)}, or declare it under custom_providers in profile.yaml)"
            )
    return chosen


def is_interactive() -> bool:
    """A person at a terminal: stdin and stdout are TTYs and CI is not set."""
    if os.environ.get("CI"):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def profile_path(args: argparse.Namespace) -> Path:
    explicit: Path | None = args.profile
    return explicit if explicit is not None else default_profile_path()


def run_options(
    args: argparse.Namespace, profile: Profile, providers: tuple[str, ...]
) -> RunOptions:
    from discovery_tui.pipeline import RunOptions

    config = resolve_config_path(args.config, profile_config=profile.config)
    if not config.parent.is_dir():
        raise ConfigError(
            f"The folder of {config} does not exist: create it, or point --config at a file "
            "in an existing folder"
        )
    return RunOptions(
        config_path=config,
        profile_path=profile.path,
        families_path=args.families,
        providers=providers,
        no_llm=args.no_llm,
        judge_base_url=args.judge_base_url,
        judge_model=args.judge_model,
        refresh_judge=args.refresh_judge,
        demo=args.demo,
        enrich=not args.no_enrich,
        timeout=args.timeout,
    )
