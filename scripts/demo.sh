#!/usr/bin/env bash
# Install ipvalue into .venv and value the bundled example case on the embedded defaults
# (SQLite, DuckDB: no server to configure).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || {
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
}
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q -e . 2>&1 | grep -v '^WARNING: Location' || true
.venv/bin/ipvalue value examples/relief_from_royalty_patent.yaml "$@"
