#!/usr/bin/env bash
# bench/assess: countyscope's assessment kernels vs NumPy/SciPy on the bundled national data. Usage: run.sh BUILD_DIR
set -euo pipefail
BUILD="${1:-build/release}"
cd "$(dirname "$0")/../.."
cmake --build "$BUILD" --target bench_assess >/dev/null
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CS_JSON="$("$BUILD/bench/assess/bench_assess" "$PWD" "$WORK")"
/usr/bin/python3 bench/assess/peer.py "$WORK" "$CS_JSON"
