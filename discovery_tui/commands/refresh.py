"""`discovery-tui refresh [PROVIDER ...]`: the wizard's work without prompts."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass

from discovery_tui.commands import Io
from discovery_tui.errors import EXIT_OK, EXIT_PARTIAL, UsageError
from discovery_tui.options import add_common_arguments, is_interactive, profile_path, run_options
from discovery_tui.plan import Plan
from discovery_tui.profile import Profile


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "providers",
        nargs="*",
        metavar="PROVIDER",
        help="providers to refresh (default: all with a key)",
    )
    add_common_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    parser.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def check_usage(args: argparse.Namespace) -> None:
    if args.yes or args.dry_run:
        return
    if args.json:
        raise UsageError("--json needs --yes (apply) or --dry-run (preview only)")
    if not is_interactive():
        raise UsageError(
            "refresh needs a terminal to confirm: add --yes to apply, or --dry-run to preview"
        )


@dataclass(frozen=True)
class RefreshResult:
    """The plan (as applied, or as shown when nothing was applied) and what was written."""

    plan: Plan
    written: bool
    existed: bool  # the config existed before the write (a .bak was kept)
    as_json: bool
    replanned: bool = False  # the file changed after the preview, and nothing was applied

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.plan.failed else EXIT_OK


def run(args: argparse.Namespace, io: Io) -> RefreshResult:
    """Fetch and choose (no lock held), show the plan, then apply it through ``apply_run``."""
    from discovery_tui.apply import ConfigFileTarget, ProfileRecord, apply_run
    from discovery_tui.fetch import catalog_source
    from discovery_tui.pipeline import compute
    from discovery_tui.plan import build_plan
    from discovery_tui.render.plan import render_plan

    check_usage(args)
    profile = Profile.load(profile_path(args))
    options = run_options(args, profile, tuple(args.providers))
    target = ConfigFileTarget(options.config_path)
    target.state()  # a broken config fails before the fetch
    source = catalog_source(demo=args.demo)
    computation = asyncio.run(compute(options, profile, source=source))
    shown = build_plan(target.state(), computation)
    if not args.json:
        render_plan(shown, io.screen.out)
    if args.dry_run:
        return RefreshResult(shown, written=False, existed=False, as_json=args.json)
    approved = args.yes or (shown.has_changes and confirm(io, shown))
    if shown.has_changes and not approved:
        return RefreshResult(shown, written=False, existed=False, as_json=args.json)
    # the demo keeps its picks out of the user's profile unless --profile names one
    recording = source.records_in_default_profile or args.profile is not None
    record = ProfileRecord(profile.path) if recording else None
    result = apply_run(
        target, computation, shown, approved=approved, record=record, profile_path=profile.path
    )
    replanned = result.replanned and not result.written and not approved
    return RefreshResult(
        result.plan, result.written, result.existed, as_json=args.json, replanned=replanned
    )


def confirm(io: Io, plan: Plan) -> bool:
    from discovery_tui.render.plan import apply_question

    return io.prompter.confirm(apply_question(plan))
