"""The wizard's first and last screens: what it will write (before the first question), then
what it wrote where, how to undo it, failed providers and the commands to run next."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.commands.wizard import Session
    from discovery_tui.plan import Plan
    from discovery_tui.render.wizard import Targets


def targets_of(session: Session) -> Targets:
    from discovery_tui.render.wizard import Targets

    path = session.options.config_path
    profile = session.profile.path if session.may_write_profile else None
    return Targets(config_path=path, config_exists=path.exists(), profile_path=profile)


def save_launch_model(session: Session, launch: str | None) -> None:
    """The launch choice alone (nothing applied): the profile's ``launch_model``."""
    from discovery_tui.profile import save_profile

    if launch is None or not session.may_write_profile:
        return
    save_profile(session.profile.path, {"launch_model": launch})
    session.record("profile", str(session.profile.path))


def print_next_steps(session: Session) -> None:
    from discovery_tui.render.wizard import (
        NextSteps,
        show_file_notes,
        show_next_steps,
        show_written,
    )

    path = session.options.config_path
    show_written(session.written, undo_command(session), session.console)
    show_file_notes(session.file_notes, session.console)
    if not path.exists():
        return
    steps = NextSteps(
        config_path=path,
        proxy_command=session.profile.proxy.command,
        launch_flags=(("--config", session.args.config), ("--profile", session.args.profile)),
        launch_choice_saved=session.may_write_profile,
    )
    show_next_steps(steps, session.console)


def undo_command(session: Session) -> str | None:
    """``discovery-tui undo --config PATH`` when this run wrote the config, else None."""
    from discovery_tui.render.wizard import quote

    if not any(kind == "config" for kind, _ in session.written):
        return None
    return f"discovery-tui undo --config {quote(session.options.config_path)}"


def report_failures(session: Session, plan: Plan) -> None:
    from discovery_tui.render.wizard import show_failures

    show_failures(plan, session.console)
