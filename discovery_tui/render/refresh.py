"""``refresh``: after the preview, the JSON object or the line naming what was written, and
on stderr one line per provider that failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.commands.refresh import RefreshResult
    from discovery_tui.plan import Plan
    from discovery_tui.render.console import Screen


def show(result: RefreshResult, screen: Screen) -> None:
    import json

    from discovery_tui.render.plan import plan_to_json

    path = result.plan.config_path
    if result.as_json:
        data = plan_to_json(result.plan, written=result.written, computation=result.computation)
        data["file_notes"] = list(result.file_notes)
        data["target_notes"] = list(result.target_notes)
        print(json.dumps(data, indent=2, ensure_ascii=False))
    elif result.written and result.to_proxy:
        screen.line(f"Applied to the proxy at {result.to_proxy}.")
    elif result.written and result.existed:
        screen.line(f"Wrote {path} (previous version kept as {path.name}.bak).")
    elif result.written:
        screen.line(f"Wrote {path} (a new file).")
    elif result.replanned:
        screen.line(f"{path} changed while you looked: nothing applied; run again.")
    for note in result.file_notes:
        screen.note(f"discovery-tui: {note}")
    if result.next_step:
        screen.line(result.next_step)
    report_failures(result.plan, screen)


def report_failures(plan: Plan, screen: Screen) -> None:
    for outcome in plan.failed:
        screen.note(
            f"discovery-tui: {outcome.name} failed, its entries were kept: {outcome.error}"
        )
