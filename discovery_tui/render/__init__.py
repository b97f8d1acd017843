"""Everything that is drawn on a terminal: the only package that imports rich.

- :mod:`.console`: the console (``make_console``) and a plain line (``say``);
- :mod:`.plan`: the preview of a plan (tables) and the ``--json`` object;
- :mod:`.progress`: the wizard's live fetch display (``FetchBoard``, ``live_progress``);
- :mod:`.doctor`, :mod:`.keys`, :mod:`.undo`: the screens of those commands.

Modules here read plain data (frozen dataclasses) and print it; they compute and decide nothing.
"""
