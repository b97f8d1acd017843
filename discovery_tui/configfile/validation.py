"""The shapes of config.yaml that LiteLLM and the merge need, checked with line numbers."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import ConfigError
from discovery_tui.models import OWNER_KEY
from discovery_tui.yamlio import restore_hint

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap


def line_of(node: Any, key: Any, offset: int) -> str:
    try:
        return (
            f" line {node.lc.key(key)[0] + 1 + offset}"
            if isinstance(key, str)
            else (f" line {node.lc.item(key)[0] + 1 + offset}")
        )
    except (AttributeError, KeyError, IndexError, TypeError):
        return ""


def validate(path: Path, data: Any, *, line_offset: int) -> None:
    """The shapes LiteLLM needs, and no duplicate model_name among the entries the tool owns."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def fail(where: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}{where}: {problem}: {restore_hint(path)}")

    if not isinstance(data, CommentedMap):
        raise fail("", f"the top level is a {_kind(data)}, not a mapping (model_list: ...)")
    seq = data.get("model_list")
    if seq is not None and not isinstance(seq, CommentedSeq):
        raise fail(
            line_of(data, "model_list", line_offset),
            f"model_list is a {_kind(seq)}, not a list of entries (- model_name: ...)",
        )
    seen: dict[str, str] = {}
    for index, item in enumerate(seq or ()):
        where = line_of(seq, index, line_offset)
        if not isinstance(item, CommentedMap):
            raise fail(where, f"model_list item {index + 1} is a {_kind(item)}, not a mapping")
        if owner_of(item) is None:
            continue
        name = item.get("model_name")
        if not isinstance(name, str) or not name:
            raise fail(where, f"model_list item {index + 1} has no model_name")
        if name in seen:
            raise fail(where, f"duplicate model_name {name!r} (also at{seen[name]})")
        seen[name] = where or f" item {index + 1}"
        params = item.get("litellm_params")
        if params is not None and not isinstance(params, CommentedMap):
            raise fail(where, f"litellm_params of {name!r} is a {_kind(params)}, not a mapping")
    _validate_router(data, fail, line_offset)


def _validate_router(data: CommentedMap, fail: Any, line_offset: int) -> None:
    from ruamel.yaml.comments import CommentedMap

    router = data.get("router_settings")
    if router is None:
        return
    if not isinstance(router, CommentedMap):
        raise fail(
            line_of(data, "router_settings", line_offset),
            f"router_settings is a {_kind(router)}, not a mapping",
        )
    table = router.get("model_group_alias")
    if table is not None and not isinstance(table, CommentedMap):
        raise fail(
            line_of(router, "model_group_alias", line_offset),
            f"model_group_alias is a {_kind(table)}, not a mapping (alias: model_name)",
        )


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "empty value"
    return f"{type(value).__name__} ({str(value)[:40]!r})"


def owner_of(item: Any) -> str | None:
    info = item.get("model_info") if isinstance(item, Mapping) else None
    owner = info.get(OWNER_KEY) if isinstance(info, Mapping) else None
    return owner if isinstance(owner, str) and owner else None
