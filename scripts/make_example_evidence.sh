#!/usr/bin/env bash
# Regenerate the patent-evidence example data from the real USPTO grant XML samples:
#   examples/data/uspto_sample_indicators.csv  (+ .meta.json provenance sidecar)
#   examples/data/uspto_sample_cycle_time.csv  (+ .meta.json provenance sidecar)
# used by examples/patent_evidence_*.yaml (docs/patent-evidence.md).
#
# Usage: scripts/make_example_evidence.sh [USPTO_XML_DIR]   (default ../shared/data/patents/uspto-xml)
# The indicators' valuation date is the examples' valuation date (2013-06-30), after the data
# cutoff (latest grant 2013-04-16), so the examples carry no look-ahead.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-../shared/data/patents/uspto-xml}"
ipvalue="${IPVALUE:-.venv/bin/ipvalue}"
out=examples/data
mkdir -p "$out"
"$ipvalue" patents indicators --source "$src" --format uspto-xml \
  --valuation-date 2013-06-30 --out "$out/uspto_sample_indicators.csv"
"$ipvalue" patents cycle-time --source "$src" --format uspto-xml \
  --out "$out/uspto_sample_cycle_time.csv"
