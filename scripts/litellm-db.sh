#!/usr/bin/env bash
# Prepare (or reuse) a real LiteLLM proxy on a real PostgreSQL for the database test tier, offline
# (package registries only), from the read-only kit in ../shared/tools/litellm-db (its README).
#
#   bash scripts/litellm-db.sh [WORKDIR] [PGPORT]     # default: <repo>/.litellm-db, port 55432
#   export DISCOVERY_TUI_LITELLM_DB="$(bash scripts/litellm-db.sh | tail -n 1)"
#
# What it does, each step skipped when already done (so a second run takes seconds):
#   1. PostgreSQL from Debian when no initdb is installed (apt-get, needs root);
#   2. WORKDIR/venv: a thin venv layered on the LiteLLM venv of scripts/litellm-venv.sh (a .pth
#      file), holding only its own copy of prisma, whose client `prisma generate` writes; this
#      saves the second ~100 s litellm[proxy] install that the kit's setup.sh would make;
#   3. WORKDIR/kit: a writable copy of the kit with its npm packages (the Prisma engine stand-in);
#   4. `prisma generate` against LiteLLM's schema;
#   5. a cluster in WORKDIR/pg on 127.0.0.1:PGPORT, database `litellm` with LiteLLM's migrations
#      (the tests use it as a template for databases of their own).
# The last line on stdout is WORKDIR; progress goes to stderr. Exit 3: the kit is absent.
# Environment: LITELLM_DB_KIT (kit folder), DISCOVERY_TUI_LITELLM (litellm executable of the base venv).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kit_src="${LITELLM_DB_KIT:-$(dirname "$repo_root")/shared/tools/litellm-db}"
W="${1:-$repo_root/.litellm-db}"
PGPORT="${2:-55432}"
PRISMA_VERSION="${PRISMA_VERSION:-0.15.0}"

say() { echo "litellm-db: $*" >&2; }
timed() { local s; s=$(date +%s); "$@"; say "[$(( $(date +%s) - s )) s] $1 ${2:-}"; }

if [[ ! -f "$kit_src/setup.sh" ]]; then
    say "kit not found at $kit_src (set LITELLM_DB_KIT); the database tier will be skipped"
    exit 3
fi
mkdir -p "$W"; W="$(cd "$W" && pwd)"

# 1. PostgreSQL
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [[ -z "$(pg_bin)" ]]; then
    say "installing PostgreSQL from Debian"
    timed apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timed apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(pg_bin)"

# 2. the thin venv on top of the LiteLLM venv
base_litellm="${DISCOVERY_TUI_LITELLM:-$(bash "$repo_root/scripts/litellm-venv.sh" | tail -n 1)}"
base_python="$(dirname "$base_litellm")/python"
base_site="$("$base_python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
if [[ ! -x "$W/venv/bin/python" ]]; then
    timed "$base_python" -m venv "$W/venv"
fi
own_site="$("$W/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$base_site" > "$own_site/litellm-base-venv.pth"
if [[ ! -f "$own_site/prisma/__init__.py" ]]; then
    timed "$W/venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --ignore-installed \
        "prisma==$PRISMA_VERSION"
fi
# the `litellm` command, run by the thin venv's interpreter
printf '#!%s\nimport sys\nfrom litellm import run_server\nsys.exit(run_server())\n' \
    "$W/venv/bin/python" > "$W/venv/bin/litellm"
chmod +x "$W/venv/bin/litellm"

# 3. the kit, writable, with its npm packages
KIT="$W/kit"
if [[ ! -d "$KIT/node_modules/@prisma/query-engine-wasm" ]] || ! diff -rq -x node_modules \
        -x package-lock.json "$kit_src" "$KIT" >/dev/null 2>&1; then
    rm -rf "$KIT"; cp -r "$kit_src" "$KIT"; chmod -R u+w "$KIT"
    (cd "$KIT" && timed npm install --no-audit --no-fund --silent)
fi

# 4. prisma CLI (npm, into WORKDIR/prisma-cli) and the generated client
export PATH="$W/venv/bin:$PATH" LITELLM_LOCAL_MODEL_COST_MAP=True
export PRISMA_QUERY_ENGINE_BINARY="$KIT/query-engine" PRISMA_SCHEMA_ENGINE_BINARY="$KIT/schema-engine"
export PRISMA_BINARY_CACHE_DIR="$W/prisma-cli"
if ! grep -q LiteLLM_ProxyModelTable "$own_site/prisma/models.py" 2>/dev/null; then
    timed prisma --version >/dev/null
    schema="$("$W/venv/bin/python" -c 'import litellm, os; print(os.path.join(os.path.dirname(litellm.__file__), "proxy", "schema.prisma"))')"
    timed prisma generate --schema "$schema" >/dev/null
fi

# 5. the cluster and the template database
as_pg() { if [[ "$(id -u)" == 0 ]]; then su postgres -c "$1"; else bash -c "$1"; fi; }
if [[ ! -f "$W/pg/data/PG_VERSION" ]]; then
    rm -rf "$W/pg"; mkdir -p "$W/pg"; echo postgres > "$W/pg/pwfile"
    [[ "$(id -u)" == 0 ]] && chown -R postgres:postgres "$W/pg"
    timed as_pg "$PGBIN/initdb -D $W/pg/data -A scram-sha-256 -U postgres --pwfile=$W/pg/pwfile >/dev/null"
    echo "$PGPORT" > "$W/pgport"
fi
PGPORT="$(cat "$W/pgport")"
if ! as_pg "$PGBIN/pg_ctl -D $W/pg/data status" >/dev/null 2>&1; then
    timed as_pg "$PGBIN/pg_ctl -D $W/pg/data -l $W/pg/pg.log -o '-c listen_addresses=127.0.0.1 -p $PGPORT -k $W/pg' -w start >/dev/null"
fi
export PGPASSWORD=postgres
psql_admin=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qXtA)
if [[ -z "$("${psql_admin[@]}" -c "select 1 from pg_database where datname = 'litellm'")" ]]; then
    "${psql_admin[@]}" -c "create user litellm with password 'litellm' createdb" \
        -c "create database litellm owner litellm"
fi
timed "$W/venv/bin/python" "$KIT/apply_migrations.py" \
    "postgresql://litellm:litellm@127.0.0.1:$PGPORT/litellm" >&2
echo "$PGBIN" > "$W/pgbin"
say "ready: cluster on 127.0.0.1:$PGPORT, template database litellm"
echo "$W"
