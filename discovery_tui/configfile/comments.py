"""Comment surgery on a ruamel.yaml document: moving the comment lines that ruamel keeps on
the node before them, so that removing, inserting or replacing a node leaves every comment where
it stood. (ruamel.yaml stores a comment between two items on the last key of the item before.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

Slot = tuple[dict[Any, Any], Any, int]  # (ca.items, key, token index): where a comment lives


def rebuild(
    seq: CommentedSeq,
    old: list[Any],
    kept: list[bool],
    inserts: dict[int | None, list[CommentedMap]],
    *,
    parent: CommentedMap,
) -> None:
    """Replace the items of ``seq`` (removals, insertions) keeping the comments between items.

    A comment between two items is stored by ruamel.yaml on the last key of the item before it;
    it is moved to whatever item now precedes that place, so it stays where it was.
    """
    old_ca = seq.ca.items
    result: list[Any] = []
    ca: dict[int, Any] = {}
    leading = ""

    def place(text: str) -> None:
        nonlocal leading
        if text and result:
            attach_gap(result[-1], text)
        else:
            leading += text

    for index, item in enumerate(old):
        if kept[index]:
            if index in old_ca:
                ca[len(result)] = old_ca[index]
            result.append(item)
        else:  # the comment lines ruamel.yaml kept *before* a removed item
            place(tokens_text(old_ca.get(index, [None, None])[1]))
        moving = not kept[index] or index in inserts
        gap = detach_gap(item) if moving else ""
        result.extend(inserts.get(index, ()))
        place(gap)
    if None in inserts:
        if result:
            gap = detach_gap(result[-1])
            result.extend(inserts[None])
            attach_gap(result[-1], gap)
        else:
            result.extend(inserts[None])
    list.__delitem__(seq, slice(None))
    list.extend(seq, result)
    seq.ca._items = ca
    if leading and result:
        attach_leading(seq, leading, parent=(parent, "model_list"))
    if result and seq.fa.flow_style():
        seq.fa.set_block_style()


def tokens_text(tokens: list[Any] | None) -> str:
    """The text of ruamel.yaml's stand-alone comment tokens (their indentation included)."""
    return "".join(
        " " * t.column + t.value if t.value.startswith("#") else t.value for t in tokens or ()
    )


def empty_list(data: CommentedMap, seq: CommentedSeq, old: list[Any]) -> None:
    """Make ``model_list: []``, keeping the comments that stood among the removed entries."""
    text = ""
    for index, item in enumerate(old):
        text += tokens_text(seq.ca.items.get(index, [None, None])[1]) + detach_gap(item)
    list.__delitem__(seq, slice(None))
    seq.ca._items = {}
    emptied(data, "model_list", text)


def emptied(parent: CommentedMap, key: Any, extra: str = "") -> None:
    """``parent[key]`` became empty: write it as ``[]``/``{}`` and move its comments after it.

    (ruamel.yaml would otherwise emit the comments of an empty block collection as invalid
    YAML.)
    """
    node = parent[key]
    text = tokens_text(node.ca.comment[1] if node.ca.comment else None) + extra
    node.ca.comment = None
    node.fa.set_flow_style()
    slot = parent.ca.items.get(key)
    if slot is not None and len(slot) > 3:
        slot[3] = None  # the comment before the first item: now in ``text``
    attach((parent.ca.items, key, 2), text)


def attach_leading(
    node: CommentedSeq | CommentedMap, text: str, *, parent: tuple[CommentedMap, Any]
) -> None:
    """Comments that stood before the first item (all items before them were removed).

    ruamel.yaml reads them from the node's start comment, or from the parent key's
    pre-comment slot when that key has an end-of-line comment: both share one list.
    """
    holder, key = parent
    slot = holder.ca.items.setdefault(key, [None, None, None, None])
    start = node.ca.comment or [None, None]
    tokens = start[1] or slot[3] or []
    tokens.append(comment_token(text))
    node.ca.comment = [start[0], tokens]
    slot[3] = tokens


def key_slot(node: Any, key: Any, index: int) -> Slot | None:
    """Where the comment after ``node[key]``'s last line lives: (ca.items, key, token index)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    child = node[key]
    if isinstance(child, (CommentedMap, CommentedSeq)) and child and not child.fa.flow_style():
        return tail_slot(child)
    return node.ca.items, key, index


def tail_slot(node: Any) -> Slot | None:
    """Where ruamel.yaml keeps the comment after ``node``'s last line."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap) and node:
        return key_slot(node, next(reversed(node)), 2)
    if isinstance(node, CommentedSeq) and node:
        return key_slot(node, len(node) - 1, 0)
    return None


def detach(slot: Slot | None) -> str:
    """Remove and return the comment lines of ``slot`` (the end-of-line comment stays)."""
    if slot is None:
        return ""
    items, key, index = slot
    tokens: list[Any] | None = items.get(key)
    token = tokens[index] if tokens and len(tokens) > index else None
    if tokens is None or token is None or not isinstance(token.value, str):
        return ""
    head, newline, rest = token.value.partition("\n")
    if not rest:
        return ""
    if head.strip():
        token.value = head + newline
    else:
        tokens[index] = None
    return rest


def attach(slot: Slot | None, text: str) -> None:
    """Put comment lines ``text`` into ``slot`` (after what is there)."""

    if slot is None or not text:
        return
    items, key, index = slot
    tokens = items.setdefault(key, [None] * (4 if index == 2 else 2))
    token = tokens[index]
    if token is None:
        tokens[index] = comment_token("\n" + text)
    else:
        token.value = token.value + text


def comment_token(text: str) -> Any:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(text, CommentMark(0), None)


def detach_gap(node: Any) -> str:
    """Remove and return the comment lines after ``node`` (its own end-of-line comment stays)."""
    return detach(tail_slot(node))


def attach_gap(node: Any, text: str) -> None:
    """Put comment lines ``text`` after ``node``'s last line."""
    if text:
        attach(tail_slot(node), text)


def append_key(node: CommentedMap, key: Any, value: Any) -> None:
    """Add ``key`` at the end of ``node``, keeping the comment lines that followed ``node``."""
    gap = detach_gap(node)
    if not node and node.fa.flow_style():
        node.fa.set_block_style()
    node[key] = value
    attach_gap(node, gap)


def replace_value(node: CommentedMap, key: Any, value: Any) -> None:
    """Give ``key`` a new value, keeping the comment lines that followed the old one."""
    gap = detach(key_slot(node, key, 2))
    node[key] = value
    attach(key_slot(node, key, 2), gap)


def put(node: CommentedMap, key: Any, value: Any) -> None:
    """Set ``key`` (replacing an empty or wrong value in place, else at the end)."""
    if key in node:
        replace_value(node, key, value)
    else:
        append_key(node, key, value)


def delete_key(node: CommentedMap, key: Any, *, parent: tuple[CommentedMap, Any]) -> None:
    """Remove ``key``; the comment lines before and after it stay where they were."""
    keys = list(node)
    position = keys.index(key)
    slot = node.ca.items.get(key)
    text = tokens_text(slot[1] if slot and len(slot) > 1 else None)
    text += detach(key_slot(node, key, 2))
    del node[key]
    node.ca.items.pop(key, None)
    if not text:
        return
    if position + 1 < len(keys):  # before the next key
        following = node.ca.items.setdefault(keys[position + 1], [None, None, None, None])
        following[1] = [comment_token(text), *(following[1] or [])]
    elif position > 0:
        attach(key_slot(node, keys[position - 1], 2), text)
    else:
        attach_leading(node, text, parent=parent)  # no key is left: see emptied
