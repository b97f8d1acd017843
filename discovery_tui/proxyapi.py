"""A client of a running LiteLLM proxy's model API (a team's database-backed proxy).

Measured against LiteLLM 1.106.2 on PostgreSQL (see docs/findings-team-proxy.md):

- ``GET /v2/model/info`` (paged) lists file and database models; ``model_info.db_model`` tells them
  apart. ``litellm_params`` come back without ``api_key``; ``model_info`` comes back merged with
  LiteLLM's cost map (stored keys win, the rest filled in or null).
- ``POST /model/new`` stores a model under the ``model_info.id`` we send. It drops pricing keys
  from ``model_info`` (a deployment's own prices belong in ``litellm_params``), so
  :meth:`ProxyApi.create_model` moves them there. An ``api_key`` of ``os.environ/VAR`` is stored
  as that reference and resolved by the proxy at call time.
- ``PATCH /model/{id}/update`` merges ``model_name``, ``litellm_params`` and ``model_info`` key by
  key (null does not remove a key); an id with "/" cannot be reached there, hence
  :func:`tool_model_id`.
- ``POST /model/delete {"id"}``: 400 for an id not in the database (file models included).
- ``POST /config/update {"router_settings": {...}}`` replaces each key it is given wholesale
  (``model_group_alias``, ``fallbacks``); ``GET /router/settings`` reads them back.

Responses of writes carry encrypted ``litellm_params``: they are never returned or shown. The
master key never appears in a message.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import ApplyTargetError, ProxyError
from discovery_tui.models import OWNER_KEY
from discovery_tui.secrets import scrub

if TYPE_CHECKING:
    import httpx

ENV_REFERENCE = "os.environ/"
TOOL_ID_PREFIX = "discovery-tui"
PAGE_SIZE = 200
# model_info keys /model/new drops (LiteLLM: a deployment's own pricing belongs on litellm_params)
PRICING_KEYS = frozenset(
    {
        "input_cost_per_token",
        "output_cost_per_token",
        "cache_read_input_token_cost",
        "cache_creation_input_token_cost",
    }
)
# what /model/info adds to every model_info: bookkeeping, not anything stored
LISTING_ONLY_INFO_KEYS = frozenset(
    {
        "id",
        "db_model",
        "key",
        "litellm_provider",
        "supported_openai_params",
        "pricing_overrides",
        "access_via_team_ids",
        "direct_access",
        "member_auto_router",
        "blocked",
    }
)
SECRET_PARAM_KEYS = frozenset({"api_key", "aws_secret_access_key", "vertex_credentials"})
_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9._:-]+")
Fallbacks = tuple[tuple[str, tuple[str, ...]], ...]


def tool_model_id(provider: str, model_name: str) -> str:
    """The id of the model the tool creates for ``model_name`` of ``provider``: stable across runs
    and replicas, readable, unique (a hash of both names ends it), and free of "/" (which
    ``PATCH /model/{id}/update`` and the admin UI cannot reach)."""
    slug = _UNSAFE_ID_CHARS.sub("_", model_name.replace("/", "--")).strip("_")
    digest = hashlib.sha256(f"{provider}\0{model_name}".encode()).hexdigest()[:10]
    return f"{TOOL_ID_PREFIX}.{provider.lower()}.{slug}.{digest}"


@dataclass(frozen=True)
class ProxyModel:
    """One deployment as the proxy lists it. ``litellm_params`` has no secret; ``model_info`` has
    the keys the listing adds (``LISTING_ONLY_INFO_KEYS``) and null values left out."""

    id: str
    model_name: str
    litellm_params: Mapping[str, object]
    model_info: Mapping[str, object]
    db_model: bool

    @property
    def owner(self) -> str | None:
        """The provider named by the tool's ownership mark, or None (not the tool's model)."""
        mark = self.model_info.get(OWNER_KEY)
        return mark if isinstance(mark, str) and mark else None


@dataclass(frozen=True)
class RouterSettings:
    """``router_settings`` the tool reads and writes: aliases and fallbacks (model group ->
    ordered model groups to try next)."""

    aliases: Mapping[str, str] = field(default_factory=dict)
    fallbacks: Fallbacks = ()
    # router_settings key -> where the proxy has it from ("db", "config", ...): LiteLLM refuses
    # API writes to a key the proxy's own config.yaml sets
    sources: Mapping[str, str] = field(default_factory=dict)


class ProxyApi:
    """The model API of the proxy at ``base_url``, called through an injected ``httpx.Client``."""

    def __init__(self, client: httpx.Client, base_url: str, master_key: str) -> None:
        self._client = client
        self.base_url = base_url.rstrip("/")
        self._master_key = master_key

    # ------------------------------------------------------------------------------ reading
    def list_models(self) -> list[ProxyModel]:
        """Every deployment (file and database), in the proxy's order, every page."""
        models: list[ProxyModel] = []
        page = 1
        while True:
            body = self._call(
                "GET", "/v2/model/info", "list its models", params={"page": page, "size": PAGE_SIZE}
            )
            data = body.get("data") if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise ProxyError(
                    f"The proxy at {self.base_url} answered /v2/model/info without a model list: "
                    "is it a LiteLLM proxy?"
                )
            models.extend(_proxy_model(item) for item in data if isinstance(item, dict))
            total_pages = body.get("total_pages")
            if not isinstance(total_pages, int) or page >= total_pages:
                return models
            page += 1

    def router_settings(self) -> RouterSettings:
        """The aliases and fallbacks the proxy routes with now (``GET /router/settings``)."""
        body = self._call("GET", "/router/settings", "read its router settings")
        current = body.get("current_values") if isinstance(body, dict) else None
        values: Mapping[str, Any] = current if isinstance(current, dict) else {}
        raw_sources = body.get("source") if isinstance(body, dict) else None
        sources = raw_sources if isinstance(raw_sources, dict) else {}
        return RouterSettings(
            _aliases(values.get("model_group_alias")),
            _fallbacks(values.get("fallbacks")),
            {str(k): str(v) for k, v in sources.items()},
        )

    def get_aliases(self) -> dict[str, str]:
        return dict(self.router_settings().aliases)

    # ------------------------------------------------------------------------------ writing
    def create_model(
        self,
        model_id: str,
        model_name: str,
        litellm_params: Mapping[str, object],
        model_info: Mapping[str, object],
    ) -> None:
        """Store a model under ``model_id``; prices given in ``model_info`` go to ``litellm_params``
        (where LiteLLM keeps them). A key must be an ``os.environ/VAR`` reference."""
        _check_id(model_id)
        _check_key_reference(litellm_params)
        params, info = split_pricing(litellm_params, model_info)
        payload = {
            "model_name": model_name,
            "litellm_params": params,
            "model_info": {**info, "id": model_id},
        }
        self._call("POST", "/model/new", f"create model {model_name!r}", json=payload)

    def update_model(
        self,
        model_id: str,
        *,
        model_name: str | None = None,
        litellm_params: Mapping[str, object] | None = None,
        model_info: Mapping[str, object] | None = None,
    ) -> None:
        """Merge the given keys into a stored model (``PATCH /model/{id}/update``); keys not
        given keep their values. Prices in ``model_info`` are written to ``litellm_params``."""
        _check_id(model_id)
        _check_key_reference(litellm_params or {})
        params, info = split_pricing(litellm_params or {}, model_info or {})
        payload: dict[str, object] = {}
        if model_name is not None:
            payload["model_name"] = model_name
        if params:
            payload["litellm_params"] = params
        if info:
            payload["model_info"] = info
        if payload:
            self._call(
                "PATCH", f"/model/{model_id}/update", f"update model {model_id!r}", json=payload
            )

    def update_model_params(self, model_id: str, litellm_params: Mapping[str, object]) -> None:
        self.update_model(model_id, litellm_params=litellm_params)

    def update_model_info(self, model_id: str, model_info: Mapping[str, object]) -> None:
        self.update_model(model_id, model_info=model_info)

    def delete_model(self, model_id: str) -> None:
        self._call("POST", "/model/delete", f"delete model {model_id!r}", json={"id": model_id})

    def set_router_settings(
        self, *, aliases: Mapping[str, str] | None = None, fallbacks: Fallbacks | None = None
    ) -> None:
        """Replace the proxy's whole alias table and/or fallback list (each given one wholesale:
        pass every alias, the tool's and others')."""
        settings: dict[str, object] = {}
        if aliases is not None:
            settings["model_group_alias"] = dict(aliases)
        if fallbacks is not None:
            settings["fallbacks"] = [{group: list(targets)} for group, targets in fallbacks]
        if settings:
            self._call(
                "POST",
                "/config/update",
                "update its router settings",
                json={"router_settings": settings},
            )

    def set_aliases(self, aliases: Mapping[str, str]) -> None:
        self.set_router_settings(aliases=aliases)

    # ------------------------------------------------------------------------------ transport
    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        import httpx

        url = self.base_url + path
        headers = {"Authorization": f"Bearer {self._master_key}"}
        try:
            response = self._client.request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ProxyError(
                f"Cannot reach the LiteLLM proxy at {self.base_url} ({type(exc).__name__}): "
                "start it, or check the URL given to --to-proxy"
            ) from exc
        if response.status_code >= 400:
            raise self._refusal(response.status_code, what, _error_text(response))
        try:
            return response.json()
        except ValueError as exc:
            raise ProxyError(
                f"The proxy at {self.base_url} answered {path} with something not JSON: "
                "is it a LiteLLM proxy?"
            ) from exc

    def _refusal(self, status: int, what: str, detail: str) -> ProxyError:
        detail = scrub(detail, [self._master_key])
        if status == 401:
            return ProxyError(
                f"The proxy at {self.base_url} refused the master key (HTTP 401) "
                f"when asked to {what}: set LITELLM_MASTER_KEY to the proxy's master key"
            )
        fix = {
            403: "use the proxy admin's master key",
            404: "check the URL given to --to-proxy",
        }.get(status, "check the proxy's log" if status >= 500 else "see the proxy's answer")
        return ApplyTargetError(
            f"The proxy at {self.base_url} refused to {what} (HTTP {status}): {detail}; {fix}"
        )


# ---------------------------------------------------------------------------------- helpers
def split_pricing(
    litellm_params: Mapping[str, object], model_info: Mapping[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """(litellm_params with the prices of ``model_info`` added, model_info without them)."""
    prices = {k: v for k, v in model_info.items() if k in PRICING_KEYS}
    info = {k: v for k, v in model_info.items() if k not in PRICING_KEYS}
    return {**dict(litellm_params), **prices}, info


def _check_id(model_id: str) -> None:
    if not model_id or "/" in model_id:
        raise ApplyTargetError(
            f"Model id {model_id!r} cannot be edited through the proxy's API "
            "(empty, or contains '/'): use tool_model_id()"
        )


def _check_key_reference(litellm_params: Mapping[str, object]) -> None:
    for name in SECRET_PARAM_KEYS & set(litellm_params):
        value = litellm_params[name]
        if not (isinstance(value, str) and value.startswith(ENV_REFERENCE)):
            raise ApplyTargetError(
                f"litellm_params.{name} must be a reference {ENV_REFERENCE}VAR to the proxy's "
                "environment, never a key value: nothing was sent"
            )


def _proxy_model(item: Mapping[str, Any]) -> ProxyModel:
    raw_info = item.get("model_info")
    info: Mapping[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    raw_params = item.get("litellm_params")
    params: Mapping[str, Any] = raw_params if isinstance(raw_params, dict) else {}
    return ProxyModel(
        id=str(info.get("id", "")),
        model_name=str(item.get("model_name", "")),
        litellm_params={k: v for k, v in params.items() if k not in SECRET_PARAM_KEYS},
        model_info={
            k: v for k, v in info.items() if k not in LISTING_ONLY_INFO_KEYS and v is not None
        },
        db_model=info.get("db_model") is True,
    )


def _aliases(value: object) -> dict[str, str]:
    """``model_group_alias`` as alias -> model name (``{model: NAME, hidden: true}`` too)."""
    if not isinstance(value, dict):
        return {}
    aliases: dict[str, str] = {}
    for alias, target in value.items():
        name = target.get("model") if isinstance(target, dict) else target
        if isinstance(name, str):
            aliases[str(alias)] = name
    return aliases


def _fallbacks(value: object) -> Fallbacks:
    if not isinstance(value, list):
        return ()
    pairs: list[tuple[str, tuple[str, ...]]] = []
    for item in value:
        if isinstance(item, dict):
            pairs.extend(
                (str(group), tuple(str(t) for t in targets))
                for group, targets in item.items()
                if isinstance(targets, list)
            )
    return tuple(pairs)


def _error_text(response: httpx.Response) -> str:
    """The proxy's own message (``{"error": {"message": ...}}`` or ``{"detail": ...}``), short."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])[:300]
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail or body)[:300]


def names_of(models: Sequence[ProxyModel]) -> tuple[str, ...]:
    """Every model name, in the proxy's order, once each."""
    return tuple(dict.fromkeys(m.model_name for m in models))
