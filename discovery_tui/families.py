"""families.yaml: which models the user cares about, and sorting a catalog into those families.

A family anchors to its vendors (the ``vendor/`` part of an id, else the provider's vendor), then
matches regular expressions over the bare id (without ``vendor/``). A model belongs to the first
family, in file order, that matches it. See the comments at the top of ``families.yaml``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping, Sequence
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
    from discovery_tui.yamlio import decode, parse, read_bytes

    source = path if path is not None else default_families_path()
    raw = read_bytes(source)
    if raw is None:
        raise ConfigError(
            f"{source}: cannot read the families file (it does not exist); "
            "fix: check the path given to --families, or omit it to use the built-in families"
        )
    fix = "fix: correct the YAML syntax there"
    data = parse(source, decode(source, raw), fix=fix)
    return _parse_document(data, source)


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


# Specialised lines: a model whose id carries one of these words is a line of its own (a coding,
# search or maths model), never a candidate of a general family, unless one of the family's
# match patterns names the word itself (a family `kimi-code: match: ['^kimi-.*-code']`).
SPECIALISED_WORDS = ("code", "coder", "codex", "coding", "search", "research", "math", "prover")
_SPECIALISED = re.compile(
    r"(?:^|[-_.])(" + "|".join(SPECIALISED_WORDS) + r")(?=$|[-_.:\d])", re.IGNORECASE
)


def specialised_words(bare_id: str) -> frozenset[str]:
    """The specialised words in a bare id: ``kimi-k2.7-code`` -> {"code"}."""
    return frozenset(w.lower() for w in _SPECIALISED.findall(bare_id))


def _asked_words(patterns: Sequence[str]) -> frozenset[str]:
    """The specialised words a family's match patterns name themselves (as whole words)."""
    return frozenset(
        word
        for word in SPECIALISED_WORDS
        for pattern in patterns
        if re.search(rf"(?<![a-z]){word}(?![a-z])", pattern, re.IGNORECASE)
    )


@dataclass(frozen=True)
class _Matcher:
    vendors: frozenset[str]
    match: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    asked: frozenset[str]  # specialised words the family's patterns ask for

    def catches(self, vendor: str | None, bare: str) -> bool:
        """Its vendors and a match pattern take the id (before exclusions and the word rule)."""
        if self.vendors and (vendor is None or vendor not in self.vendors):
            return False
        return any(p.search(bare) for p in self.match)

    def excludes(self, bare: str) -> bool:
        return any(p.search(bare) for p in self.exclude)

    def accepts(self, vendor: str | None, bare: str) -> bool:
        if not self.catches(vendor, bare) or self.excludes(bare):
            return False
        return specialised_words(bare) <= self.asked


@functools.lru_cache(maxsize=256)
def _matcher(family: Family) -> _Matcher:
    return _Matcher(
        vendors=frozenset(family.vendors),
        match=tuple(re.compile(p, re.IGNORECASE) for p in family.match),
        exclude=tuple(re.compile(p, re.IGNORECASE) for p in family.exclude),
        asked=_asked_words(family.match),
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


# --------------------------------------------------------------------------- not in any family

_WORD_TOKEN = re.compile(r"^([a-z]+)\d[\d.]*[a-z]?$")
_NUMBER_TOKEN = re.compile(r"^v?\d[\d.]*[a-z]?$")
_STAGE_TOKEN = re.compile(r"^(?:preview|exp|experimental|beta|alpha|rc\d*|latest)$")


@dataclass(frozen=True)
class NewLine:
    """Models of a known vendor that no family takes, as one line: ``claude-fable`` (anthropic)."""

    name: str  # the ids without versions, dates, sizes or stage words: "claude-fable"
    vendor: str  # "anthropic"
    models: tuple[str, ...]  # its model ids, newest first
    newest: date | None  # the release day of its newest model (None: the catalog does not say)


def line_name(model_id: str, *, taken: Collection[str] = ()) -> str:
    """The line of an id: ``claude-fable-1`` -> ``claude-fable``, ``o3-mini`` -> ``o-mini``.
    A name among ``taken`` (families: ``claude-2.1`` is not ``claude``) or of one letter keeps
    its major version (``claude-2``, ``o3``, ``qwen3``), else it ends in ``-other``."""
    bare = ranking.bare_id(model_id).split(":", 1)[0]
    name, major = _plain_line_name(bare), re.search(r"\d+", bare)
    if (name in taken or len(name) == 1) and major is not None:
        first, dash, rest = name.partition("-")
        glue = "" if _WORD_TOKEN.match(re.split(r"[-_ ]+", bare)[0]) else "-"
        name = f"{first}{glue}{major[0]}{dash}{rest}"
    return f"{name}-other" if name in taken else name


def _plain_line_name(bare: str) -> str:
    kept: list[str] = []
    for index, token in enumerate(t for t in re.split(r"[-_ ]+", bare) if t):
        word = _WORD_TOKEN.match(token)
        if word and (index == 0 or len(word[1]) >= 2) and word[1] != "v":
            kept.append(word[1])
        elif not (
            _NUMBER_TOKEN.match(token)
            or _STAGE_TOKEN.match(token)
            or ranking.is_date_or_size_token(token)
            or word
        ):
            kept.append(token)
    return "-".join(kept) or bare


def known_vendors(families: Mapping[str, Family]) -> frozenset[str]:
    """Every vendor spelling that families.yaml names (anthropic, openai, google, x-ai, ...)."""
    return frozenset(vendor for family in families.values() for vendor in family.vendors)


def unmatched_lines(
    models: Sequence[Model],
    families: Mapping[str, Family],
    *,
    provider_vendor: str | None,
    today: date,
) -> list[NewLine]:
    """The eligible chat models of known vendors that no family takes, grouped into lines,
    newest line first (then by name), for the preview's "not in any family: claude-fable
    (anthropic)". Models that a family's ``exclude`` removes on purpose (``gpt-5-mini``) are not
    listed: the file already says no to them. Variants, non-chat and expiring models never are."""
    vendors = known_vendors(families)
    groups: dict[tuple[str, str], list[Model]] = {}
    for model in models:
        vendor = model_vendor(model, provider_vendor=provider_vendor)
        if vendor is None or vendor not in vendors or not ranking.is_eligible(model, today=today):
            continue
        if family_of(model, families, provider_vendor=provider_vendor) is not None:
            continue
        if _excluded_on_purpose(model, vendor, families):
            continue
        groups.setdefault((line_name(model.id, taken=families), vendor), []).append(model)
    lines = [_line(name, vendor, group) for (name, vendor), group in groups.items()]
    return sorted(lines, key=lambda line: (-(line.newest or date.min).toordinal(), line.name))


def _excluded_on_purpose(model: Model, vendor: str, families: Mapping[str, Family]) -> bool:
    bare = ranking.bare_id(model.id).split(":", 1)[0]
    return any(
        _matcher(f).catches(vendor, bare) and _matcher(f).excludes(bare) for f in families.values()
    )


def _line(name: str, vendor: str, group: list[Model]) -> NewLine:
    def newest_first(model: Model) -> tuple[int, tuple[bool, int, str]]:
        return (-(ranking.release_day(model) or date.min).toordinal(), ranking.tie_key(model))

    ordered = sorted({m.id: m for m in group}.values(), key=newest_first)
    return NewLine(name, vendor, tuple(m.id for m in ordered), ranking.release_day(ordered[0]))
