"""The prompts: the only module that imports questionary.

A :class:`Prompter` asks checkbox, select, confirm and password questions. Its ``input`` and
``output`` are prompt_toolkit objects (None: the terminal), so tests pipe answers in. Ctrl-C, a
closed input or no answer at all raise :class:`discovery_tui.errors.Cancelled` (exit 130).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from discovery_tui.errors import Cancelled

NOTHING_WRITTEN = "interrupted; nothing was written"


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
        raise Cancelled(NOTHING_WRITTEN) from exc
    if answer is None:
        raise Cancelled(NOTHING_WRITTEN)
    return answer
