#!/usr/bin/env bash
# Structure bench: countyscope vs networkx and SciPy on the sample county's car graph, same inputs, same run.
# Usage: bench/structure/run.sh BUILD_DIR [--ego]   (--ego: also networkx ego_graph, the slow OSMnx recipe)
set -euo pipefail
BUILD="${1:-build/release}"; shift || true
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD/bench/structure/bench_structure" data/sample/liechtenstein-2024-03-04.osm.pbf "$tmp"
/usr/bin/python3 bench/structure/bench_networkx.py "$tmp" "$@"
