#!/usr/bin/env bash
# Flows calibration bench: countyscope's IRLS with absorbed fixed effects vs statsmodels' Poisson GLM (dense design)
# on the same data in the same run; prints the ratio peer / ours per case. Usage: bench/flows/run.sh BUILD_DIR
set -euo pipefail
BUILD="${1:-build/release}"
cd "$(dirname "$0")/../.."
B="$BUILD/bench/flows/bench_flows"
[ -x "$B" ] || { echo "build bench_flows first: cmake --build $BUILD --target bench_flows"; exit 1; }
PY=/usr/bin/python3
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
AUS=data/fixtures/flows_austria/austria_flows_from_spint_tests.csv
"$B" austria "$AUS" "$T" | tee "$T/ours.txt"
"$B" sample data/sample/liechtenstein-2024-03-04.osm.pbf "$T" | tee -a "$T/ours.txt"
cp "$AUS" "$T/austria.csv"
for m in unconstrained production doubly; do
  "$PY" bench/flows/statsmodels_fit.py "$T/austria.csv" $m dij_km origin_var_Oi dest_var_Dj --repeats 21 | sed "s/^/austria /"
  "$PY" bench/flows/statsmodels_fit.py "$T/settlements.csv" $m --repeats 5 | sed "s/^/settlements /"
  "$PY" bench/flows/statsmodels_fit.py "$T/demand300.csv" $m --repeats 1 | sed "s/^/demand300 /"
  "$PY" bench/flows/statsmodels_fit.py "$T/demand1000.csv" $m --repeats 1 | sed "s/^/demand1000 /"
done | tee "$T/peer.txt"
echo
echo "Ratios = statsmodels / countyscope, on wall time and on process CPU time (all threads; steadier on a shared machine)."
printf "%-12s %-14s %-10s %-10s %-12s %-12s %-10s %s\n" case model ours_wall ours_cpu peer_wall peer_cpu wall_x cpu_x
field() { sed -n "s/.* $1=\([0-9.e-]*\).*/\1/p"; }
while read -r c name model rest; do
  ow=$(field seconds <<<" $rest"); oc=$(field cpu <<<" $rest")
  line=$(awk -v n="$name" -v m="$model" '$1==n && $2=="peer" && $3==m' "$T/peer.txt")
  if [ -n "$line" ]; then
    pw=$(field seconds <<<" $line"); pc=$(field cpu <<<" $line")
    printf "%-12s %-14s %-10s %-10s %-12s %-12s %-10s %s\n" "$name" "$model" "$ow" "$oc" "$pw" "$pc" \
      "$(printf %.1fx "$(echo "$pw / $ow" | bc -l)")" "$(printf %.1fx "$(echo "$pc / $oc" | bc -l)")"
  else
    printf "%-12s %-14s %-10s %-10s %s\n" "$name" "$model" "$ow" "$oc" "(peer skipped: its dense design does not fit the memory budget)"
  fi
done < <(grep '^case ' "$T/ours.txt")
