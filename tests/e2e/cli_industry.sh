#!/usr/bin/env bash
# The industry pass on the sample county through `countyscope plan`: a county's own output by township wins over
# the land-use estimate; the heuristic's cost is never below the MIP's proven optimum and its LP bound never above
# it, on the same county; bad input (a yield table missing a farm class the county has, a township that does not
# exist, a processing cost that rises with scale) is one line, exit 1, nothing written.
source "$(dirname "$0")/lib.sh"
# check_last NAME LINE OUT CMD...: CMD exits 1, its last stderr line is exactly LINE and the only error, OUT is not
# written (the county's data-quality warnings come before: the error is found once the county is read).
check_last() {
  local name=$1 line=$2 out=$3
  shift 3
  "$@" >/dev/null 2>"$T/err"
  local rc=$?
  if [ "$rc" != 1 ]; then fail "$name: exit $rc: $(cat "$T/err")"; return; fi
  if [ "$(tail -n 1 "$T/err")" != "$line" ]; then fail "$name: got '$(tail -n 1 "$T/err")'"; return; fi
  if [ "$(grep -c 'error' "$T/err")" != 1 ]; then fail "$name: more than one error line: $(cat "$T/err")"; return; fi
  if [ -e "$out" ] || ls -a "$(dirname "$out")" | grep -q "staging\|\.tmp-"; then fail "$name: output left behind"; return; fi
  ok "$name"
}
P=data/sample/liechtenstein-2024-03-04.osm.pbf
SKIP='[plan]
skip = ["access", "locate", "flows", "structure", "scenarios", "report"]'
printf 'unit,tonnes\nSchaan,5000\n' >"$T/output.csv"
printf '%s\n[industry]\nrun = true\noutput_table = "output.csv"\n' "$SKIP" >"$T/exact.toml"
printf '%s\n[industry]\nrun = true\noutput_table = "output.csv"\nmethod = "heuristic"\n' "$SKIP" >"$T/heur.toml"
"$CS" -q plan --osm $P --config "$T/exact.toml" --out "$T/exact" 2>/dev/null || fail "plan (exact)"
"$CS" -q plan --osm $P --config "$T/heur.toml" --out "$T/heur" 2>/dev/null || fail "plan (heuristic)"
/usr/bin/python3 - "$T" <<'PY' && ok "township output wins; heuristic within its bound of the MIP optimum" || fail "industry facts"
import csv, json, sys
t = sys.argv[1]
e = json.load(open(t + "/exact/results.json"))["sections"]["industry"]
h = json.load(open(t + "/heur/results.json"))["sections"]["industry"]
rows = list(csv.DictReader(open(t + "/exact/industry_villages.csv")))
mine = [r for r in rows if r["supply_source"].endswith("output.csv line 2")]
assert mine and abs(sum(float(r["supply_t"]) for r in mine) - 5000) < 0.01, mine
assert all(r["supply_source"] == "land use" for r in rows if r not in mine)
assert e["method"] == "mip" and e["outcome"] == "optimal", e["outcome"]
assert h["method"] == "local search" and h["supply_t"] == e["supply_t"]
assert h["cost"] >= e["cost"] - 1e-6 * e["cost"], (h["cost"], e["cost"])
assert 0 < h["bound"] <= e["cost"] + 1e-6 * e["cost"], (h["bound"], e["cost"])
assert abs(h["gap"] - (h["cost"] - h["bound"]) / h["cost"]) < 1e-6  # cost and bound rounded to 0.1
print("exact", e["cost"], "heuristic", h["cost"], "bound", h["bound"], "gap", round(h["gap"], 4))
PY

printf 'class,t_per_ha\nfarmland,6\norchard,12\nvineyard,9\n' >"$T/yields.csv"
printf '%s\n[industry]\nrun = true\nyield_table = "yields.csv"\n' "$SKIP" >"$T/y.toml"
check_last "yield table without meadow" \
  "countyscope: error: $T/yields.csv: field 'class': the county has 1073 ha of farm land use 'meadow' but the yield table has no row for it" \
  "$T/out" "$CS" -q plan --osm $P --config "$T/y.toml" --out "$T/out"
printf 'unit,tonnes\nSchaan,5000\nAtlantis,7\n' >"$T/bad.csv"
printf '%s\n[industry]\nrun = true\noutput_table = "bad.csv"\n' "$SKIP" >"$T/o.toml"
check_last "unknown township" \
  "countyscope: error: $T/bad.csv: line 3, field 'unit': no township 'Atlantis' in the county; townships are: Balzers, Eschen, Gamprin, Mauren, Planken, Ruggell, Schaan, Schellenberg, Triesen, Triesenberg, Vaduz" \
  "$T/out" "$CS" -q plan --osm $P --config "$T/o.toml" --out "$T/out"
printf '[industry]\nrun = true\ncost_slopes = [200, 250, 100]\n' >"$T/s.toml"
check_exact "rising processing cost" 1 \
  "countyscope: error: $T/s.toml: line 3, field 'industry.cost_slopes': slopes must not increase (a concave cost: economies of scale)" \
  "$T/out" "$CS" -q plan --osm $P --config "$T/s.toml" --out "$T/out"
# A capacity the county's output cannot fit: the line names the plan file, the section and the field.
printf '%s\n[industry]\nrun = true\nhub_capacity = 1\n' "$SKIP" >"$T/c.toml"
check_last "hub capacity below the county's output" \
  "countyscope: error: $T/c.toml: [industry], field 'hub_capacity': 2 candidate hubs x 1 t cannot hold the county's 15648 t of farm output" \
  "$T/out" "$CS" -q plan --osm $P --config "$T/c.toml" --out "$T/out"
finish
