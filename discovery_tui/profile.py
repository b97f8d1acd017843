"""profile.yaml: the user's choices that outlive a run (provider order, launch model, judge,
pins, the picks of each provider, proxy settings). Read and written with a ruamel round trip so
the user's comments survive; written atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discovery_tui.errors import ConfigError

DEFAULT_PROXY_URL = "http://127.0.0.1:4000"
DEFAULT_MASTER_KEY_ENV = "LITELLM_MASTER_KEY"


@dataclass(frozen=True)
class ProxySettings:
    url: str = DEFAULT_PROXY_URL
    command: str = "litellm"  # LiteLLM often lives in a Python of its own: a path works here
    master_key_env: str = DEFAULT_MASTER_KEY_ENV


@dataclass(frozen=True)
class Profile:
    """What profile.yaml says; every field has a safe default when the file is absent."""

    path: Path
    providers: tuple[str, ...] = ()  # precedence order for aliases (and the wizard's default)
    launch_model: str | None = None
    config: str | None = None  # default config.yaml path
    judge: Mapping[str, Any] = field(default_factory=dict)  # base_url, model
    pins: Mapping[str, str] = field(default_factory=dict)  # family -> model id
    picks: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict
    )  # provider -> family -> model_name
    last_refresh: Mapping[str, str] = field(default_factory=dict)  # provider -> ISO time
    custom_providers: tuple[Mapping[str, Any], ...] = ()
    proxy: ProxySettings = field(default_factory=ProxySettings)

    @classmethod
    def load(cls, path: Path) -> Profile:
        data = _read_mapping(path)
        proxy = data.get("proxy") or {}
        return cls(
            path=path,
            providers=tuple(str(p) for p in _list(data, "providers", path)),
            launch_model=_optional_str(data.get("launch_model")),
            config=_optional_str(data.get("config")),
            judge=dict(_mapping(data, "judge", path)),
            pins={str(k): str(v) for k, v in _mapping(data, "pins", path).items()},
            picks={
                str(p): {str(f): str(m) for f, m in (fams or {}).items()}
                for p, fams in _mapping(data, "picks", path).items()
            },
            last_refresh={str(k): str(v) for k, v in _mapping(data, "last_refresh", path).items()},
            custom_providers=tuple(dict(x) for x in _list(data, "custom_providers", path)),
            proxy=ProxySettings(
                url=str(proxy.get("url") or DEFAULT_PROXY_URL),
                command=str(proxy.get("command") or "litellm"),
                master_key_env=str(proxy.get("master_key_env") or DEFAULT_MASTER_KEY_ENV),
            ),
        )


def _read_mapping(path: Path) -> Mapping[str, Any]:
    from discovery_tui.yamlio import load_yaml

    data = load_yaml(path, fix="fix it, or delete the file to start a new profile")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping: see profile.yaml.example")
    return data


def _mapping(data: Mapping[str, Any], key: str, path: Path) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: '{key}' must be a mapping: see profile.yaml.example")
    return value


def _list(data: Mapping[str, Any], key: str, path: Path) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ConfigError(f"{path}: '{key}' must be a list: see profile.yaml.example")
    return value


def _optional_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def save_profile(path: Path, updates: Mapping[str, Any]) -> None:
    """Set top-level keys of profile.yaml (``None`` removes one), keeping comments and order.

    Nested mappings given in ``updates`` replace the old value of that key wholesale.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    from discovery_tui.fileio import atomic_write_text

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    doc: Any = CommentedMap()
    if path.exists():
        _read_mapping(path)  # validates, with a clear message
        doc = yaml.load(path.read_text(encoding="utf-8")) or CommentedMap()
    for key, value in updates.items():
        if value is None:
            doc.pop(key, None)
        elif doc.get(key) != value:
            doc[key] = value
    import io

    buffer = io.StringIO()
    yaml.dump(doc, buffer)
    text = buffer.getvalue()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)
