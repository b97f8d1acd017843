"""config.yaml as a comment-preserving document: load, validate, snapshot, perform a plan, write.

Ownership (see :mod:`discovery_tui.ownership`): an entry of ``model_list`` is the tool's when
``model_info[OWNER_KEY]`` names a provider. The plan (:mod:`discovery_tui.plan`) decides every
edit from the document's :meth:`ConfigDocument.state`; :meth:`ConfigDocument.execute` performs
exactly those edits. Entries without the mark, entries of other providers, comments, key order,
quotes, blank lines and every other section are kept (ruamel.yaml round trip; see ``dump``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discovery_tui.configfile.dialect import plain, round_trip_yaml
from discovery_tui.configfile.duplicates import (
    Duplicate,
    note,
    parse_config,
    refusal,
    scrub_message,
    top_lines,
)
from discovery_tui.configfile.edits import (
    alias_table,
    alias_target,
    edit_aliases,
    edit_entries,
    edit_fallbacks,
)
from discovery_tui.configfile.layout import Layout, is_blank_or_comment
from discovery_tui.configfile.setting_edits import edit_settings
from discovery_tui.configfile.sharing import (
    has_anchors,
    owns,
    pinned,
    shared_table,
    unshare_entry,
    usage,
)
from discovery_tui.configfile.splice import capture, splice
from discovery_tui.configfile.textmap import Capture, Text
from discovery_tui.configfile.validation import owner_of, validate
from discovery_tui.configfile.verify import edited_windows_match
from discovery_tui.errors import ConfigError
from discovery_tui.fileio import atomic_write_text, recover_swap
from discovery_tui.ownership import OwnedEntry, TargetState, fallback_table, merged_keys
from discovery_tui.plan.settings import SETTING_SECTIONS
from discovery_tui.yamlio import read_bytes, restore_hint

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

    from discovery_tui.plan import AliasChange, EntryChange, Plan, SettingChange


class ConfigDocument:
    """One config.yaml, loaded for a round trip. Build it with :meth:`load`."""

    path: Path

    def __init__(
        self, path: Path, data: CommentedMap, *, raw: bytes | None, layout: Layout
    ) -> None:
        self.path = path
        self._data = data
        self._raw = raw
        self._layout = layout
        self._dirty = False
        self._state: TargetState | None = None
        self._capture: Capture | None = None
        self._edits = 0
        self._had_data = bool(data)  # the file had content (not new, not only comments)
        self._reemit: set[int] = set()
        self._planned: tuple[Sequence[EntryChange], Sequence[AliasChange]] = ((), ())
        self._settings: Sequence[SettingChange] = ()
        # what :meth:`write` found and reported (an interrupted undo's copy moved aside)
        self.notes: list[str] = []
        # top-level keys written twice that LiteLLM reads last-wins (both kept as they are)
        self.duplicates: list[Duplicate] = []

    # ----------------------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: Path) -> ConfigDocument:
        """Read and validate ``path``; a missing file is an empty document.

        Malformed YAML or a shape LiteLLM cannot use raises :class:`ConfigError` with the line
        (and column), the problem and the fix; the file is not touched.
        """
        from ruamel.yaml.comments import CommentedMap

        raw = read_bytes(path)
        if raw is None:
            return cls(path, CommentedMap(), raw=None, layout=Layout.default())
        layout, body = Layout.split(path, raw)
        offset = layout.preamble.count("\n")
        fix = restore_hint(path, "fix the YAML")
        data, duplicates = parse_config(path, body, offset=offset, fix=fix)
        if data is None:
            if all(is_blank_or_comment(line) for line in body.splitlines()):
                layout.preamble += body  # only comments: keep them above what is added
            data = CommentedMap()
        try:
            validate(path, data, line_offset=offset)
        except ConfigError as exc:
            raise ConfigError(scrub_message(str(exc), body)) from exc
        document = cls(path, data, raw=raw, layout=layout)  # type: ignore[arg-type]
        document.duplicates = duplicates
        document.notes.extend(note(path, d) for d in duplicates)
        return document

    def changed_on_disk(self) -> bool:
        """Whether the file no longer holds the bytes :meth:`load` read (an edit since then).

        Cheap (one read, no parse): a caller that loaded early can load again only when needed.
        """
        return read_bytes(self.path) != self._raw

    # ----------------------------------------------------------------------------- reading
    def state(self) -> TargetState:
        """The document as plain data: what a plan is built from."""
        if self._state is None:
            self._state = self._snapshot()
        return self._state

    def _snapshot(self) -> TargetState:
        owned: dict[str, dict[str, OwnedEntry]] = {}
        holders: dict[str, set[str | None]] = {}
        for item in self._items():
            name, owner = item.get("model_name"), owner_of(item)
            if isinstance(name, str):
                holders.setdefault(name, set()).add(owner)
            if owner is not None:
                params = item.get("litellm_params")
                entry = OwnedEntry(
                    str(name),
                    owner,
                    plain(params) if isinstance(params, Mapping) else {},
                    plain(item["model_info"]),
                    merged=merged_keys(item),
                )
                owned.setdefault(owner, {})[str(name)] = entry
        router = self._data.get("router_settings")
        fallbacks = router.get("fallbacks") if isinstance(router, Mapping) else None
        return TargetState(
            path=self.path,
            owned=owned,
            holders={name: frozenset(who) for name, who in holders.items()},
            model_names=tuple(self.model_names()),
            aliases=self.aliases(),
            exists=self._raw is not None,
            fallbacks=fallback_table(plain(fallbacks)),
            pinned=frozenset(self.pinned_entries()),
            settings={k: plain(v) for k, v in self._data.items() if k in SETTING_SECTIONS},
        )

    def owned_entries(self) -> dict[str, dict[str, dict[str, Any]]]:
        """provider -> {model_name: plain-dict copy of the entry} for the entries the tool owns."""
        owned: dict[str, dict[str, dict[str, Any]]] = {}
        for item in self._items():
            owner = owner_of(item)
            if owner is not None:
                owned.setdefault(owner, {})[str(item["model_name"])] = plain(item)
        return owned

    def model_names(self) -> list[str]:
        """Every entry's ``model_name`` (hand-written ones too), in file order."""
        return [str(item["model_name"]) for item in self._items() if "model_name" in item]

    def aliases(self) -> dict[str, str]:
        """``router_settings.model_group_alias`` as alias -> target (``{model: X}`` form too)."""
        result: dict[str, str] = {}
        for alias, value in (alias_table(self._data) or {}).items():
            target = alias_target(value)
            if target is not None:
                result[str(alias)] = target
        return result

    def section(self, key: str) -> Any:
        """A plain-Python copy of one top-level section (None when absent)."""
        return plain(self._data.get(key))

    # ----------------------------------------------------------------------------- changing
    def execute(self, plan: Plan) -> None:
        """Perform ``plan``'s edits in memory (nothing is written); the plan must have been
        built from this document's :meth:`state`."""
        self._edit(plan.changes, plan.alias_changes)
        self._settings = self._settings_to_write(plan.setting_changes)
        if edit_settings(self._data, self._settings):
            self._dirty = True
            self._state = None
        if not self._table_is_ours(plan.fallback_changes, "fallbacks", "fallbacks"):
            return
        if edit_fallbacks(self._data, plan.fallback_changes):
            self._dirty = True
            self._state = None

    def _edit(self, changes: Sequence[EntryChange], aliases: Sequence[AliasChange]) -> None:
        self._edits += 1
        if self._edits == 1 and self._raw is not None and self._data:
            tops = top_lines(self.duplicates)
            self._capture = capture(self._data, self._text(), self._layout.indent, changes, tops)
        else:
            self._capture = None
        changes = self._unshare(changes)
        if not self._table_is_ours(aliases, "model_group_alias", "aliases"):
            aliases = ()
        self._planned = (changes, aliases)
        edited = edit_entries(self._data, changes)
        edited = edit_aliases(self._data, aliases) or edited
        if edited:
            self._dirty = True
            self._state = None

    def pinned_entries(self) -> list[tuple[str, str]]:
        """(provider, model_name) of owned entries that define an anchor another node uses:
        a refresh leaves them as they are (see :mod:`.sharing`)."""
        if not has_anchors(self._raw):
            return []
        uses, first = usage(self._data)
        return [
            (str(owner_of(item)), str(item["model_name"]))
            for item in self._items()
            if owner_of(item) is not None and pinned(item, uses, first)
        ]

    def _settings_to_write(self, changes: Sequence[SettingChange]) -> Sequence[SettingChange]:
        """``changes`` without those into a section written twice: LiteLLM reads only the
        last copy and a full rewrite would drop one, so a note says what was not written."""
        twice = {d.key for d in self.duplicates if d.top_level}
        for change in changes:
            if change.section in twice:
                self.notes.append(
                    f"{self.path}: {change.section}.{change.key} was not written: "
                    f"`{change.section}` is written more than once (see above); merge them "
                    "into one and run again"
                )
        return [change for change in changes if change.section not in twice]

    def _table_is_ours(self, changes: Sequence[object], key: str, what: str) -> bool:
        """Whether ``changes`` to ``router_settings.<key>`` may be made: there are some, and
        the node is not shared with a part the tool does not own (else a note says why and
        nothing of it is written)."""
        if not changes:
            return False
        why = shared_table(self._data, key) if has_anchors(self._raw) else None
        if why is not None:
            self.notes.append(
                f"{self.path}: {why}: the {what} were not written; remove the anchor to let "
                f"discovery-tui manage them"
            )
        return why is None

    def _unshare(self, changes: Sequence[EntryChange]) -> Sequence[EntryChange]:
        """Un-share what the edits would write through (see :mod:`.sharing`); the changes of
        entries that define a node others use are dropped (those entries stay as they are)."""
        if not has_anchors(self._raw):
            return changes
        uses, first = usage(self._data)
        items = {(owner_of(i), str(i.get("model_name"))): i for i in self._items()}
        kept: list[EntryChange] = []
        for change in changes:
            item = items.get((change.provider, change.model_name))
            if item is not None and change.kind != "added" and pinned(item, uses, first):
                # only the three-way record may go into a pinned entry, nothing is un-shared
                if change.record_only and owns(item, "model_info", uses, first):
                    kept.append(change)
                continue
            if item is not None and change.kind == "updated" and unshare_entry(item, uses, first):
                self._reemit.add(id(item))
            kept.append(change)
        return kept

    # ----------------------------------------------------------------------------- writing
    def dump(self) -> str:
        """The document as YAML text.

        ruamel.yaml keeps comments, key order, quotes, blank lines, anchors and tags. Its limits:
        one indentation style for the whole file (guessed from the file; mixed styles are
        normalised), ``~`` nulls are written as empty values, and a long plain scalar folded over
        several lines is joined. A file is only rewritten when the tool changed something.
        """
        stream = io.StringIO()
        round_trip_yaml(self._layout.indent).dump(self._data, stream)
        return self._layout.render(stream.getvalue())

    def spliced(self) -> str | None:
        """The file's own text with only the edited lines changed (see :mod:`.splice`), if
        that is possible for this file and plan and the result parses to exactly the edited
        document; else None (then :meth:`dump` writes the whole file)."""
        if self._capture is None or self._raw is None:
            return None
        text = splice(self._capture, self._data, *self._planned, self._reemit, self._settings)
        if text is None:
            return None
        full = ("\ufeff" if self._layout.bom else "") + text
        quick = None  # parse only the edited windows where nothing is shared (see .verify)
        if not self.duplicates and not has_anchors(self._raw):
            quick = edited_windows_match(self._capture, self._data)
        same = quick or _same_data(self._layout, text, self._data, bool(self.duplicates))
        return full if same else None

    def _text(self) -> Text:
        assert self._raw is not None
        text = self._raw.decode("utf-8-sig")
        post = len(Text.of(self._layout.postamble, offset=0, postamble_lines=0).lines)
        return Text.of(text, offset=self._layout.preamble.count("\n"), postamble_lines=post)

    def write(self, *, backup: bool = True) -> bool:
        """Write the document if it differs from the file; True when the file was written.

        Nothing is written (not one byte) when nothing was edited or the text equals the
        file's bytes. The previous file is kept as ``<name>.bak`` (``backup=True``). If the file
        changed on disk since ``load``, nothing is written and :class:`ConfigError` says so.
        """
        current = read_bytes(self.path)
        if current != self._raw:
            raise ConfigError(
                f"{self.path} was changed by something else while discovery-tui was running; "
                "nothing was written: run discovery-tui again"
            )
        if not self._dirty:
            return False
        text = self.spliced()
        if text is None:
            self._check_full_dump()
        text = text or self.dump()
        data = text.encode("utf-8")
        if data == current:
            return False
        recovered = recover_swap(self.path, finish=False)
        if recovered is not None:
            self.notes.append(recovered.message)
        atomic_write_text(self.path, text, backup=backup and current is not None)
        self._raw = data
        self._dirty = False
        return True

    def _check_full_dump(self) -> None:
        """Refuse (ConfigError) to write the whole document again where that would change
        bytes the user wrote: a key written twice (one copy would go), or a file that
        ruamel.yaml's round trip does not reproduce exactly (comments, anchors, ``null``s,
        line endings). A new file, a file of only comments or one ruamel reproduces is fine."""
        if self.duplicates:  # the full dump would keep only one copy
            raise ConfigError(refusal(self.path, self.duplicates[0]) + "; nothing was written")
        if self._raw is None or not self._had_data or _round_trips(self._raw, self.path):
            return
        reason = self._capture.reason if self._capture is not None else ""
        raise ConfigError(
            f"discovery-tui cannot edit {self.path} in place: "
            f"{reason or 'a part it has to change has a shape it cannot edit line by line'}; "
            "writing the whole file again would change bytes you wrote (ruamel.yaml re-emits "
            "comments, anchors, `null`s and line endings its own way), so nothing was written. "
            "Write that part in block style (one key per line, `- ` list items) and run again"
        )

    def _items(self) -> Iterator[Any]:
        from ruamel.yaml.comments import CommentedMap

        seq = self._data.get("model_list")
        for item in seq if isinstance(seq, list) else ():
            if isinstance(item, CommentedMap):
                yield item


def _round_trips(raw: bytes, path: Path) -> bool:
    """Whether ruamel.yaml's round trip of ``raw`` gives back exactly ``raw``."""
    layout, body = Layout.split(path, raw)
    stream = io.StringIO()
    round_trip_yaml(layout.indent).dump(round_trip_yaml(layout.indent).load(body), stream)
    return layout.render(stream.getvalue()).encode("utf-8") == raw


def _same_data(layout: Layout, text: str, data: CommentedMap, duplicates: bool) -> bool:
    """Whether ``text`` (a spliced file) loads as exactly ``data`` (the edited document)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    _, body = Layout.split(Path("config.yaml"), text.encode("utf-8"))
    yaml = YAML(typ="safe")
    yaml.allow_duplicate_keys = duplicates  # as :func:`.duplicates.parse_config` read it
    try:
        loaded = yaml.load(body)
    except YAMLError:
        return False
    return bool(plain(loaded) == plain(data))

