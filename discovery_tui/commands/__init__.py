"""One module per verb of the command line (``wizard`` is the bare command).

A command module exposes ``add_arguments(parser)`` and ``run(args, io) -> result``: the result
is a frozen dataclass with an ``exit_code``, which ``discovery_tui.render.<verb>.show`` prints as
text or JSON. A command never prints and never imports rich or questionary: what it shows while
it runs goes through ``io.screen`` (render's), and what it asks through ``io.prompter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discovery_tui.prompt import Prompter
    from discovery_tui.render.console import Screen


@dataclass(frozen=True)
class Io:
    """How a command talks to the person: the screen it shows on, the prompter it asks with."""

    screen: Screen
    prompter: Prompter

    @classmethod
    def terminal(cls) -> Io:
        from discovery_tui.prompt import Prompter
        from discovery_tui.render.console import Screen, make_console

        return cls(Screen(make_console(), make_console(stderr=True)), Prompter())
