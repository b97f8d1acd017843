"""Starting a LiteLLM proxy for ``launch``, waiting until it is ready, and stopping it.

The proxy runs detached from the terminal's Ctrl-C (its own session / process group), its
output in a log file, so a proxy left running for a warm start outlives the launch.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from discovery_tui.errors import ProxyError
from discovery_tui.proxy import DEFAULT_READY_TIMEOUT, host_and_port, is_live, is_ready

if TYPE_CHECKING:
    import httpx


@dataclass
class ProxyProcess:
    """A proxy this process started; ``stop()`` ends it."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    log_file: IO[bytes]

    def stop(self, *, timeout: float = 15.0) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        self.log_file.close()


def proxy_command(command: str, *, config_path: Path, url: str) -> list[str]:
    """``<command> --config <config> --host H --port P``; ``command`` may carry arguments."""
    whole = command.strip()
    if shutil.which(whole) or Path(whole).is_file():  # a path with spaces, unquoted
        parts = [whole]
    else:
        parts = [p.strip('"') for p in shlex.split(command, posix=os.name != "nt")]
    if not parts:
        raise ProxyError("proxy.command in profile.yaml is empty: set it to the litellm executable")
    found = shutil.which(parts[0])
    if found is None:
        raise ProxyError(
            f"The proxy command {parts[0]!r} was not found: install LiteLLM "
            "(`bash scripts/litellm-venv.sh` prints the path of one) and set proxy.command in "
            "profile.yaml to it"
        )
    host, port = host_and_port(url)
    return [found, *parts[1:], "--config", str(config_path), "--host", host, "--port", str(port)]


def start_proxy(
    argv: Sequence[str], *, url: str, env: Mapping[str, str], log_path: Path
) -> ProxyProcess:
    """Start the proxy detached from the terminal's Ctrl-C, its output in ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("wb")
    options: dict[str, Any] = {}
    if os.name == "nt":
        options["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    else:
        options["start_new_session"] = True
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=dict(env),
            **options,
        )
    except OSError as exc:
        log_file.close()
        raise ProxyError(
            f"Cannot start the proxy ({argv[0]}: {exc.strerror}): check proxy.command"
        ) from exc
    return ProxyProcess(process=process, url=url, log_path=log_path, log_file=log_file)


def wait_until_ready(
    proxy: ProxyProcess, client: httpx.Client, *, timeout: float = DEFAULT_READY_TIMEOUT
) -> None:
    """Poll liveness then readiness; raise ProxyError naming the log when it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proxy.process.poll()
        if code is not None:
            raise ProxyError(
                f"The proxy exited with code {code} before it was ready: see {proxy.log_path}"
                f"{_log_tail(proxy.log_path)}"
            )
        if is_live(client, proxy.url) and is_ready(client, proxy.url):
            return
        time.sleep(0.25)
    raise ProxyError(
        f"The proxy did not become ready at {proxy.url} within {timeout:.0f} s: see "
        f"{proxy.log_path}{_log_tail(proxy.log_path)}"
    )


def _log_tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    tail = " | ".join(line.strip() for line in text[-lines:] if line.strip())
    return f" (last lines: {tail[-400:]})" if tail else ""
