"""What launch tells Claude Code about each model: picker names, descriptions, capabilities, the
output cap (discovery_tui.claude_env), from a config.yaml read as launch reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from discovery_tui.claude_env import (
    claude_code_variables,
    readable_model,
    supported_capabilities,
    token_count,
)
from discovery_tui.modelfacts import TargetFacts
from discovery_tui.proxy import load_proxy_config

CONFIG = """\
model_list:
  - model_name: anthropic/claude-sonnet-4-6
    litellm_params: {model: anthropic/claude-sonnet-4-6, api_key: os.environ/ANTHROPIC_API_KEY}
    model_info:
      discovery_tui: anthropic
      max_input_tokens: 200000
      max_output_tokens: 64000
      input_cost_per_token: 3.0e-06
      output_cost_per_token: 1.5e-05
      supports_reasoning: true
  - model_name: perplexity/sonar
    litellm_params:
      model: perplexity/sonar
      api_key: os.environ/PERPLEXITYAI_API_KEY
      additional_drop_params: [reasoning_effort, thinking]
    model_info: {discovery_tui: perplexity, max_input_tokens: 128000, max_output_tokens: 8000,
      input_cost_per_token: 1.0e-06, output_cost_per_token: 1.0e-06}
  - model_name: mine
    litellm_params: {model: openai/gpt-4o}
router_settings:
  model_group_alias:
    claude: anthropic/claude-sonnet-4-6
    claude-strong: anthropic/claude-sonnet-4-6
    sonar: perplexity/sonar
    claude-sonar: perplexity/sonar
  fallbacks:
    - claude: [perplexity/sonar]
litellm_settings:
  fallbacks:
    - claude: [ignored]
    - sonar: [mine]
"""


REASONING = "effort,thinking,adaptive_thinking"


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_the_launch_model_and_the_tiers_are_named_described_and_capped(config_path: Path) -> None:
    config = load_proxy_config(config_path)
    env = claude_code_variables(url="http://p", token="sk-t", model="sonar", config=config)
    assert env == {
        "ANTHROPIC_BASE_URL": "http://p",
        "ANTHROPIC_AUTH_TOKEN": "sk-t",
        "ANTHROPIC_MODEL": "claude-sonar",
        "ANTHROPIC_DEFAULT_OPUS_MODEL": "claude-strong",
        "ANTHROPIC_DEFAULT_OPUS_MODEL_NAME": "Sonnet 4.6 via anthropic",
        "ANTHROPIC_DEFAULT_OPUS_MODEL_DESCRIPTION": (
            "anthropic/claude-sonnet-4-6 · 200k context · $3/$15 per 1M"
        ),
        "ANTHROPIC_DEFAULT_OPUS_MODEL_SUPPORTED_CAPABILITIES": REASONING,
        "ANTHROPIC_DEFAULT_SONNET_MODEL": "claude",
        "ANTHROPIC_DEFAULT_SONNET_MODEL_NAME": "Sonnet 4.6 via anthropic",
        "ANTHROPIC_DEFAULT_SONNET_MODEL_DESCRIPTION": (
            "anthropic/claude-sonnet-4-6 · 200k context · $3/$15 per 1M"
        ),
        "ANTHROPIC_DEFAULT_SONNET_MODEL_SUPPORTED_CAPABILITIES": REASONING,
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "claude-fast",  # not in this config: the id alone
        "ANTHROPIC_CUSTOM_MODEL_OPTION": "claude-sonar",
        "ANTHROPIC_CUSTOM_MODEL_OPTION_NAME": "Sonar via perplexity",
        "ANTHROPIC_CUSTOM_MODEL_OPTION_DESCRIPTION": (
            "perplexity/sonar · 128k context · $1/$1 per 1M"
        ),
        "ANTHROPIC_CUSTOM_MODEL_OPTION_SUPPORTED_CAPABILITIES": "",
        "CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY": "1",
        "CLAUDE_CODE_MAX_OUTPUT_TOKENS": "8000",
    }


def test_a_model_the_config_does_not_define_gets_only_its_id(config_path: Path) -> None:
    config = load_proxy_config(config_path)
    env = claude_code_variables(url="http://p", token="t", model="nowhere", config=config)
    assert env["ANTHROPIC_CUSTOM_MODEL_OPTION"] == "nowhere"
    assert not any(k.startswith("ANTHROPIC_CUSTOM_MODEL_OPTION_") for k in env)
    # the session may still use the tiers: claude and claude-strong say 64000
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "64000"


def test_the_output_cap_is_the_smallest_of_the_launch_model_and_the_tiers(
    config_path: Path,
) -> None:
    """One value caps every request of the session, and /model or Claude Code's background
    requests may go to any tier: the launch model's 8000 wins over the tiers' 64000, and a
    tier's smaller limit wins over a bigger launch model."""
    config = load_proxy_config(config_path)
    env = claude_code_variables(url="http://p", token="t", model="sonar", config=config)
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "8000"
    text = config_path.read_text(encoding="utf-8").replace(
        "    claude-strong: anthropic/claude-sonnet-4-6\n",
        "    claude-strong: anthropic/claude-sonnet-4-6\n    claude-fast: perplexity/sonar\n",
    )
    config_path.write_text(text, encoding="utf-8")
    config = load_proxy_config(config_path)
    env = claude_code_variables(url="http://p", token="t", model="claude", config=config)
    assert env["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] == "8000"


def test_no_output_cap_when_no_model_of_the_session_says_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "model_list:\n  - model_name: mine\n    litellm_params: {model: openai/gpt-4o}\n",
        encoding="utf-8",
    )
    env = claude_code_variables(
        url="http://p", token="t", model="mine", config=load_proxy_config(path)
    )
    assert "CLAUDE_CODE_MAX_OUTPUT_TOKENS" not in env


def test_fallbacks_are_read_as_litellm_does(config_path: Path) -> None:
    """router_settings first, then litellm_settings; the first item of a name wins."""
    config = load_proxy_config(config_path)
    assert config.fallbacks == {"claude": ("perplexity/sonar",), "sonar": ("mine",)}


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("openrouter/anthropic/claude-sonnet-4.5", "Sonnet 4.5"),
        ("anthropic/claude-opus-4-1-20250805", "Opus 4.1"),
        ("gemini/gemini-2.5-flash-lite", "Gemini 2.5 Flash Lite"),
        ("openrouter/openai/gpt-5", "GPT 5"),
        ("openrouter/openai/gpt-oss-120b", "GPT OSS 120b"),
        ("xai/grok-4-0709", "Grok 4 0709"),
        ("openrouter/moonshotai/kimi-k2-0905", "Kimi K2 0905"),
        ("openrouter/z-ai/glm-4.6", "GLM 4.6"),
        ("perplexity/sonar", "Sonar"),
        ("claude", "Claude"),
    ],
)
def test_readable_model(model: str, shown: str) -> None:
    assert readable_model(model) == shown


@pytest.mark.parametrize(
    ("tokens", "shown"),
    [(200_000, "200k"), (1_048_576, "1M"), (1_000_000, "1M"), (131_072, "131k"), (900, "900")],
)
def test_token_count(tokens: int, shown: str) -> None:
    assert token_count(tokens) == shown


@pytest.mark.parametrize(
    ("reasoning", "drops", "capabilities"),
    [
        (True, False, "effort,thinking,adaptive_thinking"),
        (True, True, ""),  # the proxy drops the parameters: Claude Code should not count on them
        (False, False, ""),
        (None, False, None),  # unknown: Claude Code's own guess
        (None, True, ""),
    ],
)
def test_capabilities_follow_the_reasoning_flag(
    reasoning: bool | None, drops: bool, capabilities: str | None
) -> None:
    facts = TargetFacts("m", "p/m", "p", reasoning=reasoning, drops_reasoning=drops)
    assert supported_capabilities(facts) == capabilities
