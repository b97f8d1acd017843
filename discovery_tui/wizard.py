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
import os
import shlex
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL
from discovery_tui.plan import Plan
from discovery_tui.profile import Profile

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from discovery_tui.configfile import ConfigDocument
    from discovery_tui.fetch import FetchResult
    from discovery_tui.pipeline import Computation, RunOptions
    from discovery_tui.providers.base import ProviderSpec
    from discovery_tui.settings import ResolvedKey

KEY_STATE_TEXT = {
    "env": "key in ${var}",
    "keyring": "key in the keyring",
    "none": "no key",
    "keyless": "no key needed",
}


class Cancelled(Exception):
    """The user pressed Ctrl-C (or the input closed) at a prompt."""


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class Option:
    """One choice of a checkbox or select prompt."""

    value: str
    title: str
    checked: bool = False


@dataclass(frozen=True)
class Prompter:
    """questionary prompts; ``input``/``output`` are prompt_toolkit objects (None: the terminal)."""

    input: Any = None
    output: Any = None

    def _io(self) -> dict[str, Any]:
        io: dict[str, Any] = {}
        if self.input is not None:
            io["input"] = self.input
        if self.output is not None:
            io["output"] = self.output
        return io

    def checkbox(self, message: str, options: Sequence[Option], *, need_one: str) -> list[str]:
        import questionary

        question = questionary.checkbox(
            message,
            choices=[
                questionary.Choice(o.title, value=o.value, checked=o.checked) for o in options
            ],
            validate=lambda chosen: bool(chosen) or need_one,
            instruction="(space: choose, a: all, Enter: go on)",
            **self._io(),
        )
        return list(_ask(question))

    def select(
        self, message: str, options: Sequence[Option | None], *, default: str, search: bool = False
    ) -> str:
        """``None`` in ``options`` is a separator line; ``search``: typing filters the list."""
        import questionary

        choices: list[Any] = [
            questionary.Separator() if o is None else questionary.Choice(o.title, value=o.value)
            for o in options
        ]
        question = questionary.select(
            message,
            choices=choices,
            default=default,
            use_search_filter=search,
            use_jk_keys=not search,
            **self._io(),
        )
        return str(_ask(question))

    def confirm(self, message: str, *, default: bool = True) -> bool:
        import questionary

        return bool(_ask(questionary.confirm(message, default=default, **self._io())))

    def password(self, message: str) -> str:
        import questionary

        return str(_ask(questionary.password(message, **self._io())))


def _ask(question: Any) -> Any:
    """Ask; Ctrl-C, a closed input, or no answer at all become :class:`Cancelled`."""
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError) as exc:
        raise Cancelled from exc
    if answer is None:
        raise Cancelled
    return answer


def confirm_apply(plan: Plan, *, prompter: Prompter | None = None) -> bool:
    """`refresh` on a terminal without --yes: apply the shown plan? (default yes)."""
    try:
        return (prompter or Prompter()).confirm(_apply_question(plan))
    except Cancelled as exc:
        raise KeyboardInterrupt from exc


def _apply_question(plan: Plan) -> str:
    return f"Apply these changes to {plan.config_path}? (the old file is kept as .bak)"


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
    doc: ConfigDocument  # config.yaml as read at the start; read again only if it changed
    demo_providers: frozenset[str] = frozenset()
    wrote: list[str] = field(default_factory=list)
    # Keys typed in this run: used for the fetch, stored in the keyring only at the end (and
    # only when the provider accepted them), so Ctrl-C stores nothing. Never shown.
    new_keys: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def may_write_profile(self) -> bool:
        """A demo run keeps its picks out of the user's profile unless one is named."""
        if not self.args.demo:
            return True
        return self.args.profile is not None or bool(os.environ.get("DISCOVERY_TUI_PROFILE"))


def run_wizard(
    args: argparse.Namespace,
    *,
    prompter: Prompter | None = None,
    console: Console | None = None,
) -> int:
    """The whole wizard; returns the exit code (0, 3 when a chosen provider failed, 130)."""
    from discovery_tui.render import make_console

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
    from discovery_tui.configfile import ConfigDocument
    from discovery_tui.options import profile_path, run_options
    from discovery_tui.pipeline import provider_keys, registry

    profile = Profile.load(profile_path(args))
    options = run_options(args, profile, ())
    doc = ConfigDocument.load(options.config_path)  # a broken config stops before any prompt
    specs = registry(profile)
    demo: frozenset[str] = frozenset()
    if args.demo:
        from discovery_tui.demo import load_demo_catalog

        demo = frozenset(name for name, models in load_demo_catalog().items() if models)
    keys = provider_keys(specs, demo=args.demo)
    return Session(args, prompter, console, profile, options, specs, keys, doc, demo)


def _run(session: Session) -> int:
    chosen = ask_providers(session)
    chosen = [name for name in chosen if ensure_key(session, name)]
    if not chosen:
        session.console.print("No provider left to refresh: config.yaml stays as it is.")
        launch = ask_launch_model(session, *current_names(session))
        save_launch_model(session, launch)
        print_next_steps(session)
        return EXIT_OK
    computation = fetch_with_progress(session, chosen)
    plan = preview(session, computation)
    approved = plan.has_changes and session.prompter.confirm(_apply_question(plan))
    if plan.has_changes and not approved:
        session.console.print(f"Not applied: {plan.config_path} stays as it is.")
    # the merge for the menu works on a copy: the session's document stays as the file is
    doc = load_doc(session) if approved else current_doc(session)
    aliases, models = names_after(doc, plan if approved else None)
    launch = ask_launch_model(session, aliases, models)
    if plan.has_changes and not approved:
        save_launch_model(session, launch)
    else:
        apply_and_record(session, computation, plan, launch=launch, approved=approved)
    store_new_keys(session, plan)
    report_failures(session, plan)
    print_next_steps(session)
    return EXIT_PARTIAL if plan.failed else EXIT_OK


def load_doc(session: Session) -> ConfigDocument:
    """A fresh read of config.yaml (callers that only read use ``current_doc``)."""
    from discovery_tui.configfile import ConfigDocument

    return ConfigDocument.load(session.options.config_path)


def current_doc(session: Session) -> ConfigDocument:
    """The document read at the start, unless the file has changed since."""
    if session.doc.changed_on_disk():
        session.doc = load_doc(session)
    return session.doc


# --------------------------------------------------------------------------- screen 1: providers


def ask_providers(session: Session) -> list[str]:
    """The providers checkbox; returns the chosen names in registry order."""
    from discovery_tui.pipeline import select_providers

    requested: list[str] = list(session.args.provider or [])
    preselected, _ = select_providers(session.specs, requested, session.keys)
    checked = {spec.name for spec in preselected}
    if session.args.demo and not requested:
        checked &= session.demo_providers
    options = provider_options(session, checked)
    return session.prompter.checkbox(
        "Which providers should be refreshed?",
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
    if session.args.demo:
        return "demo catalog" if name in session.demo_providers else "not in the demo catalog"
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


# --------------------------------------------------------------------------- screen 2: keys


def ensure_key(session: Session, name: str) -> bool:
    """True when ``name`` can be fetched: it has a key, needs none, or one was just typed."""
    if session.keys[name].source != "none":
        return True
    spec = session.specs[name]
    var = spec.key_env or f"{name.upper()}_API_KEY"
    if not spec.key_env or not can_store_keys():
        session.console.print(
            f"{spec.label} has no key and no keyring is available here: set {var} and run "
            f"again. Skipping {name}."
        )
        return False
    choice = session.prompter.select(
        f"{spec.label} has no key (${var} is not set).",
        [
            Option("enter", "Enter the key now (stored in the keyring)"),
            Option("skip", f"Skip {spec.label} this time"),
        ],
        default="enter",
    )
    if choice == "skip":
        return False
    key = session.prompter.password(f"{spec.label} API key (hidden; empty to skip):").strip()
    if not key:
        session.console.print(f"No key entered: skipping {name}.")
        return False
    session.new_keys[name] = key
    return True


def can_store_keys() -> bool:
    from discovery_tui.settings import keyring_available

    return not os.environ.get("DISCOVERY_TUI_NO_KEYRING") and keyring_available()


def store_new_keys(session: Session, plan: Plan) -> None:
    """Keep each key typed in this run in the keyring, if its provider accepted it."""
    ok = set(plan.refreshed)
    for name, key in session.new_keys.items():
        label = session.specs[name].label
        if name not in ok:
            session.console.print(f"The {label} key was not stored: {label} failed with it.")
        elif store_key(session, name, key):
            session.wrote.append(f"the {label} key stored in the keyring")
    session.new_keys.clear()


def store_key(session: Session, name: str, key: str) -> bool:
    import keyring
    from keyring.errors import KeyringError

    from discovery_tui.settings import KEYRING_SERVICE

    spec = session.specs[name]
    try:
        keyring.set_password(KEYRING_SERVICE, name, key)
    except (KeyringError, RuntimeError, OSError) as exc:
        session.console.print(
            f"Could not store the {spec.label} key in the keyring ({type(exc).__name__}): "
            f"set {spec.key_env} instead."
        )
        return False
    session.console.print(f"Stored the {spec.label} key in the keyring ({KEYRING_SERVICE}/{name}).")
    return True


@contextmanager
def keys_in_environment(session: Session) -> Iterator[None]:
    """The keys typed in this run, as their variables, while the catalogs are read."""
    saved = {}
    for name, key in session.new_keys.items():
        var = session.specs[name].key_env
        if var:
            saved[var] = os.environ.get(var)
            os.environ[var] = key
    try:
        yield
    finally:
        for var, value in saved.items():
            if value is None:
                os.environ.pop(var, None)
            else:
                os.environ[var] = value


# --------------------------------------------------------------------------- screen 3: fetching


class FetchBoard:
    """A live view: one line per provider (spinner, then ok/failed), then the choosing step."""

    def __init__(self, specs: Mapping[str, ProviderSpec], chosen: Sequence[str]) -> None:
        self.labels = {name: specs[name].label for name in chosen}
        self.results: dict[str, FetchResult] = {}
        self.done = False

    def on_fetched(self, result: FetchResult) -> None:
        self.results[result.provider] = result

    def __rich__(self) -> RenderableType:
        from rich.spinner import Spinner
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, min_width=6)  # "failed"
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for name, label in self.labels.items():
            result = self.results.get(name)
            if result is None:
                grid.add_row(Spinner("dots", style="cyan"), label, "[dim]fetching the catalog[/]")
            elif result.catalog is not None:
                grid.add_row("[green]ok[/]", label, f"{len(result.catalog.models)} models")
            else:
                grid.add_row("[red]failed[/]", label, result.error or "")
        if len(self.results) == len(self.labels):
            mark: RenderableType = "[green]ok[/]" if self.done else Spinner("dots", style="cyan")
            grid.add_row(mark, "best model per family", "" if self.done else "[dim]choosing[/]")
        return grid


def fetch_with_progress(session: Session, chosen: Sequence[str]) -> Computation:
    """Fetch and choose while a live display shows progress; it is gone before any prompt."""
    import asyncio

    from rich.live import Live

    from discovery_tui.pipeline import compute

    options = replace(session.options, providers=tuple(chosen))
    board = FetchBoard(session.specs, chosen)
    session.console.print()
    with (
        keys_in_environment(session),
        Live(board, console=session.console, refresh_per_second=10, transient=True),
    ):
        computation = asyncio.run(compute(options, session.profile, on_fetched=board.on_fetched))
    board.done = True
    session.console.print(board)  # the final state stays on the screen, in every mode
    return computation


# --------------------------------------------------------------------------- screen 4: preview


def preview(session: Session, computation: Computation) -> Plan:
    from discovery_tui.pipeline import build_plan
    from discovery_tui.render import render_plan

    plan = build_plan(current_doc(session), computation)
    session.console.print()
    render_plan(plan, session.console)
    if not plan.refreshed:
        session.console.print("No chosen provider could be read: the config stays as it is.")
    elif not plan.has_changes:
        session.console.print("Nothing to change: the config is already current.")
    return plan


# --------------------------------------------------------------------------- screen 5: launch


def current_names(session: Session) -> tuple[dict[str, str], list[str]]:
    return names_after(current_doc(session), None)


def names_after(doc: ConfigDocument, plan: Plan | None) -> tuple[dict[str, str], list[str]]:
    """(aliases, model names) of the config once ``plan`` is applied (None: as it is now).

    The plan is merged into this in-memory document only (the same merge as ``apply_plan``,
    without the write), so the menu lists the models in the order the file will have.
    """
    if plan is not None:
        from discovery_tui.pipeline import merge_plan

        merge_plan(doc, plan)
    return dict(doc.aliases()), list(doc.model_names())


def launch_default(current: str | None, values: Sequence[str]) -> str:
    for candidate in (current, "claude", "default"):
        if candidate and candidate in values:
            return candidate
    return values[0]


def ask_launch_model(
    session: Session, aliases: Mapping[str, str], models: Sequence[str]
) -> str | None:
    """Aliases first, then models; the current launch model preselected. None: nothing to offer."""
    if not aliases and not models:
        session.console.print("The config has no models yet: no launch model to choose.")
        return None
    width = max((len(a) for a in aliases), default=0)
    options: list[Option | None] = [
        Option(alias, f"{alias:<{width}}  -> {target}") for alias, target in aliases.items()
    ]
    if aliases and models:
        options.append(None)
    options += [Option(name, name) for name in models]
    values = [o.value for o in options if o is not None]
    default = launch_default(session.profile.launch_model, values)
    return session.prompter.select(
        "Which model should Claude Code launch with?", options, default=default, search=True
    )


# --------------------------------------------------------------------------- writing


def apply_and_record(
    session: Session, computation: Computation, shown: Plan, *, launch: str | None, approved: bool
) -> None:
    """Under the config's lock: rebuild the plan on the file as it is now, apply, record."""
    from discovery_tui.fileio import locked
    from discovery_tui.pipeline import apply_plan, build_plan, record_in_profile

    path = session.options.config_path
    with locked(path):
        doc = current_doc(session)
        # picks as a run that held the lock before us left them in the profile
        fresh = Profile.load(session.profile.path)
        plan = build_plan(doc, replace(computation, recorded_picks=fresh.picks))
        if _differs(plan, shown):
            if not approved:
                session.console.print(
                    f"[yellow]{path} changed while you looked: nothing applied; run again.[/]"
                )
                save_launch_model(session, launch)
                return
            session.console.print(f"[yellow]{path} changed while you looked;[/] applying:")
        existed = path.exists()
        if plan.has_changes and apply_plan(doc, plan):
            session.wrote.append(f"{path} written")
            kept = f"the old file is kept as {path.name}.bak" if existed else "a new file"
            session.console.print(f"Wrote {path} ({kept}).")
        if session.may_write_profile:
            record_in_profile(Profile.load(session.profile.path), plan, launch_model=launch)
            session.wrote.append(f"{session.profile.path} updated")


def _differs(plan: Plan, shown: Plan) -> bool:
    return (plan.changes, plan.alias_changes) != (shown.changes, shown.alias_changes)


def save_launch_model(session: Session, launch: str | None) -> None:
    from discovery_tui.profile import save_profile

    if launch is None or not session.may_write_profile:
        return
    save_profile(session.profile.path, {"launch_model": launch})
    session.wrote.append(f"{session.profile.path} updated")


# --------------------------------------------------------------------------- the end


def quote(path: object) -> str:
    text = str(path)
    if os.name == "nt":
        return f'"{text}"' if " " in text else text
    return shlex.quote(text)


def print_next_steps(session: Session) -> None:
    path = session.options.config_path
    if not path.exists():
        return
    if session.args.demo and not session.may_write_profile:
        session.console.print(
            "Demo run: the launch choice is not saved (pass --profile to keep it)."
        )
    launch = ["discovery-tui", "launch"]
    for flag, value in (("--config", session.args.config), ("--profile", session.args.profile)):
        if value is not None:
            launch += [flag, quote(value)]
    proxy = f"{quote(session.profile.proxy.command)} --config {quote(path)}"
    console = session.console
    console.print()
    console.print("Next, start the proxy:")
    console.print(f"  {proxy}", soft_wrap=True, markup=False)  # one line, to copy
    console.print("then Claude Code (this also starts the proxy when none is running):")
    console.print(f"  {' '.join(launch)}", soft_wrap=True, markup=False)


def report_failures(session: Session, plan: Plan) -> None:
    for outcome in plan.failed:
        session.console.print(
            f"[red]{outcome.name} failed[/], its entries were kept: {outcome.error}"
        )
