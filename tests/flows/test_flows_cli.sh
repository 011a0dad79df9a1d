#!/usr/bin/env bash
# End-to-end checks of `countyscope flows` on tables: a reference fit, a prediction, and bad inputs that must give
# one clear line on stderr, exit 1 (data) or 2 (usage), and no output directory.
set -u
BIN="$1"; SRC="$2"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
fail=0; pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
AUS="$SRC/data/fixtures/flows_austria/austria_flows_from_spint_tests.csv"

# 1. Reference fit: doubly constrained beta and deviance as published by spint.
"$BIN" -q flows --od "$AUS" --cost-col dij_km --model doubly --out "$T/aus" 2>"$T/err" || bad "austria fit exit $?"
python3 - "$T/aus/results.json" <<'PY' && ok || bad "austria results"
import json,sys
f=json.load(open(sys.argv[1]))["sections"]["flows"]
assert abs(f["beta"]-0.00791533)/0.00791533 < 1e-5, f["beta"]
assert abs(f["deviance"]-9360.482092561484)/9360.48 < 1e-5, f["deviance"]
assert f["parameters_source"] == "calibrated"
PY

# 2. Prediction without observations from places (assumed parameters, labelled so), with flow lines.
cat > "$T/places.csv" <<'CSV'
code,lon,lat,population
Vaduz,9.5209,47.1410,5696
Schaan,9.5095,47.1650,6039
Balzers,9.4960,47.0660,4616
Triesen,9.5280,47.1070,5296
CSV
"$BIN" -q flows --places "$T/places.csv" --mass-col population --model production --out "$T/pred" 2>"$T/err" || bad "prediction exit"
grep -q '"parameters_source": "assumed"' "$T/pred/results.json" && ok || bad "assumed label"
[ -s "$T/pred/flows.gpkg" ] && ok || bad "flow lines gpkg"

# 3. Bad inputs: exit code, one line naming file/line/field, no output directory.
expect_fail() {  # code pattern name args...
  local code="$1" pat="$2" name="$3"; shift 3
  "$BIN" -q flows "$@" --out "$T/$name" 2>"$T/err"; local rc=$?
  [ "$rc" = "$code" ] || { bad "$name: exit $rc (want $code): $(cat "$T/err")"; return; }
  [ "$(wc -l <"$T/err")" = 1 ] || { bad "$name: stderr not one line: $(cat "$T/err")"; return; }
  grep -q -- "$pat" "$T/err" || { bad "$name: message '$(cat "$T/err")' lacks '$pat'"; return; }
  [ ! -e "$T/$name" ] || { bad "$name: partial output left"; return; }
  ok
}
printf 'origin,destination,flow,km\nVaduz,Schaan,10,3\nSchaan,Vaduz,-4,3\n' > "$T/neg.csv"
expect_fail 1 "neg.csv: line 3, field 'flow': expected a mass in \[0, 1e+15\], got -4" neg --od "$T/neg.csv" --cost-col km
printf 'origin,destination,flow,km\nVaduz,Schaan,10,0\n' > "$T/zero.csv"
expect_fail 1 "zero.csv: line 2, field 'km': zero cost between distinct places" zero --od "$T/zero.csv" --cost-col km
printf 'origin,destination,flow\nVaduz,Schaan,10\nVaduz,Gotham,3\n' > "$T/code.csv"
expect_fail 1 "code.csv: line 3, field 'destination': code 'Gotham' is not in the place list" code \
  --od "$T/code.csv" --places "$T/places.csv"
printf 'origin,destination,flow,km,dm\na,b,50,3,10\na,c,20,5,20\nb,a,40,3,30\nb,c,30,4,20\nc,a,0,5,30\nc,b,0,4,10\n' > "$T/nc.csv"
expect_fail 1 "did not converge after 100 iterations" nc --od "$T/nc.csv" --cost-col km --dest-mass-col dm --model production
expect_fail 2 "expected one of: unconstrained, production, attraction, doubly" model --od "$AUS" --cost-col dij_km --model gravity2

expect_fail 2 "need --osm" noosm --scenario "$SRC/data/scenarios/sample_bridge.toml"
printf 'name = "bad"\n[[upgrade]]\nways = [1]\nspeed = 3\n' > "$T/badsc.toml"
expect_fail 1 "badsc.toml" badsc --osm "$SRC/data/sample/liechtenstein-2024-03-04.osm.pbf" --scenario "$T/badsc.toml"

# 4. County mode: flows and the bundled scenario on the sample's road network, equal to the plan driver's run.
OSM="$SRC/data/sample/liechtenstein-2024-03-04.osm.pbf"
"$BIN" -q flows --osm "$OSM" --scenario "$SRC/data/scenarios/sample_bridge.toml" --out "$T/county" 2>/dev/null \
  && ok || bad "county mode run"
printf '[scenarios]\nfile = "%s"\n' "$SRC/data/scenarios/sample_bridge.toml" > "$T/plan.toml"
"$BIN" -q plan --osm "$OSM" --config "$T/plan.toml" --skip report access structure locate --out "$T/plan" 2>/dev/null \
  && ok || bad "plan run"
for f in flows_settlements.csv flows_balance_tiers.csv scenario_flows.csv scenario_settlements.csv scenario_balance.csv; do
  cmp -s "$T/county/$f" "$T/plan/$f" && ok || bad "county mode $f differs from the plan driver's"
done
python3 -c "
import json,sys; d=json.load(open('$T/county/results.json'))
sc=d['sections']['scenario']; assert sc['reran'] and d['sections']['flows'], sc
assert d['layers']['scenario_changes']['features'], 'no changed roads'
" && ok || bad "county mode results.json lacks the scenario"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
