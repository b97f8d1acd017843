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
from discovery_tui.ownership import RECORD_KEY
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


# --- shared nodes, user edits and shadowing hand entries (issue 11 item 8) --------------------

GATEWAY = "http://gw.local/v1"
USER_PRICE = 7.7e-06
USER_BASE = "http://corp.example/v1"


@dataclass
class SharedCase:
    text: str
    first: list[Entry]  # the refresh that writes the records
    second: list[Entry]  # the next refresh (new catalog prices)
    price_edits: list[str]  # owned names whose price the user changes between the two
    base_edits: list[str]  # owned names the user gives an api_base between the two


def p_entry(name: str, price: float) -> Entry:
    params = {"model": name, "api_key": "os.environ/OPENROUTER_API_KEY"}
    return Entry(name, P, params, {"mode": "chat", "input_cost_per_token": price, OWNER_KEY: P})


def shared_entry(lines: list[str], name: str, owner: str | None, style: str, anchor: bool) -> None:
    tail = f"  # c-{len(lines)}" if owner is None else ""  # an owned entry's line may go
    lines.append(f"  - model_name: {name}{tail}")
    head = "    litellm_params:" + (" &gw" if anchor else "")
    if style == "alias" and not anchor:
        lines.append("    litellm_params: *gw")
    elif style == "merge" and not anchor:
        lines += ["    litellm_params:", "      <<: *gw", f"      model: {name}"]
    else:
        lines += [head, f"      model: {name}", f"      api_base: {GATEWAY}"]
        lines.append("      api_key: os.environ/GW_KEY")
    if owner is not None:
        lines += [
            "    model_info:",
            "      input_cost_per_token: 3.0e-06",
            f"      {OWNER_KEY}: {owner}",
        ]


@st.composite
def shared_cases(draw: Any) -> SharedCase:
    owned = draw(st.lists(st.sampled_from(P_NAMES), unique=True, min_size=1, max_size=5))
    hand = draw(st.lists(st.sampled_from(HAND_NAMES), unique=True, max_size=3))
    styles = st.sampled_from(["plain", "alias", "merge"])
    holder = draw(st.sampled_from(["hand-anchor", *owned]))  # who defines &gw
    lines = ["# c-0 head", "model_list:"]
    if holder == "hand-anchor":
        shared_entry(lines, "hand-anchor", None, "plain", anchor=True)
    for name in sorted(owned, key=lambda n: n != holder):  # the anchor before its uses
        style = "plain" if name == holder else draw(styles)
        shared_entry(lines, name, P, style, anchor=name == holder)
    for name in hand:
        shared_entry(lines, name, None, draw(st.sampled_from(["plain", "alias"])), anchor=False)
    lines += ["general_settings:  # c-end", "  master_key: os.environ/LITELLM_MASTER_KEY"]
    first = [p_entry(n, draw(st.sampled_from(PRICES))) for n in owned]
    kept = draw(st.lists(st.sampled_from(owned), unique=True))
    extra = draw(st.lists(st.sampled_from(P_NAMES), unique=True, max_size=2))
    second = [p_entry(n, draw(st.sampled_from(PRICES))) for n in dict.fromkeys(kept + extra)]
    return SharedCase(
        "\n".join(lines) + "\n",
        first,
        second,
        draw(st.lists(st.sampled_from(owned), unique=True, max_size=2)),
        draw(st.lists(st.sampled_from(owned), unique=True, max_size=2)),
    )


def user_edit(text: str, name: str, *, price: bool) -> str:
    """The user's hand edit of one owned entry: a negotiated price, or a corporate gateway."""
    lines = text.split("\n")
    start = next(
        i
        for i, line in enumerate(lines)
        if line.endswith(f"model_name: {name}") or (f"model_name: {name}  #" in line)
    )
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith(("  - ", "gen"))),
        len(lines),
    )
    for i in range(start, end):
        if price and lines[i].strip().startswith("input_cost_per_token:"):
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines[i] = f"{indent}input_cost_per_token: {USER_PRICE!r}  # c-negotiated"
            return "\n".join(lines)
        if not price and lines[i].strip().startswith("api_base:"):
            lines[i] = lines[i].split("api_base:")[0] + f"api_base: {USER_BASE}"
            return "\n".join(lines)
        if not price and lines[i].strip() == f"model: {name}" and "api_base" not in text:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            lines.insert(i + 1, f"{indent}api_base: {USER_BASE}")
            return "\n".join(lines)
    return text  # not an explicit entry (kept as it is): nothing to edit


def hand_data(text: str) -> Any:
    """The hand-written entries and other sections, resolved (aliases followed)."""
    from ruamel.yaml import YAML

    data = plain(YAML(typ="safe").load(text))
    data["model_list"] = [
        e for e in data["model_list"] if (e.get("model_info") or {}).get(OWNER_KEY) != P
    ]
    return data


def run_refresh(path: Path, entries: list[Entry]) -> ConfigDocument:
    doc = ConfigDocument.load(path)
    doc.apply(replace_providers=[P], entries=entries, aliases={})
    doc.write()
    return doc


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shared_cases())
def test_a_refresh_keeps_shared_nodes_and_the_users_edits_and_twice_is_once(
    case: SharedCase,
) -> None:
    with tempfile.TemporaryDirectory() as folder, mock.patch("os.fsync"):
        path = Path(folder) / "config.yaml"
        path.write_text(case.text)
        run_refresh(path, case.first)
        edited = path.read_text()
        for name in case.price_edits:
            edited = user_edit(edited, name, price=True)
        for name in case.base_edits:
            edited = user_edit(edited, name, price=False)
        path.write_text(edited)
        before = ConfigDocument.load(path)
        pinned = {name for _, name in before.pinned_entries()}
        was = before.owned_entries().get(P, {})

        doc = run_refresh(path, case.second)
        once = path.read_text()

        assert hand_data(once) == hand_data(edited)  # hand entries, anchors resolved, sections
        assert COMMENT.findall(once) == COMMENT.findall(edited)
        now = ConfigDocument.load(path).owned_entries().get(P, {})
        clashes = set(conflicting_names(before.state(), case.second))
        for wanted in case.second:
            name = wanted.model_name
            if name in clashes:
                assert name not in now or name in was
                continue
            if name in pinned:
                assert now[name] == was[name]  # defines the hand entries' anchor: as it is
                continue
            params, info = now[name]["litellm_params"], now[name]["model_info"]
            # a user's edit is kept where the tool had recorded what it wrote; an entry it
            # never wrote (it was pinned by the hand entries' anchor then) counts as untouched
            old = was.get(name, {"litellm_params": {}, "model_info": {}})
            recorded = RECORD_KEY in old["model_info"]
            if recorded and old["model_info"].get("input_cost_per_token") == USER_PRICE:
                assert info["input_cost_per_token"] == USER_PRICE  # kept your edit
            else:
                assert info["input_cost_per_token"] == wanted.model_info["input_cost_per_token"]
            user_base = recorded and old["litellm_params"].get("api_base") == USER_BASE
            assert params.get("api_base") == (USER_BASE if user_base else None)
            assert params["api_key"] == "os.environ/OPENROUTER_API_KEY"
        for name in was:
            if name not in {e.model_name for e in case.second} and name not in pinned:
                assert name not in now  # gone from the catalog: removed
        assert doc.notes == []

        assert not run_refresh(path, case.second).write()
        assert path.read_text() == once  # twice is once
