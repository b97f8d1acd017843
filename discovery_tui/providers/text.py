"""Free text from a catalog (display names, descriptions), made one short, safe line."""

from __future__ import annotations

import re
from typing import Any

from discovery_tui.formatting import one_line
from discovery_tui.safetext import clean_text

DESCRIPTION_LIMIT = 160

_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)][.!?])\s")


def short_description(value: Any, *, limit: int = DESCRIPTION_LIMIT) -> str | None:
    """A catalog's description on one line: its first paragraph's first sentence, markdown
    links reduced to their text, unsafe characters removed, at most ``limit`` characters."""
    if not isinstance(value, str):
        return None
    first = value.strip().split("\n\n", 1)[0]
    text = clean_text(_MARKDOWN_LINK.sub(r"\1", first))
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    return one_line(sentence, limit=limit) or None


def text_or_none(value: Any) -> str | None:
    """A short free-text field (a display name): one line, unsafe characters removed."""
    if not isinstance(value, str):
        return None
    return one_line(clean_text(value), limit=DESCRIPTION_LIMIT) or None
