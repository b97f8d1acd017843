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
CHECKBOX_HINT = "(space: toggle, a: all, Enter: ok)"
SELECT_HINT = "(Use arrow keys)"
SEARCH_HINT = "(Use arrow keys, type to filter)"
CONFIRM_HINT = "(Y/n)"


@dataclass(frozen=True)
class Option:
    """One choice of a checkbox or select prompt."""

    value: str
    title: str
    checked: bool = False
    answer: str = ""  # what the answered question shows (a select's); "" = the title
    search: str = ""  # more text that type-to-filter matches (a shortened name in full)


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

    def width(self) -> int:
        """The terminal's columns (the test output's, when one is given)."""
        if self.output is not None:
            return int(self.output.get_size().columns)
        import shutil

        return shutil.get_terminal_size().columns

    def checkbox(self, message: str, options: Sequence[Option], *, need_one: str) -> list[str]:
        import questionary

        question = questionary.checkbox(
            fit_question(message, CHECKBOX_HINT, self.width()),
            choices=[
                questionary.Choice(o.title, value=o.value, checked=o.checked) for o in options
            ],
            validate=lambda chosen: bool(chosen) or need_one,
            instruction=CHECKBOX_HINT,
            **self._io(),
        )
        return list(_ask(question))

    def select(
        self, message: str, options: Sequence[Option | None], *, default: str, search: bool = False
    ) -> str:
        """``None`` in ``options`` is a separator line; ``search``: typing filters the list."""
        import questionary

        choices: list[Any] = [
            questionary.Separator()
            if o is None
            else questionary.Choice(Searchable(o.title, o.search), value=o.value)
            for o in options
        ]
        hint = SEARCH_HINT if search else SELECT_HINT
        question = questionary.select(
            fit_question(message, hint, self.width()),
            choices=choices,
            default=default,
            instruction=hint,
            use_search_filter=search,
            use_jk_keys=not search,
            **self._io(),
        )
        question.application.erase_when_done = True  # the answer is shown by answered()
        value = str(_ask(question))
        chosen = next((o for o in options if o is not None and o.value == value), None)
        self.answered(message, (chosen.answer or chosen.title) if chosen else value)
        return value

    def confirm(self, message: str, *, default: bool = True) -> bool:
        import questionary

        text = fit_question(message, CONFIRM_HINT, self.width())
        return bool(_ask(questionary.confirm(text, default=default, **self._io())))

    def password(self, message: str) -> str:
        import questionary

        text = fit_question(message, "", self.width())
        return str(_ask(questionary.password(text, **self._io())))

    def answered(self, message: str, answer: str) -> None:
        """``? question answer``, wrapped between words at the terminal's width (questionary's
        own line would break the answer anywhere)."""
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText
        from questionary.constants import DEFAULT_STYLE

        text = fit_question(f"{message} {answer}", "", self.width())
        split = _position_after_words(text, len(message.split()))
        tokens = [
            ("class:qmark", "?"),
            ("class:question", f" {text[:split]}"),
            ("class:answer", text[split:]),
        ]
        output = {"output": self.output} if self.output is not None else {}
        print_formatted_text(FormattedText(tokens), style=DEFAULT_STYLE, **output)


class Searchable(str):
    """A choice's title that type-to-filter also finds by ``search`` (questionary filters on
    ``title.lower()``): a name shortened for the screen is still found by its middle."""

    search: str

    def __new__(cls, title: str, search: str = "") -> Searchable:
        made = super().__new__(cls, title)
        made.search = search
        return made

    def lower(self) -> str:
        return f"{str.lower(self)} {self.search.lower()}".rstrip()


def fit_question(message: str, hint: str, width: int) -> str:
    """``message`` with line breaks between words, so that ``? message hint`` never breaks
    inside a word at ``width`` columns (prompt_toolkit breaks a long line anywhere); the hint
    goes on a line of its own when the last line has no room for it."""
    import textwrap

    room = max(width - 3, 20)  # "? " before the message, a column for the cursor
    lines = textwrap.wrap(message, width=room, break_long_words=False, break_on_hyphens=False)
    lines = lines or [""]
    text = "\n  ".join(lines)
    if hint and len(lines[-1]) + 1 + len(hint) > room:
        text += "\n "  # questionary adds a space: the hint starts at column 2
    return text


def _position_after_words(text: str, words: int) -> int:
    """The index in ``text`` just after its first ``words`` words (and the space after)."""
    seen = 0
    index = 0
    while seen < words and index < len(text):
        while index < len(text) and text[index].isspace():
            index += 1
        while index < len(text) and not text[index].isspace():
            index += 1
        seen += 1
    return index


def _ask(question: Any) -> Any:
    """Ask; Ctrl-C, a closed input, or no answer at all become :class:`Cancelled`."""
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError) as exc:
        raise Cancelled(NOTHING_WRITTEN) from exc
    if answer is None:
        raise Cancelled(NOTHING_WRITTEN)
    return answer
