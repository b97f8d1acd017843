"""The judge call: the OpenAI SDK on the injected httpx client, one request, errors translated.

Every failure becomes a :class:`~discovery_tui.errors.JudgeError` whose message names the cause
(timeout, HTTP status via :mod:`discovery_tui.httpstatus`, unreachable, not a chat completion) and
never carries a key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from discovery_tui.errors import JudgeError, JudgeFormatRejected
from discovery_tui.formatting import one_line
from discovery_tui.judge.answer import NOT_CHAT, answer_text
from discovery_tui.judge.prompt import request_body
from discovery_tui.judge.settings import JUDGE_KEY_ENV

if TYPE_CHECKING:
    import httpx

    from discovery_tui.judge.settings import JudgeSettings

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


def openai_client(client: httpx.AsyncClient, judge: JudgeSettings) -> Any:
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


async def call_judge(oai: Any, judge: JudgeSettings, messages: Sequence[Mapping[str, str]]) -> str:
    """The judge's answer text, or JudgeError (timeout, HTTP error, refusal, empty answer)."""
    import asyncio

    async def both_ways() -> str:
        try:
            return await _create(oai, judge, messages, json_mode=True)
        except JudgeFormatRejected:
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

    try:
        body = request_body(judge, messages, json_mode=json_mode)
        response = await oai.chat.completions.create(**body, extra_headers=_without_env_headers())
    except openai.APIStatusError as exc:
        if json_mode and exc.status_code == 400 and _mentions_format(exc):
            raise JudgeFormatRejected("the judge refused JSON mode") from exc
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
        raise JudgeError(f"the judge's answer is not a chat completion: {NOT_CHAT}") from exc
    return answer_text(response)


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
    """One line naming what the judge's HTTP status means (the key is never part of it).

    The meaning comes from the one status table; the judge adds its model and endpoint, and the
    server's own detail except where it could only repeat the key (401) or say nothing (429).
    """
    from discovery_tui.httpstatus import status_problem

    missing = f"model '{judge.model}' at {judge.base_url}"
    meaning, _ = status_problem(status, missing=missing)
    text = f"the judge {meaning}"
    if status == 401:
        text += f": set {JUDGE_KEY_ENV}"
    elif status == 403:
        text += f" to model '{judge.model}'"
    detail = judge.scrub(detail)
    return f"{text}: {detail}" if detail and status not in (401, 429) else text
