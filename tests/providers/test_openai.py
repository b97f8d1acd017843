"""OpenAI: fine-tunes dropped, image models marked; a real catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from provider_kit import Script, by_id, fetch, ok, serve_file

from discovery_tui.models import Model


async def test_openai_drops_account_fine_tunes_and_marks_image_models() -> None:
    payload = {
        "object": "list",
        "data": [
            {"id": "gpt-4.1", "object": "model", "created": 1744316542, "owned_by": "system"},
            {"id": "dall-e-3", "object": "model", "created": 1698785189, "owned_by": "system"},
            {"id": "gpt-image-1", "object": "model", "created": 1745517030, "owned_by": "system"},
            {"id": "ft:gpt-3.5-turbo-0125:personal:x:9UhSsUFR", "created": 1717103945},
        ],
    }
    models = by_id(await fetch("openai", Script({"/models": [ok(payload)]})))
    assert set(models) == {"gpt-4.1", "dall-e-3", "gpt-image-1"}
    assert models["gpt-4.1"] == Model(
        provider="openai",
        id="gpt-4.1",
        litellm_model="openai/gpt-4.1",
        released=date(2025, 4, 10),
    )
    assert models["dall-e-3"].output_modalities == ("image",)
    assert models["gpt-image-1"].output_modalities == ("image",)


async def test_real_openai_catalog(catalogs_dir: Path) -> None:
    openai = by_id(await serve_file("openai", catalogs_dir / "openai__gptportal.json"))
    assert len(openai) == 76  # 82 minus 6 fine-tunes
    assert not any(i.startswith("ft:") for i in openai)
    assert openai["gpt-4.1"].released == date(2025, 4, 10)
