"""DeepSeek: ``GET {base}/models`` (base ``https://api.deepseek.com``), Bearer key in
``DEEPSEEK_API_KEY``.

Entries are ``{id, object, owned_by}``: no dates, limits or prices, so models carry only their id.
"""

from __future__ import annotations

from discovery_tui.providers.openai_compatible import list_parser, list_provider

NAME = "deepseek"

parse_model = list_parser(NAME)

SPEC = list_provider(
    NAME,
    label="DeepSeek",
    api_base="https://api.deepseek.com",
    parse=parse_model,
    vendor="deepseek",
)
