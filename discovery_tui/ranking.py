"""The deterministic choice of the best model of a family: what "best" means when no LLM decides.

Eligible (:func:`is_eligible`): a chat model with text output; not a variant or alias id
(``:free``/any ``:suffix``, ``~vendor/…``, ``…-latest``, ``-customtools``); not an image, audio,
speech, embedding, moderation, guard, realtime, live, OCR, multi-agent, computer-use, robotics or
deep-research model (deep-research models are slow research agents, not chat models an alias should
point at); not deprecated; not expired and not expiring within :data:`EXPIRY_MARGIN_DAYS` days.
:func:`rank` also drops a paid speed mode (``claude-opus-4.7-fast``) when its base model is among
the candidates and the speed mode is not cheaper (xAI's ``grok-4-fast`` is a cheaper model of its
own, and ``grok-4-1-fast-reasoning`` has no base ``grok-4-1-reasoning``: both stay).

Order (:func:`rank`), best first:

1. generally available before preview / experimental / beta / alpha, except that when the newest
   generation exists only as a preview, its previews count as generally available (unless a
   generally available model was released after them: ``gpt-4.5-preview`` does not beat the later
   ``gpt-4.1``);
2. the newest generation: the version number in the id (``claude-sonnet-4-5`` and
   ``claude-3-5-sonnet`` are 4.5 and 3.5, ``kimi-k2.6`` 2.6, ``deepseek-v4-pro`` 4), compared part
   by part; dates (``20250929``, ``0709``, ``2411``, ``05-06``) and sizes (``70b``, ``a22b``) are
   not versions. When an id has no version, or the two readings of a minor version disagree
   (``4.20`` vs ``4.3``: 20 > 3 as numbers, .20 < .3 as decimals), the release day decides;
3. the newest release day (``Model.released``; when the catalog does not say, a full date in the id:
   ``-20250929``, ``-2025-07-28``, ``-09-2025`` or Mistral's ``-2411`` (Nov 2024); a bare
   month-day such as ``-0709`` has no year and is not used; unknown counts as oldest; same day is
   a tie);
4. same generation, same release day: what the catalogs say about the siblings
   (:mod:`discovery_tui.tiers`): the description naming the flagship ("flagship", "most
   capable"...) over one describing a lighter model ("fast", "cheap"...), then the sibling that
   calls tools over one that cannot, then the dearer sibling (output price, then input price);
5. only when the catalogs say nothing, the fixed id rule: an undated id before a dated one, then
   the shorter id, then alphabetical.

Inputs are sorted by the id rule before the comparison sort, so the result never depends on the
order of the input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from discovery_tui import tiers
from discovery_tui.models import Model

EXPIRY_MARGIN_DAYS = 30

_BOUND_L = r"(?:^|[-_.:/ ])"
_BOUND_R = r"(?=$|[-_.:/ \d])"
_NON_CHAT = re.compile(
    _BOUND_L
    + r"(?:image|images|imagine|imagen|dall-e|sora|veo|lyria|audio|tts|speech|whisper|transcribe"
    r"|embed|embedding|embeddings|moderation|guard|safeguard|realtime|live|ocr|multi-agent"
    r"|computer-use|robotics|deep-research|aqa)" + _BOUND_R
)
_ALIAS_TOKEN = re.compile(_BOUND_L + r"(?:latest|customtools)" + _BOUND_R)
_PREVIEW = re.compile(_BOUND_L + r"(?:preview|exp|experimental|beta|alpha|rc\d*)" + _BOUND_R)
_SPEED = re.compile(r"-fast(?=-|$)")
_TOKEN_SEP = re.compile(r"[-_ ]+")
_DATE_TOKEN = re.compile(r"^(?:\d{4,}|0\d+)$")
_SIZE_TOKEN = re.compile(r"^(?:[a-z]?\d+(?:\.\d+)?[bmk]|\d+x\d+[bm]|\d+e)$")
_VERSION_TOKEN = re.compile(r"^[a-z]{0,12}(\d+(?:\.\d+)*)[a-z]?$")
_MINOR_TOKEN = re.compile(r"^[1-9]?\d$")

Version = tuple[str, ...]


def bare_id(model_id: str) -> str:
    """The id without ``vendor/``, lowercased: ``x-ai/grok-4.3`` -> ``grok-4.3``."""
    return model_id.rsplit("/", 1)[-1].lower()


@functools.lru_cache(maxsize=8192)
def parse_version(model_id: str) -> Version:
    """The version number in an id as its parts: ``claude-sonnet-4-5-20250929`` -> ("4", "5").

    The first token carrying a number is the version; a date token ends the search (an id such as
    ``mistral-large-2411`` has no version: ``()``). A bare number followed by a small bare number
    is one version (``claude-3-5-sonnet``, ``grok-4-1-fast``).
    """
    tokens = _TOKEN_SEP.split(bare_id(model_id).split(":", 1)[0])
    for index, token in enumerate(tokens):
        if _DATE_TOKEN.match(token):
            return ()
        if _SIZE_TOKEN.match(token):
            continue
        found = _VERSION_TOKEN.match(token)
        if found is None:
            continue
        parts = tuple(found.group(1).split("."))
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token.isdigit() and _MINOR_TOKEN.match(following):
            parts = (*parts, following)
        return tuple(str(int(part)) if part.isdigit() else part for part in parts)
    return ()


def compare_versions(a: Version, b: Version) -> int | None:
    """1, -1 or 0 comparing part by part; ``None`` when unknown (a side has no version) or when
    the numeric and the decimal reading of a minor part disagree (``4.20`` vs ``4.3``)."""
    if not a or not b:
        return None
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "0"
        y = b[i] if i < len(b) else "0"
        if int(x) == int(y):
            continue
        by_number = 1 if int(x) > int(y) else -1
        if i == 0:
            return by_number
        width = max(len(x), len(y))
        by_decimal = 1 if x.ljust(width, "0") > y.ljust(width, "0") else -1
        return by_number if by_number == by_decimal else None
    return 0


def is_preview(model: Model) -> bool:
    """Preview, experimental, beta, alpha or release-candidate id."""
    return _preview_id(model.id)


@functools.lru_cache(maxsize=8192)
def _preview_id(model_id: str) -> bool:
    return _PREVIEW.search(bare_id(model_id)) is not None


def is_variant(model: Model) -> bool:
    """A variant or alias id: any ``:suffix``, ``~vendor/…``, ``-latest``, ``-customtools``."""
    return (
        ":" in model.id or model.id.startswith("~") or bool(_ALIAS_TOKEN.search(bare_id(model.id)))
    )


def is_date_or_size_token(token: str) -> bool:
    """A date, revision or size token of an id (``20250929``, ``0709``, ``70b``): no version."""
    return bool(_DATE_TOKEN.match(token) or _SIZE_TOKEN.match(token))


def is_dated(model: Model) -> bool:
    """The id carries a date or revision (``-20250929``, ``-0709``, ``-001``)."""
    return any(_DATE_TOKEN.match(t) for t in _TOKEN_SEP.split(bare_id(model.id).split(":", 1)[0]))


def ineligibility(model: Model, *, today: date, allow_variants: bool = False) -> str | None:
    """Why a model can never be an entry or the best one (a short phrase), or None if it can."""
    bare = bare_id(model.id)
    if "text" not in model.output_modalities:
        return "no text output"
    if _NON_CHAT.search(bare):
        return "not a chat model (image, audio, embedding, moderation, live or agent model)"
    if model.deprecated:
        return "deprecated"
    if model.expires is not None and (model.expires - today).days <= EXPIRY_MARGIN_DAYS:
        if model.expires <= today:
            return f"expired on {model.expires.isoformat()}"
        return f"expires on {model.expires.isoformat()}, within {EXPIRY_MARGIN_DAYS} days"
    if not allow_variants and is_variant(model):
        return "a variant or alias id"
    return None


def is_eligible(model: Model, *, today: date, allow_variants: bool = False) -> bool:
    """Whether a model may be written as an entry (and, without variants, chosen as the best)."""
    return ineligibility(model, today=today, allow_variants=allow_variants) is None


def speed_modes(candidates: Iterable[Model]) -> set[str]:
    """Ids of paid speed modes (``…-fast``) whose base model is among the candidates.

    A ``-fast`` model that is cheaper than its base is a model of its own (xAI ``grok-4-fast``).
    """
    by_id = {m.id: m for m in candidates}
    found: set[str] = set()
    for model in by_id.values():
        base = by_id.get(_SPEED.sub("", model.id, count=1)) if _SPEED.search(model.id) else None
        if base is None or base.id == model.id:
            continue
        fast_cost, base_cost = model.output_cost_per_token, base.output_cost_per_token
        if fast_cost is not None and base_cost is not None and fast_cost < base_cost:
            continue
        found.add(model.id)
    return found


_YMD = re.compile(r"(?:^|-)(20\d\d)(?:-?)([01]\d)(?:-?)([0-3]\d)(?=-|$)")
_MY = re.compile(r"(?:^|-)([01]\d)-(20\d\d)(?=-|$)")
_YYMM = re.compile(r"(?:^|-)(2\d)([01]\d)(?=-|$)")


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@functools.lru_cache(maxsize=8192)
def id_date(model_id: str) -> date | None:
    """A full date written in the id (``-20250929``, ``-2025-07-28``, ``-09-2025``, ``-2411``)."""
    bare = bare_id(model_id).split(":", 1)[0]
    if found := _YMD.search(bare):
        return _valid(int(found[1]), int(found[2]), int(found[3]))
    if found := _MY.search(bare):
        return _valid(int(found[2]), int(found[1]), 1)
    if (found := _YYMM.search(bare)) and int(found[1]) >= 23:
        return _valid(2000 + int(found[1]), int(found[2]), 1)
    return None


def release_day(model: Model) -> date | None:
    """The release day from the catalog, else a full date written in the id, else None."""
    return model.released or id_date(model.id)


def tie_key(model: Model) -> tuple[bool, int, str]:
    """The fixed last rule: undated before dated, then shorter, then alphabetical."""
    return (is_dated(model), len(model.id), model.id)


@dataclass(frozen=True)
class _Context:
    """What the order needs to know about the whole candidate list."""

    promoted: frozenset[str]  # previews of a preview-only newest generation: count as available


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


def _cmp_days(a: Model, b: Model) -> int:
    day_a, day_b = release_day(a) or date.min, release_day(b) or date.min
    return _sign(day_a.toordinal() - day_b.toordinal())


def _cmp_generation(a: Model, b: Model) -> int:
    """Newer generation first; release day when versions are missing or ambiguous."""
    va, vb = parse_version(a.id), parse_version(b.id)
    found = compare_versions(va, vb)
    if found is not None:
        return found
    if release_day(a) and release_day(b) and release_day(a) != release_day(b):
        return _cmp_days(a, b)
    if va and vb:  # ambiguous minor, no dates to settle it: numeric reading
        na, nb = _numbers(va), _numbers(vb)
        return (na > nb) - (na < nb)
    return 0


def _numbers(version: Version) -> tuple[int, ...]:
    return tuple(int(part) for part in version)


def _cmp_availability(a: Model, b: Model, ctx: _Context) -> int:
    a_ok = not is_preview(a) or a.id in ctx.promoted
    b_ok = not is_preview(b) or b.id in ctx.promoted
    return int(a_ok) - int(b_ok)


def _cmp_id(a: Model, b: Model) -> int:
    ka, kb = tie_key(a), tie_key(b)
    return (ka < kb) - (ka > kb)


def _compare(a: Model, b: Model, ctx: _Context) -> tuple[int, str]:
    """(> 0 when ``a`` is better, the rule that decided): availability, generation, release,
    description, tools, price, id."""
    steps: tuple[tuple[str, Callable[[], int]], ...] = (
        ("availability", lambda: _cmp_availability(a, b, ctx)),
        ("generation", lambda: _cmp_generation(a, b)),
        ("release", lambda: _cmp_days(a, b)),
        ("description", lambda: tiers.cmp_description(a, b)),
        ("tools", lambda: tiers.cmp_tools(a, b)),
        ("price", lambda: tiers.cmp_price(a, b)),
        ("id", lambda: _cmp_id(a, b)),
    )
    for rule, step in steps:
        result = step()
        if result:
            return result, rule
    return 0, "id"


def _newest(models: Sequence[Model]) -> Model | None:
    best_so_far: Model | None = None
    for model in models:
        if (
            best_so_far is None
            or (_cmp_generation(model, best_so_far) or _cmp_days(model, best_so_far)) > 0
        ):
            best_so_far = model
    return best_so_far


def _context(eligible: Sequence[Model]) -> _Context:
    """Promote the previews of the newest generation when it has no generally available model,
    unless the best generally available model was released after them."""
    newest = _newest(eligible)
    if newest is None or not is_preview(newest) or not parse_version(newest.id):
        return _Context(frozenset())
    generation = parse_version(newest.id)
    available = [m for m in eligible if not is_preview(m)]
    if any(compare_versions(parse_version(m.id), generation) == 0 for m in available):
        return _Context(frozenset())
    best_available = _newest(available)
    cutoff = release_day(best_available) if best_available is not None else None
    promoted = frozenset(
        m.id
        for m in eligible
        if is_preview(m)
        and compare_versions(parse_version(m.id), generation) == 0
        and (cutoff is None or (day := release_day(m)) is None or day >= cutoff)
    )
    return _Context(promoted)


def _prepare(candidates: Sequence[Model], *, today: date) -> tuple[list[Model], _Context, set[str]]:
    """Eligible candidates (unique ids, sorted by the id rule), the context, the speed modes."""
    unique = {m.id: m for m in sorted(candidates, key=tie_key, reverse=True)}
    eligible = sorted((m for m in unique.values() if is_eligible(m, today=today)), key=tie_key)
    fast = speed_modes(eligible)
    eligible = [m for m in eligible if m.id not in fast]
    return eligible, _context(eligible), fast


def _sorted(eligible: list[Model], ctx: _Context) -> list[Model]:
    def worse_first(a: Model, b: Model) -> int:
        return -_compare(a, b, ctx)[0]

    return sorted(eligible, key=functools.cmp_to_key(worse_first))


def rank(candidates: Sequence[Model], *, today: date) -> list[Model]:
    """The eligible candidates (not variants, not paid speed modes), best first; deterministic."""
    eligible, ctx, _ = _prepare(candidates, today=today)
    return _sorted(eligible, ctx)


def best(candidates: Sequence[Model], *, today: date) -> Model | None:
    """The best eligible candidate, or None when none is eligible."""
    ranked = rank(candidates, today=today)
    return ranked[0] if ranked else None


def _generation_text(model: Model) -> str:
    version = parse_version(model.id)
    return ".".join(version) if version else "unversioned"


def explain(model: Model, candidates: Sequence[Model], *, today: date) -> str:
    """A short, honest sentence saying why ``model`` is (or is not) the best of ``candidates``."""
    reason = ineligibility(model, today=today)
    if reason is not None:
        return f"not eligible: {reason}"
    eligible, ctx, fast = _prepare(candidates, today=today)
    ranked = _sorted(eligible, ctx)
    if model.id in fast:
        return "not eligible: a paid speed mode of a model that is also listed"
    if model not in ranked:
        return "not among the candidates"
    if ranked[0] != model:
        return f"ranked {ranked.index(model) + 1} of {len(ranked)}; the best is {ranked[0].id}"
    if len(ranked) == 1:
        return "the only eligible candidate"
    return f"{_why_first(model, ranked[1], ctx)} among {len(ranked)} candidates"


def _why_first(model: Model, runner_up: Model, ctx: _Context) -> str:
    _, rule = _compare(model, runner_up, ctx)
    generation = _generation_text(model)
    if model.id in ctx.promoted:
        return f"newest generation ({generation}), available only as a preview,"
    if rule == "availability":
        return f"generally available ({generation}) preferred over previews"
    by_version = compare_versions(parse_version(model.id), parse_version(runner_up.id))
    day = release_day(model)
    kind = "newest generation" if is_preview(model) else "newest generally available generation"
    if rule == "generation" and (by_version is not None or day is None):
        return f"{kind} ({generation})"
    if rule in ("generation", "release") and day is not None:
        of = f", generation {generation}" if parse_version(model.id) else ""
        return f"newest release ({day.isoformat()}{of})"
    if rule == "description":
        if tiers.described_tier(model) > 0:
            return f"named flagship in its description (same generation and day as {runner_up.id})"
        return f"{runner_up.id} is described as a lighter model (same generation and day)"
    if rule == "tools":
        return f"calls tools, unlike its sibling {runner_up.id} (same generation and day)"
    if rule == "price":
        return f"dearer sibling of {runner_up.id} (same generation and release day)"
    return (
        f"tied with {runner_up.id} on generation and release day, and the catalogs say nothing "
        "to tell them apart; shortest id wins"
    )
