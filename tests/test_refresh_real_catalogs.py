"""Issue 2's acceptance: `refresh` against real catalog responses of OpenRouter, xAI and Gemini,
served on 127.0.0.1, writes a config where every default alias resolves to the expert's pick."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_provider import FakeProvider
from ruamel.yaml import YAML
from test_ranking import EXPERT_PICKS

CATALOG_FILES = {
    "openrouter": "openrouter__models-dev-repo-models-json.json",
    "xai": "xai__lim-asdk-v1-models.json",
    "gemini": "gemini__aylivdele-metaboxaibot.json",
}
EXPERT_KEYS = {
    "openrouter": "openrouter-2026-05-15",
    "xai": "xai-2026-03-20",
    "gemini": "gemini-2026-03-29",
}
PREFIX = {"openrouter": "openrouter", "xai": "xai", "gemini": "gemini"}
# Without a profile, first-party providers come before aggregators: Gemini, xAI, then OpenRouter.
PRECEDENCE = ("gemini", "xai", "openrouter")
MODELS_DEV_FILE = "models-dev__symfony-models-dev-api-json.json"
HAND_WRITTEN = """\
# my proxy: keep this comment
general_settings:
  master_key: os.environ/LITELLM_MASTER_KEY  # set in my shell
model_list:
  - model_name: my-local-llama  # hand-written, must survive
    litellm_params:
      model: ollama/llama3
"""


def expected_aliases() -> dict[str, str]:
    from discovery_tui.families import load_families

    aliases: dict[str, str] = {}
    for family_name, family in load_families().items():
        for provider in PRECEDENCE:
            model_id = EXPERT_PICKS[EXPERT_KEYS[provider]].get(family_name)
            if model_id:
                for alias in family.aliases:
                    aliases[alias] = f"{PREFIX[provider]}/{model_id}"
                break
    return aliases


def run_refresh(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "discovery_tui", "refresh", "--no-llm", "--yes", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def served(catalogs_dir: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    server = FakeProvider().start()
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_API_BASE"))}
    for provider, filename in CATALOG_FILES.items():
        env[f"{provider.upper()}_API_BASE"] = server.serve_catalog(
            provider, catalogs_dir / filename
        )
    env.update(
        OPENROUTER_API_KEY="or-test",
        XAI_API_KEY="xai-test",
        GEMINI_API_KEY="gm-test",
        DISCOVERY_TUI_NO_KEYRING="1",
        DISCOVERY_TUI_CACHE_DIR=str(tmp_path / "cache"),
        DISCOVERY_TUI_PROFILE=str(tmp_path / "profile.yaml"),
    )
    env.pop("CI", None)
    yield env
    server.stop()


def test_real_catalogs_give_the_expert_aliases_and_keep_hand_edits(
    served: dict[str, str], tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(HAND_WRITTEN, encoding="utf-8")

    first = run_refresh(served, "--config", str(config))
    assert first.returncode == 0, first.stderr
    text = config.read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    aliases = data["router_settings"]["model_group_alias"]
    assert aliases == expected_aliases()
    names = {entry["model_name"] for entry in data["model_list"]}
    assert set(aliases.values()) <= names  # every alias points at a real model_name
    assert text.startswith(HAND_WRITTEN.splitlines()[0])
    assert "master_key: os.environ/LITELLM_MASTER_KEY  # set in my shell" in text
    assert "- model_name: my-local-llama  # hand-written, must survive" in text
    assert "or-test" not in text and "xai-test" not in text and "gm-test" not in text

    second = run_refresh(served, "--config", str(config))
    assert second.returncode == 0, second.stderr
    assert config.read_text(encoding="utf-8") == text  # a second run changes no byte
    assert "nothing to change" in second.stdout


def test_models_dev_gives_gemini_entries_their_prices(
    served: dict[str, str], catalogs_dir: Path, tmp_path: Path
) -> None:
    """Gemini's catalog has no prices; the models.dev sample, served on 127.0.0.1, fills them
    (issue 14: "the preview of a Gemini refresh shows prices")."""
    server = FakeProvider().start()
    try:
        sample = json.loads((catalogs_dir / MODELS_DEV_FILE).read_text(encoding="utf-8"))
        server.json("/api.json", sample)
        env = {**served, "MODELS_DEV_API_URL": server.url + "/api.json"}
        config = tmp_path / "config.yaml"
        run = run_refresh(env, "gemini", "--config", str(config))
        assert run.returncode == 0, run.stderr
        assert len(server.requests_to("/api.json")) == 1
    finally:
        server.stop()
    data = YAML(typ="safe").load(config.read_text(encoding="utf-8"))
    entries = {e["model_name"]: e for e in data["model_list"]}
    pro = entries["gemini/gemini-2.5-pro"]["model_info"]
    assert pro["input_cost_per_token"] == 1.25e-06
    assert pro["output_cost_per_token"] == 1e-05
    again = run_refresh(
        {**served, "MODELS_DEV_API_URL": "http://127.0.0.1:9/x"}, "gemini", "--config", str(config)
    )
    assert again.returncode == 0, again.stderr  # the day-old cache serves; nothing changes
    assert YAML(typ="safe").load(config.read_text(encoding="utf-8")) == data
