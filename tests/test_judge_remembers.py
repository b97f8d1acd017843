"""A received judge answer is cached for its inputs, including the families it got wrong; transport
errors, timeouts and answers without JSON are not (the fake judge is a real server on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fake_judge import FakeJudge, Reply, picks_json, prompt_families

from discovery_tui import ranking
from discovery_tui.families import Family
from discovery_tui.judge import JudgeSettings, choose_picks
from discovery_tui.models import Model, Pick

TODAY = date(2026, 5, 20)
INVENTED = "anthropic/claude-sonnet-9"


def model(model_id: str, released: str) -> Model:
    return Model(
        provider="openrouter",
        id=model_id,
        litellm_model=f"openrouter/{model_id}",
        released=date.fromisoformat(released),
        input_cost_per_token=3e-6,
        output_cost_per_token=15e-6,
    )


FAMILIES = {
    name: Family(name=name, intent=f"{name} line", vendors=(), match=(), exclude=(), aliases=())
    for name in ("claude", "gpt")
}


def candidates(extra_claude: Sequence[Model] = ()) -> dict[str, dict[str, list[Model]]]:
    return {
        "openrouter": {
            "claude": [
                *extra_claude,
                model("anthropic/claude-sonnet-4.6", "2026-02-17"),
                model("anthropic/claude-sonnet-4.5", "2025-09-29"),
            ],
            "gpt": [model("openai/gpt-5.5", "2026-04-24"), model("openai/gpt-5.4", "2026-03-05")],
        }
    }


def wrong_for_claude(body: dict[str, Any]) -> Reply:
    """A valid pick for gpt (its second candidate), an invented id for claude."""
    fams = prompt_families(body)
    picks = {"claude": INVENTED} if "claude" in fams else {}
    if "gpt" in fams:
        picks["gpt"] = fams["gpt"][1]
    return Reply(content=picks_json(picks, "fits the intent"))


async def run(
    url: str,
    cache_dir: Path,
    *,
    cands: Mapping[str, Mapping[str, Sequence[Model]]] | None = None,
    timeout: float = 10.0,
) -> dict[str, Pick]:
    judge = JudgeSettings(base_url=url, model="fake-judge", api_key="k", timeout=timeout)
    async with httpx.AsyncClient() as client:
        result = await choose_picks(
            client,
            candidates=candidates() if cands is None else cands,
            families=FAMILIES,
            judge=judge,
            pins={},
            today=TODAY,
            cache_dir=cache_dir,
        )
    return result["openrouter"]


async def test_a_wrong_family_is_remembered_and_the_second_run_asks_nobody(
    tmp_path: Path,
) -> None:
    with FakeJudge(wrong_for_claude) as server:
        first = await run(server.url, tmp_path)
        assert len(server.recorded()) == 1
        second = await run(server.url, tmp_path)
        assert len(server.recorded()) == 1  # NO judge call: both families come from the cache

    assert (first["gpt"].by, first["gpt"].model.id) == ("llm", "openai/gpt-5.4")
    assert (second["gpt"].by, second["gpt"].model.id) == ("cached", "openai/gpt-5.4")

    best = ranking.best(candidates()["openrouter"]["claude"], today=TODAY)
    assert best is not None and best.id == "anthropic/claude-sonnet-4.6"
    assert (first["claude"].by, first["claude"].model) == ("heuristic", best)
    assert first["claude"].reason == (
        f"the judge answered an unknown id '{INVENTED}'; deterministic choice: newest generally "
        "available generation (4.6) among 2 candidates"
    )
    assert (second["claude"].by, second["claude"].model) == ("heuristic", best)
    assert second["claude"].reason == (
        f"the judge answered an unknown id '{INVENTED}' (remembered from the judge's answer of "
        "2026-05-20; asked again when these candidates change); deterministic choice: newest "
        "generally available generation (4.6) among 2 candidates"
    )
    records = [json.loads(f.read_text(encoding="utf-8")) for f in tmp_path.rglob("*.json")]
    stored = {r["family"]: (r["fallback"], r["model"]) for r in records}
    assert stored == {
        "claude": (True, "anthropic/claude-sonnet-4.6"),
        "gpt": (False, "openai/gpt-5.4"),
    }


async def test_a_changed_catalog_asks_again_for_the_family_it_got_wrong(tmp_path: Path) -> None:
    with FakeJudge(wrong_for_claude) as server:
        await run(server.url, tmp_path)
        newer = candidates([model("anthropic/claude-sonnet-4.7", "2026-05-19")])
        result = await run(server.url, tmp_path, cands=newer)
        items = server.recorded()
    assert len(items) == 2
    assert list(prompt_families(items[1].body or {})) == ["claude"]  # gpt still cached
    assert result["claude"].model.id == "anthropic/claude-sonnet-4.7"
    assert "remembered" not in result["claude"].reason  # a fresh answer, wrong again
    assert result["gpt"].by == "cached"


async def test_an_answer_without_picks_is_remembered_for_every_family(tmp_path: Path) -> None:
    with FakeJudge(lambda body: Reply(content='{"choice": "gpt-5.5"}')) as server:
        await run(server.url, tmp_path)
        second = await run(server.url, tmp_path)
        assert len(server.recorded()) == 1
    for pick in second.values():
        assert pick.by == "heuristic"
        assert pick.reason.startswith("the judge gave no pick for this family (remembered")


async def test_a_timeout_is_not_cached_and_the_next_run_asks_again(tmp_path: Path) -> None:
    with FakeJudge(wrong_for_claude, latency=5.0) as server:
        first = await run(server.url, tmp_path, timeout=0.3)
    assert {p.by for p in first.values()} == {"heuristic"}
    assert all("did not answer within 0.3 s" in p.reason for p in first.values())
    assert list(tmp_path.rglob("*.json")) == []
    with FakeJudge(wrong_for_claude) as server:
        second = await run(server.url, tmp_path)
        assert len(server.recorded()) == 1  # asked again
    assert second["gpt"].by == "llm"


async def test_transport_errors_and_prose_answers_are_not_cached(tmp_path: Path) -> None:
    for reply in (Reply(status=500), Reply(content="I think Sonnet 4.6 is best.")):

        def answer(body: dict[str, Any], reply: Reply = reply) -> Reply:
            return reply

        with FakeJudge(answer) as server:
            first = await run(server.url, tmp_path)
            await run(server.url, tmp_path)
            assert len(server.recorded()) == 2  # the second run asked again
        assert {p.by for p in first.values()} == {"heuristic"}
        assert list(tmp_path.rglob("*.json")) == []
