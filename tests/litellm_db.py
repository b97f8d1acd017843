"""Helpers for the database tier: the real LiteLLM proxy on a real PostgreSQL (127.0.0.1 only).

``scripts/litellm-db.sh`` prepares a work directory (thin venv, kit copy, cluster, a template
database ``litellm`` with LiteLLM's schema) and prints its path; tests find it in
``DISCOVERY_TUI_LITELLM_DB``
and skip with a reason when it is not set. Each test module gets a database of its own, copied
from the template, and proxies started on free ports; everything started here is stopped here.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ENV_VAR = "DISCOVERY_TUI_LITELLM_DB"
SETUP_HINT = f"run `export {ENV_VAR}=$(bash scripts/litellm-db.sh | tail -n 1)`"
PG_PASSWORD = "postgres"
RELOAD_SECONDS = (
    2  # PROXY_CONFIG_RELOAD_INTERVAL_SECONDS: how often a replica re-reads the database
)


def workdir_or_reason() -> tuple[Path | None, str]:
    """(the prepared work directory, "") or (None, why the tier is skipped)."""
    value = os.environ.get(ENV_VAR, "")
    if not value:
        return None, f"database tier: {ENV_VAR} is not set; {SETUP_HINT}"
    path = Path(value)
    for needed in ("venv/bin/litellm", "kit/query-engine", "pgport", "pgbin", "pg/data/PG_VERSION"):
        if not (path / needed).exists():
            return None, f"database tier: {path / needed} is missing; {SETUP_HINT}"
    return path, ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    """The PostgreSQL cluster of a work directory."""

    workdir: Path

    @property
    def port(self) -> int:
        return int((self.workdir / "pgport").read_text().strip())

    def _as_postgres(self, command: str) -> subprocess.CompletedProcess[str]:
        argv = ["su", "postgres", "-c", command] if os.geteuid() == 0 else ["sh", "-c", command]
        return subprocess.run(argv, capture_output=True, text=True, check=False)

    def ensure_running(self) -> bool:
        """Start the cluster when it is stopped; True when this call started it."""
        pgbin = (self.workdir / "pgbin").read_text().strip()
        data = self.workdir / "pg" / "data"
        if self._as_postgres(f"{pgbin}/pg_ctl -D {data} status").returncode == 0:
            return False
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.workdir / 'pg'}"
        started = self._as_postgres(
            f"{pgbin}/pg_ctl -D {data} -l {self.workdir / 'pg' / 'pg.log'} -o '{opts}' -w start"
        )
        if started.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {started.stderr or started.stdout}")
        return True

    def stop(self) -> None:
        pgbin = (self.workdir / "pgbin").read_text().strip()
        self._as_postgres(f"{pgbin}/pg_ctl -D {self.workdir / 'pg' / 'data'} -m fast stop")

    def _psql(self, sql: str) -> None:
        env = {**os.environ, "PGPASSWORD": PG_PASSWORD}
        argv = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qXc", sql]
        subprocess.run(argv, env=env, check=True, capture_output=True, text=True)

    def new_database(self) -> str:
        """A fresh database with LiteLLM's schema (a copy of the template); returns its URL."""
        name = f"dt_{uuid.uuid4().hex[:12]}"
        self._psql(f"create database {name} template litellm owner litellm")
        return f"postgresql://litellm:litellm@127.0.0.1:{self.port}/{name}"

    def drop_database(self, url: str) -> None:
        self._psql(f"drop database if exists {url.rsplit('/', 1)[1]} with (force)")


@contextlib.contextmanager
def fresh_database(workdir: Path) -> Iterator[str]:
    """The URL of a new database on the cluster of ``workdir`` (started if it was not running);
    at the end the database is dropped and a cluster started here is stopped."""
    cluster = Cluster(workdir)
    started_cluster = cluster.ensure_running()
    database = cluster.new_database()
    try:
        yield database
    finally:
        cluster.drop_database(database)
        if started_cluster:
            cluster.stop()


@dataclass
class DbProxy:
    """One proxy process on the database ``database_url`` (a replica when several share it)."""

    workdir: Path
    database_url: str
    config: Path
    log: Path
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        kit = self.workdir / "kit"
        env = {
            **os.environ,
            **self.env,
            "PATH": f"{self.workdir / 'venv' / 'bin'}:{os.environ.get('PATH', '')}",
            "DATABASE_URL": self.database_url,
            "STORE_MODEL_IN_DB": "True",
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "DISABLE_SCHEMA_UPDATE": "true",
            "PRISMA_QUERY_ENGINE_BINARY": str(kit / "query-engine"),
            "PRISMA_SCHEMA_ENGINE_BINARY": str(kit / "schema-engine"),
            "PRISMA_BINARY_CACHE_DIR": str(self.workdir / "prisma-cli"),
            "PROXY_CONFIG_RELOAD_INTERVAL_SECONDS": str(RELOAD_SECONDS),
        }
        argv = [str(self.workdir / "venv" / "bin" / "litellm"), "--config", str(self.config)]
        argv += ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 150.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"proxy exited ({self.process.returncode}); see {self.log}")
            try:
                if httpx.get(self.url + "/health/readiness", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"proxy not ready after {timeout} s; see {self.log}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
