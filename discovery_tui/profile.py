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
# Every top-level key profile.yaml may hold; another is warned about (a typo of one of these).
KNOWN_KEYS = (
    "config",
    "providers",
    "launch_model",
    "judge",
    "pins",
    "custom_providers",
    "proxy",
    "to_proxy",
    "refresh_before_launch",
    "picks",
    "last_refresh",
    "written",
)
_WARNED: set[str] = set()


@dataclass(frozen=True)
class ProxySettings:
    url: str = DEFAULT_PROXY_URL
    command: str = "litellm"  # LiteLLM often lives in a Python of its own: a path works here
    master_key_env: str = DEFAULT_MASTER_KEY_ENV
    keep_running: bool = False  # launch leaves a proxy it starts running (a warm start)


@dataclass(frozen=True)
class Profile:
    """What profile.yaml says; every field has a safe default when the file is absent."""

    path: Path
    providers: tuple[str, ...] = ()  # precedence order for aliases (and the wizard's default)
    launch_model: str | None = None
    config: str | None = None  # default config.yaml path
    to_proxy: str | None = None  # apply to this proxy's model API (refresh --to-proxy URL)
    judge: Mapping[str, Any] = field(default_factory=dict)  # base_url, model
    pins: Mapping[str, str] = field(default_factory=dict)  # family -> model id
    picks: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict
    )  # provider -> family -> model_name
    last_refresh: Mapping[str, str] = field(default_factory=dict)  # provider -> ISO time
    custom_providers: tuple[Mapping[str, Any], ...] = ()
    proxy: ProxySettings = field(default_factory=ProxySettings)
    refresh_before_launch: str | None = None  # e.g. "12h": launch refreshes when older

    @classmethod
    def load(cls, path: Path) -> Profile:
        """Read ``path`` (absent: the defaults). Unknown keys and provider names are warned
        about on stderr, once per process, with the closest known name."""
        data = _read_mapping(path)
        proxy = data.get("proxy") or {}
        providers = tuple(str(p).strip().lower() for p in _list(data, "providers", path))
        customs = tuple(dict(x) for x in _list(data, "custom_providers", path))
        warn(path, typos(data, providers, customs))
        return cls(
            path=path,
            providers=providers,
            launch_model=_optional_str(data.get("launch_model")),
            config=_optional_str(data.get("config")),
            to_proxy=_optional_str(data.get("to_proxy")),
            judge=dict(_mapping(data, "judge", path)),
            pins={str(k): str(v) for k, v in _mapping(data, "pins", path).items()},
            picks={
                str(p): {str(f): str(m) for f, m in (fams or {}).items()}
                for p, fams in _mapping(data, "picks", path).items()
            },
            last_refresh={str(k): str(v) for k, v in _mapping(data, "last_refresh", path).items()},
            custom_providers=customs,
            proxy=ProxySettings(
                url=str(proxy.get("url") or DEFAULT_PROXY_URL),
                command=str(proxy.get("command") or "litellm"),
                master_key_env=str(proxy.get("master_key_env") or DEFAULT_MASTER_KEY_ENV),
                keep_running=proxy.get("keep_running") is True,
            ),
            refresh_before_launch=_optional_str(data.get("refresh_before_launch")),
        )


def typos(
    data: Mapping[str, Any], providers: tuple[str, ...], customs: tuple[Mapping[str, Any], ...]
) -> list[str]:
    """One line per unknown top-level key and per unknown name in ``providers:``."""
    from discovery_tui.providers import PROVIDERS
    from discovery_tui.suggest import did_you_mean

    lines = [
        f"unknown key {key}{did_you_mean(str(key), KNOWN_KEYS)} (it is ignored)"
        for key in data
        if key not in KNOWN_KEYS
    ]
    known = [*PROVIDERS, *(str(c.get("name", "")) for c in customs)]
    lines += [
        f"unknown provider {name} in providers{did_you_mean(name, known)} (it is ignored)"
        for name in providers
        if name not in known
    ]
    return lines


def warn(path: Path, lines: list[str]) -> None:
    """Each line once per process, on stderr: ``discovery-tui: PATH: LINE``."""
    import sys

    for line in lines:
        message = f"discovery-tui: {path}: {line}"
        if message not in _WARNED:
            _WARNED.add(message)
            print(message, file=sys.stderr)


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

    if not path.exists() and not any(updates.values()):
        return  # nothing to record: no profile of empty maps
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
