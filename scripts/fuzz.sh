#!/usr/bin/env bash
# Runs libFuzzer targets of the `fuzz` preset (make fuzz), each for SECONDS, and prints one line of figures per
# target (executions, seconds, corpus files and bytes). The grown corpus stays in build/fuzz/corpus/TARGET (not
# committed; `-merge=1` minimises it into fuzz/corpus/TARGET, see fuzz/README.md); a crash is written to
# build/fuzz/crashes/ and makes this script exit 1 after the remaining targets have run.
#   scripts/fuzz.sh SECONDS [TARGET ...]      (default: every target)
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(csv toml plan_toml tables osm_xml osm_pbf results_json graph pyargs)
bin=build/fuzz/fuzz
mkdir -p build/fuzz/crashes build/fuzz/logs
status=0
for t in "${targets[@]}"; do
  dict=()
  case "$t" in
    csv | tables) dict=(-dict=fuzz/dict/csv.dict) ;;
    toml | plan_toml) dict=(-dict=fuzz/dict/toml.dict) ;;
    osm_xml) dict=(-dict=fuzz/dict/osm_xml.dict) ;;
    results_json) dict=(-dict=fuzz/dict/results_json.dict) ;;
  esac
  work=build/fuzz/corpus/$t
  mkdir -p "$work"
  # The committed inputs; fuzz/regressions/TARGET exists only once the target has one (git keeps no empty folder).
  seeds=("fuzz/corpus/$t")
  [[ -d fuzz/regressions/$t ]] && seeds+=("fuzz/regressions/$t")
  log=build/fuzz/logs/$t.log
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  COUNTYSCOPE_HOME=$PWD \
    "$bin/fuzz_$t" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2560 -max_len=65536 -close_fd_mask=3 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$t-" "${dict[@]}" \
    "$work" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  files=$(find "$work" -type f | wc -l)
  bytes=$(du -sb "$work" | cut -f1)
  if ((rc != 0)); then
    status=1
    echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} executions; log $log:" >&2
    grep -E "ERROR|SUMMARY|Test unit written|terminate|what\(\)" "$log" | head -8 >&2
  else
    echo "fuzz $t: ${execs:-?} executions in ${seconds} s, no crash; corpus $files files, $bytes bytes"
  fi
done
exit $status
