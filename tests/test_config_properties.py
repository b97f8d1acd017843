"""Properties of a refresh over generated configs (issue 6 item 4, issue 11 item 8), through the
real path: ``build_plan`` on the file's state, ``apply_run`` on a ``ConfigFileTarget`` (lock,
re-plan, write, profile record).

A refresh never changes what it does not own (hand-written entries, the user's aliases and
fallback items, other sections, comments); the family aliases never take a hand entry's name
(``default``, ``claude``) nor point at a hand entry; the user's edits of owned entries are kept;
and refresh twice equals refresh once, byte for byte.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discovery_tui.apply import ApplyResult, ConfigFileTarget, ProfileRecord, apply_run
from discovery_tui.configfile import ConfigDocument
from discovery_tui.families import Family
from discovery_tui.models import OWNER_KEY, Entry, Model, Pick
from discovery_tui.ownership import RECORD_KEY, read_written
from discovery_tui.pipeline import Computation
from discovery_tui.plan import Plan, ProviderOutcome, build_plan, conflicting_names
from discovery_tui.plan.settings import master_key_setting

P = "openrouter"
Q = "xai"
P_NAMES = [f"openrouter/m{i}" for i in range(8)]
Q_NAMES = [f"xai/g{i}" for i in range(4)]
HAND_NAMES = [f"hand-{i}" for i in range(4)] + P_NAMES[:2] + ["default", "claude"]
# families' aliases (the tool's when it writes them); "default" and "claude" may be hand names
FAMILIES = {
    "claude": Family("claude", "Sonnet.", (), ("^m[0-3]$",), (), ("claude", "default")),
    "gpt": Family("gpt", "GPT.", (), ("^m[4-7]$", "^g"), (), ("gpt", "cheap")),
}
OUR_ALIASES = ["claude", "default", "gpt", "cheap"]
PRICES = [1e-06, 2.5e-06, 3e-07, 0.5, 3.0]
COMMENT = re.compile(r"# c-\d+")


def p_entry(name: str, price: float, provider: str = P) -> Entry:
    key = f"os.environ/{provider.upper()}_API_KEY"
    params: dict[str, object] = {"model": name, "api_key": key}
    info: dict[str, object] = {"mode": "chat", "input_cost_per_token": price, OWNER_KEY: provider}
    return Entry(name, provider, params, info)


def run_of(
    entries: list[Entry], picks: dict[str, dict[str, str]], master: bool
) -> Computation:
    """A run that refreshed P and Q: their entries, and per family the name each one picked."""
    models = {
        e.model_name: Model(e.provider, e.model_name.split("/", 1)[1], e.model_name)
        for e in entries
    }
    outcomes = tuple(
        ProviderOutcome(
            provider,
            "ok",
            picks={
                family: Pick(family, models[name], "heuristic", "newest")
                for family, name in picks.get(provider, {}).items()
            },
            entries=tuple(e for e in entries if e.provider == provider),
            candidates=tuple(m for m in models.values() if m.provider == provider),
        )
        for provider in (P, Q)
    )
    return Computation(
        outcomes=outcomes,
        families=FAMILIES,
        provider_order=(P, Q),
        recorded_picks={},
        models=models,
        settings=(master_key_setting("LITELLM_MASTER_KEY"),) if master else (),
    )


def apply(config: Path, profile: Path, run: Computation) -> ApplyResult:
    """The real apply path: lock, re-plan on the file and the profile, write, record."""
    target = ConfigFileTarget(config)
    shown = build_plan(target.state(), replace(run, written=read_written(profile)))
    result = apply_run(target, run, shown, approved=False, record=ProfileRecord(profile))
    assert not result.replanned
    return result


@dataclass
class Case:
    text: str
    entries: list[Entry]
    picks: dict[str, dict[str, str]]
    master: bool


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
    tail = w.inline() if owner is None else ""  # an owned entry's line may go
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
    hand = w.draw(st.lists(st.sampled_from(HAND_NAMES), unique=True, max_size=4))
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
    if w.draw(st.booleans()):  # the user's own fallback items
        w.lines.append(f"{w.ind}fallbacks:")
        w.lines.append(f"{w.ind}- mine: [hand-0]{w.inline()}")
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
    if w.draw(st.booleans()):
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
        elif section == "litellm_settings" or draw(st.booleans()):
            write_other(w, section)
    if draw(st.booleans()):
        w.lines.append(w.comment() + " tail")
    wanted = draw(st.lists(st.sampled_from(P_NAMES + Q_NAMES), unique=True, max_size=8))
    entries = [
        p_entry(name, draw(st.sampled_from(PRICES)), P if name in P_NAMES else Q)
        for name in wanted
    ]
    picks: dict[str, dict[str, str]] = {}
    for family, pattern in (("claude", r"^openrouter/m[0-3]$"), ("gpt", r"/(m[4-7]|g\d)$")):
        for provider in (P, Q):
            offered = [n for n in wanted if re.search(pattern, n) and n.startswith(provider)]
            if offered and draw(st.integers(0, 3)):  # mostly picked
                picks.setdefault(provider, {})[family] = draw(st.sampled_from(offered))
    return Case("\n".join(w.lines) + "\n", entries, picks, draw(st.booleans()))


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def not_owned(text: str, plan: Plan) -> Any:
    """Everything a refresh with ``plan`` must leave as it is, as plain data: all but the owned
    entries, the aliases and fallback items the plan changes, and the settings it adds."""
    from ruamel.yaml import YAML

    data = plain(YAML(typ="safe").load(text))
    data["model_list"] = [
        e for e in data.get("model_list") or [] if not (e.get("model_info") or {}).get(OWNER_KEY)
    ]
    router = data.get("router_settings")
    if isinstance(router, dict):
        table = router.get("model_group_alias") or {}
        for change in plan.alias_changes:
            table.pop(change.alias, None)
        router["model_group_alias"] = table
        changed = {c.alias for c in plan.fallback_changes}
        router["fallbacks"] = [i for i in router.get("fallbacks") or [] if set(i) - changed]
        data["router_settings"] = {k: v for k, v in router.items() if v}
        if not data["router_settings"]:
            del data["router_settings"]
    for setting in plan.setting_changes:
        section = data.get(setting.section) or {}
        section.pop(setting.key, None)
        if section:
            data[setting.section] = section
        else:
            data.pop(setting.section, None)
    return data


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_a_refresh_changes_only_what_it_owns_and_twice_is_once(case: Case) -> None:
    # durability is test_fileio's and test_crash's business: skip fsync to keep this fast
    with tempfile.TemporaryDirectory() as folder, mock.patch("os.fsync"):
        path, profile = Path(folder) / "config.yaml", Path(folder) / "profile.yaml"
        path.write_text(case.text)
        before = ConfigDocument.load(path)
        state = before.state()
        clashes = set(conflicting_names(state, case.entries))
        user_keys = {
            (owner, name): (e["litellm_params"].get("rpm"), e["model_info"].get("note"))
            for owner, named in before.owned_entries().items()
            for name, e in named.items()
        }
        ours = {name for _, name in user_keys}
        hand = set(before.model_names()) - ours

        plan = apply(path, profile, run_of(case.entries, case.picks, case.master)).plan
        once = path.read_bytes()
        after_text = once.decode()

        assert not_owned(after_text, plan) == not_owned(case.text, plan)
        assert COMMENT.findall(after_text) == COMMENT.findall(case.text)
        after = ConfigDocument.load(path)
        owned = after.owned_entries()
        for wanted in case.entries:
            entry = owned.get(wanted.provider, {}).get(wanted.model_name)
            if wanted.model_name in clashes:
                assert entry is None or (wanted.provider, wanted.model_name) in user_keys
                continue
            assert entry is not None
            price = wanted.model_info["input_cost_per_token"]
            assert entry["model_info"]["input_cost_per_token"] == price
            key = (wanted.provider, wanted.model_name)
            if key in user_keys:
                info = entry["model_info"]
                assert (entry["litellm_params"].get("rpm"), info.get("note")) == user_keys[key]
        names = {n for named in owned.values() for n in named}
        assert names == {e.model_name for e in case.entries if e.model_name not in clashes}
        current = after.aliases()
        for alias, target in plan.aliases.items():
            assert current.get(alias) == target
            assert alias not in hand  # an alias never takes a model's name
            assert target in names  # nor points at a hand entry
        for change in plan.alias_changes:
            if change.new is None:
                assert change.alias not in current

        again = apply(path, profile, run_of(case.entries, case.picks, case.master))
        assert not again.written and not again.plan.has_changes
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


def run_refresh(path: Path, entries: list[Entry]) -> ApplyResult:
    return apply(path, path.with_name("profile.yaml"), run_of(entries, {}, master=False))


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

        result = run_refresh(path, case.second)
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
        assert result.notes == ()

        assert not run_refresh(path, case.second).written
        assert path.read_text() == once  # twice is once
