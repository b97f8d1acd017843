"""Refresh before launch: ``launch --refresh``, or the profile's ``refresh_before_launch: 12h``
(refresh when the last refresh is older than that).

The refresh is ``refresh --yes`` itself (``discovery_tui.commands.refresh.run``, the same
compute and apply), without prompts and without a plan on screen. A refresh that fails, wholly
or for some providers, never blocks the session: launch says so and goes on with the config
as it is (the last good one: apply writes atomically or not at all).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

from discovery_tui.commands import Io
from discovery_tui.errors import ConfigError, DiscoveryError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "": 3600}


def parse_interval(text: str | None) -> timedelta | None:
    """``12h``, ``30m``, ``2d``, ``1w``, ``90s`` or a bare number of hours; None when unset;
    ``0`` means before every launch."""
    if text is None or not str(text).strip():
        return None
    match = _DURATION.match(str(text))
    if match is None:
        raise ConfigError(
            f"refresh_before_launch: {text!r} is not a duration: write it like 12h, 30m or 2d "
            "in profile.yaml"
        )
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def refresh_due(
    interval: timedelta | None, last_refresh: Mapping[str, str], now: datetime | None = None
) -> bool:
    """Whether the newest refresh recorded in the profile is older than ``interval``."""
    if interval is None:
        return False
    stamps = [_parse_time(value) for value in last_refresh.values()]
    known = [stamp for stamp in stamps if stamp is not None]
    if not known:
        return True
    return (now or datetime.now(timezone.utc)) - max(known) >= interval


def _parse_time(value: str) -> datetime | None:
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def refresh_for_launch(config_path: Path, profile_path: Path, io: Io) -> bool:
    """Run ``refresh --yes`` on this config and profile; True when it applied for every
    provider. Any failure is said on the screen and launch goes on."""
    from discovery_tui.commands import refresh

    parser = argparse.ArgumentParser(add_help=False)
    refresh.add_arguments(parser)
    args = parser.parse_args(
        ["--yes", "--json", "--config", str(config_path), "--profile", str(profile_path)]
    )
    io.screen.note("discovery-tui: refreshing the providers before launch")
    try:
        result = refresh.run(args, io)
    except DiscoveryError as exc:
        io.screen.note(
            f"discovery-tui: the refresh failed ({exc}); launching with the last good config"
        )
        return False
    failed = result.plan.failed
    for outcome in failed:
        io.screen.note(
            f"discovery-tui: {outcome.name} was not refreshed ({outcome.error}); "
            "its entries are kept as they were"
        )
    io.screen.note(f"discovery-tui: {summary(result.written, bool(failed))}")
    return not failed


def summary(written: bool, failed: bool) -> str:
    if written:
        return "the config was refreshed"
    return "launching with the config as it was" if failed else "the config is up to date"
