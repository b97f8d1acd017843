"""Performing a plan's edits on a config document: nothing is decided here.

The plan says which entries are added (after which owned entry), updated (which owned keys are
set or removed) and removed, and which aliases are set or removed; these functions make exactly
those edits, keeping every comment where it stood.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from discovery_tui.configfile.comments import (
    append_key,
    attach_gap,
    delete_key,
    detach_gap,
    emptied,
    empty_list,
    put,
    rebuild,
    replace_value,
)
from discovery_tui.configfile.dialect import to_yaml
from discovery_tui.configfile.validation import owner_of

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from discovery_tui.models import Entry
    from discovery_tui.plan import AliasChange, EntryChange, FallbackChange, KeyEdit


def edit_entries(data: CommentedMap, changes: Sequence[EntryChange]) -> bool:
    """Add, update and remove entries of ``model_list`` as ``changes`` say; True when edited."""
    from ruamel.yaml.comments import CommentedSeq

    added = [c for c in changes if c.kind == "added"]
    seq = data.get("model_list")
    if not isinstance(seq, CommentedSeq):
        if not added:
            return False
        seq = CommentedSeq()
        put(data, "model_list", seq)
    removed = {(c.provider, c.model_name) for c in changes if c.kind == "removed"}
    updated = {(c.provider, c.model_name): c for c in changes if c.kind == "updated"}
    old: list[Any] = list(seq)
    kept: list[bool] = []
    position: dict[str, int] = {}  # owned model_name -> index in ``old``
    for index, item in enumerate(old):
        owner = owner_of(item)
        key = (owner, str(item["model_name"])) if owner is not None else None
        if key is not None:
            position[key[1]] = index
        kept.append(key not in removed)
        change = updated.get(key) if key is not None else None
        if change is not None:
            gap = detach_gap(item)
            update_entry(item, change)
            attach_gap(item, gap)
    inserts: dict[int | None, list[CommentedMap]] = {}
    for change in added:
        assert change.entry is not None, "an added EntryChange carries its entry"
        at = position[change.after] if change.after is not None else None
        inserts.setdefault(at, []).append(new_entry(change.entry))
    if not all(kept) or inserts:
        if any(kept) or inserts:
            rebuild(seq, old, kept, inserts, parent=data)
        else:
            empty_list(data, seq, old)
    return bool(updated) or not all(kept) or bool(inserts)


def new_entry(entry: Entry) -> CommentedMap:
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    node["model_name"] = entry.model_name
    node["litellm_params"] = to_yaml(entry.litellm_params)
    node["model_info"] = to_yaml(entry.model_info)
    return node


def update_entry(item: CommentedMap, change: EntryChange) -> None:
    """Apply ``change.edits`` to the owned keys of ``item``; the user's keys and order stay."""
    from ruamel.yaml.comments import CommentedMap

    assert change.entry is not None, "an updated EntryChange carries its entry"
    params = item.get("litellm_params")
    if not isinstance(params, CommentedMap):
        params = CommentedMap()
        put(item, "litellm_params", params)
    order = {"litellm_params": change.entry.litellm_params, "model_info": change.entry.model_info}
    for edit in change.edits:
        node = item[edit.section]
        if edit.remove:
            delete_key(node, edit.key, parent=(item, edit.section))
        else:
            set_key(node, edit, list(order[edit.section]))


def set_key(node: CommentedMap, edit: KeyEdit, order: list[str]) -> None:
    """Set ``edit.key``; a new key goes before the next key of the entry's ``order`` that the
    node has (as a new entry would have it), else at the end."""
    value = to_yaml(edit.value)
    if edit.key in node:
        replace_value(node, edit.key, value)
        return
    following_keys = order[order.index(edit.key) + 1 :] if edit.key in order else []
    following = next((k for k in following_keys if k in node), None)
    if following is None:
        append_key(node, edit.key, value)
    else:
        node.insert(list(node).index(following), edit.key, value)


# --------------------------------------------------------------------------------- aliases
def edit_aliases(data: CommentedMap, changes: Sequence[AliasChange]) -> bool:
    """Set or remove ``router_settings.model_group_alias`` entries; True when edited."""
    from ruamel.yaml.comments import CommentedMap

    if not changes:
        return False
    table = alias_table(data)
    if table is not None:
        edited = False
        for change in changes:
            if set_alias(table, change.alias, change.new, parent=data["router_settings"]):
                edited = True
        if not table and not table.fa.flow_style():
            emptied(data["router_settings"], "model_group_alias")
        return edited
    table = CommentedMap()
    for change in changes:
        if change.new is not None:
            table[change.alias] = change.new
    if not table:
        return False
    router = data.get("router_settings")
    if isinstance(router, CommentedMap):
        put(router, "model_group_alias", table)
    else:
        put(data, "router_settings", CommentedMap(model_group_alias=table))
    return True


def alias_table(data: CommentedMap) -> CommentedMap | None:
    from ruamel.yaml.comments import CommentedMap

    router = data.get("router_settings")
    table = router.get("model_group_alias") if isinstance(router, CommentedMap) else None
    return table if isinstance(table, CommentedMap) else None


def alias_target(value: Any) -> str | None:
    """The target of an alias written as ``NAME`` or ``{model: NAME, hidden: true}``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("model"), str):
        return str(value["model"])
    return None


def set_alias(table: CommentedMap, alias: str, target: str | None, *, parent: CommentedMap) -> bool:
    """Set or (target None) remove one alias, keeping a ``{model:, hidden:}`` form."""
    if target is None:
        if alias not in table:
            return False
        delete_key(table, alias, parent=(parent, "model_group_alias"))
        return True
    current = table.get(alias)
    if isinstance(current, MutableMapping) and "model" in current:
        if current["model"] == target:
            return False
        current["model"] = target
    elif alias in table:
        if current == target:
            return False
        replace_value(table, alias, target)
    else:
        append_key(table, alias, target)
    return True


# --------------------------------------------------------------------------------- fallbacks
def edit_fallbacks(data: CommentedMap, changes: Sequence[FallbackChange]) -> bool:
    """Add, replace or remove the one-key items of ``router_settings.fallbacks`` that
    ``changes`` name (``- ALIAS: [NAME, ...]``); True when edited."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not changes:
        return False
    router = data.get("router_settings")
    items = router.get("fallbacks") if isinstance(router, CommentedMap) else None
    if not isinstance(items, CommentedSeq):
        new = CommentedSeq(_fallback_item(c.alias, c.new) for c in changes if c.new is not None)
        if not new:
            return False
        if isinstance(router, CommentedMap):
            put(router, "fallbacks", new)
        else:
            put(data, "router_settings", CommentedMap(fallbacks=new))
        return True
    for change in changes:
        index = _fallback_index(items, change.alias)
        if change.new is None:
            if index is not None:
                del items[index]
        elif index is None:
            items.append(_fallback_item(change.alias, change.new))
        else:
            items[index][change.alias] = _flow_list(change.new)
    if not items and isinstance(router, CommentedMap):
        emptied(router, "fallbacks")
    return True


def _fallback_index(items: Sequence[Any], alias: str) -> int | None:
    keyed = (i for i, it in enumerate(items) if isinstance(it, Mapping) and list(it) == [alias])
    return next(keyed, None)


def _fallback_item(alias: str, names: Sequence[str]) -> CommentedMap:
    from ruamel.yaml.comments import CommentedMap

    item = CommentedMap()
    item[alias] = _flow_list(names)
    return item


def _flow_list(names: Sequence[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(names)
    seq.fa.set_flow_style()
    return seq
