#!/usr/bin/env bash
# Runs every benchmark in turn against its peers on the same input, then prints one table: for each comparison the
# peer, its thread count and ours, the repetitions and the statistic (the same on both sides), whether the answers
# matched, the times and the ratio (none for a peer whose answer did not match). Rules: bench/README.md.
#   bench/run.sh BUILD_DIR [--routingkit DIR] [--only NAME] [--log FILE]
# --log keeps the benches' output (with their SUMMARY lines) in FILE: `bench/summary.py FILE [NAME] --markdown`
# prints the tables bench/README.md and docs/ quote.
# Benchmarks are never part of `make test`; the peers come from `scripts/install-deps.sh --bench`, except
# RoutingKit, built outside this repository (bench/README.md) and passed with --routingkit (skipped without).
set -uo pipefail
BUILD="${1:-build/release}"; shift || true
RK=() ONLY="" KEEP=""
while (($#)); do
  case "$1" in
    --routingkit) RK=(--routingkit "$(realpath "$2")"); shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --log) KEEP="$(realpath "$2")"; shift 2 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
export CS_BIN="$PWD/$BUILD/apps/countyscope/countyscope" CS_BUILD="$PWD/$BUILD"
if [[ -n "$KEEP" ]]; then LOG="$KEEP"; : >"$LOG"; else LOG="$(mktemp)"; trap 'rm -f "$LOG"' EXIT; fi
status=0
echo "bench/run.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) hardware threads, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
run() {
  local name="$1"; shift
  [[ -n "$ONLY" && "$ONLY" != "$name" ]] && return
  echo; echo "=== $name: $(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg) ===" | tee -a "$LOG"
  "$@" 2>&1 | tee -a "$LOG" | grep -v '^SUMMARY|'
  if ((PIPESTATUS[0])); then echo "bench failed: $*"; status=1; fi
  /usr/bin/python3 bench/summary.py "$LOG" "$name" || status=1
}
# Each bench registers itself below (one line each).
run access /usr/bin/python3 bench/access/bench_access.py "$BUILD"
run bfca /usr/bin/python3 bench/access/bench_bfca.py "$BUILD"
run assess bench/assess/run.sh "$BUILD"
run stats bench/stats/run.sh "$BUILD"
run structure bench/structure/run.sh "$BUILD"
run network /usr/bin/python3 bench/network/bench_network.py "$CS_BUILD" "${RK[@]}"
run locate bench/locate/run.sh "$BUILD" 1 30 120
run flows bench/flows/run.sh "$BUILD"
run assign /usr/bin/python3 bench/assign/bench_assign.py "$BUILD"
run studio /usr/bin/python3 bench/studio/bench_studio.py "$BUILD"
echo; echo "=== all comparisons ($(date -u '+%Y-%m-%d %H:%M UTC'), load average at end: $(cut -d' ' -f1-3 /proc/loadavg)) ===" | tee -a "$LOG"
/usr/bin/python3 bench/summary.py "$LOG" || status=1
exit $status
