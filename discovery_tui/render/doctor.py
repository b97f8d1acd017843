"""``doctor``: the table of checks with a verdict line, or the checks as JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discovery_tui.commands.doctor import DoctorReport
    from discovery_tui.render.console import Screen

STYLES = {"ok": "[green]ok[/]", "warn": "[yellow]warn[/]", "fail": "[bold red]FAIL[/]"}


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


def show_table(report: DoctorReport, screen: Screen) -> None:
    from rich.table import Table

    checks = report.checks
    table = Table(title=f"discovery-tui doctor: {report.config_path} -> {report.proxy_url}")
    columns = ["check", "status", "detail"] + (["fix"] if any(c.fix for c in checks) else [])
    for column in columns:
        table.add_column(column, overflow="fold")
    for check in checks:
        cells = [check.name, STYLES[check.status], check.detail, check.fix]
        table.add_row(*cells[: len(columns)])
    screen.out.print(table)
    failed = sum(c.status == "fail" for c in checks)
    warned = sum(c.status == "warn" for c in checks)
    verdict = "[green]all good[/]" if not failed else f"[bold red]{failed} failed[/]"
    screen.out.print(f"{verdict}, {warned} warning(s)")
