"""``doctor``: one screen of checks (a line each, the fix under it) and a verdict, or JSON.

The screen groups what reads alike: the provider keys that are set become one line, so do the
keys that are not set, and the aliases that answered. JSON keeps every check as it is.
Long text wraps between words only: a path or a command is never broken inside.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from discovery_tui.commands.doctor_checks import Check, listing

if TYPE_CHECKING:
    from discovery_tui.commands.doctor import DoctorReport
    from discovery_tui.render.console import Screen

STYLES = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}
LABELS = {"ok": "ok", "warn": "warn", "fail": "FAIL", "skip": "skip"}
KEY_PREFIX = "key "
ALIAS_PREFIX = "alias "
MIN_DETAIL_WIDTH = 24


def show(report: DoctorReport, screen: Screen) -> None:
    if report.as_json:
        print(json.dumps(to_json(report), indent=2))
    else:
        show_table(report, screen)


def to_json(report: DoctorReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "config": str(report.config_path),
        "proxy_url": report.proxy_url,
        "checks": [asdict(c) for c in report.checks],
    }


def grouped(checks: Sequence[Check]) -> list[Check]:
    """The checks as the screen shows them: keys by status, answered aliases as one line."""
    shown: list[Check] = []
    keys = [c for c in checks if c.name.startswith(KEY_PREFIX)]
    answered = [c for c in checks if c.name.startswith(ALIAS_PREFIX) and c.status == "ok"]
    for check in checks:
        if check in keys:
            if check is keys[0]:
                shown += key_lines(keys)
        elif check in answered:
            if check is answered[0]:
                shown.append(Check("aliases answer", "ok", f"all {len(answered)} answered"))
        else:
            shown.append(check)
    return shown


def key_lines(keys: Sequence[Check]) -> list[Check]:
    """Set keys as one line, keys not set (per status) as one line each."""
    lines: list[Check] = []
    for status in ("ok", "warn", "fail"):
        group = [c for c in keys if c.status == status]
        if not group:
            continue
        if len(group) == 1:
            lines.append(group[0])
            continue
        names = [c.name.removeprefix(KEY_PREFIX) for c in group]
        if status == "ok":
            lines.append(Check("keys", "ok", f"all {len(group)} set: {listing(names)}"))
            continue
        why = group[0].detail.split(": ", 1)[-1] if status == "fail" else "not set here"
        detail = f"{len(group)} not set: {listing(names)}; {why}"
        fix = "`discovery-tui keys set PROVIDER` for each, or export its variable"
        lines.append(Check("keys", status, detail, fix))
    return lines


def show_table(report: DoctorReport, screen: Screen) -> None:
    from rich.text import Text

    checks = grouped(report.checks)
    out = screen.out
    out.print(f"doctor: {report.config_path} -> {report.proxy_url}", markup=False, soft_wrap=True)
    width = max((len(c.name) for c in checks), default=0)
    for check in checks:
        for number, line in enumerate(check_lines(check, width, out.width)):
            text = Text()
            if number == 0:
                text.append(f"{LABELS[check.status]:<4}", style=STYLES[check.status])
                line = line[4:]
            text.append(line)
            out.print(text, soft_wrap=True)
    out.print(verdict(checks), highlight=False)  # counts the rows shown


def check_lines(check: Check, name_width: int, width: int) -> list[str]:
    """``LABEL name  detail`` then ``fix: ...``, wrapped between words only (a path longer than
    the room left stays whole on its own line)."""
    import textwrap

    indent = 4 + 1 + name_width + 2
    if width - indent < MIN_DETAIL_WIDTH:
        indent = 5
    room = max(width - indent, MIN_DETAIL_WIDTH)
    wrapper = textwrap.TextWrapper(room, break_long_words=False, break_on_hyphens=False)
    body = wrapper.wrap(check.detail) or [""]
    if check.fix:
        body += wrapper.wrap(f"fix: {check.fix}")
    head = f"{LABELS[check.status]:<4} {check.name:<{name_width}}  "
    pad = " " * indent
    if indent == 5:
        return [head.rstrip(), *(pad + line for line in body)]
    return [head + body[0], *(pad + line for line in body[1:])]


def verdict(checks: Sequence[Check]) -> str:
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    skipped = sum(c.status == "skip" for c in checks)
    head = "[green]all good[/]" if not failed else f"[bold red]{failed} failed[/]"
    tail = f", {skipped} skipped" if skipped else ""
    return f"{head}, {warned} warning(s){tail}"
