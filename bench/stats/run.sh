#!/usr/bin/env bash
# bench/stats: `stats autocorrelation`'s kernels (queen contiguity + LISA on a polygon grid, kNN / band weights on
# the county centres and 10^5 random points) vs NumPy/SciPy in the same run. Usage: run.sh BUILD_DIR [rows cols]
set -euo pipefail
BUILD="${1:-build/release}"
cd "$(dirname "$0")/../.."
cmake --build "$BUILD" --target bench_stats >/dev/null
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "load: $(uptime)"
CS_JSON="$("$BUILD/bench/stats/bench_stats" "$PWD" "$WORK" "${2:-60}" "${3:-60}")"
/usr/bin/python3 bench/stats/peer.py "$WORK" "$CS_JSON"
echo "load: $(uptime)"
