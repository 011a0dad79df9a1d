#!/usr/bin/env bash
# Runs every benchmark in turn against its peer on the same input, printing ratios. Usage: bench/run.sh BUILD_DIR
# Benchmarks are never part of `make test`; they need the peers installed by `scripts/install-deps.sh --bench`.
set -uo pipefail
BUILD="${1:-build/release}"
cd "$(dirname "$0")/.."
export CS_BIN="$PWD/$BUILD/apps/countyscope/countyscope" CS_BUILD="$PWD/$BUILD"
status=0
run() { echo; echo "=== $1 ==="; shift; "$@" || { echo "bench failed: $*"; status=1; }; }
# Each bench registers itself below (one line each).
run "access: all measures vs access-style pandas and NumPy" /usr/bin/python3 bench/access/bench_access.py "$BUILD"
run "assess: Moran/LISA 999 permutations, entropy-TOPSIS-CCD vs NumPy/SciPy" bench/assess/run.sh "$BUILD"
run structure bench/structure/run.sh "$BUILD"
run "network: matrices vs networkx/igraph/scipy/pgRouting, CH growth curve" /usr/bin/python3 bench/network/bench_network.py "$CS_BUILD"
run "locate: p-median exact vs heuristic vs glpsol/cbc CLI" bench/locate/run.sh "$BUILD"
run "flows: IRLS calibration vs statsmodels" bench/flows/run.sh "$BUILD"
exit $status
