#!/usr/bin/env bash
# e2e/browser: national assessment -> results JSON valid against the schema -> HTML report -> every number in the
# assess section equals the results JSON. Usage: report_numbers_test.sh COUNTYSCOPE_BINARY.
# Exit 77 (skip) without chromium or playwright-core.
set -euo pipefail
CS="$1"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
"$CS" -q assess --counties "$ROOT/data/china/county_features_2020.csv.gz" --indicators "$ROOT/data/config/integration.toml" \
  --centres "$ROOT/data/china/county_centres.csv.gz" --counties-2010 "$ROOT/data/china/county_features_2010.csv.gz" \
  --permutations 99 --out "$TMP/national"
rc=0
/usr/bin/python3 "$ROOT/tests/report/validate_results.py" "$ROOT/schemas/results.schema.json" "$TMP/national/results.json" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then echo "results.json does not follow the schema"; exit 1; fi
"$CS" -q report "$TMP/national/results.json" --html "$TMP/report.html"
node "$ROOT/tests/e2e/browser/assess_numbers_test.mjs" "$TMP/report.html" "$TMP/national/results.json"
