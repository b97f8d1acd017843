"""discovery-tui: keep a LiteLLM proxy's config.yaml current."""

from __future__ import annotations

__version__ = "0.1.0"
