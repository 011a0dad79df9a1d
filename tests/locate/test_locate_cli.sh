#!/usr/bin/env bash
# End-to-end tests of `countyscope locate`: a run on the demo fixture (MIP and heuristic agree, deterministic
# bytes), and bad inputs (exit 1 for data, 2 for usage; one line naming the problem; no partial output).
set -uo pipefail
BIN="$1"; SRC="$2"
D="$SRC/data/fixtures/locate_demo"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail=0
base=(locate --matrix "$D/matrix.csv" --demand "$D/demand.csv" --candidates "$D/candidates.csv")

"$BIN" -q "${base[@]}" --new 2 --standard-min 10 --out "$T/a" || { echo "demo run failed"; fail=1; }
"$BIN" -q --threads 1 "${base[@]}" --new 2 --standard-min 10 --out "$T/b" || fail=1
cmp -s "$T/a/results.json" "$T/b/results.json" || { echo "results.json differs between runs"; fail=1; }
grep -q '"agree": true' "$T/a/results.json" || { echo "MIP and heuristic disagree on the demo"; fail=1; }
for f in sites.csv assignment.csv locate.gpkg; do [ -s "$T/a/$f" ] || { echo "missing $f"; fail=1; }; done

expect() {  # expect CODE PATTERN -- args...
  local code="$1" pat="$2"; shift 3
  local err; err="$("$BIN" "$@" 2>&1 >/dev/null)"; local rc=$?
  if [ "$rc" != "$code" ]; then echo "expected exit $code, got $rc: $*"; echo "$err"; fail=1; return; fi
  if [ "$(printf '%s\n' "$err" | grep -c .)" != 1 ]; then echo "expected one line: $err"; fail=1; fi
  if ! printf '%s' "$err" | grep -q -- "$pat"; then echo "expected '$pat' in: $err"; fail=1; fi
}
expect 1 "p = 99 (3 existing + 96 new) exceeds the 15 candidate sites" -- "${base[@]}" --p 99 --out "$T/x1"
expect 1 "p = 102 (3 existing + 99 new) exceeds the 15 candidate sites" -- "${base[@]}" --new 99 --out "$T/x1"
expect 1 "infeasible budget" -- "${base[@]}" --new 3 --budget 1 --out "$T/x2"
expect 1 "infeasible coverage" -- "${base[@]}" --problem lscp --standard-min 0.5 --out "$T/x3"
printf 'id,existing,capacity,cost,service\nc00,1,-5,1,clinic\n' > "$T/badcap.csv"
printf 'demand_id,candidate_id,time_min\nv00,c00,10\n' > "$T/m1.csv"
expect 1 "badcap.csv: line 2, field 'capacity': expected a capacity in \[0, 2e+09\] persons, got -5" -- locate --matrix "$T/m1.csv" --demand "$D/demand.csv" --candidates "$T/badcap.csv" --p 1 --capacitated --out "$T/x4"
expect 2 "expected one of: p-median, mclp, lscp, p-center" -- "${base[@]}" --problem median --p 2 --out "$T/x5"
expect 2 "unknown solver .cplex.; expected one of: both, mip, heuristic, brute-force" -- "${base[@]}" --solver cplex --p 2 --out "$T/x6"
printf 'demand_id,candidate_id,time_min\nv00,zz,10\n' > "$T/m2.csv"
expect 1 "m2.csv: line 2, field 'candidate_id': unknown candidate id 'zz'" -- locate --matrix "$T/m2.csv" --demand "$D/demand.csv" --candidates "$D/candidates.csv" --p 1 --out "$T/x7"
for x in x1 x2 x3 x4 x5 x6 x7; do [ ! -e "$T/$x" ] || { echo "partial output left in $x"; fail=1; }; done
exit $fail
