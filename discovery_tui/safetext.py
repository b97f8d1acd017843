"""Text from outside (catalogs, servers) made safe to put on a terminal or into a file.

:func:`printable` escapes what a terminal would act on instead of showing: control characters
(NUL, ESC sequences, carriage returns), format characters (the bidi overrides U+202E and its
kin, zero-width spaces) and line or paragraph separators. Rich markup (``[bold]``) is not a
terminal control: escaping it is the render layer's job (``rich.markup.escape``).
:func:`is_clean_id` says whether a model id may be written into config.yaml at all.
"""

from __future__ import annotations

import unicodedata

# Unicode categories a terminal acts on or does not show: Cc control, Cf format (bidi
# overrides, zero-width), Cs surrogates, Co private use, Cn unassigned, Zl/Zp separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every control, format and separator character escaped (``\\x1b``,
    ``\\u202e``); everything else, including ordinary non-ASCII letters, unchanged."""
    if text.isprintable():
        return text
    return "".join(_escape(char) if _unsafe(char) else char for char in text)


def is_clean_id(text: str) -> bool:
    """True for a non-empty id of visible characters only: no whitespace, no control, format
    (bidi override, zero-width) or separator characters."""
    return bool(text) and not any(char.isspace() or _unsafe(char) for char in text)


def clean_text(text: str) -> str:
    """Free text (a name, a description) on one line: unsafe characters removed, runs of
    whitespace collapsed to one space."""
    visible = "".join(" " if char.isspace() else char for char in text if not _unsafe(char))
    return " ".join(visible.split())
