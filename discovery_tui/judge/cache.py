"""The judge's decision cache: one small JSON file per (provider, family, inputs) in the cache dir.

The key hashes everything the decision depends on: provider, family, the family's intent, the
compact description of every candidate, the judge's model and the prompt version. A changed
catalog therefore asks again; an unchanged one costs no call. Files are written atomically; a
corrupt or foreign file is ignored (and replaced on the next write). No key is ever stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_VERSION = 2  # 2: candidate lines carry descriptions; answers the ranking replaced
SUBDIR = "judge"


@dataclass(frozen=True)
class CachedDecision:
    """A stored decision. ``fallback``: the judge answered, but its pick for this family was
    invalid, so the ranking decided (``reason`` then says what was wrong, ``model_id`` is the
    ranking's choice at the time); the next run with the same inputs asks no judge either."""

    model_id: str
    reason: str
    fallback: bool = False
    decided: str = ""


def cache_key(
    *, provider: str, family: str, intent: str, lines: Sequence[str], judge_model: str
) -> str:
    """A hex digest of the decision's inputs (order of ``lines`` matters: it is the rank)."""
    payload = json.dumps(
        {
            "v": CACHE_VERSION,
            "provider": provider,
            "family": family,
            "intent": intent,
            "candidates": list(lines),
            "judge_model": judge_model,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def cache_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / SUBDIR / f"{key}.json"


def load(cache_dir: Path, key: str) -> CachedDecision | None:
    """The stored decision, or None when absent, unreadable, corrupt or of another version."""
    try:
        data: Any = json.loads(cache_path(cache_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("v") != CACHE_VERSION or data.get("key") != key:
        return None
    model_id, reason = data.get("model"), data.get("reason")
    if not isinstance(model_id, str) or not model_id or not isinstance(reason, str):
        return None
    decided = data.get("decided")
    return CachedDecision(
        model_id=model_id,
        reason=reason,
        fallback=data.get("fallback") is True,
        decided=decided if isinstance(decided, str) else "",
    )


def store(
    cache_dir: Path,
    key: str,
    *,
    provider: str,
    family: str,
    model_id: str,
    reason: str,
    judge_model: str,
    decided: str,
    fallback: bool = False,
) -> bool:
    """Write one decision atomically; False (and nothing half-written) when the disk refuses."""
    record: dict[str, object] = {
        "v": CACHE_VERSION,
        "key": key,
        "provider": provider,
        "family": family,
        "model": model_id,
        "reason": reason,
        "judge_model": judge_model,
        "decided": decided,
        "fallback": fallback,
    }
    try:
        atomic_write(cache_path(cache_dir, key), json.dumps(record, indent=2, ensure_ascii=False))
    except OSError:
        return False  # a cache that cannot be written costs a call next time, nothing more
    return True


def atomic_write(path: Path, text: str) -> None:
    """Temporary file in the same folder, fsync, rename: the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
