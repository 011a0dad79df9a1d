#!/usr/bin/env bash
# p-median bench on the sample county (see bench_locate.cpp).
# Usage: bench/locate/run.sh BUILD_DIR [max_size_index] [peer_time_limit_s] [mip_time_limit_s] [peer_max_vars]
#        [assign_max_pairs]
set -euo pipefail
BUILD="${1:-build/release}"
cd "$(dirname "$0")/../.."
cmake --build "$BUILD" --target bench_locate -j2 >/dev/null
"$BUILD/bench/locate/bench_locate" data/sample/liechtenstein-2024-03-04.osm.pbf "${2:-99}" "${3:-60}" "${4:-120}" \
  "${5:-1000000}" "${6:-2500000}"
