"""`discovery-tui refresh [PROVIDER ...]`: the wizard's work without prompts."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from discovery_tui.errors import EXIT_OK, EXIT_PARTIAL, UsageError
from discovery_tui.options import add_common_arguments, is_interactive, profile_path, run_options
from discovery_tui.plan import Plan
from discovery_tui.profile import Profile

if TYPE_CHECKING:
    from discovery_tui.configfile import ConfigDocument


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


def run(args: argparse.Namespace) -> int:
    from discovery_tui.configfile import ConfigDocument
    from discovery_tui.fileio import locked
    from discovery_tui.pipeline import build_plan, compute

    check_usage(args)
    profile = Profile.load(profile_path(args))
    options = run_options(args, profile, tuple(args.providers))
    with locked(options.config_path):
        profile = Profile.load(profile.path)  # as a run that held the lock before us left it
        doc = ConfigDocument.load(options.config_path)  # a broken config fails before the fetch
        computation = asyncio.run(compute(options, profile))
        if doc.changed_on_disk():  # edited during the fetch: plan against the file as it is now
            doc = ConfigDocument.load(options.config_path)
        plan = build_plan(doc, computation)
        finish(args, plan, doc, profile)
    report_failures(plan)
    return EXIT_PARTIAL if plan.failed else EXIT_OK


def finish(args: argparse.Namespace, plan: Plan, doc: ConfigDocument, profile: Profile) -> bool:
    """Show the plan, then apply it (unless --dry-run or declined) and record the picks.

    The demo records nothing in the user's profile unless --profile names one.
    """
    from discovery_tui.pipeline import apply_plan, record_in_profile
    from discovery_tui.render import dumps_json, make_console, render_plan

    if not args.json:
        render_plan(plan, make_console())
    written = existed = False
    if not args.dry_run and (args.yes or not plan.has_changes or confirm(plan)):
        existed = plan.config_path.exists()
        written = apply_plan(doc, plan) if plan.has_changes else False
        if plan.refreshed and (not args.demo or args.profile is not None):
            record_in_profile(profile, plan)
    if args.json:
        print(dumps_json(plan, written=written))
    elif written and existed:
        print(f"Wrote {plan.config_path} (previous version kept as {plan.config_path.name}.bak).")
    elif written:
        print(f"Wrote {plan.config_path} (a new file).")
    return written


def confirm(plan: Plan) -> bool:
    from discovery_tui.wizard import confirm_apply

    return confirm_apply(plan)


def report_failures(plan: Plan) -> None:
    for outcome in plan.failed:
        print(
            f"discovery-tui: {outcome.name} failed, its entries were kept: {outcome.error}",
            file=sys.stderr,
        )
