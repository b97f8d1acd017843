"""End-to-end with the REAL Claude Code: `discovery-tui launch -- -p ...` through the REAL LiteLLM
proxy to a STRICT fake upstream (tests/fake_upstream.py, ``ModelRules``).

The upstream refuses what the strictest real providers refuse: reasoning parameters for a model
without reasoning, ``max_tokens`` above the model's limit (400), and a model told to fail answers
500. Each test asserts which upstream model answered and which parameters it received, not only
the answer text. Findings behind the config keys used here: docs/findings-claude-code.md.

Needs ``DISCOVERY_TUI_LITELLM`` (``bash scripts/litellm-venv.sh``) and Claude Code: the pinned
one of ``tests/e2e/claude-code`` (``cd tests/e2e/claude-code && npm ci``, as ``.ci/run`` does) or
``DISCOVERY_TUI_CLAUDE=<path of claude>``. Without them the module is skipped. One proxy serves
the whole module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from claude_code_harness import (
    HAIKU_OR,
    MASTER_KEY,
    SONNET_AN,
    SONNET_OR,
    Setup,
    answered_by,
    launch,
    max_output_sent,
    print_env,
    reasoning_sent,
    serve_upstream,
    start_setup,
)
from fake_upstream import REPLY, FakeUpstream

pytestmark = pytest.mark.litellm


@pytest.fixture(scope="module")
def upstream() -> Iterator[FakeUpstream]:
    yield from serve_upstream()


@pytest.fixture(scope="module")
def setup(upstream: FakeUpstream, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    yield from start_setup(upstream, tmp_path_factory)


# --- the aliases ----------------------------------------------------------------------------


def test_claude_alias_answers_and_keeps_its_reasoning(
    setup: Setup, upstream: FakeUpstream, tmp_path: Path
) -> None:
    seen = len(upstream.requests)
    answer = launch(setup, "claude", tmp_path / "home")
    assert answer["result"] == REPLY
    calls = upstream.calls(seen)
    main = answered_by(calls, SONNET_OR)
    assert main, [c.model for c in calls]
    assert {c.provider for c in main} == {"openrouter"}
    assert all("reasoning_effort" in c.params for c in main)  # a reasoning model keeps it
    assert all(max_output_sent(c) <= 64000 for c in main)
    assert all(c.model in (SONNET_OR, HAIKU_OR) for c in calls), [c.model for c in calls]


def test_gemini_alias_answers(setup: Setup, upstream: FakeUpstream, tmp_path: Path) -> None:
    seen = len(upstream.requests)
    answer = launch(setup, "gemini", tmp_path / "home")
    assert answer["result"] == REPLY
    main = answered_by(upstream.calls(seen), "gemini-2.5-pro")
    assert main
    assert all(c.provider == "gemini" and ":streamGenerateContent" in c.path for c in main)
    assert all(max_output_sent(c) <= 65536 for c in main)


def test_sonar_answers_when_claude_code_caps_its_output(
    setup: Setup, upstream: FakeUpstream, tmp_path: Path
) -> None:
    """The config keys work today: additional_drop_params on the entry, and the cap given by hand.

    ``CLAUDE_CODE_MAX_OUTPUT_TOKENS`` is set by this test here; launch will set it (next test).
    """
    seen = len(upstream.requests)
    answer = launch(setup, "sonar", tmp_path / "home", CLAUDE_CODE_MAX_OUTPUT_TOKENS="8000")
    assert answer["result"] == REPLY
    main = answered_by(upstream.calls(seen), "sonar")
    assert main
    assert all(c.provider == "perplexity" for c in main)
    assert all(not reasoning_sent(c) for c in main), [dict(c.params) for c in main]
    assert all(max_output_sent(c) <= 8000 for c in main)


def test_sonar_answers_through_launch_alone(
    setup: Setup, upstream: FakeUpstream, tmp_path: Path
) -> None:
    """Without help, Claude Code asks sonar for 32000 tokens; the upstream allows 8000."""
    seen = len(upstream.requests)
    answer = launch(setup, "sonar", tmp_path / "home")
    assert answer["result"] == REPLY
    main = answered_by(upstream.calls(seen), "sonar")
    assert main and all(max_output_sent(c) <= 8000 and not reasoning_sent(c) for c in main)


def test_claude_survives_its_first_provider_failing(
    setup: Setup, upstream: FakeUpstream, tmp_path: Path
) -> None:
    seen = len(upstream.requests)
    upstream.failing.add(SONNET_OR)
    try:
        answer = launch(setup, "claude", tmp_path / "home")
    finally:
        upstream.failing.discard(SONNET_OR)
    assert answer["result"] == REPLY
    calls = upstream.calls(seen)
    assert answered_by(calls, SONNET_OR), "the first provider was not tried"
    second = answered_by(calls, SONNET_AN)
    assert second and all(c.path == "/anthropic/v1/messages" for c in second)


# --- cache prices ---------------------------------------------------------------------------


def test_cached_reads_are_priced_at_the_cache_rate(setup: Setup, upstream: FakeUpstream) -> None:
    """10,000 prompt tokens of which 8,000 cached, 100 out: LiteLLM's spend uses the cache rate."""
    body = {"model": "claude", "messages": [{"role": "user", "content": "hi"}]}
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}
    response = httpx.post(
        setup.proxy_url + "/v1/chat/completions", json=body, headers=headers, timeout=60
    )
    assert response.status_code == 200, response.text
    assert response.json()["usage"]["prompt_tokens_details"]["cached_tokens"] == 8000
    expected = 2000 * 3e-6 + 8000 * 3e-7 + 100 * 1.5e-5  # 0.0099; 0.0315 without cache prices
    assert float(response.headers["x-litellm-response-cost"]) == pytest.approx(expected)


def test_the_proxy_does_not_warn_about_cache_prices(setup: Setup) -> None:
    log = (setup.work / "proxy.log").read_text(encoding="utf-8", errors="replace")
    assert "cache_read_input_token_cost" not in log


# --- what launch gives Claude Code (no proxy call needed beyond the URL) ---------------------


def test_launch_names_the_models_for_the_picker(setup: Setup) -> None:
    env = print_env(setup, "claude")
    assert env["CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"] == "1"
    sonnet = f"openrouter/{SONNET_OR}"
    for tier in ("OPUS", "SONNET"):  # claude-strong and claude both point at Sonnet here
        assert env[f"ANTHROPIC_DEFAULT_{tier}_MODEL_NAME"] == "Sonnet 4.5 via openrouter"
        assert env[f"ANTHROPIC_DEFAULT_{tier}_MODEL_DESCRIPTION"] == (
            f"{sonnet} · 200k context · $3/$15 per 1M"
        )
    assert env["ANTHROPIC_DEFAULT_HAIKU_MODEL_NAME"] == "Haiku 4.5 via openrouter"
    assert env["ANTHROPIC_DEFAULT_HAIKU_MODEL_DESCRIPTION"] == f"openrouter/{HAIKU_OR}"
    for tier in ("OPUS", "SONNET", "HAIKU"):
        capabilities = env[f"ANTHROPIC_DEFAULT_{tier}_MODEL_SUPPORTED_CAPABILITIES"]
        assert capabilities == "effort,thinking,adaptive_thinking"
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "64000"
    assert "ANTHROPIC_CUSTOM_MODEL_OPTION" not in env  # claude is a tier


def test_launch_caps_the_output_of_a_small_model(setup: Setup) -> None:
    env = print_env(setup, "sonar")
    assert env["ANTHROPIC_MODEL"] == env["ANTHROPIC_CUSTOM_MODEL_OPTION"] == "claude-sonar"
    assert env["ANTHROPIC_CUSTOM_MODEL_OPTION_NAME"] == "Sonar via perplexity"
    assert env["ANTHROPIC_CUSTOM_MODEL_OPTION_SUPPORTED_CAPABILITIES"] == ""
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "8000"


def test_launch_describes_a_gemini_launch_model(setup: Setup) -> None:
    env = print_env(setup, "gemini")
    assert env["ANTHROPIC_CUSTOM_MODEL_OPTION"] == "claude-gemini"
    assert env["ANTHROPIC_CUSTOM_MODEL_OPTION_NAME"] == "Gemini 2.5 Pro via gemini"
    assert env["ANTHROPIC_CUSTOM_MODEL_OPTION_DESCRIPTION"] == "gemini/gemini-2.5-pro"
    # gemini says 65536, but the tiers the session may use say 64000: the smaller caps it
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "64000"
