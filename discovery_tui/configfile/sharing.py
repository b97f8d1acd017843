"""Shared YAML nodes (anchors ``&a``, aliases ``*a``, merge keys ``<<: *a``): the tool never
writes through a node that something it does not own also uses.

- An owned entry whose ``litellm_params`` or ``model_info`` is an alias of a node defined
  elsewhere, or merges one (``<<: *defaults``), gets its own explicit copy before it is edited
  (merged keys become explicit keys of the copy, the merge goes). The user's anchor and its
  other users are unchanged, and a removed ``api_base`` is really gone: the provider's key only
  ever goes with the base the tool chose (LiteLLM resolves merge keys, so a merged user
  ``api_base`` would otherwise still apply).
- An owned entry that *defines* an anchor that another node uses is left as it is (not
  updated, not removed): editing it would change what the other user sees. :func:`pinned`
  names such entries, so the state can report them.
- ``router_settings.model_group_alias`` or ``fallbacks`` shared with another section (an
  anchor used elsewhere, or a merge) is not edited at all: a copy would expand the other use
  and drop the user's anchor. :func:`shared_table` says why, for a note.
Unused anchors are kept (nothing here removes an anchor).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from discovery_tui.configfile.dialect import plain, to_yaml

SECTIONS = ("litellm_params", "model_info")


def usage(data: Any) -> tuple[dict[int, int], dict[int, int]]:
    """(uses, first) per container node id: how often the document reaches it, and the id of
    the top-level path (its ``id`` of the first containing model_list item, or 0) that
    reaches it first in document order, i.e. where its anchor is defined."""
    uses: dict[int, int] = {}
    first: dict[int, int] = {}

    def walk(node: Any, owner: int) -> None:
        if not isinstance(node, (Mapping, list)):
            return
        key = id(node)
        uses[key] = uses.get(key, 0) + 1
        if key in first:
            return
        first[key] = owner
        values = node.values() if isinstance(node, Mapping) else node
        for value in values:
            walk(value, owner)
        for merged in getattr(node, "merge", None) or ():
            walk(merged[1] if isinstance(merged, tuple) else merged, owner)

    for top_key, value in data.items() if isinstance(data, Mapping) else ():
        if top_key == "model_list" and isinstance(value, list):
            uses[id(value)] = 1
            for item in value:
                walk(item, id(item))
        else:
            walk(value, 0)
    return uses, first


def has_anchors(raw: bytes | None) -> bool:
    """Cheap pre-check: a file without ``&`` or ``<<`` shares no node."""
    return raw is not None and (b"&" in raw or b"<<" in raw)


def pinned(item: Any, uses: Mapping[int, int], first: Mapping[int, int]) -> bool:
    """Whether owned ``item`` defines a node (itself or inside) that something else uses."""

    def defines_shared(node: Any) -> bool:
        if not isinstance(node, (Mapping, list)):
            return False
        if uses.get(id(node), 0) > 1 and first.get(id(node)) == id(item):
            return True
        values = node.values() if isinstance(node, Mapping) else node
        return any(defines_shared(v) for v in values)

    return defines_shared(item)


def owns(item: Any, section: str, uses: Mapping[int, int], first: Mapping[int, int]) -> bool:
    """Whether ``item[section]`` (and all inside it) is the item's alone: defined there, used
    only there, merging nothing."""

    def alone(node: Any) -> bool:
        if not isinstance(node, (Mapping, list)):
            return True
        if uses.get(id(node), 0) > 1 or first.get(id(node)) != id(item) or _merges(node):
            return False
        return all(alone(v) for v in (node.values() if isinstance(node, Mapping) else node))

    node = item.get(section)
    return isinstance(node, Mapping) and alone(node)


def unshare_entry(item: Any, uses: Mapping[int, int], first: Mapping[int, int]) -> bool:
    """Give ``item`` its own copies of sections it borrows (alias or merge); True if any."""
    changed = False
    for section in SECTIONS:
        node = item.get(section)
        if not isinstance(node, Mapping):
            continue
        borrowed = first.get(id(node)) != id(item) or _merges(node) or _borrows(node, item, first)
        if borrowed:
            item[section] = to_yaml(plain(node))
            changed = True
    return changed


def _merges(node: Any) -> bool:
    if getattr(node, "merge", None):
        return True
    values = node.values() if isinstance(node, Mapping) else node if isinstance(node, list) else ()
    return any(_merges(v) for v in values)


def _borrows(node: Any, item: Any, first: Mapping[int, int]) -> bool:
    values = node.values() if isinstance(node, Mapping) else node if isinstance(node, list) else ()
    return any(
        isinstance(value, (Mapping, list))
        and (first.get(id(value)) != id(item) or _borrows(value, item, first))
        for value in values
    )


def shared_table(data: Any, key: str) -> str | None:
    """Why ``router_settings.<key>`` (the alias table, or ``fallbacks``) cannot be edited
    without changing something the tool does not own: it (or a node inside it) is shared
    through an anchor with another part of the file, or it merges one (``<<:``); None when
    it is the tool's alone. The tool then leaves it byte for byte (see :mod:`.document`)."""
    router = data.get("router_settings") if isinstance(data, Mapping) else None
    table = router.get(key) if isinstance(router, Mapping) else None
    if not isinstance(table, (Mapping, list)):
        return None
    here = f"router_settings.{key}"
    if _merges(table):
        return f"{here} merges another mapping (`<<:`)"
    paths = _paths(data)
    nested = table.values() if isinstance(table, Mapping) else table
    for node in (table, *(v for v in nested if isinstance(v, (Mapping, list)))):
        others = [p for p in paths.get(id(node), []) if not p.startswith(here)]
        if others:
            anchor = getattr(getattr(node, "anchor", None), "value", None)
            through = f" through the YAML anchor &{anchor}" if anchor else ""
            return f"{here} is shared{through} with {', '.join(others)}"
    return None


def _paths(data: Any) -> dict[int, list[str]]:
    """Every dotted path by which the document reaches each container node."""
    found: dict[int, list[str]] = {}

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, (Mapping, list)):
            return
        seen = id(node) in found
        found.setdefault(id(node), []).append(path)
        if seen:
            return
        pairs = node.items() if isinstance(node, Mapping) else enumerate(node)
        for key, value in pairs:
            walk(value, f"{path}.{key}" if path else str(key))

    walk(data, "")
    return found
