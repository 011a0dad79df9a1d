#!/usr/bin/env bash
# Structure bench: countyscope vs networkx on the sample county's car graph, same inputs, same run; prints ratios.
# Usage: bench/structure/run.sh BUILD_DIR
set -euo pipefail
BUILD="${1:-build/release}"
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD/bench/structure/bench_structure" data/sample/liechtenstein-2024-03-04.osm.pbf "$tmp"
python3 bench/structure/bench_networkx.py "$tmp"
