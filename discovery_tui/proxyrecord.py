"""What the tool wrote into a proxy, kept ON the proxy: a team refreshes it from several
machines, each with its own profile.yaml, so no one profile can say which aliases are the tool's.

Every tool model stores :data:`BOOKKEEPING_KEY` in its ``model_info`` (a nested mapping LiteLLM
keeps in the database, so it survives restarts and reaches every replica):

- ``params`` / ``info``: the keys the tool wrote (the listing mixes in LiteLLM's cost map and
  never shows ``api_key``), ``key_ref``: the ``os.environ/VAR`` reference it gave as key;
- ``aliases``: the aliases the tool pointed at this model, ``fallbacks``: the fallback items
  (``[{ALIAS: [MODEL_NAME, ...]}]``) it wrote for an alias that points here.

The aliases and fallbacks the tool owns on a proxy are those its models claim AND that the proxy's
table holds with exactly that value (:func:`written_router`); an alias a person made or re-pointed
is claimed by no model with that value, so it is theirs.

Claims never lag behind the table: a model gains a claim before the alias table moves to it and
loses one only after the table moved away (:func:`claim_steps`), so a run that fails half-way
leaves a record the next run (from any machine) converges from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from discovery_tui.models import OWNER_KEY
from discovery_tui.ownership import WrittenRouter

BOOKKEEPING_KEY = f"{OWNER_KEY}_proxy"
FallbackClaim = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Claims:
    """The aliases (pointing at one model) and fallback items the tool wrote for them."""

    aliases: frozenset[str] = frozenset()
    fallbacks: frozenset[FallbackClaim] = frozenset()

    def __or__(self, other: Claims) -> Claims:
        return Claims(self.aliases | other.aliases, self.fallbacks | other.fallbacks)

    def covers(self, other: Claims) -> bool:
        return other.aliases <= self.aliases and other.fallbacks <= self.fallbacks


@dataclass(frozen=True)
class Bookkeeping:
    """What the tool wrote into one proxy model (see the module's note). ``claims`` None: a
    model of a build that kept no claims on the proxy."""

    params: tuple[str, ...] = ()
    info: tuple[str, ...] = ()
    key_ref: str | None = None
    claims: Claims | None = None

    @classmethod
    def read(cls, model_info: Mapping[str, object]) -> Bookkeeping:
        raw = model_info.get(BOOKKEEPING_KEY)
        if not isinstance(raw, dict):
            return cls()
        claims = None
        if "aliases" in raw:
            claims = Claims(frozenset(_names(raw["aliases"])), _fallbacks(raw.get("fallbacks")))
        key_ref = _str_or_none(raw.get("key_ref"))
        return cls(_names(raw.get("params")), _names(raw.get("info")), key_ref, claims)

    def with_claims(self, claims: Claims) -> Bookkeeping:
        return replace(self, claims=claims)

    def as_value(self) -> dict[str, object]:
        value: dict[str, object] = {"params": list(self.params), "info": list(self.info)}
        if self.key_ref is not None:
            value["key_ref"] = self.key_ref
        claims = self.claims or Claims()
        value["aliases"] = sorted(claims.aliases)
        value["fallbacks"] = [{alias: list(names)} for alias, names in sorted(claims.fallbacks)]
        return value


def written_router(
    records: Mapping[str, Bookkeeping],
    aliases: Mapping[str, str],
    fallbacks: Mapping[str, tuple[str, ...]],
) -> WrittenRouter | None:
    """The aliases and fallbacks the tool owns on the proxy, from its models' claims
    (``records``: model_name -> bookkeeping of every tool model). None when tool models exist
    but none keeps claims (written by an older build): the profile's ``written:`` counts."""
    if records and all(record.claims is None for record in records.values()):
        return None
    owned_aliases: dict[str, str] = {}
    owned_fallbacks: dict[str, tuple[str, ...]] = {}
    for name, record in records.items():
        claims = record.claims or Claims()
        owned_aliases.update({a: name for a in claims.aliases if aliases.get(a) == name})
        owned_fallbacks.update({a: n for a, n in claims.fallbacks if fallbacks.get(a) == n})
    return WrittenRouter(owned_aliases, owned_fallbacks)


def wanted_claims(
    aliases: Mapping[str, str], fallbacks: Mapping[str, tuple[str, ...]]
) -> dict[str, Claims]:
    """model_name -> the claims it should hold once the plan is applied (the plan's final owned
    aliases and fallbacks; a fallback item is claimed by the model its alias points at)."""
    pointing: dict[str, set[str]] = {}
    for alias, target in aliases.items():
        pointing.setdefault(target, set()).add(alias)
    items: dict[str, set[FallbackClaim]] = {}
    for alias, names in fallbacks.items():
        if alias in aliases:
            items.setdefault(aliases[alias], set()).add((alias, tuple(names)))
    return {
        name: Claims(frozenset(pointing.get(name, ())), frozenset(items.get(name, ())))
        for name in set(pointing) | set(items)
    }


def kept_claims(
    wanted: Mapping[str, Claims], current: Mapping[str, Claims | None], blocked: frozenset[str]
) -> dict[str, Claims]:
    """``wanted``, except for the router sections in ``blocked`` ("aliases", "fallbacks": the
    proxy cannot take them, nothing of them is written), whose claims stay as they are."""
    if not blocked:
        return dict(wanted)
    result: dict[str, Claims] = {}
    for name in set(wanted) | set(current):
        want, have = wanted.get(name, Claims()), current.get(name) or Claims()
        aliases = have.aliases if "aliases" in blocked else want.aliases
        fallbacks = have.fallbacks if "fallbacks" in blocked else want.fallbacks
        result[name] = Claims(aliases, fallbacks)
    return result


@dataclass(frozen=True)
class ClaimUpdate:
    """One model's claims to write before the router table moves, and after it."""

    model_name: str
    before: Claims | None  # None: nothing gained, no write before
    after: Claims | None  # None: nothing lost, no write after


def claim_updates(
    current: Mapping[str, Claims | None], wanted: Mapping[str, Claims]
) -> list[ClaimUpdate]:
    """For each existing tool model (``current``: model_name -> its claims now), the writes that
    bring its claims to ``wanted`` without ever lagging behind the table."""
    updates: list[ClaimUpdate] = []
    for name, now in current.items():
        have = now or Claims()
        want = wanted.get(name, Claims())
        if now is not None and have == want:
            continue
        union = have | want
        before = union if now is None or not have.covers(want) else None
        after = want if union != want else None
        updates.append(ClaimUpdate(name, before, after))
    return updates


def _names(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _fallbacks(value: object) -> frozenset[FallbackClaim]:
    found: set[FallbackClaim] = set()
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and len(item) == 1:
            alias, names = next(iter(item.items()))
            if isinstance(names, list):
                found.add((str(alias), tuple(str(n) for n in names)))
    return frozenset(found)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
