"""The LLM judge against a fake OpenAI-compatible server on 127.0.0.1 (tests/fake_judge.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_judge import (
    FakeJudge,
    Reply,
    Responder,
    completion,
    disjoint_pairs,
    pick_index,
    picks_json,
    prompt_families,
    prompt_provider,
)

from discovery_tui import judge as judge_mod
from discovery_tui import ranking
from discovery_tui.errors import DiscoveryError
from discovery_tui.families import Family
from discovery_tui.formatting import one_line
from discovery_tui.judge import (
    MAX_REQUEST_BYTES,
    JudgeSettings,
    choose_picks,
    parse_answer,
    resolve_judge,
)
from discovery_tui.judge import client as judge_client
from discovery_tui.models import Model, Pick

TODAY = date(2026, 5, 20)
SECRET = "sk-judge-SECRET-123"
CATALOG = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "catalogs"
    / "openrouter__models-dev-repo-models-json.json"
)

PREFIX = {"openrouter": "openrouter", "anthropic": "anthropic", "xai": "xai"}


def model(provider: str, model_id: str, released: str, **extra: Any) -> Model:
    return Model(
        provider=provider,
        id=model_id,
        litellm_model=f"{PREFIX.get(provider, provider)}/{model_id}",
        released=date.fromisoformat(released),
        context_window=extra.pop("context_window", 200_000),
        input_cost_per_token=extra.pop("input_cost_per_token", 3e-6),
        output_cost_per_token=extra.pop("output_cost_per_token", 15e-6),
        supports_tools=True,
        **extra,
    )


def family(name: str, intent: str, pin: str | None = None) -> Family:
    return Family(
        name=name, intent=intent, vendors=(), match=(), exclude=(), aliases=(name,), pin=pin
    )


FAMILIES = {
    "claude": family("claude", "Anthropic's Sonnet line: the everyday coding model."),
    "gpt": family("gpt", "OpenAI's flagship general GPT."),
    "grok": family("grok", "xAI's flagship Grok."),
    "gemini": family("gemini", "Google's Gemini Pro line."),
}


def candidates() -> dict[str, dict[str, list[Model]]]:
    """Three providers; within each family the deterministic best comes first."""
    return {
        "openrouter": {
            "claude": [
                model("openrouter", "anthropic/claude-sonnet-4.6", "2026-02-17"),
                model("openrouter", "anthropic/claude-sonnet-4.5", "2025-09-29"),
            ],
            "gpt": [
                model("openrouter", "openai/gpt-5.5", "2026-04-24"),
                model("openrouter", "openai/gpt-5.4", "2026-03-05"),
            ],
        },
        "anthropic": {
            "claude": [
                model("anthropic", "claude-sonnet-4-6", "2026-02-17"),
                model("anthropic", "claude-sonnet-4-5-20250929", "2025-09-29"),
            ],
        },
        "xai": {
            "grok": [
                model("xai", "grok-4.3", "2026-04-01"),
                model("xai", "grok-4", "2025-07-09"),
            ],
        },
    }


def settings(url: str, *, timeout: float = 10.0, key: str | None = SECRET) -> JudgeSettings:
    return JudgeSettings(base_url=url, model="fake-judge", api_key=key, timeout=timeout)


async def run(
    judge: JudgeSettings | None,
    *,
    cands: Mapping[str, Mapping[str, Sequence[Model]]] | None = None,
    pins: Mapping[str, str] | None = None,
    families: Mapping[str, Family] | None = None,
    cache_dir: Path | None = None,
    refresh_judge: bool = False,
) -> dict[str, dict[str, Pick]]:
    async with httpx.AsyncClient() as client:
        return await choose_picks(
            client,
            candidates=candidates() if cands is None else cands,
            families=FAMILIES if families is None else families,
            judge=judge,
            pins=pins or {},
            today=TODAY,
            cache_dir=cache_dir,
            refresh_judge=refresh_judge,
        )


@pytest.fixture
def fake() -> Iterator[FakeJudge]:
    server = FakeJudge(pick_index(1, "second is better for the intent"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def by_provider(server: FakeJudge) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in server.recorded():
        name = prompt_provider(item.body or {}) or "?"
        counts[name] = counts.get(name, 0) + 1
    return counts


def all_picks(result: Mapping[str, Mapping[str, Pick]]) -> list[Pick]:
    return [pick for fams in result.values() for pick in fams.values()]


# --------------------------------------------------------------------------- no judge


async def test_without_a_judge_every_pick_is_heuristic_with_explain() -> None:
    result = await run(None)
    cands = candidates()
    for provider, fams in cands.items():
        assert set(result[provider]) == set(fams)
        for name, models in fams.items():
            pick = result[provider][name]
            assert pick.by == "heuristic"
            assert pick.model == ranking.best(models, today=TODAY)
            assert pick.reason == one_line(ranking.explain(pick.model, models, today=TODAY))


async def test_families_without_candidates_get_no_pick() -> None:
    result = await run(None, cands={"xai": {"grok": [], "claude": []}, "groq": {}})
    assert result == {"xai": {}, "groq": {}}


# --------------------------------------------------------------------------- valid answers


async def test_valid_picks_are_used_and_marked_llm(fake: FakeJudge) -> None:
    result = await run(settings(fake.url))
    for provider, fams in candidates().items():
        for name, models in fams.items():
            pick = result[provider][name]
            assert (pick.by, pick.model, pick.reason) == (
                "llm",
                models[1],
                "second is better for the intent",
            )


async def test_exactly_one_call_per_provider(fake: FakeJudge) -> None:
    await run(settings(fake.url))
    assert by_provider(fake) == {"openrouter": 1, "anthropic": 1, "xai": 1}
    openrouter = next(r for r in fake.recorded() if prompt_provider(r.body or {}) == "openrouter")
    assert prompt_families(openrouter.body or {}) == {
        "claude": ["anthropic/claude-sonnet-4.6", "anthropic/claude-sonnet-4.5"],
        "gpt": ["openai/gpt-5.5", "openai/gpt-5.4"],
    }


async def test_the_request_asks_for_json_at_temperature_zero(fake: FakeJudge) -> None:
    await run(settings(fake.url), cands={"xai": candidates()["xai"]})
    (item,) = fake.recorded()
    body = item.body or {}
    assert item.path == "/v1/chat/completions"
    assert body["model"] == "fake-judge"
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    system, user = body["messages"]
    assert system["role"] == "system" and '{"picks": {"FAMILY"' in system["content"]
    assert "xAI's flagship Grok." in user["content"]
    assert "grok-4.3 | 2026-04-01 | ctx 200k | $3/15 | tools" in user["content"]
    assert "claude" not in user["content"]  # only this provider's families and candidates
    assert item.headers.get("authorization") == f"Bearer {SECRET}"


async def test_reasons_are_trimmed_to_one_line() -> None:
    long_reason = "line one\nline two " + "x" * 400

    def respond(body: dict[str, Any]) -> Reply:
        fams = prompt_families(body)
        return Reply(content=picks_json({f: ids[0] for f, ids in fams.items()}, long_reason))

    with FakeJudge(respond) as server:
        result = await run(settings(server.url), cands={"xai": candidates()["xai"]})
    reason = result["xai"]["grok"].reason
    assert "\n" not in reason and len(reason) <= 200 and reason.startswith("line one line two")


# --------------------------------------------------------------------------- invalid answers


def scripted(answers: Mapping[str, Mapping[str, str]]) -> Responder:
    """Answer each provider (read from the prompt) with the given family -> id picks."""

    def respond(body: dict[str, Any]) -> Reply:
        return Reply(content=picks_json(answers.get(prompt_provider(body) or "", {}), "why not"))

    return respond


async def test_an_invented_id_is_rejected_for_the_deterministic_choice() -> None:
    responder = scripted(
        {
            "openrouter": {"claude": "anthropic/claude-sonnet-9", "gpt": "openai/gpt-5.4"},
            "anthropic": {"claude": "claude-sonnet-4-5-20250929"},
            "xai": {"grok": "grok-4"},
        }
    )
    with FakeJudge(responder) as server:
        result = await run(settings(server.url))
    claude = result["openrouter"]["claude"]
    assert claude.by == "heuristic"
    assert claude.model.id == "anthropic/claude-sonnet-4.6"
    assert "judge answered an unknown id 'anthropic/claude-sonnet-9'" in claude.reason
    assert "deterministic choice:" in claude.reason
    assert result["openrouter"]["gpt"].by == "llm"  # the other family of the answer stands
    assert result["openrouter"]["gpt"].model.id == "openai/gpt-5.4"


async def test_an_id_of_another_provider_or_family_is_rejected() -> None:
    responder = scripted(
        {
            # OpenRouter's id offered to Anthropic; a claude id offered for gpt.
            "anthropic": {"claude": "anthropic/claude-sonnet-4.5"},
            "openrouter": {"claude": "anthropic/claude-sonnet-4.5", "gpt": "claude-sonnet-4-6"},
            "xai": {"grok": "openai/gpt-5.5"},
        }
    )
    with FakeJudge(responder) as server:
        result = await run(settings(server.url))
    assert result["anthropic"]["claude"].by == "heuristic"
    assert "unknown id 'anthropic/claude-sonnet-4.5'" in result["anthropic"]["claude"].reason
    assert result["openrouter"]["claude"].by == "llm"
    assert result["openrouter"]["gpt"].by == "heuristic"
    assert result["xai"]["grok"].by == "heuristic"
    for pick in all_picks(result):
        assert (
            pick.model.provider in result
            and pick.model in candidates()[pick.model.provider][pick.family]
        )


async def test_a_family_not_asked_is_ignored() -> None:
    responder = scripted({"xai": {"grok": "grok-4", "gemini": "gemini-9-pro", "claude": "x"}})
    with FakeJudge(responder) as server:
        result = await run(settings(server.url), cands={"xai": candidates()["xai"]})
    assert set(result["xai"]) == {"grok"}
    assert result["xai"]["grok"].by == "llm"


async def test_a_family_missing_from_the_answer_falls_back() -> None:
    responder = scripted({"openrouter": {"gpt": "openai/gpt-5.4"}})
    with FakeJudge(responder) as server:
        result = await run(settings(server.url), cands={"openrouter": candidates()["openrouter"]})
    assert result["openrouter"]["gpt"].by == "llm"
    assert result["openrouter"]["claude"].by == "heuristic"
    assert "gave no pick for this family" in result["openrouter"]["claude"].reason


FENCED = (
    "Sure! Here are my picks:\n```json\n"
    + picks_json({"grok": "grok-4"})
    + "\n```\nLet me know if you need more."
)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(content=FENCED),
        Reply(content="Here: " + picks_json({"grok": "grok-4"}) + " Hope that helps."),
        Reply(content=json.dumps({"grok": {"model": "grok-4", "reason": "why not"}})),
    ],
    ids=["fenced", "text-around", "without-picks-wrapper"],
)
async def test_lenient_json_is_accepted(reply: Reply) -> None:
    with FakeJudge(lambda body: reply) as server:
        result = await run(settings(server.url), cands={"xai": candidates()["xai"]})
    assert result["xai"]["grok"].by == "llm"
    assert result["xai"]["grok"].model.id == "grok-4"


FAULTS = [
    (Reply(content='{"picks": {"grok": {"model": "grok-4"'), "did not answer JSON"),
    (Reply(content="I'm sorry, but I can't help with choosing models."), "did not answer JSON"),
    (Reply(content=None, refusal="I cannot assist with that."), "the judge refused"),
    (Reply(content=""), "answered nothing"),
    (Reply(content='{"picks": ["grok-4"]}'), "no 'picks' object"),
    (Reply(raw=b"<html>Bad gateway</html>", content_type="text/html"), "not a chat completion"),
    (Reply(raw=b"not json at all"), "not a chat completion"),
    (Reply(raw=b'{"choices": [{"message": {"content": 5}}]}'), "answered nothing"),
    (Reply(raw=b'{"choices": []}'), "without any choice"),
    (Reply(status=500, content="boom"), "HTTP 500"),
    (Reply(status=502, content="bad gateway"), "HTTP 502"),
    (Reply(status=401, content="invalid key"), "HTTP 401"),
    (Reply(status=403, content="forbidden"), "HTTP 403"),
    (Reply(status=404, content="no such model"), "HTTP 404"),
    (Reply(status=429, content="slow down"), "HTTP 429"),
]


@pytest.mark.parametrize(("reply", "expected"), FAULTS, ids=[f[1] for f in FAULTS])
async def test_faults_fall_back_with_a_reason(reply: Reply, expected: str) -> None:
    with FakeJudge(lambda body: reply) as server:
        result = await run(settings(server.url))
        assert by_provider(server) == {"openrouter": 1, "anthropic": 1, "xai": 1}  # no retries
    for provider, fams in candidates().items():
        for name, models in fams.items():
            pick = result[provider][name]
            assert pick.by == "heuristic"
            assert pick.model == ranking.best(models, today=TODAY)
            assert expected in pick.reason and "deterministic choice:" in pick.reason
            assert "\n" not in pick.reason


async def test_a_timeout_falls_back() -> None:
    with FakeJudge(pick_index(1), latency=5.0) as server:
        result = await run(settings(server.url, timeout=0.3))
    for pick in all_picks(result):
        assert pick.by == "heuristic"
        assert "did not answer within 0.3 s" in pick.reason


async def test_a_judge_that_cannot_be_reached_falls_back() -> None:
    with FakeJudge() as server:
        url = server.url
    result = await run(settings(url), cands={"xai": candidates()["xai"]})
    assert result["xai"]["grok"].by == "heuristic"
    assert "cannot be reached" in result["xai"]["grok"].reason


async def test_an_unexpected_sdk_failure_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    async def explode(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError(f"surprise {SECRET}")

    monkeypatch.setattr(judge_client, "call_judge", explode)
    with FakeJudge() as server:
        result = await run(settings(server.url), cands={"xai": candidates()["xai"]})
    pick = result["xai"]["grok"]
    assert pick.by == "heuristic"
    assert "failed unexpectedly (RuntimeError)" in pick.reason and SECRET not in pick.reason


async def test_response_format_rejected_is_retried_once_without_it() -> None:
    def respond(body: dict[str, Any]) -> Reply:
        if "response_format" in body:
            return Reply(status=400, content="response_format is not supported by this model")
        return pick_index(1)(body)

    with FakeJudge(respond) as server:
        result = await run(settings(server.url), cands={"xai": candidates()["xai"]})
        bodies = [r.body or {} for r in server.recorded()]
    assert result["xai"]["grok"].by == "llm"
    assert ["response_format" in b for b in bodies] == [True, False]


async def test_another_400_is_not_retried() -> None:
    with FakeJudge(lambda body: Reply(status=400, content="context too long")) as server:
        result = await run(settings(server.url), cands={"xai": candidates()["xai"]})
        assert len(server.recorded()) == 1
    assert "HTTP 400: context too long" in result["xai"]["grok"].reason


# --------------------------------------------------------------------------- concurrency


async def test_providers_are_asked_concurrently() -> None:
    with FakeJudge(pick_index(0), latency=1.0) as server:
        result = await run(settings(server.url))
        items = server.recorded()
    assert all(pick.by == "llm" for pick in all_picks(result))
    assert len(items) == 3
    assert list(disjoint_pairs(items)) == []  # every pair of requests overlapped in time
    assert max(i.arrived for i in items) < min(i.finished or 0.0 for i in items)


# --------------------------------------------------------------------------- cache


async def test_the_second_run_is_served_from_the_cache(fake: FakeJudge, tmp_path: Path) -> None:
    first = await run(settings(fake.url), cache_dir=tmp_path)
    assert len(fake.recorded()) == 3
    second = await run(settings(fake.url), cache_dir=tmp_path)
    assert len(fake.recorded()) == 3  # no new call
    for provider, fams in first.items():
        for name, pick in fams.items():
            again = second[provider][name]
            assert (again.by, again.model, again.reason) == ("cached", pick.model, pick.reason)


async def test_a_changed_candidate_list_asks_again(fake: FakeJudge, tmp_path: Path) -> None:
    await run(settings(fake.url), cache_dir=tmp_path)
    changed = candidates()
    changed["anthropic"]["claude"].insert(0, model("anthropic", "claude-sonnet-4-7", "2026-05-01"))
    result = await run(settings(fake.url), cands=changed, cache_dir=tmp_path)
    items = fake.recorded()
    assert len(items) == 4
    assert prompt_provider(items[3].body or {}) == "anthropic"
    assert result["anthropic"]["claude"].by == "llm"
    assert result["openrouter"]["claude"].by == "cached"
    assert result["xai"]["grok"].by == "cached"


async def test_only_uncached_families_are_asked(fake: FakeJudge, tmp_path: Path) -> None:
    await run(settings(fake.url), cache_dir=tmp_path)
    changed = candidates()
    changed["openrouter"]["gpt"].append(model("openrouter", "openai/gpt-5", "2025-08-07"))
    result = await run(settings(fake.url), cands=changed, cache_dir=tmp_path)
    last = fake.recorded()[-1]
    assert list(prompt_families(last.body or {})) == ["gpt"]
    assert result["openrouter"]["gpt"].by == "llm"
    assert result["openrouter"]["claude"].by == "cached"


async def test_refresh_judge_ignores_the_cache(fake: FakeJudge, tmp_path: Path) -> None:
    await run(settings(fake.url), cache_dir=tmp_path)
    result = await run(settings(fake.url), cache_dir=tmp_path, refresh_judge=True)
    assert len(fake.recorded()) == 6
    assert all(pick.by == "llm" for pick in all_picks(result))


async def test_without_a_cache_dir_every_run_asks(fake: FakeJudge) -> None:
    await run(settings(fake.url))
    await run(settings(fake.url))
    assert len(fake.recorded()) == 6


async def test_fallbacks_are_not_cached(tmp_path: Path) -> None:
    with FakeJudge(lambda body: Reply(status=500)) as server:
        await run(settings(server.url), cache_dir=tmp_path)
    with FakeJudge(pick_index(1)) as server:
        result = await run(settings(server.url), cache_dir=tmp_path)
        assert len(server.recorded()) == 3
    assert all(pick.by == "llm" for pick in all_picks(result))


async def test_a_corrupt_cache_file_is_ignored(fake: FakeJudge, tmp_path: Path) -> None:
    await run(settings(fake.url), cache_dir=tmp_path)
    files = {
        json.loads(f.read_text(encoding="utf-8"))["provider"]: f for f in tmp_path.rglob("*.json")
    }
    assert len(list(tmp_path.rglob("*.json"))) == 4  # one per (provider, family)
    files["xai"].write_text('{"v": 1, "model": ', encoding="utf-8")
    record = json.loads(files["anthropic"].read_text(encoding="utf-8"))
    files["anthropic"].write_text(json.dumps({**record, "model": "invented"}), encoding="utf-8")
    result = await run(settings(fake.url), cache_dir=tmp_path)
    asked_again = [prompt_provider(r.body or {}) or "?" for r in fake.recorded()[3:]]
    assert sorted(asked_again) == ["anthropic", "xai"]
    assert result["xai"]["grok"].by == "llm"
    assert result["anthropic"]["claude"].by == "llm"
    assert {p.by for p in result["openrouter"].values()} == {"cached"}
    assert json.loads(files["xai"].read_text(encoding="utf-8"))["model"] == "grok-4"  # rewritten


async def test_a_cache_dir_that_cannot_be_written_costs_nothing(
    fake: FakeJudge, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = await run(settings(fake.url), cache_dir=blocker)
    assert all(pick.by == "llm" for pick in all_picks(result))


# --------------------------------------------------------------------------- pins


async def test_a_profile_pin_wins_and_notes_the_judges_choice(fake: FakeJudge) -> None:
    pins = {"claude": "anthropic/claude-sonnet-4.6"}  # the judge (index 1) would choose 4.5
    result = await run(settings(fake.url), pins=pins)
    pick = result["openrouter"]["claude"]
    assert (pick.by, pick.model.id) == ("pinned", "anthropic/claude-sonnet-4.6")
    assert pick.note == "the judge would choose anthropic/claude-sonnet-4.5"
    assert "profile.yaml" in pick.reason
    # the pin matches no candidate of Anthropic's own catalog: ignored there, and said so
    other = result["anthropic"]["claude"]
    assert other.by == "llm"
    assert "pin 'anthropic/claude-sonnet-4.6'" in other.reason
    assert "matches no candidate" in other.reason


async def test_a_pin_equal_to_the_choice_has_no_note(fake: FakeJudge) -> None:
    result = await run(settings(fake.url), pins={"grok": "grok-4"})
    assert result["xai"]["grok"].by == "pinned"
    assert result["xai"]["grok"].note is None


async def test_a_families_yaml_pin_applies_and_the_profile_pin_wins() -> None:
    families = dict(FAMILIES)
    families["grok"] = family("grok", "xAI's flagship Grok.", pin="grok-4")
    families["claude"] = family("claude", "Sonnet.", pin="claude-sonnet-4-5-20250929")
    result = await run(
        None, families=families, pins={"claude": "claude-sonnet-4-6"}, cands=candidates()
    )
    assert result["xai"]["grok"].model.id == "grok-4"
    assert result["xai"]["grok"].reason == "pinned in families.yaml"
    assert result["xai"]["grok"].note == "the deterministic choice would be grok-4.3"
    assert result["anthropic"]["claude"].model.id == "claude-sonnet-4-6"
    assert result["anthropic"]["claude"].reason == "pinned in profile.yaml"


async def test_a_pin_may_name_the_litellm_string_or_the_bare_id() -> None:
    result = await run(
        None, pins={"gpt": "openrouter/openai/gpt-5.4", "claude": "claude-sonnet-4.5"}
    )
    assert result["openrouter"]["gpt"].model.id == "openai/gpt-5.4"
    assert result["openrouter"]["claude"].model.id == "anthropic/claude-sonnet-4.5"
    assert result["openrouter"]["claude"].by == "pinned"


# --------------------------------------------------------------------------- size


def openrouter_candidates() -> dict[str, list[Model]]:
    if not CATALOG.is_file():
        pytest.skip(f"real OpenRouter catalog not found at {CATALOG}")
    from discovery_tui.families import candidates_by_family, load_families
    from discovery_tui.providers.openrouter import parse_model

    data = json.loads(CATALOG.read_text(encoding="utf-8"))["data"]
    models = [m for m in (parse_model(obj) for obj in data) if m is not None]
    return candidates_by_family(models, load_families(), provider_vendor=None, today=TODAY)


async def test_a_full_openrouter_catalog_fits_in_16000_bytes() -> None:
    fams = openrouter_candidates()
    assert len(fams) >= 8
    from discovery_tui.families import load_families

    with FakeJudge(pick_index(0)) as server:
        result = await run(
            settings(server.url), cands={"openrouter": fams}, families=load_families()
        )
        (item,) = server.recorded()
    assert len(item.raw) <= MAX_REQUEST_BYTES
    asked = prompt_families(item.body or {})
    assert set(asked) == set(fams)
    assert all(p.by == "llm" for p in result["openrouter"].values())
    assert '"pricing"' not in item.raw.decode()  # candidate lines, never the raw catalog


async def test_many_candidates_are_capped_and_the_cap_is_said() -> None:
    many = [
        model("openrouter", f"anthropic/claude-sonnet-4.{i}-extra-long-name-{i:03}", "2026-01-01")
        for i in range(120)
    ]
    cands = {"openrouter": {name: list(many) for name in ("claude", "gpt", "grok", "gemini")}}
    with FakeJudge(pick_index(0)) as server:
        await run(settings(server.url), cands=cands)
        (item,) = server.recorded()
    assert len(item.raw) <= MAX_REQUEST_BYTES
    text = item.raw.decode()
    assert "lower-ranked candidates not shown" in text
    assert all(0 < len(ids) < 120 for ids in prompt_families(item.body or {}).values())


# --------------------------------------------------------------------------- secrets


async def test_the_key_never_leaks_into_files_reasons_or_reprs(tmp_path: Path) -> None:
    echo = f"invalid key {SECRET} (Bearer {SECRET})"

    def respond(body: dict[str, Any]) -> Reply:
        provider = prompt_provider(body)
        if provider == "xai":
            return Reply(status=400, content=echo)
        if provider == "anthropic":
            return Reply(content=picks_json({"claude": SECRET}, f"because {SECRET}"))
        return Reply(content=picks_json({"claude": "anthropic/claude-sonnet-4.5"}, SECRET))

    judge = settings("http://127.0.0.1:1/v1")
    with FakeJudge(respond) as server:
        judge = settings(server.url)
        result = await run(judge, cache_dir=tmp_path)
    assert SECRET not in repr(judge)
    texts = [f"{p.reason} {p.note} {p!r}" for p in all_picks(result)]
    assert not [t for t in texts if SECRET in t]
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text(encoding="utf-8")


async def test_judge_errors_do_not_carry_the_key() -> None:
    from discovery_tui.errors import JudgeError

    with FakeJudge(lambda body: Reply(status=500, content=f"boom {SECRET}")) as server:
        judge = settings(server.url)
        async with httpx.AsyncClient() as client:
            oai = judge_client.openai_client(client, judge)
            with pytest.raises(JudgeError) as info:
                await judge_client.call_judge(oai, judge, [{"role": "user", "content": "hi"}])
    assert SECRET not in str(info.value)
    assert "HTTP 500" in str(info.value)


async def test_openai_environment_credentials_are_not_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-LEAK")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-LEAK")
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "X-Api-Key: header-LEAK\nAuthorization: LEAK")
    with FakeJudge(pick_index(0)) as server:
        await run(settings(server.url, key=None), cands={"xai": candidates()["xai"]})
        (item,) = server.recorded()
    assert "LEAK" not in json.dumps(item.headers)
    assert item.headers.get("authorization") == "Bearer no-key"


# --------------------------------------------------------------------------- parsing


def test_parse_answer_takes_the_object_with_picks() -> None:
    text = 'Thinking {"note": 1} then {"picks": {"a": {"model": "b"}}} done'
    assert parse_answer(text) == {"picks": {"a": {"model": "b"}}}


def test_completion_helper_builds_an_openai_body() -> None:
    body = json.loads(completion("hi"))
    assert body["choices"][0]["message"]["content"] == "hi"


# --------------------------------------------------------------------------- resolve_judge


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (
        "DISCOVERY_TUI_JUDGE_API_KEY",
        "OPENROUTER_API_KEY",
        "OPENROUTER_API_BASE",
        "XAI_API_KEY",
        "XAI_API_BASE",
        "MY_PROXY_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCOVERY_TUI_NO_KEYRING", "1")
    return monkeypatch


def test_no_llm_wins(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENROUTER_API_KEY", "sk-or")
    assert resolve_judge(base_url="http://x/v1", model="m", profile_judge={}, no_llm=True) is None


def test_nothing_configured_and_no_openrouter_key_means_no_judge(
    clean_env: pytest.MonkeyPatch,
) -> None:
    assert resolve_judge(base_url=None, model=None, profile_judge={}, no_llm=False) is None


def test_openrouter_is_the_default_when_its_key_is_set(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENROUTER_API_KEY", "sk-or-KEY")
    judge = resolve_judge(base_url=None, model=None, profile_judge={}, no_llm=False)
    assert judge is not None
    assert judge.base_url == "https://openrouter.ai/api/v1"
    assert judge.model == judge_mod.DEFAULT_JUDGE_MODEL
    assert judge.api_key == "sk-or-KEY"
    assert "sk-or-KEY" not in repr(judge)


def test_openrouter_api_base_is_honoured(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENROUTER_API_KEY", "sk-or-KEY")
    clean_env.setenv("OPENROUTER_API_BASE", "http://127.0.0.1:9999/api/v1/")
    judge = resolve_judge(base_url=None, model="some/model", profile_judge={}, no_llm=False)
    assert judge is not None
    assert (judge.base_url, judge.model, judge.api_key) == (
        "http://127.0.0.1:9999/api/v1",
        "some/model",
        "sk-or-KEY",
    )


def test_the_profile_comes_before_openrouter(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENROUTER_API_KEY", "sk-or-KEY")
    profile = {"base_url": "http://127.0.0.1:4000", "model": "claude-fast", "timeout": 20}
    judge = resolve_judge(base_url=None, model=None, profile_judge=profile, no_llm=False)
    assert judge is not None
    assert (judge.base_url, judge.model, judge.timeout) == (
        "http://127.0.0.1:4000",
        "claude-fast",
        20,
    )
    assert judge.api_key is None  # OpenRouter's key is not sent to another endpoint


def test_the_command_line_comes_before_the_profile(clean_env: pytest.MonkeyPatch) -> None:
    profile = {"base_url": "http://127.0.0.1:4000", "model": "claude-fast"}
    judge = resolve_judge(
        base_url="http://127.0.0.1:5000/v1", model="gpt", profile_judge=profile, no_llm=False
    )
    assert judge is not None
    assert (judge.base_url, judge.model) == ("http://127.0.0.1:5000/v1", "gpt")
    only_model = resolve_judge(base_url=None, model="m2", profile_judge=profile, no_llm=False)
    assert only_model is not None
    assert (only_model.base_url, only_model.model) == ("http://127.0.0.1:4000", "m2")


def test_a_base_url_without_a_model_is_an_error(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(DiscoveryError, match="--judge-model"):
        resolve_judge(base_url="http://127.0.0.1:4000", model=None, profile_judge={}, no_llm=False)
    with pytest.raises(DiscoveryError, match="--judge-model"):
        resolve_judge(
            base_url=None, model=None, profile_judge={"base_url": "http://h/v1"}, no_llm=False
        )


def test_the_judge_key_variable_comes_first(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DISCOVERY_TUI_JUDGE_API_KEY", SECRET)
    clean_env.setenv("XAI_API_KEY", "xai-KEY")
    judge = resolve_judge(
        base_url="https://api.x.ai/v1", model="grok-4", profile_judge={}, no_llm=False
    )
    assert judge is not None and judge.api_key == SECRET
    assert SECRET not in repr(judge) and SECRET not in str(judge)


def test_the_key_of_the_provider_whose_endpoint_it_is(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("XAI_API_KEY", "xai-KEY")
    judge = resolve_judge(
        base_url="https://api.x.ai/v1/", model="grok-4", profile_judge={}, no_llm=False
    )
    assert judge is not None and judge.api_key == "xai-KEY"
    elsewhere = resolve_judge(
        base_url="https://api.x.ai.evil.example/v1", model="m", profile_judge={}, no_llm=False
    )
    assert elsewhere is not None and elsewhere.api_key is None


def test_a_moved_provider_base_is_matched(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("XAI_API_BASE", "http://127.0.0.1:7777/v1")
    clean_env.setenv("XAI_API_KEY", "xai-KEY")
    judge = resolve_judge(
        base_url="http://127.0.0.1:7777/v1", model="grok-4", profile_judge={}, no_llm=False
    )
    assert judge is not None and judge.api_key == "xai-KEY"


def test_the_profile_may_name_the_key_variable(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("MY_PROXY_KEY", "sk-master")
    profile = {"base_url": "http://127.0.0.1:4000", "model": "m", "api_key_env": "MY_PROXY_KEY"}
    judge = resolve_judge(base_url=None, model=None, profile_judge=profile, no_llm=False)
    assert judge is not None and judge.api_key == "sk-master"


# --------------------------------------------------------------------------- import cost


def test_importing_the_judge_stays_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, discovery_tui.judge, discovery_tui.judge.cache; "
        "print(sorted(m for m in ('openai', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_warm_up_imports_the_sdk_once() -> None:
    judge_mod.warm_up()
    judge_mod.warm_up()
    assert len(judge_client._warming) == 1
    judge_client._warming[0].join(timeout=30)
    import sys

    assert "openai" in sys.modules


# --------------------------------------------------------------------------- status messages


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "the judge rejected the key (HTTP 401): set DISCOVERY_TUI_JUDGE_API_KEY"),
        (403, "the judge refused access (HTTP 403) to model 'fake-judge': nope"),
        (404, "the judge has no model 'fake-judge' at http://127.0.0.1:9/v1 (HTTP 404): nope"),
        (429, "the judge is rate-limiting requests (HTTP 429)"),
        (503, "the judge failed on its side (HTTP 503): nope"),
        (400, "the judge answered HTTP 400: nope"),
    ],
)
def test_status_reasons_come_from_the_one_table(status: int, expected: str) -> None:
    judge = settings("http://127.0.0.1:9/v1")
    assert judge_client.status_reason(status, "nope", judge) == expected
    assert SECRET not in judge_client.status_reason(status, f"echo {SECRET}", judge)
