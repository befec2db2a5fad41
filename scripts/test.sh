#!/usr/bin/env bash
# Install everything the whole test suite needs on a fresh Debian machine, start the services
# the integration tests use (PostgreSQL on a private port), and run pytest.
# Extra arguments go to pytest: scripts/test.sh tests/valuation -x
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

# Debian packages: PostgreSQL for the shared case store, Java for Spark.
need=()
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
# CJK fonts for chart and report labels (Korean, Japanese, Chinese names); tests require them in CI.
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[dev,spark]" 2>&1 | grep -v '^WARNING: Location' || true

# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
start_test_postgres

.venv/bin/python -m pytest -n 2 "$@"
