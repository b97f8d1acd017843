"""A proxy left running by ``launch --keep-proxy`` (a warm start), and what it serves.

LiteLLM takes 10 to 45 s to start; a proxy kept running saves that on the next launch. When
``launch`` starts a proxy it may keep, it records it in a small state file of the user cache
folder (one per proxy URL): the PID, the URL, the config path and the SHA-256 of the config's
bytes at start. A later launch reuses the proxy when the PID is alive, the URL answers and the
config is unchanged ("current"); when the config changed since ("stale") launch restarts it,
and ``doctor`` says so. The file holds no key.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from discovery_tui.proxy import host_and_port
from discovery_tui.settings import cache_dir

WarmStatus = Literal["current", "stale", "gone"]


@dataclass(frozen=True)
class WarmProxy:
    """What the state file records about a proxy launch left running."""

    pid: int
    url: str
    config_path: str  # resolved
    config_sha256: str
    started: str  # ISO time, UTC
    log_path: str


def state_path(url: str) -> Path:
    host, port = host_and_port(url)
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in host)
    return cache_dir() / f"proxy-{safe}-{port}.json"


def config_fingerprint(config_path: Path) -> str:
    """SHA-256 of the config's bytes ("" when it cannot be read)."""
    try:
        return hashlib.sha256(config_path.read_bytes()).hexdigest()
    except OSError:
        return ""


def record(pid: int, url: str, config_path: Path, log_path: Path) -> WarmProxy:
    """Write the state of a proxy just started on ``config_path`` (atomically)."""
    from discovery_tui.fileio import atomic_write_text

    warm = WarmProxy(
        pid=pid,
        url=url,
        config_path=str(config_path.resolve()),
        config_sha256=config_fingerprint(config_path),
        started=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        log_path=str(log_path),
    )
    path = state_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(asdict(warm), indent=2) + "\n")
    return warm


def read(url: str) -> WarmProxy | None:
    """The recorded proxy of ``url``, or None (absent, unreadable, or of another URL)."""
    try:
        data = json.loads(state_path(url).read_text(encoding="utf-8"))
        warm = WarmProxy(
            pid=int(data["pid"]),
            url=str(data["url"]),
            config_path=str(data["config_path"]),
            config_sha256=str(data["config_sha256"]),
            started=str(data["started"]),
            log_path=str(data.get("log_path", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return warm if warm.url == url else None


def forget(url: str) -> None:
    state_path(url).unlink(missing_ok=True)


def status(warm: WarmProxy, config_path: Path) -> WarmStatus:
    """``current`` when its process lives and it serves ``config_path`` as it is now; ``stale``
    when it lives but started on another config or an older version of it; else ``gone``."""
    if not pid_alive(warm.pid):
        return "gone"
    same_file = warm.config_path == str(config_path.resolve())
    if same_file and warm.config_sha256 == config_fingerprint(config_path):
        return "current"
    return "stale"


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        still_active = 259
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == still_active
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def stop(warm: WarmProxy, *, timeout: float = 15.0) -> None:
    """End the recorded proxy (its whole process group, as it was started in a session of its
    own) and forget it."""
    if pid_alive(warm.pid):
        if sys.platform == "win32":
            subprocess.run(
                ["taskkill", "/PID", str(warm.pid), "/T", "/F"], capture_output=True, check=False
            )
        else:
            _signal_group(warm.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while pid_alive(warm.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if pid_alive(warm.pid):
                _signal_group(warm.pid, signal.SIGKILL)
    forget(warm.url)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the process group the proxy leads; never a group it does not lead (a reused PID
    of another program is left alone)."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
