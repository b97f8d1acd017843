"""The variables ``launch`` gives Claude Code, from what the config says of each model.

- ``ANTHROPIC_BASE_URL`` / ``ANTHROPIC_AUTH_TOKEN``: the proxy and its master key (never a
  provider key).
- ``ANTHROPIC_MODEL`` and the three tiers ``ANTHROPIC_DEFAULT_{OPUS,SONNET,HAIKU}_MODEL``
  (``claude-strong``, ``claude``, ``claude-fast``), each with ``_NAME`` ("Sonnet 4.5 via
  openrouter"), ``_DESCRIPTION`` (model, context, price) and ``_SUPPORTED_CAPABILITIES`` (from
  ``model_info.supports_reasoning``; empty when the model cannot reason or the proxy drops the
  reasoning parameters for it). A launch model that is not a tier is the
  ``ANTHROPIC_CUSTOM_MODEL_OPTION`` with the same three suffixes.
- ``CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY=1``: ``/model`` lists the proxy's ``claude*``
  names.
- ``CLAUDE_CODE_MAX_OUTPUT_TOKENS``: the smallest ``max_output_tokens`` known among the launch
  model and the three tiers (one value holds for the whole session, and ``/model`` or Claude
  Code's background requests may use any of them). Claude Code asks for 32000 tokens otherwise,
  and LiteLLM has no per-entry cap (issue 13 findings b).
"""

from __future__ import annotations

import re

from discovery_tui.modelfacts import TargetFacts
from discovery_tui.proxy import ProxyConfig, picker_name

TIERS = (
    ("ANTHROPIC_DEFAULT_OPUS_MODEL", "claude-strong"),
    ("ANTHROPIC_DEFAULT_SONNET_MODEL", "claude"),
    ("ANTHROPIC_DEFAULT_HAIKU_MODEL", "claude-fast"),
)
CUSTOM_OPTION = "ANTHROPIC_CUSTOM_MODEL_OPTION"
REASONING_CAPABILITIES = "effort,thinking,adaptive_thinking"
DISCOVERY = "CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY"
MAX_OUTPUT = "CLAUDE_CODE_MAX_OUTPUT_TOKENS"
UPPER_WORDS = frozenset({"gpt", "glm", "oss", "ai"})
_VERSION_PART = re.compile(r"\d{1,2}(\.\d+)*")


def claude_code_variables(
    *, url: str, token: str, model: str, config: ProxyConfig | None
) -> dict[str, str]:
    """Every variable for Claude Code, in print order."""
    names = config.names() if config else frozenset()
    launch_name = picker_name(model, names)
    variables = {
        "ANTHROPIC_BASE_URL": url,
        "ANTHROPIC_AUTH_TOKEN": token,
        "ANTHROPIC_MODEL": launch_name,
    }
    tier_names = set()
    for var, alias in TIERS:
        name = picker_name(alias, names)
        tier_names.add(name)
        variables[var] = name
        variables.update(picker_labels(var, name, config))
    if launch_name not in tier_names:
        variables[CUSTOM_OPTION] = launch_name
        variables.update(picker_labels(CUSTOM_OPTION, launch_name, config))
    variables[DISCOVERY] = "1"
    cap = session_output_cap(config, (launch_name, *sorted(tier_names)))
    if cap is not None:
        variables[MAX_OUTPUT] = str(cap)
    return variables


def session_output_cap(config: ProxyConfig | None, names: tuple[str, ...]) -> int | None:
    """The smallest known max output among the models a session may ask: every request of
    the session is capped by one value."""
    if config is None:
        return None
    limits = [
        target.max_output
        for target in (config.target(name) for name in names)
        if target is not None and target.max_output is not None
    ]
    return min(limits) if limits else None


def picker_labels(var: str, name: str, config: ProxyConfig | None) -> dict[str, str]:
    """``VAR_NAME``, ``VAR_DESCRIPTION`` and ``VAR_SUPPORTED_CAPABILITIES`` of the model behind
    ``name``; nothing when the config does not define it (Claude Code then shows the id)."""
    target = config.target(name) if config else None
    if target is None:
        return {}
    labels = {f"{var}_NAME": display_name(target), f"{var}_DESCRIPTION": description(target)}
    capabilities = supported_capabilities(target)
    if capabilities is not None:
        labels[f"{var}_SUPPORTED_CAPABILITIES"] = capabilities
    return labels


def display_name(target: TargetFacts) -> str:
    """``Sonnet 4.5 via openrouter``: the model's words and version, and who serves it."""
    return f"{readable_model(target.model)} via {target.provider}"


def readable_model(model: str) -> str:
    """``openrouter/anthropic/claude-sonnet-4.5`` -> ``Sonnet 4.5``; ``gemini-2.5-pro`` ->
    ``Gemini 2.5 Pro``; a date in the id is left out."""
    words = re.split(r"[-_\s]+", model.rsplit("/", 1)[-1])
    if len(words) > 1 and words[0].lower() == "claude" and words[1].isalpha():
        words = words[1:]
    shown: list[str] = []
    for word in words:
        if not word or (word.isdigit() and len(word) >= 6):
            continue  # 20250929: a release date, not part of the name
        if _VERSION_PART.fullmatch(word) and shown and _VERSION_PART.fullmatch(shown[-1]):
            shown[-1] += f".{word}"  # claude-sonnet-4-5 -> 4.5
        elif word.lower() in UPPER_WORDS or (len(word) <= 3 and not word.isalpha()):
            shown.append(word.upper())
        else:
            shown.append(word[:1].upper() + word[1:])
    return " ".join(shown) or model


def description(target: TargetFacts) -> str:
    """``openrouter/anthropic/claude-sonnet-4.5 · 200k context · $3/$15 per 1M``."""
    parts = [target.model_name]
    if target.context is not None:
        parts.append(f"{token_count(target.context)} context")
    if target.input_cost is not None and target.output_cost is not None:
        parts.append(f"${per_million(target.input_cost)}/${per_million(target.output_cost)} per 1M")
    return " · ".join(parts)


def token_count(tokens: int) -> str:
    """200000 -> ``200k``, 1048576 -> ``1M``, 131072 -> ``131k``, 8000 -> ``8k``, 900 -> ``900``."""
    if tokens >= 1_000_000:
        return f"{tokens / 1_000_000:.3g}M" if tokens % 1_048_576 else f"{tokens // 1_048_576}M"
    if tokens >= 1000:
        return f"{tokens // 1000}k"
    return str(tokens)


def per_million(cost_per_token: float) -> str:
    """3e-6 -> ``3``, 1.5e-5 -> ``15``, 2.5e-7 -> ``0.25``, 0 -> ``0``."""
    return f"{cost_per_token * 1_000_000:.4g}"


def supported_capabilities(target: TargetFacts) -> str | None:
    """``effort,thinking,adaptive_thinking`` for a model that reasons; ``""`` for one that does
    not or whose reasoning parameters the proxy drops; None (Claude Code guesses) when unknown."""
    if target.drops_reasoning or target.reasoning is False:
        return ""
    return REASONING_CAPABILITIES if target.reasoning else None
