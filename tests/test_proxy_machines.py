"""A team's proxy refreshed from several machines: which aliases and fallbacks are the tool's is
recorded ON the proxy (its models' claims, discovery_tui/proxyrecord.py), not in one machine's
profile.yaml. The proxy is the in-memory model API of tests/test_proxytarget.py (MockTransport).
"""

from __future__ import annotations

from datetime import date

import pytest
from test_proxytarget import KEY, FakeModelApi, target_of

from discovery_tui.errors import ApplyTargetError
from discovery_tui.families import Family
from discovery_tui.models import OWNER_KEY, Entry, Model, Pick
from discovery_tui.ownership import WrittenRouter
from discovery_tui.pipeline import Computation
from discovery_tui.plan import ProviderOutcome, build_plan
from discovery_tui.proxyapi import tool_model_id
from discovery_tui.proxyrecord import BOOKKEEPING_KEY
from discovery_tui.proxytarget import ProxyTarget

GROK = Family("grok", "xAI's flagship.", ("xai",), ("grok",), (), ("grok", "xai-best"))
NO_RECORD = WrittenRouter()  # a new machine's empty profile
OTHER_RECORD = WrittenRouter({}, {})  # a profile whose record is of another target


def outcome(provider: str, *names: str) -> ProviderOutcome:
    models = tuple(
        Model(provider, n, f"{provider}/{n}", context_window=256000, released=date(2025, 7, 9))
        for n in names
    )
    entries = tuple(
        Entry(
            m.litellm_model,
            provider,
            {"model": m.litellm_model, "api_key": KEY},
            {OWNER_KEY: provider},
        )
        for m in models
    )
    pick = Pick("grok", models[0], "heuristic", "newest")
    return ProviderOutcome(
        provider, "ok", models=len(models), picks={"grok": pick}, entries=entries, candidates=models
    )


def run(xai: tuple[str, ...], openrouter: tuple[str, ...], written: WrittenRouter) -> Computation:
    outcomes = (outcome("xai", *xai), outcome("openrouter", *openrouter))
    return Computation(
        outcomes=outcomes,
        families={"grok": GROK},
        provider_order=("xai", "openrouter"),
        recorded_picks={},
        models={m.litellm_model: m for o in outcomes for m in o.candidates},
        written=written,
    )


def apply(target: ProxyTarget, computation: Computation) -> None:
    target.write(build_plan(target.state(), computation))


def team_proxy() -> FakeModelApi:
    """A proxy with the team's own model, an alias of theirs that has a families.yaml name, and
    a fallback item of theirs."""
    fake = FakeModelApi()
    fake.models["team.1"] = {
        "model_name": "team-model",
        "litellm_params": {"model": "xai/grok-3", "api_key": "os.environ/TEAM_KEY"},
        "model_info": {"id": "team.1"},
    }
    fake.router = {
        "model_group_alias": {"team-alias": "team-model", "xai-best": "team-model"},
        "fallbacks": [{"team-alias": ["xai/grok-3"]}],
    }
    return fake


@pytest.mark.parametrize("b_profile", [NO_RECORD, OTHER_RECORD], ids=["empty", "other-target"])
def test_a_second_machine_moves_the_tools_aliases_and_keeps_the_teams(
    b_profile: WrittenRouter,
) -> None:
    proxy = team_proxy()
    apply(target_of(proxy), run(("grok-3",), ("x-ai/grok-3",), NO_RECORD))  # machine A
    assert proxy.router["model_group_alias"] == {
        "team-alias": "team-model",
        "xai-best": "team-model",  # the team's, though families.yaml names it
        "grok": "xai/grok-3",
    }
    made = proxy.models[tool_model_id("xai", "xai/grok-3")]["model_info"][BOOKKEEPING_KEY]
    assert (made["aliases"], made["fallbacks"]) == (
        ["grok"],
        [{"grok": ["openrouter/x-ai/grok-3"]}],
    )

    machine_b = target_of(proxy)  # another machine, its own profile; the catalogs moved
    plan = build_plan(machine_b.state(), run(("grok-4",), ("x-ai/grok-4",), b_profile))
    machine_b.write(plan)
    assert proxy.router["model_group_alias"] == {
        "team-alias": "team-model",
        "xai-best": "team-model",
        "grok": "xai/grok-4",
    }
    assert proxy.router["fallbacks"] == [
        {"team-alias": ["xai/grok-3"]},
        {"grok": ["openrouter/x-ai/grok-4"]},
    ]
    assert "xai-best: kept your alias (team-model)" in [n.text for n in plan.notes]
    assert proxy.models["team.1"]["model_info"] == {"id": "team.1"}

    # machine A again, its profile's record stale: the proxy's record counts, nothing to do
    before = len(proxy.writes())
    stale = WrittenRouter({"grok": "xai/grok-3"}, {"grok": ("openrouter/x-ai/grok-3",)})
    machine_a = target_of(proxy)
    again = build_plan(machine_a.state(), run(("grok-4",), ("x-ai/grok-4",), stale))
    assert not again.has_changes
    machine_a.write(again)
    assert proxy.writes()[before:] == []


def test_an_alias_re_pointed_by_an_admin_is_theirs_on_every_machine() -> None:
    proxy = team_proxy()
    apply(target_of(proxy), run(("grok-3",), ("x-ai/grok-3",), NO_RECORD))
    proxy.router["model_group_alias"]["grok"] = "team-model"  # the admin's choice, in the UI
    machine_b = target_of(proxy)
    plan = build_plan(machine_b.state(), run(("grok-4",), ("x-ai/grok-4",), NO_RECORD))
    machine_b.write(plan)
    assert proxy.router["model_group_alias"]["grok"] == "team-model"
    assert "grok: kept your alias (team-model)" in [n.text for n in plan.notes]


def test_claims_move_around_the_alias_table_so_a_failure_half_way_converges() -> None:
    proxy = FakeModelApi()
    both = ("grok-3", "grok-4")
    apply(target_of(proxy), run(both, ("x-ai/grok-3",), NO_RECORD))
    old, new = (tool_model_id("xai", f"xai/{n}") for n in both)
    before = len(proxy.writes())
    proxy.fail_on = ("POST", "/config/update")
    with pytest.raises(ApplyTargetError, match="recorded the aliases of xai/grok-4"):
        apply(target_of(proxy), run(("grok-4", "grok-3"), ("x-ai/grok-3",), NO_RECORD))
    # grok-4 claims grok before the table moves (grok-3 still does): the record never lags
    assert proxy.writes()[before:] == [
        ("PATCH", f"/model/{new}/update"),
        ("POST", "/config/update"),
    ]
    proxy.fail_on = None
    before = len(proxy.writes())
    apply(target_of(proxy), run(("grok-4", "grok-3"), ("x-ai/grok-3",), OTHER_RECORD))
    assert proxy.router["model_group_alias"] == {"grok": "xai/grok-4", "xai-best": "xai/grok-4"}
    assert proxy.writes()[before:] == [
        ("POST", "/config/update"),
        ("PATCH", f"/model/{old}/update"),  # grok-3 lets go of grok after the table moved
    ]
    assert proxy.models[old]["model_info"][BOOKKEEPING_KEY]["aliases"] == []
    assert proxy.models[new]["model_info"][BOOKKEEPING_KEY]["aliases"] == ["grok", "xai-best"]
    unchanged = run(("grok-4", "grok-3"), ("x-ai/grok-3",), OTHER_RECORD)
    assert not build_plan(target_of(proxy).state(), unchanged).has_changes


def test_an_alias_already_where_the_tool_points_is_recorded_once_then_nothing_is_written() -> None:
    proxy = FakeModelApi()
    apply(target_of(proxy), run(("grok-3",), ("x-ai/grok-3",), NO_RECORD))
    model_id = tool_model_id("xai", "xai/grok-3")
    proxy.models[model_id]["model_info"][BOOKKEEPING_KEY]["aliases"] = []  # claims lost
    proxy.router["model_group_alias"]["grok"] = "xai/grok-3"
    before = len(proxy.writes())
    target = target_of(proxy)
    plan = build_plan(target.state(), run(("grok-3",), ("x-ai/grok-3",), NO_RECORD))
    assert not plan.has_changes  # the alias is adopted: it points where the tool would
    assert target.write(plan).written is False
    assert proxy.writes()[before:] == [("PATCH", f"/model/{model_id}/update")]
    assert proxy.models[model_id]["model_info"][BOOKKEEPING_KEY]["aliases"] == ["grok", "xai-best"]
    before = len(proxy.writes())
    apply(target_of(proxy), run(("grok-3",), ("x-ai/grok-3",), NO_RECORD))
    assert proxy.writes()[before:] == []
