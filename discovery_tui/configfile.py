"""config.yaml as a comment-preserving document: load, validate, merge the tool's entries, write.

Ownership: an entry of ``model_list`` is the tool's when ``model_info[OWNER_KEY]`` names a
provider. A refresh of provider P rewrites P's owned entries, in place, and nothing else: entries
without the mark (hand-written), entries of other providers, comments, key order, quotes, blank
lines and every other section are kept (ruamel.yaml round trip; see ``dump`` for its limits).

Owned keys of an entry: ``litellm_params.model``, ``.api_key``, ``.api_base`` (and any other
``litellm_params`` key the Entry carries), and in ``model_info`` the keys the Entry carries plus
:data:`OWNED_MODEL_INFO_KEYS` (keys the tool writes when the catalog says them). Every other key
of an owned entry is the user's and survives a refresh.

Name clashes: the tool never creates a second entry with the ``model_name`` of an entry it does not
own (a hand-written entry, or another provider's entry). Such an Entry is skipped by ``apply``,
the existing entry is left as it is, and :meth:`ConfigDocument.conflicts` reports the name so the
plan can say so. (Hand-written entries that share a ``model_name`` among themselves are LiteLLM
load-balancing groups and are fine.)
"""

from __future__ import annotations

import io
import re
from collections.abc import Collection, Iterator, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import ConfigError
from discovery_tui.fileio import atomic_write_text, backup_path
from discovery_tui.models import OWNER_KEY, Entry

if TYPE_CHECKING:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

OWNED_PARAMS = ("model", "api_key", "api_base")
OWNED_MODEL_INFO_KEYS = frozenset(
    {
        OWNER_KEY,
        "mode",
        "max_tokens",
        "max_input_tokens",
        "max_output_tokens",
        "input_cost_per_token",
        "output_cost_per_token",
        "cache_read_input_token_cost",
        "cache_creation_input_token_cost",
        "supports_function_calling",
        "supports_tool_choice",
        "supports_reasoning",
        "supports_vision",
        "supports_pdf_input",
        "supports_audio_input",
        "supports_audio_output",
        "supports_prompt_caching",
        "supports_response_schema",
        "supports_web_search",
        "release_date",
        "deprecation_date",
    }
)
DEFAULT_INDENT = (2, 4, 2)  # mapping, sequence, offset: the LiteLLM docs' style
_DOC_START = re.compile(r"---[ \t]*(#.*)?")
_DOC_END = re.compile(r"\.\.\.[ \t]*(#.*)?")


class ConfigDocument:
    """One config.yaml, loaded for a round trip. Build it with :meth:`load`."""

    path: Path

    def __init__(
        self, path: Path, data: CommentedMap, *, raw: bytes | None, layout: _Layout
    ) -> None:
        self.path = path
        self._data = data
        self._raw = raw
        self._layout = layout
        self._dirty = False
        self._index: dict[tuple[str, str], Any] | None = None

    # ----------------------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: Path) -> ConfigDocument:
        """Read and validate ``path``; a missing file is an empty document.

        Malformed YAML or a shape LiteLLM cannot use raises :class:`ConfigError` with the line
        (and column), the problem and the fix; the file is not touched.
        """
        from ruamel.yaml.comments import CommentedMap

        raw = _read_bytes(path)
        if raw is None:
            return cls(path, CommentedMap(), raw=None, layout=_Layout.default())
        layout, body = _Layout.split(path, raw)
        data = _parse(path, body, line_offset=layout.preamble.count("\n"))
        if data is None:
            if all(_is_blank_or_comment(line) for line in body.splitlines()):
                layout.preamble += body  # only comments: keep them above what is added
            data = CommentedMap()
        _validate(path, data, line_offset=layout.preamble.count("\n"))
        return cls(path, data, raw=raw, layout=layout)

    def changed_on_disk(self) -> bool:
        """Whether the file no longer holds the bytes :meth:`load` read (an edit since then).

        Cheap (one read, no parse): a caller that loaded early can load again only when needed.
        """
        return _read_bytes(self.path) != self._raw

    # ----------------------------------------------------------------------------- reading
    def owned_entries(self) -> dict[str, dict[str, dict[str, Any]]]:
        """provider -> {model_name: plain-dict copy of the entry} for the entries the tool owns."""
        owned: dict[str, dict[str, dict[str, Any]]] = {}
        for item in self._items():
            owner = _owner(item)
            if owner is not None:
                owned.setdefault(owner, {})[str(item["model_name"])] = _plain(item)
        return owned

    def model_names(self) -> list[str]:
        """Every entry's ``model_name`` (hand-written ones too), in file order."""
        return [str(item["model_name"]) for item in self._items() if "model_name" in item]

    def aliases(self) -> dict[str, str]:
        """``router_settings.model_group_alias`` as alias -> target (``{model: X}`` form too)."""
        table = _alias_table(self._data)
        result: dict[str, str] = {}
        for alias, value in (table or {}).items():
            target = _alias_target(value)
            if target is not None:
                result[str(alias)] = target
        return result

    def entry_changed(self, entry: Entry) -> bool:
        """Would applying ``entry`` change the provider's existing owned entry of that name?

        True when there is no such entry yet; False when it is identical in the owned keys.
        """
        if self._index is None:  # built once: the planner asks for every entry
            self._index = {}
            for item in self._items():
                owner = _owner(item)
                if owner is not None:
                    self._index[(owner, str(item["model_name"]))] = item
        item = self._index.get((entry.provider, entry.model_name))
        return item is None or _owned_view(item, entry) != _entry_view(entry)

    def conflicts(self, entries: Sequence[Entry]) -> list[str]:
        """The model_names among ``entries`` that ``apply`` skips: held by an entry not owned by
        the entry's provider (hand-written, or another provider's) and not already the provider's.
        """
        holders: dict[str, set[str | None]] = {}
        for item in self._items():
            name = item.get("model_name")
            if isinstance(name, str):
                holders.setdefault(name, set()).add(_owner(item))
        clashes: list[str] = []
        for entry in entries:
            held = holders.get(entry.model_name)
            if held and entry.provider not in held and entry.model_name not in clashes:
                clashes.append(entry.model_name)
        return clashes

    # ----------------------------------------------------------------------------- changing
    def apply(
        self,
        *,
        replace_providers: Collection[str],
        entries: Sequence[Entry],
        aliases: Mapping[str, str | None],
    ) -> None:
        """Merge a refresh into the document, in place. O(n) in the number of entries.

        For each provider of ``replace_providers`` its owned entries become its ``entries``: an
        existing entry of the same model_name is updated in place (owned keys only; an owned key
        the Entry no longer carries is removed), owned entries not wanted are removed, new ones
        are inserted after the provider's last owned entry (or at the end), in the given order.
        Entries whose name clashes (see :meth:`conflicts`) are skipped. ``aliases``: alias ->
        model_name sets ``router_settings.model_group_alias[alias]`` (keeping a ``{model:,
        hidden:}`` form), ``None`` removes it; other aliases are untouched.
        """
        providers = _provider_order(replace_providers, entries)
        self._index = None
        skipped = set(self.conflicts(entries))
        wanted: dict[str, dict[str, Entry]] = {p: {} for p in providers}
        for entry in entries:
            if entry.model_name not in skipped:
                wanted[entry.provider].setdefault(entry.model_name, entry)
        if providers:
            self._merge_entries(providers, wanted)
        if aliases:
            self._merge_aliases(aliases)

    def _merge_entries(self, providers: list[str], wanted: dict[str, dict[str, Entry]]) -> None:
        from ruamel.yaml.comments import CommentedSeq

        seq = self._data.get("model_list")
        if not isinstance(seq, CommentedSeq):
            if not any(wanted.values()):
                return
            seq = CommentedSeq()
            _put(self._data, "model_list", seq)
        old: list[Any] = list(seq)
        owners = [_owner(item) for item in old]
        present: dict[str, set[str]] = {p: set() for p in providers}
        last: dict[str, int] = {}
        for index, (item, owner) in enumerate(zip(old, owners, strict=True)):
            if owner in present:
                present[owner].add(str(item["model_name"]))
                last[owner] = index
        inserts: dict[int | None, list[CommentedMap]] = {}
        for provider in providers:
            new = [_new_entry(e) for n, e in wanted[provider].items() if n not in present[provider]]
            if new:
                inserts.setdefault(last.get(provider), []).extend(new)
        kept = self._update_items(old, owners, wanted)
        if not all(kept) or inserts:
            self._dirty = True
            if any(kept) or inserts:
                _rebuild(seq, old, kept, inserts, parent=self._data)
            else:
                _empty_list(self._data, seq, old)

    def _update_items(
        self, old: list[Any], owners: list[str | None], wanted: dict[str, dict[str, Entry]]
    ) -> list[bool]:
        """Update wanted owned entries in place; return which of ``old`` are kept."""
        kept: list[bool] = []
        for item, owner in zip(old, owners, strict=True):
            if owner is None or owner not in wanted:
                kept.append(True)
                continue
            entry = wanted[owner].get(str(item["model_name"]))
            kept.append(entry is not None)
            if entry is not None and _owned_view(item, entry) != _entry_view(entry):
                gap = _detach_gap(item)
                _update_entry(item, entry)
                _attach_gap(item, gap)
                self._dirty = True
        return kept

    def _merge_aliases(self, aliases: Mapping[str, str | None]) -> None:
        from ruamel.yaml.comments import CommentedMap

        table = _alias_table(self._data)
        if table is not None:
            for alias, target in aliases.items():
                if _set_alias(table, alias, target, parent=self._data["router_settings"]):
                    self._dirty = True
            if not table and not table.fa.flow_style():
                _emptied(self._data["router_settings"], "model_group_alias")
            return
        table = CommentedMap()
        for alias, target in aliases.items():
            if target is not None:
                table[alias] = target
        if not table:
            return
        router = self._data.get("router_settings")
        if isinstance(router, CommentedMap):
            _put(router, "model_group_alias", table)
        else:
            _put(self._data, "router_settings", CommentedMap(model_group_alias=table))
        self._dirty = True

    # ----------------------------------------------------------------------------- writing
    def dump(self) -> str:
        """The document as YAML text.

        ruamel.yaml keeps comments, key order, quotes, blank lines, anchors and tags. Its limits:
        one indentation style for the whole file (guessed from the file; mixed styles are
        normalised), ``~`` nulls are written as empty values, and a long plain scalar folded over
        several lines is joined. A file is only rewritten when the tool changed something.
        """
        stream = io.StringIO()
        _yaml(self._layout.indent).dump(self._data, stream)
        return self._layout.render(stream.getvalue())

    def write(self, *, backup: bool = True) -> bool:
        """Write the document if it differs from the file; True when the file was written.

        Nothing is written (not one byte) when ``apply`` changed nothing or the text equals the
        file's bytes. The previous file is kept as ``<name>.bak`` (``backup=True``). If the file
        changed on disk since ``load``, nothing is written and :class:`ConfigError` says so.
        """
        current = _read_bytes(self.path)
        if current != self._raw:
            raise ConfigError(
                f"{self.path} was changed by something else while discovery-tui was running; "
                "nothing was written: run discovery-tui again"
            )
        if not self._dirty:
            return False
        text = self.dump()
        data = text.encode("utf-8")
        if data == current:
            return False
        atomic_write_text(self.path, text, backup=backup and current is not None)
        self._raw = data
        self._dirty = False
        return True

    def _items(self) -> Iterator[Any]:
        from ruamel.yaml.comments import CommentedMap

        seq = self._data.get("model_list")
        for item in seq if isinstance(seq, list) else ():
            if isinstance(item, CommentedMap):
                yield item


# --------------------------------------------------------------------------------- layout
class _Layout:
    """What ruamel.yaml does not keep: indentation style, a preamble up to ``---``, a ``...``
    postamble, CRLF newlines and a UTF-8 BOM."""

    def __init__(
        self,
        *,
        indent: tuple[int, int, int],
        preamble: str = "",
        postamble: str = "",
        newline: str = "\n",
        bom: bool = False,
    ) -> None:
        self.indent = indent
        self.preamble = preamble
        self.postamble = postamble
        self.newline = newline
        self.bom = bom

    @classmethod
    def default(cls) -> _Layout:
        return cls(indent=DEFAULT_INDENT)

    @classmethod
    def split(cls, path: Path, raw: bytes) -> tuple[_Layout, str]:
        """The layout of ``raw`` and the YAML body ruamel.yaml should parse."""
        bom = raw.startswith(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8, "
                f"or restore {backup_path(path).name}"
            ) from exc
        newline = "\r\n" if "\r\n" in text else "\n"
        text = text.replace("\r\n", "\n")
        lines = text.splitlines(keepends=True)
        start = _preamble_end(lines)
        end = _postamble_start(lines, start)
        preamble, body, post = "".join(lines[:start]), "".join(lines[start:end]), lines[end:]
        layout = cls(
            indent=_guess_indent(body),
            preamble=preamble,
            postamble="".join(post),
            newline=newline,
            bom=bom,
        )
        return layout, body

    def render(self, body: str) -> str:
        if body.strip() in ("{}", ""):
            body = "" if self.preamble or self.postamble else body
        preamble = self.preamble
        if preamble and not preamble.endswith("\n"):
            preamble += "\n"
        text = preamble + body + self.postamble
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return ("\ufeff" if self.bom else "") + text


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _preamble_end(lines: list[str]) -> int:
    """Index after a leading ``---`` line (with only comments/directives before it), else 0."""
    for index, line in enumerate(lines):
        if _DOC_START.fullmatch(line.rstrip("\n").rstrip()):
            return index + 1
        if not (_is_blank_or_comment(line) or line.startswith("%")):
            return 0
    return 0


def _postamble_start(lines: list[str], start: int) -> int:
    """Index of a trailing ``...`` line (only comments after it), else len(lines)."""
    for index in range(len(lines) - 1, start - 1, -1):
        line = lines[index]
        if _DOC_END.fullmatch(line.rstrip("\n").rstrip()):
            return index
        if not _is_blank_or_comment(line):
            break
    return len(lines)


_KEY_ONLY = re.compile(r"^( *)((?:- +)*)[^\s#][^#]*?:[ \t]*(?:#.*)?$")


def _guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) of the file's block style, defaults where it does not say."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None
    key_col: int | None = None
    for line in text.splitlines():
        if _is_blank_or_comment(line):
            continue
        col = len(line) - len(line.lstrip(" "))
        stripped = line.strip()
        if key_col is not None and col >= key_col:
            if stripped.startswith("- ") and sequence is None:
                rest = stripped[1:]
                content = col + 1 + len(rest) - len(rest.lstrip(" "))
                if not rest.lstrip(" ").startswith("#"):
                    sequence = (content - key_col, col - key_col)
            elif col > key_col and mapping is None and not stripped.startswith("-"):
                mapping = col - key_col
        if mapping is not None and sequence is not None:
            break
        match = _KEY_ONLY.match(line)
        key_col = len(match.group(1)) + len(match.group(2)) if match else None
    return _indent_triple(mapping, sequence)


def _indent_triple(mapping: int | None, sequence: tuple[int, int] | None) -> tuple[int, int, int]:
    if mapping is None and sequence is None:
        return DEFAULT_INDENT
    if sequence is None:
        assert mapping is not None
        return (mapping, mapping + 2, mapping)
    seq, offset = sequence
    seq = max(seq, offset + 2)
    return (mapping if mapping is not None else max(seq - offset, 2), seq, offset)


# --------------------------------------------------------------------------------- yaml i/o
def _yaml(indent: tuple[int, int, int] = DEFAULT_INDENT) -> YAML:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor
    from ruamel.yaml.representer import RoundTripRepresenter

    class _Constructor(RoundTripConstructor):
        pass

    class _Representer(RoundTripRepresenter):
        pass

    text_bool = _text_bool_class()
    _Constructor.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
    _Representer.add_representer(float, _represent_float)
    _Representer.add_representer(text_bool, _represent_text_bool)
    yaml = YAML()
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


_TEXT_BOOL: Any = None


def _text_bool_class() -> Any:
    """A bool that remembers how the file spelt it (``True``, ``FALSE``): LiteLLM's docs write
    ``drop_params: True`` and a round trip must not rewrite it as ``true``."""
    global _TEXT_BOOL
    if _TEXT_BOOL is None:
        from ruamel.yaml.scalarbool import ScalarBoolean

        class TextBool(ScalarBoolean):
            text: str

        _TEXT_BOOL = TextBool
    return _TEXT_BOOL


def _construct_bool(constructor: Any, node: Any) -> Any:
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.scalarbool import ScalarBoolean

    value = SafeConstructor.construct_yaml_bool(constructor, node)
    if node.anchor:
        return ScalarBoolean(value, anchor=node.anchor)
    if node.value in ("true", "false"):
        return value
    result = _text_bool_class()(value)
    result.text = node.value
    return result


def _represent_text_bool(representer: Any, value: Any) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:bool", value.text)


def _represent_float(representer: Any, value: float) -> Any:
    """Floats that YAML 1.1 (PyYAML, which LiteLLM uses) reads as floats: ``3.0e-06``, not
    ``3e-06`` (a string there)."""
    text = repr(value)
    if value != value or value in (float("inf"), float("-inf")):
        text = ".nan" if value != value else (".inf" if value > 0 else "-.inf")
    elif "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return representer.represent_scalar("tag:yaml.org,2002:float", text)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not a file: pass the config file's path") from exc
    except OSError as exc:
        raise ConfigError(
            f"Cannot read {path}: {exc.strerror or exc}; make it readable and run again"
        ) from exc


def _fix_hint(path: Path) -> str:
    bak = backup_path(path)
    return f"fix it, or restore {bak.name}" if bak.exists() else "fix it"


def _parse(path: Path, text: str, *, line_offset: int) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1 + line_offset}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        hint = _fix_hint(path).replace("fix it", "fix the YAML")
        raise ConfigError(f"{path}{where}: {problem}: {hint}") from exc
    except YAMLError as exc:
        hint = _fix_hint(path).replace("fix it", "fix the YAML")
        raise ConfigError(f"{path}: {str(exc).splitlines()[0]}: {hint}") from exc


def _line(node: Any, key: Any, offset: int) -> str:
    try:
        return (
            f" line {node.lc.key(key)[0] + 1 + offset}"
            if isinstance(key, str)
            else (f" line {node.lc.item(key)[0] + 1 + offset}")
        )
    except (AttributeError, KeyError, IndexError, TypeError):
        return ""


def _validate(path: Path, data: Any, *, line_offset: int) -> None:
    """The shapes LiteLLM needs, and no duplicate model_name among the entries the tool owns."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def fail(where: str, problem: str) -> ConfigError:
        return ConfigError(f"{path}{where}: {problem}: {_fix_hint(path)}")

    if not isinstance(data, CommentedMap):
        raise fail("", f"the top level is a {_kind(data)}, not a mapping (model_list: ...)")
    seq = data.get("model_list")
    if seq is not None and not isinstance(seq, CommentedSeq):
        raise fail(
            _line(data, "model_list", line_offset),
            f"model_list is a {_kind(seq)}, not a list of entries (- model_name: ...)",
        )
    seen: dict[str, str] = {}
    for index, item in enumerate(seq or ()):
        where = _line(seq, index, line_offset)
        if not isinstance(item, CommentedMap):
            raise fail(where, f"model_list item {index + 1} is a {_kind(item)}, not a mapping")
        if _owner(item) is None:
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
            _line(data, "router_settings", line_offset),
            f"router_settings is a {_kind(router)}, not a mapping",
        )
    table = router.get("model_group_alias")
    if table is not None and not isinstance(table, CommentedMap):
        raise fail(
            _line(router, "model_group_alias", line_offset),
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


# --------------------------------------------------------------------------------- entries
def _owner(item: Any) -> str | None:
    info = item.get("model_info") if isinstance(item, Mapping) else None
    owner = info.get(OWNER_KEY) if isinstance(info, Mapping) else None
    return owner if isinstance(owner, str) and owner else None


def _provider_order(replace: Collection[str], entries: Sequence[Entry]) -> list[str]:
    """Replaced providers, deterministically: order of first appearance in entries, then sorted."""
    chosen = set(replace)
    order: list[str] = []
    for entry in entries:
        if entry.provider not in chosen:
            raise ValueError(f"entry {entry.model_name!r} of {entry.provider!r} not replaced")
        if entry.provider not in order:
            order.append(entry.provider)
    return order + sorted(chosen.difference(order))


def _owned_info_keys(info: Mapping[Any, Any], entry: Entry) -> set[Any]:
    return (
        set(OWNED_MODEL_INFO_KEYS)
        | set(entry.model_info)
        | {k for k in info if isinstance(k, str) and k.startswith(OWNER_KEY)}
    )


def _owned_view(item: Any, entry: Entry) -> tuple[dict[str, Any], dict[str, Any]]:
    params = item.get("litellm_params")
    params = params if isinstance(params, Mapping) else {}
    info = item.get("model_info")
    info = info if isinstance(info, Mapping) else {}
    owned_params = set(OWNED_PARAMS) | set(entry.litellm_params)
    owned_info = _owned_info_keys(info, entry)
    return (
        {str(k): _plain(v) for k, v in params.items() if k in owned_params},
        {str(k): _plain(v) for k, v in info.items() if k in owned_info},
    )


def _entry_view(entry: Entry) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {k: _plain(v) for k, v in entry.litellm_params.items()},
        {k: _plain(v) for k, v in entry.model_info.items()},
    )


def _new_entry(entry: Entry) -> CommentedMap:
    from ruamel.yaml.comments import CommentedMap

    node = CommentedMap()
    node["model_name"] = entry.model_name
    node["litellm_params"] = _to_yaml(entry.litellm_params)
    node["model_info"] = _to_yaml(entry.model_info)
    return node


def _update_entry(item: CommentedMap, entry: Entry) -> None:
    from ruamel.yaml.comments import CommentedMap

    params = item.get("litellm_params")
    if not isinstance(params, CommentedMap):
        params = CommentedMap()
        _put(item, "litellm_params", params)
    owned_params = set(OWNED_PARAMS) | set(entry.litellm_params)
    _sync_keys(params, entry.litellm_params, owned_params, parent=(item, "litellm_params"))
    info = item["model_info"]
    _sync_keys(info, entry.model_info, _owned_info_keys(info, entry), parent=(item, "model_info"))


def _sync_keys(
    node: CommentedMap,
    desired: Mapping[str, object],
    owned: set[Any],
    *,
    parent: tuple[CommentedMap, str],
) -> None:
    """Make the owned keys of ``node`` equal ``desired``; other keys and their order stay."""
    for key in [k for k in node if k in owned and k not in desired]:
        _delete_key(node, key, parent=parent)
    order = list(desired)
    for position, (key, value) in enumerate(desired.items()):
        if key in node:
            if _plain(node[key]) != _plain(value):
                _replace_value(node, key, _to_yaml(value))
            continue
        following = next((k for k in order[position + 1 :] if k in node), None)
        if following is None:
            _append_key(node, key, _to_yaml(value))
        else:  # before the next key of the Entry's order, as a new entry would have it
            node.insert(list(node).index(following), key, _to_yaml(value))


def _rebuild(
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
            _attach_gap(result[-1], text)
        else:
            leading += text

    for index, item in enumerate(old):
        if kept[index]:
            if index in old_ca:
                ca[len(result)] = old_ca[index]
            result.append(item)
        else:  # the comment lines ruamel.yaml kept *before* a removed item
            place(_tokens_text(old_ca.get(index, [None, None])[1]))
        moving = not kept[index] or index in inserts
        gap = _detach_gap(item) if moving else ""
        result.extend(inserts.get(index, ()))
        place(gap)
    if None in inserts:
        if result:
            gap = _detach_gap(result[-1])
            result.extend(inserts[None])
            _attach_gap(result[-1], gap)
        else:
            result.extend(inserts[None])
    list.__delitem__(seq, slice(None))
    list.extend(seq, result)
    seq.ca._items = ca
    if leading and result:
        _attach_leading(seq, leading, parent=(parent, "model_list"))
    if result and seq.fa.flow_style():
        seq.fa.set_block_style()


def _tokens_text(tokens: list[Any] | None) -> str:
    """The text of ruamel.yaml's stand-alone comment tokens (their indentation included)."""
    return "".join(
        " " * t.column + t.value if t.value.startswith("#") else t.value for t in tokens or ()
    )


def _empty_list(data: CommentedMap, seq: CommentedSeq, old: list[Any]) -> None:
    """Make ``model_list: []``, keeping the comments that stood among the removed entries."""
    text = ""
    for index, item in enumerate(old):
        text += _tokens_text(seq.ca.items.get(index, [None, None])[1]) + _detach_gap(item)
    list.__delitem__(seq, slice(None))
    seq.ca._items = {}
    _emptied(data, "model_list", text)


def _emptied(parent: CommentedMap, key: Any, extra: str = "") -> None:
    """``parent[key]`` became empty: write it as ``[]``/``{}`` and move its comments after it.

    (ruamel.yaml would otherwise emit the comments of an empty block collection as invalid
    YAML.)
    """
    node = parent[key]
    text = _tokens_text(node.ca.comment[1] if node.ca.comment else None) + extra
    node.ca.comment = None
    node.fa.set_flow_style()
    slot = parent.ca.items.get(key)
    if slot is not None and len(slot) > 3:
        slot[3] = None  # the comment before the first item: now in ``text``
    _attach((parent.ca.items, key, 2), text)


def _attach_leading(
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
    tokens.append(_comment_token(text))
    node.ca.comment = [start[0], tokens]
    slot[3] = tokens


# --------------------------------------------------------------------------------- comments
Slot = tuple[dict[Any, Any], Any, int]


def _key_slot(node: Any, key: Any, index: int) -> Slot | None:
    """Where the comment after ``node[key]``'s last line lives: (ca.items, key, token index)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    child = node[key]
    if isinstance(child, (CommentedMap, CommentedSeq)) and child and not child.fa.flow_style():
        return _tail_slot(child)
    return node.ca.items, key, index


def _tail_slot(node: Any) -> Slot | None:
    """Where ruamel.yaml keeps the comment after ``node``'s last line."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap) and node:
        return _key_slot(node, next(reversed(node)), 2)
    if isinstance(node, CommentedSeq) and node:
        return _key_slot(node, len(node) - 1, 0)
    return None


def _detach(slot: Slot | None) -> str:
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


def _attach(slot: Slot | None, text: str) -> None:
    """Put comment lines ``text`` into ``slot`` (after what is there)."""

    if slot is None or not text:
        return
    items, key, index = slot
    tokens = items.setdefault(key, [None] * (4 if index == 2 else 2))
    token = tokens[index]
    if token is None:
        tokens[index] = _comment_token("\n" + text)
    else:
        token.value = token.value + text


def _comment_token(text: str) -> Any:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(text, CommentMark(0), None)


def _detach_gap(node: Any) -> str:
    """Remove and return the comment lines after ``node`` (its own end-of-line comment stays)."""
    return _detach(_tail_slot(node))


def _attach_gap(node: Any, text: str) -> None:
    """Put comment lines ``text`` after ``node``'s last line."""
    if text:
        _attach(_tail_slot(node), text)


def _append_key(node: CommentedMap, key: Any, value: Any) -> None:
    """Add ``key`` at the end of ``node``, keeping the comment lines that followed ``node``."""
    gap = _detach_gap(node)
    if not node and node.fa.flow_style():
        node.fa.set_block_style()
    node[key] = value
    _attach_gap(node, gap)


def _replace_value(node: CommentedMap, key: Any, value: Any) -> None:
    """Give ``key`` a new value, keeping the comment lines that followed the old one."""
    gap = _detach(_key_slot(node, key, 2))
    node[key] = value
    _attach(_key_slot(node, key, 2), gap)


def _put(node: CommentedMap, key: Any, value: Any) -> None:
    """Set ``key`` (replacing an empty or wrong value in place, else at the end)."""
    if key in node:
        _replace_value(node, key, value)
    else:
        _append_key(node, key, value)


def _delete_key(node: CommentedMap, key: Any, *, parent: tuple[CommentedMap, Any]) -> None:
    """Remove ``key``; the comment lines before and after it stay where they were."""
    keys = list(node)
    position = keys.index(key)
    slot = node.ca.items.get(key)
    text = _tokens_text(slot[1] if slot and len(slot) > 1 else None)
    text += _detach(_key_slot(node, key, 2))
    del node[key]
    node.ca.items.pop(key, None)
    if not text:
        return
    if position + 1 < len(keys):  # before the next key
        following = node.ca.items.setdefault(keys[position + 1], [None, None, None, None])
        following[1] = [_comment_token(text), *(following[1] or [])]
    elif position > 0:
        _attach(_key_slot(node, keys[position - 1], 2), text)
    else:
        _attach_leading(node, text, parent=parent)  # no key is left: see _emptied


# --------------------------------------------------------------------------------- aliases
def _alias_table(data: CommentedMap) -> CommentedMap | None:
    from ruamel.yaml.comments import CommentedMap

    router = data.get("router_settings")
    table = router.get("model_group_alias") if isinstance(router, CommentedMap) else None
    return table if isinstance(table, CommentedMap) else None


def _alias_target(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("model"), str):
        return str(value["model"])
    return None


def _set_alias(
    table: CommentedMap, alias: str, target: str | None, *, parent: CommentedMap
) -> bool:
    """Set or (target None) remove one alias; True when the table changed."""
    if target is None:
        if alias not in table:
            return False
        _delete_key(table, alias, parent=(parent, "model_group_alias"))
        return True
    current = table.get(alias)
    if isinstance(current, MutableMapping) and "model" in current:
        if current["model"] == target:
            return False
        current["model"] = target
    elif alias in table:
        if current == target:
            return False
        _replace_value(table, alias, target)
    else:
        _append_key(table, alias, target)
    return True


# --------------------------------------------------------------------------------- values
def _plain(value: Any) -> Any:
    """A plain-Python copy (dict, list, str, int, float, bool, None) of a ruamel value."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and type(value) is not int:
        from ruamel.yaml.scalarbool import ScalarBoolean

        if isinstance(value, ScalarBoolean):
            return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _to_yaml(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, Mapping):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _to_yaml(item)
        return node
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_to_yaml(v) for v in value)
    return value
