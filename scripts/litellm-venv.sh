#!/usr/bin/env bash
# Create (or reuse) a virtual environment of its own for the real LiteLLM proxy, used by the
# end-to-end test tier and handy for users who want the proxy outside their project's Python.
#
#   bash scripts/litellm-venv.sh [VENV_DIR]      # default: <repo>/.litellm-venv
#   export DISCOVERY_TUI_LITELLM="$(bash scripts/litellm-venv.sh | tail -n 1)"
#
# litellm[proxy] pins its own versions of rich and others, so it must stay out of the project's
# environment. Idempotent: when the venv already has the pinned versions, nothing is installed.
# The last line printed on stdout is the path of the `litellm` executable; progress goes to stderr.
# Environment: LITELLM_VERSION (default below), PRISMA_VERSION, PYTHON (interpreter to use).
set -euo pipefail

LITELLM_VERSION="${LITELLM_VERSION:-1.106.2}"
PRISMA_VERSION="${PRISMA_VERSION:-0.15.0}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${1:-$repo_root/.litellm-venv}"

find_python() {
    if [[ -n "${PYTHON:-}" ]]; then echo "$PYTHON"; return; fi
    for candidate in python3.11 python3.12 python3.13 python3.10 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return; fi
    done
    echo "litellm-venv: no Python found; set PYTHON=/path/to/python3" >&2
    exit 1
}

if [[ -x "$venv_dir/Scripts/python.exe" ]]; then
    venv_python="$venv_dir/Scripts/python.exe"; litellm_exe="$venv_dir/Scripts/litellm.exe"
else
    venv_python="$venv_dir/bin/python"; litellm_exe="$venv_dir/bin/litellm"
fi

installed_version() {
    "$venv_python" - "$1" <<'PY' 2>/dev/null || true
import sys
from importlib.metadata import PackageNotFoundError, version
try:
    print(version(sys.argv[1]))
except PackageNotFoundError:
    pass
PY
}

if [[ ! -x "$venv_python" ]]; then
    echo "litellm-venv: creating $venv_dir" >&2
    "$(find_python)" -m venv "$venv_dir"
    if [[ -x "$venv_dir/Scripts/python.exe" ]]; then
        venv_python="$venv_dir/Scripts/python.exe"; litellm_exe="$venv_dir/Scripts/litellm.exe"
    fi
fi

if [[ "$(installed_version litellm)" == "$LITELLM_VERSION" \
      && "$(installed_version prisma)" == "$PRISMA_VERSION" && -x "$litellm_exe" ]]; then
    echo "litellm-venv: litellm $LITELLM_VERSION already installed in $venv_dir" >&2
else
    echo "litellm-venv: installing litellm[proxy]==$LITELLM_VERSION prisma==$PRISMA_VERSION" \
         "(about 100 s, 750 MB)" >&2
    "$venv_python" -m pip install --quiet --disable-pip-version-check \
        "litellm[proxy]==$LITELLM_VERSION" "prisma==$PRISMA_VERSION" >&2
fi

if [[ ! -x "$litellm_exe" ]]; then
    echo "litellm-venv: $litellm_exe missing after install; remove $venv_dir and re-run" >&2
    exit 1
fi
echo "$litellm_exe"
