"""The second apply target: a running (team's, database-backed) LiteLLM proxy's model API.

``refresh --to-proxy URL`` builds the same plan as for config.yaml from the same
:class:`TargetState`, read here from ``GET /v2/model/info`` and ``GET /router/settings``;
:meth:`ProxyTarget.write` performs the plan's edits through the proxy's own API.

Ownership is the file's: a model is the tool's when it is stored in the database and its
``model_info`` carries the mark (``OWNER_KEY: provider``); its id is :func:`tool_model_id`.
The listing mixes stored values with LiteLLM's cost map and never shows ``api_key``, so every
tool model also stores :data:`BOOKKEEPING_KEY`: which keys the tool wrote (``params``, ``info``),
the ``os.environ/VAR`` reference it gave as key (``key_ref``), and the aliases and fallbacks the
tool pointed at it (:mod:`discovery_tui.proxyrecord`): a team refreshes from several machines, so
this record lives on the proxy (``TargetState.written``), not in one machine's profile.yaml.
The state shows only the keys the tool wrote, as stored now: an administrator's edit of one
of them (UI, ``PATCH``) is seen as such and the plan's three-way rule keeps it. Keys an
administrator added are never in the state, never written. Unchanged catalogs give an empty
plan and no write call at all.

No transactions: :meth:`ProxyTarget.write` creates models first, then records the claims models
gain, then replaces the alias table and the fallback list (wholesale, as ``/config/update``
does: everyone's aliases, with the plan's changes), then updates, then drops the claims models
lose, then deletes; if a call fails, ApplyTargetError says what was
applied; the next run reads the proxy again and converges.

The lock: replicas share one database, so no local lock protects a team's proxy; the lock here
(a file in the user cache folder keyed by the URL) only serialises runs on this machine, e.g. a
scheduled run and a manual one. Runs from two machines at once may both write; the later one
converges on the next run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from discovery_tui.errors import ApplyTargetError, DiscoveryError
from discovery_tui.models import OWNER_KEY
from discovery_tui.ownership import OwnedEntry, TargetState, fallback_table
from discovery_tui.proxyapi import PRICING_KEYS, ProxyModel, RouterSettings, tool_model_id
from discovery_tui.proxyrecord import (
    BOOKKEEPING_KEY,
    Bookkeeping,
    Claims,
    claim_updates,
    kept_claims,
    wanted_claims,
    written_router,
)

if TYPE_CHECKING:
    from discovery_tui.apply import WriteResult
    from discovery_tui.plan import EntryChange, Plan
    from discovery_tui.proxyapi import ProxyApi

# litellm_params every listing shows (LiteLLM's defaults), not stored by anyone
LISTING_DEFAULTS = frozenset(
    {
        "allow_client_keepalive_override",
        "use_in_pass_through",
        "use_litellm_proxy",
        "use_xai_oauth",
        "merge_reasoning_content_in_choices",
    }
)
ROUTER_KEYS = {"aliases": "model_group_alias", "fallbacks": "fallbacks"}


class ProxyTarget:
    """The model API of one proxy as an :class:`~discovery_tui.apply.ApplyTarget`."""

    def __init__(self, api: ProxyApi) -> None:
        self.api = api
        self.name = api.base_url
        self._models: dict[tuple[str, str], ProxyModel] = {}
        self._settings = RouterSettings()
        self.router_problems: dict[str, str] = {}  # "aliases"/"fallbacks" -> why not writable

    # ---------------------------------------------------------------------- ApplyTarget
    def lock(self) -> AbstractContextManager[None]:
        """Serialises runs on this machine only (see the module's note)."""
        from discovery_tui.fileio import locked
        from discovery_tui.settings import cache_dir

        digest = hashlib.sha256(self.name.encode("utf-8")).hexdigest()[:16]
        return locked(cache_dir() / "locks" / f"proxy.{digest}")

    def state(self) -> TargetState:
        models = self.api.list_models()
        self._settings = self._read_router_settings()
        self._models = {}
        owned: dict[str, dict[str, OwnedEntry]] = {}
        holders: dict[str, set[str | None]] = {}
        for model in models:
            provider = model.owner if model.db_model else None
            holders.setdefault(model.model_name, set()).add(provider)
            if provider is not None:
                self._models[(provider, model.model_name)] = model
                owned.setdefault(provider, {})[model.model_name] = owned_entry(model, provider)
        fallbacks = fallback_table(
            [{alias: list(names)} for alias, names in self._settings.fallbacks]
        )
        records = {m.model_name: Bookkeeping.read(m.model_info) for m in self._models.values()}
        return TargetState(
            path=Path(shown_name(self.name)),
            owned=owned,
            holders={name: frozenset(held) for name, held in holders.items()},
            model_names=tuple(dict.fromkeys(m.model_name for m in models)),
            aliases=dict(self._settings.aliases),
            fallbacks=fallbacks,
            written=written_router(records, self._settings.aliases, fallbacks),
        )

    def write(self, plan: Plan) -> WriteResult:
        """The plan's edits, and the claims of the tool's models brought in line with it (a
        plan without changes may still record an alias it adopted: once, then no call)."""
        from discovery_tui.apply import WriteResult

        steps = self._steps(plan)
        if not steps:
            return WriteResult(written=False, existed=True)
        done: list[str] = []
        for what, call in steps:
            try:
                call()
            except DiscoveryError as exc:
                raise ApplyTargetError(
                    _half_way(self.name, exc, done, [w for w, _ in steps])
                ) from exc
            done.append(what)
        return WriteResult(written=plan.has_changes, existed=True)

    # ---------------------------------------------------------------------- notes
    def notes(self) -> tuple[str, ...]:
        """What this proxy cannot take (shown with the preview), one plain line each."""
        return tuple(dict.fromkeys(self.router_problems.values()))  # one line said once

    # ---------------------------------------------------------------------- the steps
    def _steps(self, plan: Plan) -> list[tuple[str, Callable[[], None]]]:
        """Creates, claims gained, the router table, updates, claims lost, deletes."""
        changes = plan.changes
        removed = {c.model_name for c in changes if c.kind == "removed"}
        current = {
            m.model_name: Bookkeeping.read(m.model_info).claims
            for m in self._models.values()
            if m.model_name not in removed
        }
        blocked = frozenset(self.router_problems)  # sections this proxy cannot take: kept
        wanted = kept_claims(wanted_claims(plan.aliases, plan.fallbacks), current, blocked)
        steps = [
            (f"created {c.model_name}", self._creator(c, wanted.get(c.model_name, Claims())))
            for c in changes
            if c.kind == "added"
        ]
        updated = {c.model_name: c for c in changes if c.kind == "updated"}
        claims = claim_updates(current, wanted)
        steps.extend(self._claimer(u.model_name, u.before) for u in claims if u.before)
        steps.extend(self._router_steps(plan))
        steps.extend(
            (f"updated {name}", self._updater(change, wanted.get(name, Claims())))
            for name, change in updated.items()
        )
        steps.extend(
            self._claimer(u.model_name, u.after)
            for u in claims
            if u.after and u.model_name not in updated
        )
        steps.extend(
            (f"deleted {c.model_name}", self._deleter(c)) for c in changes if c.kind == "removed"
        )
        return steps

    def _claimer(self, model_name: str, claims: Claims) -> tuple[str, Callable[[], None]]:
        """A write of one model's claims alone (its other bookkeeping as stored)."""
        model = next(m for m in self._models.values() if m.model_name == model_name)

        def claim() -> None:
            record = Bookkeeping.read(model.model_info).with_claims(claims)
            self.api.update_model(model.id, model_info={BOOKKEEPING_KEY: record.as_value()})

        return f"recorded the aliases of {model_name}", claim

    def _creator(self, change: EntryChange, claims: Claims) -> Callable[[], None]:
        def create() -> None:
            entry = change.entry
            if entry is None:
                raise ApplyTargetError(f"the plan has no entry for {change.model_name}")
            params = dict(entry.litellm_params)
            record = Bookkeeping(
                params=tuple(k for k in params if k != "api_key"),
                info=tuple(entry.model_info),
                key_ref=_str_or_none(params.get("api_key")),
                claims=claims,
            )
            info = {**entry.model_info, BOOKKEEPING_KEY: record.as_value()}
            model_id = tool_model_id(change.provider, change.model_name)
            self.api.create_model(model_id, change.model_name, params, info)

        return create

    def _updater(self, change: EntryChange, claims: Claims) -> Callable[[], None]:
        """PATCH merges, and a null does not remove a key: an edit that removes a key
        recreates the model under the same id (delete, then create with what it holds now).
        ``claims``: the model's claims after the run."""

        def update() -> None:
            model = self._model(change)
            stored = Bookkeeping.read(model.model_info).with_claims(claims)
            if any(edit.remove for edit in change.edits):
                params = {
                    k: v for k, v in model.litellm_params.items() if k not in LISTING_DEFAULTS
                }
                info = {k: v for k, v in model.model_info.items() if k not in PRICING_KEYS}
                record = _edited(change, params, info, stored)
                if record.key_ref is not None:
                    params["api_key"] = record.key_ref
                info[BOOKKEEPING_KEY] = record.as_value()
                self.api.delete_model(model.id)
                self.api.create_model(model.id, model.model_name, params, info)
                return
            params, info = {}, {}
            record = _edited(change, params, info, stored)
            info[BOOKKEEPING_KEY] = record.as_value()
            self.api.update_model(model.id, litellm_params=params or None, model_info=info)

        return update

    def _deleter(self, change: EntryChange) -> Callable[[], None]:
        return lambda: self.api.delete_model(self._model(change).id)

    def _router_steps(self, plan: Plan) -> list[tuple[str, Callable[[], None]]]:
        steps: list[tuple[str, Callable[[], None]]] = []
        if plan.alias_changes and "aliases" not in self.router_problems:
            aliases = dict(self._settings.aliases)
            for change in plan.alias_changes:
                if change.new is None:
                    aliases.pop(change.alias, None)
                else:
                    aliases[change.alias] = change.new
            names = ", ".join(c.alias for c in plan.alias_changes)
            steps.append(
                (f"set the aliases {names}", lambda: self.api.set_router_settings(aliases=aliases))
            )
        fallback_changes = plan.fallback_changes
        if fallback_changes and "fallbacks" not in self.router_problems:
            items = list(self._settings.fallbacks)
            for item in fallback_changes:
                items = _apply_fallback(items, item.alias, item.new)
            steps.append(
                (
                    "set the fallbacks of " + ", ".join(c.alias for c in fallback_changes),
                    lambda: self.api.set_router_settings(fallbacks=tuple(items)),
                )
            )
        return steps

    # ---------------------------------------------------------------------- reading
    def _model(self, change: EntryChange) -> ProxyModel:
        model = self._models.get((change.provider, change.model_name))
        if model is None:
            raise ApplyTargetError(f"{change.model_name} is no longer on the proxy")
        return model

    def _read_router_settings(self) -> RouterSettings:
        """The router settings, and (in ``router_problems``) which of them this proxy cannot
        take through its API: an older LiteLLM without ``/router/settings``, or a key that the
        proxy's own config.yaml sets (LiteLLM then refuses API writes to it)."""
        self.router_problems = {}
        try:
            settings = self.api.router_settings()
        except ApplyTargetError as exc:
            text = (
                f"the proxy at {self.name} cannot take aliases and fallbacks through its API "
                f"({exc}); they are not written: set them in the proxy's config.yaml"
            )
            self.router_problems = {"aliases": text, "fallbacks": text}
            return RouterSettings()
        for field_name, key in ROUTER_KEYS.items():
            if settings.sources.get(key) == "config":
                self.router_problems[field_name] = (
                    f"the proxy's config.yaml sets router_settings.{key}, so its API refuses "
                    f"changes to it: {field_name} are not written (move {key} out of that file "
                    "to let discovery-tui keep them)"
                )
        return settings


# ---------------------------------------------------------------------------- helpers
def owned_entry(model: ProxyModel, provider: str) -> OwnedEntry:
    """The tool's keys of one proxy model as they are stored now (see the module's note)."""
    record = Bookkeeping.read(model.model_info)
    params = {k: model.litellm_params[k] for k in record.params if k in model.litellm_params}
    if record.key_ref is not None:
        params["api_key"] = record.key_ref
    info: dict[str, object] = {}
    for key in record.info:
        source = model.litellm_params if key in PRICING_KEYS else model.model_info
        if key in source:
            info[key] = source[key]
    info[OWNER_KEY] = provider
    return OwnedEntry(model.model_name, provider, params, info)


def _edited(
    change: EntryChange,
    params: dict[str, object],
    info: dict[str, object],
    record: Bookkeeping,
) -> Bookkeeping:
    """Apply ``change.edits`` to ``params``/``info`` (prices live in ``params`` on a proxy) and
    return the bookkeeping of the keys the tool holds afterwards."""
    held = {"litellm_params": list(record.params), "model_info": list(record.info)}
    key_ref = record.key_ref
    for edit in change.edits:
        if edit.section == "litellm_params" and edit.key == "api_key":
            key_ref = None if edit.remove else _str_or_none(edit.value)
            if key_ref is not None:
                params["api_key"] = key_ref
            continue
        into = params if edit.section == "litellm_params" or edit.key in PRICING_KEYS else info
        keys = held[edit.section]
        if edit.remove:
            into.pop(edit.key, None)
            if edit.key in keys:
                keys.remove(edit.key)
        else:
            into[edit.key] = edit.value
            if edit.key not in keys:
                keys.append(edit.key)
    return Bookkeeping(
        tuple(held["litellm_params"]), tuple(held["model_info"]), key_ref, record.claims
    )


def shown_name(url: str) -> str:
    """How the proxy is named where a plan names its target (a Path would fold "//")."""
    return "proxy " + url.split("://", 1)[-1]


def _apply_fallback(
    items: list[tuple[str, tuple[str, ...]]], alias: str, new: tuple[str, ...] | None
) -> list[tuple[str, tuple[str, ...]]]:
    if new is None:
        return [item for item in items if item[0] != alias]
    if any(group == alias for group, _ in items):
        return [(group, new if group == alias else targets) for group, targets in items]
    return [*items, (alias, new)]


def _half_way(name: str, exc: Exception, done: list[str], planned: list[str]) -> str:
    applied = "; ".join(done) if done else "nothing"
    left = "; ".join(planned[len(done) :])
    return (
        f"{exc} Applied to {name} before this: {applied}. Not applied: {left}. "
        "Run the refresh again: it reads the proxy as it is now and converges."
    )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
