"""The choose step: pins, the decision cache, one LLM call per provider, the deterministic fallback.

``choose_picks`` returns one :class:`Pick` per family that has candidates, for every provider.
Where no judge is configured, reachable or valid, ``ranking.best`` decides (``by="heuristic"``)
and the reason says why. The judge's key lives only in :class:`JudgeSettings` (hidden from repr)
and in the request's Authorization header: never in a file, a log or an exception message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from discovery_tui.errors import DiscoveryError
from discovery_tui.models import Model, Pick

if TYPE_CHECKING:
    import httpx

    from discovery_tui.families import Family
    from discovery_tui.providers.base import ProviderSpec

JUDGE_KEY_ENV = "DISCOVERY_TUI_JUDGE_API_KEY"
DEFAULT_JUDGE_MODEL = "google/gemini-2.5-flash"  # on OpenRouter: fast, cheap, JSON mode
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class JudgeSettings:
    """Where the judge lives. ``api_key`` is never shown (repr) and never written anywhere."""

    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Decision:
    """What the judge or the ranking chose for one family, before pins are applied."""

    model: Model
    by: str  # "llm" | "heuristic" | "cached"
    reason: str


# --------------------------------------------------------------------------- settings


def resolve_judge(
    *,
    base_url: str | None,
    model: str | None,
    profile_judge: Mapping[str, Any],
    no_llm: bool,
) -> JudgeSettings | None:
    """The judge to ask, or None (``--no-llm``, or nothing configured and no OpenRouter key).

    Order: ``--judge-base-url``/``--judge-model``, then profile.yaml ``judge: {base_url, model}``,
    then OpenRouter (its base, honouring ``OPENROUTER_API_BASE``) when its key is set.
    """
    if no_llm:
        return None
    url = _text(base_url) or _text(profile_judge.get("base_url"))
    name = _text(model) or _text(profile_judge.get("model"))
    timeout = _timeout(profile_judge.get("timeout"))
    if url is None:
        url = _openrouter_base(required=name is not None)
        if url is None:
            return None
        name = name or DEFAULT_JUDGE_MODEL
    if name is None:
        raise DiscoveryError(
            f"The judge at {url} has no model: pass --judge-model NAME or set `judge: model:` "
            "in profile.yaml (or use --no-llm)"
        )
    key_env = _text(profile_judge.get("api_key_env"))
    return JudgeSettings(
        base_url=url.rstrip("/"), model=name, api_key=_judge_key(url, key_env), timeout=timeout
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _timeout(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TIMEOUT
    return seconds if seconds > 0 else DEFAULT_TIMEOUT


def _providers() -> Mapping[str, ProviderSpec]:
    try:
        from discovery_tui.providers import PROVIDERS
    except ImportError:  # pragma: no cover - the registry is part of the package
        return {}
    return PROVIDERS


def _openrouter_base(*, required: bool) -> str | None:
    """OpenRouter's API base when a key for it exists (or a model was named explicitly)."""
    from discovery_tui.settings import api_base, resolve_key

    spec = _providers().get("openrouter")
    if spec is None:
        if required:
            raise DiscoveryError("No judge endpoint: pass --judge-base-url URL (or use --no-llm)")
        return None
    if required or os.environ.get(JUDGE_KEY_ENV, "").strip():
        return api_base(spec)[0]
    if resolve_key(spec).source in ("env", "keyring"):
        return api_base(spec)[0]
    return None


def _judge_key(url: str, key_env: str | None) -> str | None:
    """DISCOVERY_TUI_JUDGE_API_KEY, else profile ``judge: api_key_env``, else the provider's key."""
    explicit = os.environ.get(JUDGE_KEY_ENV, "").strip()
    if explicit:
        return explicit
    if key_env:
        named = os.environ.get(key_env, "").strip()
        if named:
            return named
    spec = provider_for_url(url)
    if spec is None:
        return None
    from discovery_tui.settings import resolve_key

    return resolve_key(spec).value


def provider_for_url(url: str) -> ProviderSpec | None:
    """The registered provider whose API base is ``url`` (same origin, longest path prefix)."""
    from discovery_tui.settings import api_base

    target = urlsplit(url.strip())
    origin = (target.scheme.lower(), (target.hostname or "").lower(), target.port)
    path = target.path.rstrip("/")
    best: tuple[int, ProviderSpec] | None = None
    for spec in _providers().values():
        base = urlsplit(api_base(spec)[0])
        if (base.scheme.lower(), (base.hostname or "").lower(), base.port) != origin:
            continue
        base_path = base.path.rstrip("/")
        score = len(base_path) + 1 if path == base_path or path.startswith(base_path + "/") else 0
        if best is None or score > best[0]:
            best = (score, spec)
    return best[1] if best else None


# --------------------------------------------------------------------------- choose


async def choose_picks(
    client: httpx.AsyncClient,
    *,
    candidates: Mapping[str, Mapping[str, Sequence[Model]]],
    families: Mapping[str, Family],
    judge: JudgeSettings | None,
    pins: Mapping[str, str],
    today: date,
    cache_dir: Path | None,
    refresh_judge: bool = False,
) -> dict[str, dict[str, Pick]]:
    """provider -> family -> Pick, for every family that has candidates.

    Pins win; the rest comes from the cache, else one judge call per provider (all at once),
    else the deterministic ranking. Never raises for a judge failure.
    """
    wanted = {p: {f: list(ms) for f, ms in fams.items() if ms} for p, fams in candidates.items()}
    if judge is None:
        decisions = {p: _heuristic_all(fams, why=None, today=today) for p, fams in wanted.items()}
    else:
        decisions = await _judge_decisions(
            client,
            wanted,
            families=families,
            judge=judge,
            today=today,
            cache_dir=cache_dir,
            refresh_judge=refresh_judge,
        )
    return {
        provider: _apply_pins(fams, decisions[provider], families=families, pins=pins)
        for provider, fams in wanted.items()
    }


def _heuristic_all(
    fams: Mapping[str, Sequence[Model]], *, why: str | None, today: date
) -> dict[str, Decision]:
    return {family: heuristic(models, why=why, today=today) for family, models in fams.items()}


def heuristic(models: Sequence[Model], *, why: str | None, today: date) -> Decision:
    """The deterministic choice among ``models`` (never empty); ``why`` says why no judge."""
    from discovery_tui import ranking

    chosen = ranking.best(models, today=today) or models[0]
    explained = one_line(ranking.explain(chosen, models, today=today))
    reason = explained if why is None else f"{why}; deterministic choice: {explained}"
    return Decision(model=chosen, by="heuristic", reason=reason)


def _apply_pins(
    fams: Mapping[str, Sequence[Model]],
    decisions: Mapping[str, Decision],
    *,
    families: Mapping[str, Family],
    pins: Mapping[str, str],
) -> dict[str, Pick]:
    picks: dict[str, Pick] = {}
    for family, models in fams.items():
        decision = decisions[family]
        pin, source = _pin_for(family, families=families, pins=pins)
        if pin is None:
            picks[family] = Pick(family, decision.model, decision.by, decision.reason)
            continue
        pinned = find_pinned(pin, models)
        if pinned is None:
            reason = f"pin '{pin}' ({source}) matches no candidate here; {decision.reason}"
            picks[family] = Pick(family, decision.model, decision.by, reason)
            continue
        note = None if pinned == decision.model else _pin_note(decision)
        picks[family] = Pick(family, pinned, "pinned", f"pinned in {source}", note)
    return picks


def _pin_for(
    family: str, *, families: Mapping[str, Family], pins: Mapping[str, str]
) -> tuple[str | None, str]:
    pin = _text(pins.get(family))
    if pin:
        return pin, "profile.yaml"
    spec = families.get(family)
    family_pin = _text(getattr(spec, "pin", None)) if spec is not None else None
    return family_pin, "families.yaml"


def find_pinned(pin: str, models: Sequence[Model]) -> Model | None:
    """The candidate a pin names: its id, its LiteLLM string, or its id without ``vendor/``."""
    for model in models:
        if pin in (model.id, model.litellm_model):
            return model
    for model in models:
        if model.id.rsplit("/", 1)[-1] == pin:
            return model
    return None


def _pin_note(decision: Decision) -> str:
    if decision.by in ("llm", "cached"):
        return f"the judge would choose {decision.model.id}"
    return f"the deterministic choice would be {decision.model.id}"


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line, at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------- cache + judge


async def _judge_decisions(
    client: httpx.AsyncClient,
    wanted: Mapping[str, Mapping[str, Sequence[Model]]],
    *,
    families: Mapping[str, Family],
    judge: JudgeSettings,
    today: date,
    cache_dir: Path | None,
    refresh_judge: bool,
) -> dict[str, dict[str, Decision]]:
    """Cached decisions where the inputs are unchanged; one judge call per provider for the rest."""
    decisions: dict[str, dict[str, Decision]] = {p: {} for p in wanted}
    to_ask: dict[str, dict[str, Sequence[Model]]] = {}
    for provider, fams in wanted.items():
        for family, models in fams.items():
            key = _key(provider, family, models, families=families, judge=judge)
            cached = None if refresh_judge or cache_dir is None else _cached(cache_dir, key, models)
            if cached is not None:
                decisions[provider][family] = cached
            else:
                to_ask.setdefault(provider, {})[family] = models
    answers = await ask_judge(client, to_ask, families=families, judge=judge, today=today)
    for provider, answered in answers.items():
        decisions[provider].update(answered)
        if cache_dir is not None:
            _remember(cache_dir, provider, answered, wanted[provider], families, judge, today)
    return decisions


def _key(
    provider: str,
    family: str,
    models: Sequence[Model],
    *,
    families: Mapping[str, Family],
    judge: JudgeSettings,
) -> str:
    from discovery_tui.judge_cache import cache_key

    return cache_key(
        provider=provider,
        family=family,
        intent=_intent(family, families),
        lines=sorted(describe(m) for m in models),
        judge_model=judge.model,
    )


def _cached(cache_dir: Path, key: str, models: Sequence[Model]) -> Decision | None:
    from discovery_tui.judge_cache import load

    hit = load(cache_dir, key)
    if hit is None:
        return None
    chosen = next((m for m in models if m.id == hit.model_id), None)
    if chosen is None:
        return None
    return Decision(model=chosen, by="cached", reason=one_line(hit.reason) or "chosen by the judge")


def _remember(
    cache_dir: Path,
    provider: str,
    answered: Mapping[str, Decision],
    fams: Mapping[str, Sequence[Model]],
    families: Mapping[str, Family],
    judge: JudgeSettings,
    today: date,
) -> None:
    """Store the judge's valid decisions; a fallback is never cached (the next run asks again)."""
    from discovery_tui.judge_cache import store

    for family, decision in answered.items():
        if decision.by != "llm":
            continue
        store(
            cache_dir,
            _key(provider, family, fams[family], families=families, judge=judge),
            provider=provider,
            family=family,
            model_id=decision.model.id,
            reason=decision.reason,
            judge_model=judge.model,
            decided=today.isoformat(),
        )


async def ask_judge(
    client: httpx.AsyncClient,
    asked: Mapping[str, Mapping[str, Sequence[Model]]],
    *,
    families: Mapping[str, Family],
    judge: JudgeSettings,
    today: date,
) -> dict[str, dict[str, Decision]]:
    """One call per provider with families to decide, all at once; failures fall back."""
    import asyncio

    work = {p: fams for p, fams in asked.items() if fams}
    if not work:
        return {}
    oai = _openai_client(client, judge)
    results = await asyncio.gather(
        *(
            _ask_provider(oai, provider, fams, families=families, judge=judge, today=today)
            for provider, fams in work.items()
        )
    )
    return dict(zip(work, results, strict=True))


_warming: list[Any] = []  # the one warm-up thread of this process


def warm_up() -> None:
    """Import the OpenAI SDK in a background thread (about a second, once per process).

    Call it when a run starts and a judge may be asked (not ``--no-llm``): the import then
    overlaps the catalog fetch instead of adding to the judge phase. Harmless if never called,
    and safe to call twice.
    """
    import threading

    if _warming:
        return
    thread = threading.Thread(target=_import_sdk, name="judge-warm-up", daemon=True)
    _warming.append(thread)
    thread.start()


def _import_sdk() -> None:
    try:
        import openai.resources.chat.completions.completions  # noqa: F401
    except ImportError:  # pragma: no cover - a dependency; the call reports it if missing
        return


def _openai_client(client: httpx.AsyncClient, judge: JudgeSettings) -> Any:
    """An AsyncOpenAI on the project's httpx client (never closed here: the caller owns it).

    The key is always passed explicitly (a placeholder when there is none) and as the
    Authorization header, so the SDK never sends OpenAI's own credentials from the environment
    (OPENAI_API_KEY, OPENAI_CUSTOM_HEADERS, organization, project) to another endpoint.
    """
    from openai import AsyncOpenAI

    key = judge.api_key or "no-key"
    oai = AsyncOpenAI(
        base_url=judge.base_url,
        api_key=key,
        http_client=client,  # type: ignore[arg-type]  # openai 3 accepts a legacy httpx client
        max_retries=0,
        timeout=judge.timeout,
        default_headers={"Authorization": f"Bearer {key}"},
    )
    oai.organization = None
    oai.project = None
    return oai


def _without_env_headers() -> dict[str, Any]:
    """Per-request headers removing those the SDK took from OPENAI_CUSTOM_HEADERS."""
    from openai import Omit

    names = [
        line.split(":", 1)[0].strip()
        for line in os.environ.get("OPENAI_CUSTOM_HEADERS", "").splitlines()
        if ":" in line
    ]
    return {name: Omit() for name in names if name and name.lower() != "authorization"}


async def _ask_provider(
    oai: Any,
    provider: str,
    asked: Mapping[str, Sequence[Model]],
    *,
    families: Mapping[str, Family],
    judge: JudgeSettings,
    today: date,
) -> dict[str, Decision]:
    from discovery_tui.errors import JudgeError

    messages = fit_messages(provider, asked, families=families, judge=judge, today=today)
    try:
        text = await call_judge(oai, judge, messages)
        answer = parse_answer(text)
    except JudgeError as exc:
        why = scrub(str(exc), judge.api_key)
        return _heuristic_all(asked, why=why, today=today)
    except Exception as exc:  # the SDK's surprises must not stop the run: fall back, say what
        why = f"the judge call failed unexpectedly ({type(exc).__name__})"
        return _heuristic_all(asked, why=why, today=today)
    return validate(answer, asked, today=today, secret=judge.api_key)


# --------------------------------------------------------------------------- the prompt

MAX_REQUEST_BYTES = 16_000
CANDIDATE_CAPS = (12, 8, 6, 4, 3, 2, 1)  # per family; shrunk until the request fits

SYSTEM_PROMPT = (
    "You choose, for one provider, the single best model of each model family listed by the "
    "user, among that family's candidates only. Best means: the most capable current model that "
    "serves the family's intent; prefer a newer generation to an older one and a generally "
    "available model to a preview, unless the newest generation exists only as a preview; weigh "
    "price only when the intent asks for it. Answer with JSON only, exactly of this shape: "
    '{"picks": {"FAMILY": {"model": "ID", "reason": "one short sentence"}}}. '
    "Use every family name given, and for each the id of one of its own candidates, copied "
    "exactly. No other text."
)


def describe(model: Model) -> str:
    """One compact line: id | released | context | $/Mtok in/out | flags."""
    released = model.released.isoformat() if model.released else "?"
    parts = [model.id, released, _context(model.context_window), _prices(model)]
    flags = _flags(model)
    if flags:
        parts.append(",".join(flags))
    return " | ".join(parts)


def _context(tokens: int | None) -> str:
    if not tokens:
        return "ctx ?"
    if tokens >= 1_000_000 and tokens % 100_000 == 0:
        return f"ctx {tokens / 1_000_000:g}M"
    return f"ctx {round(tokens / 1000)}k"


def _prices(model: Model) -> str:
    def per_mtok(value: float | None) -> str:
        return "?" if value is None else f"{value * 1_000_000:.4g}"

    return f"${per_mtok(model.input_cost_per_token)}/{per_mtok(model.output_cost_per_token)}"


_PREVIEW_WORDS = ("preview", "exp", "experimental", "beta", "alpha")


def _flags(model: Model) -> list[str]:
    import re

    words = set(re.split(r"[^a-z0-9]+", model.id.lower()))
    flags = ["preview"] if words.intersection(_PREVIEW_WORDS) else []
    if model.supports_reasoning:
        flags.append("reasoning")
    if model.supports_tools:
        flags.append("tools")
    if "image" in model.input_modalities:
        flags.append("vision")
    if model.deprecated:
        flags.append("deprecated")
    if model.expires:
        flags.append(f"expires {model.expires.isoformat()}")
    return flags


def _intent(family: str, families: Mapping[str, Family]) -> str:
    spec = families.get(family)
    return one_line(getattr(spec, "intent", "") or "", limit=300) if spec is not None else ""


def build_messages(
    provider: str,
    asked: Mapping[str, Sequence[Model]],
    *,
    families: Mapping[str, Family],
    cap: int,
    today: date,
) -> list[dict[str, str]]:
    """The system contract and one user message with, per family, its intent and top candidates."""
    lines = [
        f"Provider: {provider}. Today: {today.isoformat()}.",
        "Candidates are listed best first by a deterministic ranking, one per line: "
        "id | release date | context window | USD per 1M tokens input/output | flags.",
    ]
    for family, models in asked.items():
        ranked = _ranked(models, today=today)
        lines += ["", f"Family: {family}", f"Intent: {_intent(family, families) or family}"]
        lines += [f"- {describe(m)}" for m in ranked[:cap]]
        if len(ranked) > cap:
            lines.append(f"({len(ranked) - cap} lower-ranked candidates not shown)")
    names = ", ".join(asked)
    lines += ["", f'Answer {{"picks": {{...}}}} with exactly these families: {names}.']
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": "\n".join(lines)},
    ]


def _ranked(models: Sequence[Model], *, today: date) -> list[Model]:
    """``models`` in the deterministic order (any the ranking leaves out come last)."""
    from discovery_tui import ranking

    ranked = list(ranking.rank(models, today=today))
    seen = set(ranked)
    return ranked + [m for m in models if m not in seen]


def request_body(
    judge: JudgeSettings, messages: Sequence[Mapping[str, str]], *, json_mode: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {"model": judge.model, "messages": list(messages), "temperature": 0}
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    return body


def request_size(judge: JudgeSettings, messages: Sequence[Mapping[str, str]]) -> int:
    """Bytes of the JSON body (with spaces and ASCII escapes: an upper bound of what is sent)."""
    import json

    return len(json.dumps(request_body(judge, messages, json_mode=True)).encode("utf-8"))


def fit_messages(
    provider: str,
    asked: Mapping[str, Sequence[Model]],
    *,
    families: Mapping[str, Family],
    judge: JudgeSettings,
    today: date,
) -> list[dict[str, str]]:
    """The messages with as many candidates per family as fit in MAX_REQUEST_BYTES."""
    messages: list[dict[str, str]] = []
    for cap in CANDIDATE_CAPS:
        messages = build_messages(provider, asked, families=families, cap=cap, today=today)
        if request_size(judge, messages) <= MAX_REQUEST_BYTES:
            break
    return messages


# --------------------------------------------------------------------------- the call


class _FormatRejected(Exception):
    """The endpoint answered 400 about response_format: ask again without it."""


async def call_judge(oai: Any, judge: JudgeSettings, messages: Sequence[Mapping[str, str]]) -> str:
    """The judge's answer text, or JudgeError (timeout, HTTP error, refusal, empty answer)."""
    import asyncio

    from discovery_tui.errors import JudgeError

    async def both_ways() -> str:
        try:
            return await _create(oai, judge, messages, json_mode=True)
        except _FormatRejected:
            return await _create(oai, judge, messages, json_mode=False)

    try:
        return await asyncio.wait_for(both_ways(), timeout=judge.timeout)
    except asyncio.TimeoutError as exc:
        raise JudgeError(f"the judge did not answer within {judge.timeout:g} s") from exc


async def _create(
    oai: Any, judge: JudgeSettings, messages: Sequence[Mapping[str, str]], *, json_mode: bool
) -> str:
    import httpx
    import openai

    from discovery_tui.errors import JudgeError

    try:
        body = request_body(judge, messages, json_mode=json_mode)
        response = await oai.chat.completions.create(**body, extra_headers=_without_env_headers())
    except openai.APIStatusError as exc:
        if json_mode and exc.status_code == 400 and _mentions_format(exc):
            raise _FormatRejected from exc
        raise JudgeError(status_reason(exc.status_code, _detail(exc), judge)) from exc
    except openai.APITimeoutError as exc:
        raise JudgeError(f"the judge did not answer within {judge.timeout:g} s") from exc
    except openai.APIConnectionError as exc:
        raise JudgeError(f"the judge cannot be reached at {judge.base_url}") from exc
    except openai.OpenAIError as exc:
        raise JudgeError(f"the judge's answer could not be read ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise JudgeError(f"the judge failed ({type(exc).__name__})") from exc
    except ValueError as exc:  # a 200 whose body is not JSON
        raise JudgeError(f"the judge's answer is not a chat completion: {_NOT_CHAT}") from exc
    return answer_text(response)


_NOT_CHAT = "check that --judge-base-url is an OpenAI-compatible API base (often ending in /v1)"


_FORMAT_WORDS = ("response_format", "response format", "json_object", "json mode")


def _mentions_format(exc: Exception) -> bool:
    text = f"{getattr(exc, 'message', '')} {getattr(exc, 'body', '')}".lower()
    return any(word in text for word in _FORMAT_WORDS)


def _detail(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return one_line(str(message), limit=120)
    return ""


def status_reason(status: int, detail: str, judge: JudgeSettings) -> str:
    """One line naming what the judge's HTTP status means (the key is never part of it)."""
    if status == 401:
        text = f"the judge rejected the key (HTTP 401): set {JUDGE_KEY_ENV}"
    elif status == 403:
        text = f"the judge refused access (HTTP 403) to model '{judge.model}'"
    elif status == 404:
        text = f"the judge has no model '{judge.model}' at {judge.base_url} (HTTP 404)"
    elif status == 429:
        text = "the judge is rate-limiting requests (HTTP 429)"
    elif status >= 500:
        text = f"the judge failed on its side (HTTP {status})"
    else:
        text = f"the judge answered HTTP {status}"
    detail = scrub(detail, judge.api_key)
    return f"{text}: {detail}" if detail and status not in (401, 429) else text


def answer_text(response: Any) -> str:
    """The text of the first choice; a refusal or an empty answer is a JudgeError."""
    from discovery_tui.errors import JudgeError

    if isinstance(response, (str, bytes)):
        raise JudgeError(f"the judge's answer is not a chat completion: {_NOT_CHAT}")
    choices = getattr(response, "choices", None)
    if not choices:
        raise JudgeError("the judge answered without any choice")
    message = getattr(choices[0], "message", None)
    refusal = getattr(message, "refusal", None)
    if refusal:
        raise JudgeError(f"the judge refused: {one_line(str(refusal), limit=120)}")
    content = getattr(message, "content", None)
    if not isinstance(content, str) or not content.strip():
        finish = getattr(choices[0], "finish_reason", None)
        raise JudgeError(f"the judge answered nothing (finish reason: {finish or 'none'})")
    return content


# --------------------------------------------------------------------------- the answer


def parse_answer(text: str) -> dict[str, Any]:
    """The JSON object in ``text``: bare, inside ``` fences, or with prose around it."""
    import json
    import re

    from discovery_tui.errors import JudgeError

    stripped = text.strip()
    attempts = [stripped, *re.findall(r"```(?:json|JSON)?\s*(.*?)```", stripped, re.DOTALL)]
    for attempt in attempts:
        try:
            value = json.loads(attempt)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    for match in re.finditer(r"\{", stripped):
        try:
            value, _ = decoder.raw_decode(stripped, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            if "picks" in value:
                return value
            found.append(value)
    if found:
        return found[0]
    raise JudgeError(f"the judge did not answer JSON (a refusal or prose?): '{one_line(text, 80)}'")


def validate(
    answer: Mapping[str, Any],
    asked: Mapping[str, Sequence[Model]],
    *,
    today: date,
    secret: str | None = None,
) -> dict[str, Decision]:
    """Each asked family's pick if it is one of ITS candidates, else the deterministic choice."""
    picks = answer.get("picks", answer)
    if not isinstance(picks, Mapping):
        why = "the judge's answer has no 'picks' object"
        return _heuristic_all(asked, why=why, today=today)
    return {
        family: _check(picks.get(family), models, today=today, secret=secret)
        for family, models in asked.items()  # families not asked are ignored
    }


def _check(entry: Any, models: Sequence[Model], *, today: date, secret: str | None) -> Decision:
    if entry is None:
        return heuristic(models, why="the judge gave no pick for this family", today=today)
    model_id = entry.get("model", entry.get("id")) if isinstance(entry, Mapping) else entry
    reason = entry.get("reason") if isinstance(entry, Mapping) else None
    if not isinstance(model_id, str) or not model_id.strip():
        return heuristic(models, why="the judge's pick has no model id", today=today)
    wanted = model_id.strip()
    chosen = next((m for m in models if wanted in (m.id, m.litellm_model)), None)
    if chosen is None:
        shown = scrub(one_line(wanted, limit=80), secret)
        return heuristic(models, why=f"the judge answered an unknown id '{shown}'", today=today)
    text = scrub(one_line(str(reason)), secret) if isinstance(reason, str) else ""
    return Decision(model=chosen, by="llm", reason=text or "chosen by the judge")


def scrub(text: str, secret: str | None) -> str:
    """``text`` without the key, nor any other key this process holds (a server could echo one:
    a LiteLLM proxy used as the judge may repeat a provider's key in its error)."""
    from discovery_tui.settings import known_secrets

    for value in (secret, *known_secrets()):
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text
