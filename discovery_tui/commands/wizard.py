"""The interactive wizard (`discovery-tui` without a command): the only module that prompts.

Screens, in order: providers (checkbox) -> a key for a chosen provider that has none (or skip)
-> fetching and choosing (a live display, finished before the next prompt) -> the preview and
"apply?" -> the launch model -> the commands to run next. Nothing is written before the last
answer: Ctrl-C (or a closed input) at any prompt leaves every file untouched and exits 130.

Prompting is kept apart from computing: the wizard reads the frozen Plan that the pipeline
returns, and writes through the same functions as `refresh`. Prompts go through a
:class:`Prompter`, whose ``input``/``output`` (prompt_toolkit objects) tests replace.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from discovery_tui.commands import Io
from discovery_tui.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PARTIAL,
    Cancelled,
    UsageError,
)
from discovery_tui.plan import Plan
from discovery_tui.profile import Profile
from discovery_tui.prompt import Option, Prompter

if TYPE_CHECKING:
    from discovery_tui.apply import ApplyTarget
    from discovery_tui.fetch import CatalogSource
    from discovery_tui.pipeline import Computation, RunOptions
    from discovery_tui.plan import WantedSetting
    from discovery_tui.providers.base import ProviderSpec
    from discovery_tui.render.console import Console
    from discovery_tui.settings import KeySource, ResolvedKey

PROVIDERS_QUESTION = "Providers to refresh?"
KEY_STATE_TEXT: dict[KeySource, str] = {
    "env": "key in ${var}",
    "keyring": "key in the keyring",
    "none": "no key",
    "keyless": "no key needed",
}


@dataclass(frozen=True)
class WizardResult:
    """The wizard's exit code (0, 3 when a chosen provider failed, 130 when cancelled)."""

    exit_code: int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from discovery_tui.options import add_wizard_arguments

    add_wizard_arguments(parser)


def run(args: argparse.Namespace, io: Io) -> WizardResult:
    from discovery_tui.options import is_interactive

    if not is_interactive():
        raise UsageError(
            "The wizard needs a terminal: run `discovery-tui refresh --yes` (add --dry-run to "
            "preview, --json for scripts)"
        )
    return WizardResult(run_wizard(args, prompter=io.prompter, console=io.screen.out))


# --------------------------------------------------------------------------- the flow


@dataclass
class Session:
    """One wizard run: its inputs, and whether anything was written yet."""

    args: argparse.Namespace
    prompter: Prompter
    console: Console
    profile: Profile
    options: RunOptions
    specs: dict[str, ProviderSpec]
    keys: dict[str, ResolvedKey]
    target: ApplyTarget  # config.yaml (or the profile's to_proxy) as read at the start
    source: CatalogSource  # where catalogs come from: the providers' APIs, or the demo
    wrote: list[str] = field(default_factory=list)
    # what was written where, for the last screen: ("config", path), ("backup", path), ...
    written: list[tuple[str, str]] = field(default_factory=list)
    # the target's notes of the apply (ApplyResult.notes: a recovered swap, duplicate keys)
    file_notes: list[str] = field(default_factory=list)
    # (variable, key) of a master key created in this run: stored at the end. Never shown.
    new_master_key: tuple[str, str] | None = field(default=None, repr=False)
    # Keys typed in this run: used for the fetch, stored in the keyring only at the end (and
    # only when the provider accepted them), so Ctrl-C stores nothing. Never shown.
    new_keys: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def may_write_profile(self) -> bool:
        """A demo run keeps its picks out of the user's profile unless one is named."""
        from discovery_tui.apply import may_record_profile

        return may_record_profile(
            source_records=self.source.records_in_default_profile,
            profile_option=self.args.profile,
        )

    def record(self, kind: str, where: str) -> None:
        """One line of the last screen's "written" list (and of the Ctrl-C message)."""
        self.written.append((kind, where))
        self.wrote.append(f"{kind}: {where}")


def run_wizard(
    args: argparse.Namespace,
    *,
    prompter: Prompter | None = None,
    console: Console | None = None,
) -> int:
    """The whole wizard; returns the exit code (0, 3 when a chosen provider failed, 130)."""
    from discovery_tui.render.console import make_console

    console = console or make_console()
    session = start_session(args, prompter or Prompter(), console)
    try:
        return _run(session)
    except (Cancelled, KeyboardInterrupt):
        done = "; ".join(session.wrote) if session.wrote else "nothing was written"
        console.print(f"\nCancelled: {done}.")
        return EXIT_INTERRUPTED


def start_session(args: argparse.Namespace, prompter: Prompter, console: Console) -> Session:
    """Read the profile and check config.yaml parses, before any prompt or network call."""
    from discovery_tui.fetch import catalog_source
    from discovery_tui.options import profile_path, run_options
    from discovery_tui.pipeline import registry
    from discovery_tui.remote import wizard_target

    profile = Profile.load(profile_path(args))
    options = run_options(args, profile, ())
    target = wizard_target(profile, options.config_path, prompter)  # to_proxy: asks which
    target.state()  # a broken config stops before any prompt
    specs = registry(profile)
    source = catalog_source(demo=args.demo)
    keys = source.keys(specs)
    return Session(args, prompter, console, profile, options, specs, keys, target, source)


def _run(session: Session) -> int:
    from discovery_tui.commands.wizard_end import (
        print_next_steps,
        report_failures,
        save_launch_model,
        targets_of,
    )
    from discovery_tui.commands.wizard_keys import ensure_key, store_new_keys
    from discovery_tui.commands.wizard_launch import ask_launch_model
    from discovery_tui.commands.wizard_master import ask_master_key, store_master_key
    from discovery_tui.render.console import say_wrapped
    from discovery_tui.render.wizard import show_targets

    show_targets(targets_of(session), session.console)
    chosen = ask_providers(session)
    chosen = [name for name in chosen if ensure_key(session, name)]
    ask_master_key(session)
    if not chosen:
        say_wrapped(
            session.console, f"No provider left: {session.options.config_path} stays as it is."
        )
        save_launch_model(session, ask_launch_model(session, None))
        store_master_key(session)
        print_next_steps(session)
        return EXIT_OK
    computation = fetch_with_progress(session, chosen)
    plan = preview(session, computation)
    approved = plan.has_changes and ask_apply(session, plan, computation)
    if plan.has_changes and not approved:
        say_wrapped(session.console, f"Not applied: {plan.config_path} stays as it is.")
    launch = ask_launch_model(session, plan if approved else None)
    if plan.has_changes and not approved:
        save_launch_model(session, launch)
    else:
        apply_and_record(session, computation, plan, launch=launch, approved=approved)
    store_new_keys(session, plan)
    store_master_key(session)
    report_failures(session, plan)
    print_next_steps(session)
    return EXIT_PARTIAL if plan.failed else EXIT_OK


# --------------------------------------------------------------------------- screen 1: providers


def ask_providers(session: Session) -> list[str]:
    """The providers checkbox; returns the chosen names in registry order."""
    from discovery_tui.pipeline import select_providers

    requested: list[str] = list(session.args.provider or [])
    offered = session.source.offers(session.specs)
    preselected, _ = select_providers(session.specs, requested, session.keys, offered=offered)
    checked = {spec.name for spec in preselected}
    options = provider_options(session, checked)
    return session.prompter.checkbox(
        PROVIDERS_QUESTION,
        options,
        need_one="Choose at least one provider (space), or press Ctrl-C to quit",
    )


def provider_options(session: Session, checked: set[str]) -> list[Option]:
    names = list(session.specs)
    width = max(len(session.specs[n].label) for n in names)
    states = {n: key_state_text(session, n) for n in names}
    state_width = max(len(s) for s in states.values())
    return [
        Option(
            name,
            f"{session.specs[name].label:<{width}}  {states[name]:<{state_width}}  "
            f"{last_refresh_text(session.profile.last_refresh.get(name))}",
            checked=name in checked,
        )
        for name in names
    ]


def key_state_text(session: Session, name: str) -> str:
    if session.source.kind == "demo":
        offered = session.source.offers(session.specs)
        return "demo catalog" if name in offered else "not in the demo catalog"
    text = KEY_STATE_TEXT[session.keys[name].source]
    return text.replace("${var}", f"${session.specs[name].key_env}")


def last_refresh_text(stamp: str | None) -> str:
    if not stamp:
        return "never refreshed"
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return f"refreshed {stamp}"
    if when.tzinfo is not None:
        when = when.astimezone()
    return f"refreshed {when:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------- screen 3: fetching


def fetch_with_progress(session: Session, chosen: Sequence[str]) -> Computation:
    """Fetch and choose while a live display shows progress; it is gone before any prompt."""
    import asyncio

    from discovery_tui.commands.wizard_keys import keys_in_environment
    from discovery_tui.pipeline import compute
    from discovery_tui.render.progress import live_progress

    options = replace(session.options, providers=tuple(chosen))
    labels = {name: session.specs[name].label for name in chosen}
    with keys_in_environment(session), live_progress(session.console, labels) as board:
        fetching = compute(
            options, session.profile, on_fetched=board.on_fetched, source=session.source
        )
        computation = asyncio.run(fetching)
    return replace(computation, settings=wanted_settings(session))


def wanted_settings(session: Session) -> tuple[WantedSetting, ...]:
    """The config's reference to a master key created in this run (``os.environ/VAR``; the
    key itself goes to the keyring only), where the config names none."""
    from discovery_tui.plan import master_key_setting

    if session.new_master_key is None:
        return ()
    variable, _ = session.new_master_key
    return (master_key_setting(variable),)


# --------------------------------------------------------------------------- screen 4: preview


def preview(session: Session, computation: Computation) -> Plan:
    """The summary (the tables too with ``--details``), as ``refresh`` shows it."""
    from discovery_tui.commands.preview import show_preview
    from discovery_tui.plan import build_plan

    plan = build_plan(session.target.state(), computation)
    session.console.print()
    show_preview(plan, session.console, computation, details=session.args.details)
    return plan


def ask_apply(session: Session, plan: Plan, computation: Computation) -> bool:
    """Apply / Show details / Don't apply (details are not offered again after --details)."""
    from discovery_tui.commands.preview import ask_to_apply

    details_shown = bool(session.args.details)
    return ask_to_apply(
        session.prompter, session.console, plan, computation, details_shown=details_shown
    )


# --------------------------------------------------------------------------- writing


def apply_and_record(
    session: Session, computation: Computation, shown: Plan, *, launch: str | None, approved: bool
) -> None:
    """The one apply service (as `refresh`): under the lock, re-plan on the file as it is now,
    write when approved, record in the profile."""
    from discovery_tui.apply import ProfileRecord, apply_run
    from discovery_tui.render.wizard import show_replanned

    path = session.options.config_path
    record = ProfileRecord(session.profile.path, launch) if session.may_write_profile else None
    result = apply_run(
        session.target,
        computation,
        shown,
        approved=approved,
        record=record,
        profile_path=session.profile.path,
    )
    session.file_notes.extend(result.notes)
    if result.replanned:
        show_replanned(path, session.console, applied=approved)
    if result.written and session.target.name != str(path):  # the profile's to_proxy
        session.record("proxy", session.target.name)
    elif result.written:
        session.record("config", f"{path}" + ("" if result.existed else " (a new file)"))
        if result.existed:
            session.record("backup", f"{path.with_name(path.name + '.bak')} (the file before)")
    if result.profile_written:
        session.record("profile", str(session.profile.path))
