"""The one YAML load-and-explain path of config.yaml, profile.yaml and families.yaml.

Read bytes, decode UTF-8, parse; every failure is a one-line :class:`ConfigError` naming the file,
the line and column, the problem and the fix (what to do is the caller's ``fix``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import ConfigError

if TYPE_CHECKING:
    from ruamel.yaml import YAML

UTF8_BOM = b"\xef\xbb\xbf"


def read_bytes(path: Path) -> bytes | None:
    """The bytes of ``path``; None when it does not exist; a folder or unreadable: ConfigError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise ConfigError(f"{path} is a folder, not a file: pass the file's path") from exc
    except OSError as exc:
        raise ConfigError(
            f"Cannot read {path}: {exc.strerror or exc}; make it readable and run again"
        ) from exc


def decode(path: Path, raw: bytes, *, fix: str = "") -> str:
    """UTF-8 text (a BOM dropped); undecodable bytes: ConfigError with the byte's offset."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        alternative = f", or {fix}" if fix else ""
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8{alternative}"
        ) from exc


def parse(
    path: Path, text: str, *, fix: str, yaml: YAML | None = None, line_offset: int = 0
) -> Any:
    """Parse ``text`` (safe loader unless ``yaml`` is given). ``line_offset``: lines of the
    file before ``text``, so the line named is the file's."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    loader = yaml if yaml is not None else YAML(typ="safe")
    try:
        return loader.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1 + line_offset}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "parse error"
        raise ConfigError(f"{path}{where}: {problem} (not valid YAML): {fix}") from exc
    except YAMLError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else "parse error"
        raise ConfigError(f"{path}: {problem} (not valid YAML): {fix}") from exc


def load_yaml(path: Path, *, fix: str, yaml: YAML | None = None) -> Any:
    """Read, decode and parse ``path``; None when the file does not exist or is empty."""
    raw = read_bytes(path)
    if raw is None:
        return None
    return parse(path, decode(path, raw, fix=fix), fix=fix, yaml=yaml)


def restore_hint(path: Path, fix: str = "fix it") -> str:
    """``fix``, plus "or restore <name>.bak" when a backup exists."""
    bak = path.with_name(path.name + ".bak")
    return f"{fix}, or restore {bak.name}" if bak.exists() else fix
