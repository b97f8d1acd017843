"""families.yaml: loading and validation, vendors, matching, and candidates per family."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from discovery_tui import ranking
from discovery_tui.errors import ConfigError, DiscoveryError
from discovery_tui.families import (
    Family,
    candidates_by_family,
    default_families_path,
    family_of,
    load_families,
    model_vendor,
)
from discovery_tui.models import Model

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 5, 15)

# The default families and their aliases: an interface (design.md, issue 2).
# The design's aliases, plus a "claude-" alias per non-Claude family so that Claude Code's /model
# picker (which lists only names starting with "claude" or "anthropic") reaches every family.
DEFAULT_ALIASES = {
    "claude": ("claude", "default"),
    "claude-strong": ("claude-strong",),
    "claude-fast": ("claude-fast",),
    "gpt": ("gpt", "claude-gpt"),
    "gemini": ("gemini", "claude-gemini"),
    "gemini-flash": ("gemini-flash", "cheap", "claude-gemini-flash"),
    "grok": ("grok", "claude-grok"),
    "deepseek": ("deepseek", "reasoning", "claude-deepseek"),
    "kimi": ("kimi", "claude-kimi"),
    "glm": ("glm", "claude-glm"),
    "qwen": ("qwen", "claude-qwen"),
    "sonar": ("sonar", "claude-sonar"),
    "mistral": ("mistral", "claude-mistral"),
}

# Provider vendors of bare ids (the provider specs' ``vendor``).
PROVIDER_VENDOR = {
    "anthropic": "anthropic",
    "xai": "x-ai",
    "gemini": "google",
    "openai": "openai",
    "deepseek": "deepseek",
    "moonshot": "moonshotai",
    "mistral": "mistralai",
    "perplexity": "perplexity",
    "groq": None,
    "openrouter": None,
}


def m(model_id: str, released: date | None = None, **fields: Any) -> Model:
    return Model(
        provider="test", id=model_id, litellm_model=f"test/{model_id}", released=released, **fields
    )


@pytest.fixture(scope="module")
def families() -> dict[str, Family]:
    return load_families()


# --- the shipped file ----------------------------------------------------------------------------


def test_packaged_copy_is_byte_identical_to_the_repository_file() -> None:
    packaged = default_families_path()
    assert packaged == ROOT / "discovery_tui" / "data" / "families.yaml"
    assert packaged.read_bytes() == (ROOT / "families.yaml").read_bytes()


def test_default_families_and_aliases(families: dict[str, Family]) -> None:
    assert {name: f.aliases for name, f in families.items()} == DEFAULT_ALIASES
    assert list(families) == list(DEFAULT_ALIASES)  # file order
    for name, family in families.items():
        assert family.name == name == family.aliases[0]
        assert family.intent and family.intent.endswith(".")
        assert family.vendors and family.match
        assert family.pin is None and family.allow_variants is False


def test_load_reads_another_path_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "families.yaml"
    path.write_text(
        "families:\n"
        "  local:\n"
        "    intent: My local models.\n"
        "    match: ['^llama-']\n"
        "    aliases: [mine, local]\n"
        "    pin: llama-3.3-70b\n"
        "    allow_variants: true\n",
        encoding="utf-8",
    )
    assert load_families(path) == {
        "local": Family(
            name="local",
            intent="My local models.",
            vendors=(),
            match=("^llama-",),
            exclude=(),
            aliases=("local", "mine"),
            pin="llama-3.3-70b",
            allow_variants=True,
        )
    }


# --- validation ----------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "families.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "    intent: Sonnet.\n    vendors: [anthropic]\n    match: ['^claude-']\n"


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("families:\n  claude:\n    intent: [unclosed\n", ["line 4, column 1", "not valid YAML"]),
        ("families:\n  a: 1\n   b: 2\n", ["line", "column", "not valid YAML"]),
        ("claude:\n" + GOOD, ["top-level key 'families'", "claude"]),
        ("- one\n- two\n", ["top-level key 'families'"]),
        ("families: {}\n", ["at least one"]),
        ("families:\n  claude: just text\n", ["family 'claude'", "mapping"]),
        ("families:\n  Claude!:\n" + GOOD, ["family 'Claude!'", "field 'name'"]),
        ("families:\n  claude:\n" + GOOD + "    colour: blue\n", ["field 'colour'", "unknown"]),
        ("families:\n  claude:\n    vendors: [anthropic]\n    match: [x]\n", ["field 'intent'"]),
        ("families:\n  claude:\n    intent: ''\n    match: [x]\n", ["field 'intent'"]),
        ("families:\n  claude:\n    intent: Sonnet.\n", ["field 'match'", "at least one"]),
        (
            "families:\n  claude:\n    intent: S.\n    match: ['^(claude']\n",
            ["field 'match'", "regular"],
        ),
        (
            "families:\n  claude:\n" + GOOD + "    exclude: ['[a-']\n",
            ["field 'exclude'", "regular"],
        ),
        (
            "families:\n  claude:\n    intent: S.\n    match: [x]\n    vendors: {a: 1}\n",
            ["field 'vendors'", "list"],
        ),
        ("families:\n  claude:\n" + GOOD + "    aliases: [Bad Alias]\n", ["field 'aliases'"]),
        ("families:\n  claude:\n" + GOOD + "    pin: [a]\n", ["field 'pin'"]),
        ("families:\n  claude:\n" + GOOD + "    allow_variants: yes please\n", ["allow_variants"]),
        (
            "families:\n  claude:\n"
            + GOOD
            + "    aliases: [x]\n  opus:\n"
            + GOOD
            + "    aliases: [x]\n",
            ["family 'opus'", "field 'aliases'", "alias 'x'", "family 'claude'"],
        ),
        (
            "families:\n  claude:\n" + GOOD + "  default:\n" + GOOD + "    aliases: [claude]\n",
            ["family 'default'", "alias 'claude'"],
        ),
    ],
)
def test_invalid_files_name_file_family_field_and_fix(
    tmp_path: Path, text: str, needles: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_families(path)
    message = str(caught.value)
    assert isinstance(caught.value, DiscoveryError)
    assert str(path) in message
    assert "fix:" in message
    for needle in needles:
        assert needle in message
    assert "\n" not in message


def test_yaml_error_keeps_its_cause(tmp_path: Path) -> None:
    path = write(tmp_path, "families:\n  claude: [\n")
    with pytest.raises(ConfigError) as caught:
        load_families(path)
    assert caught.value.__cause__ is not None


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"cannot read the families file.*fix: check the path"):
        load_families(tmp_path / "nope.yaml")


# --- vendors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "provider_vendor", "vendor"),
    [
        ("anthropic/claude-sonnet-4.6", None, "anthropic"),
        ("~anthropic/claude-sonnet-latest", None, "anthropic"),
        ("x-ai/grok-4", None, "x-ai"),
        ("moonshotai/kimi-k2-instruct-0905", None, "moonshotai"),
        ("claude-sonnet-4-5-20250929", "anthropic", "anthropic"),
        ("grok-4-0709", "x-ai", "x-ai"),
        ("llama-3.3-70b-versatile", None, None),
        ("openai/gpt-oss-120b", "ignored", "openai"),
        ("Qwen/Qwen3-32B", None, "qwen"),
    ],
)
def test_model_vendor(model_id: str, provider_vendor: str | None, vendor: str | None) -> None:
    assert model_vendor(m(model_id), provider_vendor=provider_vendor) == vendor


# --- matching --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "provider", "family"),
    [
        # OpenRouter ids carry the vendor
        ("anthropic/claude-sonnet-4.6", "openrouter", "claude"),
        ("anthropic/claude-3.7-sonnet:thinking", "openrouter", "claude"),
        ("anthropic/claude-opus-4.7-fast", "openrouter", "claude-strong"),
        ("anthropic/claude-3.5-haiku", "openrouter", "claude-fast"),
        ("openai/gpt-5", "openrouter", "gpt"),
        ("openai/gpt-4o-2024-11-20", "openrouter", "gpt"),
        ("google/gemini-2.5-pro", "openrouter", "gemini"),
        ("google/gemini-3.1-pro-preview-customtools", "openrouter", "gemini"),
        ("google/gemini-3-flash-preview", "openrouter", "gemini-flash"),
        ("x-ai/grok-4", "openrouter", "grok"),
        ("x-ai/grok-4.3", "openrouter", "grok"),
        ("deepseek/deepseek-chat-v3.1", "openrouter", "deepseek"),
        ("deepseek/deepseek-v4-pro", "openrouter", "deepseek"),
        ("moonshotai/kimi-k2", "openrouter", "kimi"),
        ("z-ai/glm-4.6", "openrouter", "glm"),
        ("qwen/qwen3-max", "openrouter", "qwen"),
        ("qwen/qwen3.6-max-preview", "openrouter", "qwen"),
        ("perplexity/sonar-pro", "openrouter", "sonar"),
        ("mistralai/mistral-large-2411", "openrouter", "mistral"),
        ("mistralai/mistral-medium-3-5", "openrouter", "mistral"),
        # direct providers use bare ids: the provider's vendor anchors them
        ("claude-sonnet-4-5-20250929", "anthropic", "claude"),
        ("claude-3-5-sonnet-20241022", "anthropic", "claude"),
        ("claude-opus-4-1-20250805", "anthropic", "claude-strong"),
        ("claude-3-5-haiku-20241022", "anthropic", "claude-fast"),
        ("grok-4-0709", "xai", "grok"),
        ("grok-4.20-0309-reasoning", "xai", "grok"),
        ("gemini-2.5-pro", "gemini", "gemini"),
        ("gemini-2.5-flash", "gemini", "gemini-flash"),
        ("gpt-5", "openai", "gpt"),
        ("gpt-4.1", "openai", "gpt"),
        ("deepseek-chat", "deepseek", "deepseek"),
        ("deepseek-reasoner", "deepseek", "deepseek"),
        ("kimi-k2-0905-preview", "moonshot", "kimi"),
        ("mistral-large-latest", "mistral", "mistral"),
        ("mistral-medium-2505", "mistral", "mistral"),
        ("sonar-pro", "perplexity", "sonar"),
        ("sonar-reasoning-pro", "perplexity", "sonar"),
        # Groq mixes vendor ids and bare ids
        ("moonshotai/kimi-k2-instruct-0905", "groq", "kimi"),
    ],
)
def test_family_of(families: dict[str, Family], model_id: str, provider: str, family: str) -> None:
    vendor = PROVIDER_VENDOR[provider]
    assert family_of(m(model_id), families, provider_vendor=vendor) == family


@pytest.mark.parametrize(
    ("model_id", "provider"),
    [
        # anchored to the vendor: third-party models named after a family are not in it
        ("tngtech/deepseek-r1t2-chimera", "openrouter"),
        ("nousresearch/claude-sonnet-distill", "openrouter"),
        ("llama-3.3-70b-versatile", "groq"),
        ("claude-sonnet-4", "openai"),
        ("openai/gpt-oss-120b", "groq"),
        ("qwen/qwen3-32b", "groq"),  # not the Max line
        # smaller lines are not in flagship families
        ("openai/gpt-5-mini", "openrouter"),
        ("openai/gpt-5-nano", "openrouter"),
        ("openai/gpt-5-pro", "openrouter"),
        ("openai/gpt-5.1-codex", "openrouter"),
        ("openai/gpt-5-chat", "openrouter"),
        ("openai/gpt-chat-latest", "openrouter"),
        ("openai/gpt-4o-search-preview", "openrouter"),
        ("openai/gpt-audio", "openrouter"),
        ("gpt-realtime", "openai"),
        ("gpt-image-1", "openai"),
        ("gpt-3.5-turbo-instruct", "openai"),
        ("openai/o3", "openrouter"),
        ("google/gemini-2.5-flash-lite", "openrouter"),
        ("gemini-2.5-flash-preview-tts", "gemini"),
        ("gemini-3.1-flash-live-preview", "gemini"),
        ("google/gemini-2.5-flash-image", "openrouter"),
        ("google/gemini-3-pro-image-preview", "openrouter"),
        ("google/gemma-3-27b-it", "openrouter"),
        ("grok-3-mini", "xai"),
        ("grok-code-fast-1", "xai"),
        ("grok-imagine-video", "xai"),
        ("grok-4-1-fast-reasoning", "xai"),
        ("x-ai/grok-4.1-fast", "openrouter"),
        ("deepseek/deepseek-v4-flash", "openrouter"),
        ("deepseek/deepseek-r1-distill-llama-70b", "openrouter"),
        ("z-ai/glm-4.5-air", "openrouter"),
        ("z-ai/glm-4.7-flash", "openrouter"),
        ("z-ai/glm-4.6v", "openrouter"),
        ("z-ai/glm-5v-turbo", "openrouter"),
        ("qwen/qwen3.6-plus", "openrouter"),
        ("qwen/qwen3-coder", "openrouter"),
        ("perplexity/sonar-pro-search", "openrouter"),
        ("mistralai/mistral-small-2603", "openrouter"),
        ("mistralai/ministral-8b-2512", "openrouter"),
        ("mistralai/codestral-2508", "openrouter"),
        ("mistralai/pixtral-large-2411", "openrouter"),
        ("mistral-embed", "mistral"),
        ("mistral-large-pixtral-2411", "mistral"),
    ],
)
def test_outside_every_family(families: dict[str, Family], model_id: str, provider: str) -> None:
    assert family_of(m(model_id), families, provider_vendor=PROVIDER_VENDOR[provider]) is None


def test_first_matching_family_wins_and_empty_vendors_match_any() -> None:
    broad = Family("any", "Any.", (), (r"^claude-",), (), ("any",))
    narrow = Family("opus", "Opus.", ("anthropic",), (r"opus",), (), ("opus",))
    assert (
        family_of(
            m("anthropic/claude-opus-4"), {"any": broad, "opus": narrow}, provider_vendor=None
        )
        == "any"
    )
    assert (
        family_of(
            m("anthropic/claude-opus-4"), {"opus": narrow, "any": broad}, provider_vendor=None
        )
        == "opus"
    )
    assert family_of(m("claude-opus-4"), {"any": broad}, provider_vendor=None) == "any"


def test_matching_is_case_insensitive() -> None:
    fam = Family("qwen", "Q.", ("qwen",), (r"^qwen3-32b$",), (), ("qwen",))
    assert family_of(m("Qwen/Qwen3-32B"), {"qwen": fam}, provider_vendor=None) == "qwen"


# --- candidates per family -------------------------------------------------------------------


def test_candidates_by_family_are_eligible_ranked_and_exclusive(
    families: dict[str, Family],
) -> None:
    models = [
        m("anthropic/claude-sonnet-4.5", date(2025, 9, 29)),
        m("anthropic/claude-sonnet-4.6", date(2026, 2, 17)),
        m("~anthropic/claude-sonnet-latest", date(2026, 4, 27)),
        m("anthropic/claude-3.7-sonnet:thinking", date(2025, 2, 24)),
        m("anthropic/claude-opus-4.7", date(2026, 4, 16), output_cost_per_token=25e-6),
        m("anthropic/claude-opus-4.7-fast", date(2026, 5, 12), output_cost_per_token=150e-6),
        m("x-ai/grok-4", date(2025, 7, 9), expires=TODAY),
        m("openai/gpt-5-image", date(2025, 10, 14), output_modalities=("image", "text")),
        m("meta-llama/llama-4-maverick", date(2025, 4, 5)),
    ]
    found = candidates_by_family(models, families, provider_vendor=None, today=TODAY)
    assert {f: [x.id for x in c] for f, c in found.items()} == {
        "claude": ["anthropic/claude-sonnet-4.6", "anthropic/claude-sonnet-4.5"],
        "claude-strong": ["anthropic/claude-opus-4.7"],
    }
    assert list(found) == ["claude", "claude-strong"]  # file order; empty families absent


def test_allow_variants_adds_variants_after_the_ranked_models() -> None:
    fam = Family("claude", "S.", ("anthropic",), (r"sonnet",), (), ("claude",), allow_variants=True)
    models = [
        m("~anthropic/claude-sonnet-latest", date(2026, 4, 27)),
        m("anthropic/claude-sonnet-4.6", date(2026, 2, 17)),
        m("anthropic/claude-3.7-sonnet:thinking", date(2025, 2, 24)),
        m("anthropic/claude-sonnet-image", date(2026, 2, 17)),  # non-chat: never
        m("anthropic/claude-sonnet-4.5", date(2025, 9, 29), expires=TODAY + timedelta(days=3)),
    ]
    found = candidates_by_family(models, {"claude": fam}, provider_vendor=None, today=TODAY)
    assert [x.id for x in found["claude"]] == [
        "anthropic/claude-sonnet-4.6",
        "~anthropic/claude-sonnet-latest",
        "anthropic/claude-3.7-sonnet:thinking",
    ]
    assert ranking.best(found["claude"], today=TODAY).id == "anthropic/claude-sonnet-4.6"  # type: ignore[union-attr]


def test_family_with_only_variants_has_no_candidates(families: dict[str, Family]) -> None:
    models = [m("~anthropic/claude-sonnet-latest"), m("anthropic/claude-sonnet-4:free")]
    assert candidates_by_family(models, families, provider_vendor=None, today=TODAY) == {}


# --- real catalogs ------------------------------------------------------------------------------


def _openrouter(catalogs_dir: Path, name: str) -> list[Model]:
    parse = import_module("discovery_tui.providers.openrouter").parse_model
    payload = json.loads((catalogs_dir / name).read_text(encoding="utf-8"))
    items = payload if isinstance(payload, list) else payload["data"]
    return [x for x in (parse(obj) for obj in items) if x is not None]


def test_openrouter_entries_per_family(catalogs_dir: Path, families: dict[str, Family]) -> None:
    models = _openrouter(catalogs_dir, "openrouter__models-dev-repo-models-json.json")
    today = date(2026, 5, 15)
    found = candidates_by_family(models, families, provider_vendor=None, today=today)
    entries = {f: [x.id for x in c] for f, c in found.items()}
    assert entries["claude"] == [
        "anthropic/claude-sonnet-4.6",
        "anthropic/claude-sonnet-4.5",
        "anthropic/claude-sonnet-4",
    ]
    assert entries["claude-strong"] == [
        "anthropic/claude-opus-4.7",
        "anthropic/claude-opus-4.6",
        "anthropic/claude-opus-4.5",
        "anthropic/claude-opus-4.1",
        "anthropic/claude-opus-4",
    ]
    assert entries["gemini"] == [
        "google/gemini-3.1-pro-preview",
        "google/gemini-2.5-pro",
        "google/gemini-2.5-pro-preview",
        "google/gemini-2.5-pro-preview-05-06",
    ]
    assert entries["gemini-flash"] == ["google/gemini-3-flash-preview", "google/gemini-2.5-flash"]
    assert entries["grok"] == ["x-ai/grok-4.3", "x-ai/grok-4.20"]  # the rest expire 2026-05-15
    assert entries["qwen"] == [
        "qwen/qwen3.6-max-preview",
        "qwen/qwen3-max-thinking",
        "qwen/qwen3-max",
    ]
    assert entries["sonar"] == [
        "perplexity/sonar-pro",
        "perplexity/sonar-reasoning-pro",
        "perplexity/sonar",
    ]
    gpt = entries["gpt"]
    assert gpt[:5] == [
        "openai/gpt-5.5",
        "openai/gpt-5.4",
        "openai/gpt-5.2",
        "openai/gpt-5.1",
        "openai/gpt-5",
    ]
    banned = ("mini", "nano", "pro", "codex", "chat", "audio", "image", "search", "oss", "latest")
    assert not [x for x in gpt if any(word in x for word in banned)]
    every = [x for ids in entries.values() for x in ids]
    assert len(every) == len(set(every))  # one family per model
    assert not [x for x in every if ":" in x or x.startswith("~") or x.endswith("-fast")]


def test_xai_entries(catalogs_dir: Path, families: dict[str, Family]) -> None:
    parse = import_module("discovery_tui.providers.xai").parse_model
    payload = json.loads((catalogs_dir / "xai__lim-asdk-v1-models.json").read_text("utf-8"))
    models = [x for x in (parse(obj) for obj in payload["data"]) if x is not None]
    found = candidates_by_family(models, families, provider_vendor="x-ai", today=date(2026, 3, 20))
    assert [x.id for x in found["grok"]] == [
        "grok-4.20-0309-reasoning",
        "grok-4.20-0309-non-reasoning",
        "grok-4-0709",
        "grok-3",
    ]
    assert list(found) == ["grok"]


def test_gemini_entries(catalogs_dir: Path, families: dict[str, Family]) -> None:
    module = import_module("discovery_tui.providers.gemini")
    path = catalogs_dir / "gemini__aylivdele-metaboxaibot.json"
    items = json.loads(path.read_text("utf-8"))["models"]
    models = [x for x in (module.parse_model(obj) for obj in items) if x is not None]
    found = candidates_by_family(
        models, families, provider_vendor="google", today=date(2026, 3, 29)
    )
    assert {f: [x.id for x in c] for f, c in found.items()} == {
        "gemini": ["gemini-3.1-pro-preview", "gemini-2.5-pro", "gemini-3-pro-preview"],
        "gemini-flash": [
            "gemini-3-flash-preview",
            "gemini-2.5-flash",
            "gemini-2.0-flash",
            "gemini-2.0-flash-001",
        ],
    }
