"""`discovery-tui refresh [PROVIDER ...]`: the wizard's work without prompts."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from discovery_tui.commands import Io
from discovery_tui.errors import EXIT_OK, EXIT_PARTIAL, UsageError
from discovery_tui.options import (
    add_common_arguments,
    add_provider_option,
    is_interactive,
    profile_path,
    provider_name,
    run_options,
)
from discovery_tui.profile import Profile

if TYPE_CHECKING:
    from discovery_tui.pipeline import Computation
    from discovery_tui.plan import Plan


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "providers",
        nargs="*",
        type=provider_name,
        metavar="PROVIDER",
        help="providers to refresh (default: all with a key)",
    )
    add_common_arguments(parser)
    add_provider_option(parser, help_text="refresh this provider (same as PROVIDER; repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="show the plan, write nothing")
    parser.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--to-proxy",
        metavar="URL",
        help="apply to a running LiteLLM proxy's model API instead of config.yaml "
        "(a team's shared, database-backed proxy; master key in LITELLM_MASTER_KEY)",
    )


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
    computation: Computation | None = None  # for --json's added keys (notes, enrichment)
    next_step: str | None = None  # the command to try next (after the demo: the wizard)
    to_proxy: str | None = None  # the proxy URL when applied to a proxy's model API
    target_notes: tuple[str, ...] = ()  # what the proxy cannot take (--json "target_notes")
    file_notes: tuple[str, ...] = ()  # the target's notes (ApplyResult.notes)

    @property
    def exit_code(self) -> int:
        return EXIT_PARTIAL if self.plan.failed else EXIT_OK


def run(args: argparse.Namespace, io: Io) -> RefreshResult:
    """Fetch and choose (no lock held), show the plan, then apply it through ``apply_run``."""
    from discovery_tui.apply import ProfileRecord, apply_run, may_record_profile
    from discovery_tui.commands.preview import show_preview
    from discovery_tui.fetch import catalog_source
    from discovery_tui.options import check_providers
    from discovery_tui.pipeline import compute, registry
    from discovery_tui.plan import build_plan
    from discovery_tui.remote import apply_target, target_notes

    check_usage(args)
    profile = Profile.load(profile_path(args))
    requested = check_providers([*args.providers, *args.provider], registry(profile))
    options = run_options(args, profile, requested)
    to_proxy = args.to_proxy or profile.to_proxy
    target = apply_target(to_proxy, profile, options.config_path)
    target.state()  # a broken config (an unreachable proxy) fails before the fetch
    source = catalog_source(demo=args.demo)
    computation = asyncio.run(compute(options, profile, source=source))
    shown = build_plan(target.state(), computation)
    if not args.json:
        show_preview(shown, io.screen.out, computation, details=args.details)
    notes = target_notes(target)
    for note in notes:  # what a proxy cannot take, e.g. aliases
        io.screen.note(f"discovery-tui: {note}")
    if args.dry_run:
        return RefreshResult(
            shown,
            False,
            False,
            args.json,
            computation=computation,
            to_proxy=to_proxy,
            target_notes=notes,
        )
    approved = args.yes or (shown.has_changes and confirm(io, shown, computation, args.details))
    if shown.has_changes and not approved:
        return RefreshResult(
            shown, False, False, args.json, computation=computation, target_notes=notes
        )
    # the demo keeps its picks out of the user's profile unless --profile names one; a run
    # that changes nothing records only picks the profile does not hold yet
    recording = may_record_profile(
        source_records=source.records_in_default_profile, profile_option=args.profile
    )
    if not shown.has_changes and picks_recorded(profile, shown):
        recording = False
    record = ProfileRecord(profile.path) if recording else None
    result = apply_run(
        target, computation, shown, approved=approved, record=record, profile_path=profile.path
    )
    return RefreshResult(
        result.plan,
        result.written,
        result.existed,
        args.json,
        replanned=result.replanned and not result.written and not approved,
        computation=computation,
        next_step=next_step(args),
        to_proxy=to_proxy,
        file_notes=result.notes,
        target_notes=target_notes(target),  # as the proxy was read under the lock
    )


def next_step(args: argparse.Namespace) -> str | None:
    """After the demo: the wizard on the same demo config (README's second step)."""
    import shlex

    if not args.demo or args.json:
        return None
    config = f" --config {shlex.quote(str(args.config))}" if args.config else ""
    return f"Next, try the wizard on the same demo: discovery-tui --demo{config}"


def picks_recorded(profile: Profile, plan: Plan) -> bool:
    """Whether profile.yaml already holds every refreshed provider's picks as in ``plan``."""
    for outcome in plan.providers:
        if outcome.status != "ok":
            continue
        picks = {family: pick.model.litellm_model for family, pick in outcome.picks.items()}
        if dict(profile.picks.get(outcome.name, {})) != picks:
            return False
    return True


def confirm(io: Io, plan: Plan, computation: Computation, details_shown: bool) -> bool:
    from discovery_tui.commands.preview import ask_to_apply

    return ask_to_apply(
        io.prompter, io.screen.out, plan, computation, details_shown=details_shown
    )
