"""families.yaml: which models the user cares about, and sorting a catalog into those families.

A family anchors to its vendors (the ``vendor/`` part of an id, else the provider's vendor), then
matches regular expressions over the bare id (without ``vendor/``). A model belongs to the first
family, in file order, that matches it. See the comments at the top of ``families.yaml``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from discovery_tui import ranking
from discovery_tui.errors import ConfigError
from discovery_tui.models import Model

FIELDS = ("intent", "vendors", "match", "exclude", "aliases", "pin", "allow_variants")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class Family:
    """One family of families.yaml. ``name`` is its first alias."""

    name: str  # its first alias: "claude", "gpt", "grok", ...
    intent: str  # one sentence the LLM judge reads
    vendors: tuple[str, ...]  # vendor names that anchor it; empty: any vendor
    match: tuple[str, ...]  # regexes searched in the bare id (id without "vendor/")
    exclude: tuple[str, ...]  # regexes that remove matches
    aliases: tuple[str, ...]  # ("claude", "default")
    pin: str | None = None  # optional pinned model id (used by the judge module)
    allow_variants: bool = False  # family asks for variant/alias ids too


def default_families_path() -> Path:
    """The families.yaml shipped in the package (identical to the repository-root file)."""
    return Path(__file__).resolve().parent / "data" / "families.yaml"


def load_families(path: Path | None = None) -> dict[str, Family]:
    """Read and validate families.yaml: family name -> Family, in file order.

    Raises ConfigError naming the file, the family, the field and the fix.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    source = path if path is not None else default_families_path()
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"{source}: cannot read the families file ({exc.strerror or exc}); "
            "fix: check the path given to --families, or omit it to use the built-in families"
        ) from exc
    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as exc:
        raise ConfigError(
            f"{source}{_yaml_position(exc)}: not valid YAML ({_yaml_problem(exc)}); "
            "fix: correct the YAML syntax there"
        ) from exc
    return _parse_document(data, source)


def _yaml_position(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return ""
    return f", line {mark.line + 1}, column {mark.column + 1}"


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    return str(problem) if problem else str(exc).splitlines()[0]


def _parse_document(data: Any, source: Path) -> dict[str, Family]:
    if not isinstance(data, dict) or set(data) != {"families"}:
        found = sorted(str(k) for k in data) if isinstance(data, dict) else type(data).__name__
        raise ConfigError(
            f"{source}: expected one top-level key 'families', found {found}; "
            "fix: put every family under 'families:' (see the comments of the built-in file)"
        )
    raw = data["families"]
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(
            f"{source}: 'families' must map family names to their settings and name at least one; "
            "fix: add a family such as 'claude: {intent: ..., vendors: [anthropic], match: [...]}'"
        )
    families: dict[str, Family] = {}
    owner: dict[str, str] = {}
    for name, body in raw.items():
        family = _parse_family(name, body, source)
        for alias in family.aliases:
            if alias in owner:
                raise ConfigError(
                    f"{source}: family '{family.name}', field 'aliases': alias '{alias}' is "
                    f"already used by family '{owner[alias]}'; fix: keep each alias in one family"
                )
            owner[alias] = family.name
        families[family.name] = family
    return families


def _fail(source: Path, name: object, field: str, problem: str, fix: str) -> ConfigError:
    return ConfigError(f"{source}: family '{name}', field '{field}': {problem}; fix: {fix}")


_NAME_FIX = "use lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"


def _parse_family(name: Any, body: Any, source: Path) -> Family:
    _check_shape(name, body, source)
    match = _patterns(body, "match", name, source)
    if not match:
        fix = "add a regular expression over the bare model id, e.g. '^claude-(.+-)?sonnet'"
        raise _fail(source, name, "match", "needs at least one pattern", fix)
    return Family(
        name=name,
        intent=_intent(body, name, source),
        vendors=tuple(v.lower() for v in _strings(body, "vendors", name, source)),
        match=match,
        exclude=_patterns(body, "exclude", name, source),
        aliases=_aliases(body, name, source),
        pin=_pin(body, name, source),
        allow_variants=_flag(body, name, source),
    )


def _check_shape(name: Any, body: Any, source: Path) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise _fail(source, name, "name", "not a valid family name", _NAME_FIX)
    if not isinstance(body, dict):
        fix = "indent 'intent:', 'vendors:' and 'match:' under the family name"
        raise _fail(source, name, "name", "its settings must be a mapping", fix)
    unknown = sorted(str(k) for k in body if k not in FIELDS)
    if unknown:
        raise _fail(source, name, unknown[0], "unknown field", f"use only {', '.join(FIELDS)}")


def _intent(body: dict[str, Any], name: str, source: Path) -> str:
    intent = body.get("intent")
    if not isinstance(intent, str) or not intent.strip():
        fix = "write one sentence saying what this family is (the LLM judge reads it)"
        raise _fail(source, name, "intent", "missing or empty", fix)
    return " ".join(intent.split())


def _aliases(body: dict[str, Any], name: str, source: Path) -> tuple[str, ...]:
    extra = _strings(body, "aliases", name, source)
    for alias in extra:
        if not _NAME.match(alias):
            problem = f"'{alias}' is not a valid alias name"
            raise _fail(source, name, "aliases", problem, _NAME_FIX)
    return tuple(dict.fromkeys((name, *extra)))


def _strings(body: dict[str, Any], field: str, name: str, source: Path) -> tuple[str, ...]:
    value = body.get(field)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(
            source,
            name,
            field,
            "must be a list of non-empty strings",
            f"write it as {field}: ['first', 'second']",
        )
    return tuple(v.strip() for v in value)


def _patterns(body: dict[str, Any], field: str, name: str, source: Path) -> tuple[str, ...]:
    patterns = _strings(body, field, name, source)
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise _fail(
                source,
                name,
                field,
                f"'{pattern}' is not a valid regular expression ({exc})",
                "correct the pattern (Python regex syntax; quote it with "
                "single quotes so backslashes stay as written)",
            ) from exc
    return patterns


def _pin(body: dict[str, Any], name: str, source: Path) -> str | None:
    pin = body.get("pin")
    if pin is None:
        return None
    if not isinstance(pin, str) or not pin.strip():
        raise _fail(source, name, "pin", "must be a model id", "write a model id or remove 'pin'")
    return pin.strip()


def _flag(body: dict[str, Any], name: str, source: Path) -> bool:
    value = body.get("allow_variants", False)
    if not isinstance(value, bool):
        raise _fail(
            source,
            name,
            "allow_variants",
            "must be true or false",
            "write allow_variants: true, or remove it",
        )
    return value


@dataclass(frozen=True)
class _Matcher:
    vendors: frozenset[str]
    match: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]

    def accepts(self, vendor: str | None, bare: str) -> bool:
        if self.vendors and (vendor is None or vendor not in self.vendors):
            return False
        if not any(p.search(bare) for p in self.match):
            return False
        return not any(p.search(bare) for p in self.exclude)


@functools.lru_cache(maxsize=256)
def _matcher(family: Family) -> _Matcher:
    return _Matcher(
        vendors=frozenset(family.vendors),
        match=tuple(re.compile(p, re.IGNORECASE) for p in family.match),
        exclude=tuple(re.compile(p, re.IGNORECASE) for p in family.exclude),
    )


def model_vendor(model: Model, *, provider_vendor: str | None) -> str | None:
    """The ``vendor/`` part of the id (``~anthropic/…`` -> ``anthropic``), else the provider's."""
    if "/" in model.id:
        return model.id.split("/", 1)[0].lstrip("~").lower() or None
    return provider_vendor.lower() if provider_vendor else None


def family_of(
    model: Model, families: Mapping[str, Family], *, provider_vendor: str | None
) -> str | None:
    """The name of the first family (in file order) that matches the model, or None."""
    vendor = model_vendor(model, provider_vendor=provider_vendor)
    bare = ranking.bare_id(model.id).split(":", 1)[0]
    for name, family in families.items():
        if _matcher(family).accepts(vendor, bare):
            return name
    return None


def candidates_by_family(
    models: Sequence[Model],
    families: Mapping[str, Family],
    *,
    provider_vendor: str | None,
    today: date,
) -> dict[str, list[Model]]:
    """Family name -> its eligible models, best first (families without one are absent).

    These are exactly the entries written to config.yaml. A family with ``allow_variants`` also
    gets its variant and alias ids, after the ranked models (they are never the best).
    """
    groups: dict[str, list[Model]] = {}
    for model in models:
        name = family_of(model, families, provider_vendor=provider_vendor)
        if name is not None:
            groups.setdefault(name, []).append(model)
    result: dict[str, list[Model]] = {}
    for name, family in families.items():
        group = groups.get(name, [])
        ranked = ranking.rank(group, today=today)
        if family.allow_variants:
            chosen = {m.id for m in ranked}
            extra = {
                m.id: m
                for m in group
                if m.id not in chosen and ranking.is_eligible(m, today=today, allow_variants=True)
            }
            ranked += sorted(extra.values(), key=ranking.tie_key)
        if ranked:
            result[name] = ranked
    return result
