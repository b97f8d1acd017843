"""Properties of the merge over generated configs (issue 6 item 4).

A refresh of one provider never changes what it does not own (hand-written entries, entries of
other providers, other sections, aliases it was not given, comments), and refresh twice equals
refresh once, byte for byte.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery_tui.configfile import ConfigDocument
from discovery_tui.models import OWNER_KEY, Entry
from discovery_tui.plan import conflicting_names

P = "openrouter"
Q = "xai"
P_NAMES = [f"openrouter/m{i}" for i in range(8)]
Q_NAMES = [f"xai/g{i}" for i in range(4)]
HAND_NAMES = [f"hand-{i}" for i in range(4)] + P_NAMES[:2]  # two clash with the refresh
OUR_ALIASES = ["claude", "gpt", "cheap"]
PRICES = [1e-06, 2.5e-06, 3e-07, 0.5, 3.0]
COMMENT = re.compile(r"# c-\d+")


@dataclass
class Case:
    text: str
    entries: list[Entry]
    aliases: dict[str, str | None]


class Writer:
    """Builds YAML text line by line in one indentation style, numbering the comments."""

    def __init__(self, indent: int, draw: Any) -> None:
        self.ind = " " * indent
        self.draw = draw
        self.lines: list[str] = []
        self.count = 0

    def comment(self) -> str:
        self.count += 1
        return f"# c-{self.count}"

    def maybe_gap(self, depth: str) -> None:
        if self.draw(st.booleans()):
            self.lines.append("")
        if self.draw(st.booleans()):
            self.lines.append(f"{depth}{self.comment()}")

    def inline(self) -> str:
        return f"  {self.comment()}" if self.draw(st.booleans()) else ""


def write_entry(w: Writer, name: str, owner: str | None) -> None:
    item, key, sub = w.ind, w.ind + "  ", w.ind + "  " + w.ind
    w.maybe_gap(item)
    tail = w.inline() if owner != P else ""
    w.lines.append(f"{item}- model_name: {name}{tail}")
    w.lines.append(f"{key}litellm_params:")
    w.lines.append(f"{sub}model: {name}")
    if w.draw(st.booleans()):
        w.lines.append(f"{sub}rpm: {w.draw(st.integers(1, 99))}")  # a user's key
    if owner is None and not w.draw(st.booleans()):
        return
    w.lines.append(f"{key}model_info:")
    if w.draw(st.booleans()):
        w.lines.append(f"{sub}note: user {w.draw(st.integers(0, 9))}")
    if owner is not None:
        w.lines.append(f"{sub}input_cost_per_token: {w.draw(st.sampled_from(PRICES))!r}")
        w.lines.append(f"{sub}{OWNER_KEY}: {owner}")


def write_model_list(w: Writer) -> None:
    owned = w.draw(st.lists(st.sampled_from(P_NAMES + Q_NAMES), unique=True, max_size=7))
    hand = w.draw(st.lists(st.sampled_from(HAND_NAMES), max_size=4))
    items = [(n, P if n in P_NAMES else Q) for n in owned] + [(n, None) for n in hand]
    items = w.draw(st.permutations(items))
    w.lines.append("model_list:" + w.inline())
    if not items:
        w.lines[-1] = "model_list: []" + w.inline()
    for name, owner in items:
        write_entry(w, name, owner)


def write_router(w: Writer) -> None:
    w.lines.append("router_settings:" + w.inline())
    w.lines.append(f"{w.ind}routing_strategy: simple-shuffle")
    aliases = w.draw(st.lists(st.sampled_from([*OUR_ALIASES, "mine", "team"]), unique=True))
    if not aliases:
        return
    w.lines.append(f"{w.ind}model_group_alias:")
    for alias in aliases:
        target = w.draw(st.sampled_from(HAND_NAMES + P_NAMES))
        if w.draw(st.booleans()):
            value = f"{{model: {target}, hidden: {w.draw(st.sampled_from(['true', 'True']))}}}"
        else:
            value = target
        w.maybe_gap(w.ind * 2)
        tail = w.inline() if alias not in OUR_ALIASES else ""  # ours may be removed, line and all
        w.lines.append(f"{w.ind * 2}{alias}: {value}{tail}")


def write_other(w: Writer, name: str) -> None:
    w.lines.append(f"{name}:")
    w.lines.append(f"{w.ind}master_key: 'sk-{name}'{w.inline()}")
    w.lines.append(f"{w.ind}drop_params: True")


@st.composite
def cases(draw: Any) -> Case:
    w = Writer(draw(st.sampled_from([2, 4])), draw)
    if draw(st.booleans()):
        w.lines.append(w.comment() + " head")
    sections = draw(
        st.permutations(["model_list", "router", "general_settings", "litellm_settings"])
    )
    for section in sections:
        w.maybe_gap("")
        if section == "model_list":
            write_model_list(w)
        elif section == "router":
            if draw(st.booleans()):
                write_router(w)
        else:
            write_other(w, section)
    if draw(st.booleans()):
        w.lines.append(w.comment() + " tail")
    wanted = draw(st.lists(st.sampled_from(P_NAMES), unique=True, max_size=6))
    entries = [
        Entry(
            name,
            P,
            {"model": name, "api_key": "os.environ/OPENROUTER_API_KEY"},
            {"mode": "chat", "input_cost_per_token": draw(st.sampled_from(PRICES)), OWNER_KEY: P},
        )
        for name in wanted
    ]
    targets = st.sampled_from([None, *wanted]) if wanted else st.none()
    aliases = {a: draw(targets) for a in draw(st.lists(st.sampled_from(OUR_ALIASES), unique=True))}
    return Case("\n".join(w.lines) + "\n", entries, aliases)


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def not_owned(text: str, aliases: dict[str, str | None]) -> Any:
    """Everything a refresh of P with these aliases must leave as it is, as plain data."""
    from ruamel.yaml import YAML

    data = plain(YAML(typ="safe").load(text))
    data["model_list"] = [
        e for e in data.get("model_list") or [] if (e.get("model_info") or {}).get(OWNER_KEY) != P
    ]
    table = (data.get("router_settings") or {}).get("model_group_alias")
    if table:
        for alias in aliases:
            table.pop(alias, None)
        if not table:
            del data["router_settings"]["model_group_alias"]
    elif data.get("router_settings") is not None:
        data["router_settings"].pop("model_group_alias", None)
    if data.get("router_settings") == {}:  # created by the refresh for its aliases
        del data["router_settings"]
    return data


def refresh(path: Path, case: Case) -> bool:
    doc = ConfigDocument.load(path)
    doc.apply(replace_providers=[P], entries=case.entries, aliases=case.aliases)
    return doc.write()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_a_refresh_changes_only_what_it_owns_and_twice_is_once(case: Case) -> None:
    # durability is test_fileio's and test_crash's business: skip fsync to keep this fast
    with tempfile.TemporaryDirectory() as folder, mock.patch("os.fsync"):
        path = Path(folder) / "config.yaml"
        path.write_text(case.text)
        before = ConfigDocument.load(path)
        clashes = set(conflicting_names(before.state(), case.entries))
        user_keys = {
            name: (e["litellm_params"].get("rpm"), e["model_info"].get("note"))
            for name, e in before.owned_entries().get(P, {}).items()
        }

        refresh(path, case)
        once = path.read_bytes()
        after_text = once.decode()

        assert not_owned(after_text, case.aliases) == not_owned(case.text, case.aliases)
        assert COMMENT.findall(after_text) == COMMENT.findall(case.text)
        after = ConfigDocument.load(path)
        wanted = [e.model_name for e in case.entries if e.model_name not in clashes]
        assert sorted(after.owned_entries().get(P, {})) == sorted(wanted)
        for name, entry in after.owned_entries().get(P, {}).items():
            if name in user_keys:
                info = entry["model_info"]
                assert (entry["litellm_params"].get("rpm"), info.get("note")) == user_keys[name]
        current = after.aliases()
        for alias, target in case.aliases.items():
            assert current.get(alias) == target

        assert not refresh(path, case)
        assert path.read_bytes() == once
