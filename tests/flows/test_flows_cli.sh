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

# 2b. Radiation and intervening opportunities rank by the given cost, not by the coordinates. Four places on a
# line (A 0, D 0.1, C 0.2, B 0.3 degrees of longitude) whose travel times order them differently; the normalised
# radiation flows worked by hand (tests/flows/test_flows_models.cpp, RadiationRanksByTheGivenCostByHand): T_i
# times A: 1/3 each; B: A 25/27, C 1/27, D 1/27; C: A 6/34, B 3/34, D 25/34; D: A 8/24, B 4/24, C 12/24. The
# great-circle order would give A -> D 60 and A -> B 10.
cat > "$T/rplaces.csv" <<'CSV'
code,lon,lat,population
A,0.0,0,100
B,0.3,0,20
C,0.2,0,30
D,0.1,0,50
CSV
printf 'code,population\nA,100\nB,20\nC,30\nD,50\n' > "$T/rmass.csv"
cat > "$T/rod.csv" <<'CSV'
origin,destination,flow,minutes
A,B,40,10
A,C,30,20
A,D,20,30
B,A,20,10
B,C,4,15
B,D,3,25
C,A,10,20
C,B,4,15
C,D,20,5
D,A,6,30
D,B,6,25
D,C,12,5
CSV
printf 'from,A,B,C,D\nA,0,10,20,30\nB,10,0,15,25\nC,20,15,0,5\nD,30,25,5,0\n' > "$T/rcost.csv"
check_flows() {  # flows.csv column expected-by-pair (A>B=30 ...) name
  python3 - "$1" "$2" "$3" <<'PY'
import csv,sys
rows={(r["origin"],r["destination"]):r for r in csv.DictReader(open(sys.argv[1]))}
for item in sys.argv[3].split():
    pair,want=item.split("=")
    o,d=pair.split(">"); want=eval(want)
    got=float(rows[(o,d)][sys.argv[2]])
    assert abs(got-want)<=1e-9*max(1,abs(want)), (pair,got,want)
PY
}
RAD="A>B=30 A>C=30 A>D=30 B>A=25 B>C=1 B>D=1 C>A=6 C>B=3 C>D=25 D>A=8 D>B=4 D>C=12"
"$BIN" -q flows --od "$T/rod.csv" --cost-col minutes --places "$T/rplaces.csv" --mass-col population \
  --model radiation --out "$T/rad" 2>"$T/err" || bad "radiation on cost column exit: $(cat "$T/err")"
check_flows "$T/rad/flows.csv" flow_predicted "$RAD" && ok || bad "radiation ranks by --cost-col"
grep -q '"ranked_by": "cost_minutes"' "$T/rad/results.json" && ok || bad "radiation ranked_by"
# places without lon/lat when the cost is given (no flow lines then)
"$BIN" -q flows --od "$T/rod.csv" --cost-col minutes --places "$T/rmass.csv" --mass-col population \
  --model radiation --out "$T/rad2" 2>"$T/err" || bad "radiation without coordinates exit: $(cat "$T/err")"
cmp -s "$T/rad/flows.csv" "$T/rad2/flows.csv" && ok || bad "radiation without coordinates differs"
[ ! -e "$T/rad2/flows.gpkg" ] && ok || bad "flow lines without coordinates"
# the same costs as a matrix, with the OD table (costs from the matrix) and without it (T_i = 0.9 m_i)
"$BIN" -q flows --od "$T/rod.csv" --cost-matrix "$T/rcost.csv" --places "$T/rmass.csv" --mass-col population \
  --model radiation --out "$T/rad3" 2>"$T/err" || bad "radiation on matrix exit: $(cat "$T/err")"
check_flows "$T/rad3/flows.csv" flow_predicted "$RAD" && ok || bad "radiation ranks by --cost-matrix (od)"
"$BIN" -q flows --places "$T/rmass.csv" --cost-matrix "$T/rcost.csv" --mass-col population --model radiation \
  --trip-rate 0.9 --out "$T/rad4" 2>"$T/err" || bad "radiation prediction on matrix exit: $(cat "$T/err")"
check_flows "$T/rad4/flows.csv" flow_predicted "A>B=30 A>D=30 B>A=18*25/27 B>C=18/27 C>A=27*6/34 C>D=27*25/34 \
D>A=45*8/24 D>C=45*12/24" && ok || bad "radiation prediction on matrix"
# Intervening opportunities by hand on three places (InterveningOpportunitiesByHand), L = 0.01, T_i = m_i:
# A: B (1-e^-0.2), C (e^-0.2-e^-0.5); B: A (1-e^-1), C (e^-1-e^-1.3); C: B (1-e^-0.2), A (e^-0.2-e^-1.2).
printf 'code,population\nA,100\nB,20\nC,30\n' > "$T/io.csv"
printf 'from,A,B,C\nA,0,10,20\nB,10,0,15\nC,20,15,0\n' > "$T/iocost.csv"
"$BIN" -q flows --places "$T/io.csv" --cost-matrix "$T/iocost.csv" --mass-col population --model intervening \
  --intervening-l 0.01 --out "$T/io" 2>"$T/err" || bad "intervening exit: $(cat "$T/err")"
check_flows "$T/io/flows.csv" flow_predicted "A>B=46.0694718398211 A>C=53.93052816017891 B>A=17.37864425621867 \
B>C=2.6213557437813275 C>B=7.781958164000361 C>A=22.21804183599964" && ok || bad "intervening by hand"
grep -q '"parameters_source": "given"' "$T/io/results.json" && ok || bad "intervening L given"
# unset L: assumed 1 / total mass (1/150), labelled so
"$BIN" -q flows --places "$T/io.csv" --cost-matrix "$T/iocost.csv" --mass-col population --model intervening \
  --out "$T/io2" 2>"$T/err" || bad "intervening default exit: $(cat "$T/err")"
python3 -c "
import json; f=json.load(open('$T/io2/results.json'))['sections']['flows']
assert f['parameters_source']=='assumed' and abs(f['L']-1/150)<1e-15, f" && ok || bad "intervening assumed L"
# with observations: T_i = observed outflow, ranked by the cost column
"$BIN" -q flows --od "$T/rod.csv" --cost-col minutes --places "$T/rmass.csv" --mass-col population \
  --model intervening --out "$T/io3" 2>"$T/err" && ok || bad "intervening on od exit: $(cat "$T/err")"

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

# cost matrices and cost columns for the rank models: a missing pair, a negative or non-numeric cost
printf 'from,A,B,C,D\nA,0,10,20,30\nB,10,0,15,25\nC,20,15,0,5\n' > "$T/norow.csv"
expect_fail 1 "norow.csv: field 'from': no row for origin 'D'" norow --places "$T/rmass.csv" --mass-col population \
  --cost-matrix "$T/norow.csv" --model radiation
printf 'from,A,B,C\nA,0,10,20\nB,10,0,15\nC,20,15,0\nD,30,25,5\n' > "$T/nocol.csv"
expect_fail 1 "nocol.csv: line 2, field 'D': missing column" nocol --places "$T/rmass.csv" --mass-col population \
  --cost-matrix "$T/nocol.csv" --model intervening
printf 'from,A,B,C,D\nA,0,10,20,30\nB,10,0,-15,25\nC,20,15,0,5\nD,30,25,5,0\n' > "$T/negc.csv"
expect_fail 1 "negc.csv: line 3, field 'C': negative cost -15" negc --places "$T/rmass.csv" --mass-col population \
  --cost-matrix "$T/negc.csv" --model radiation
printf 'from,A,B,C,D\nA,0,10,20,30\nB,10,0,15,25\nC,20,nan,0,5\nD,30,25,5,0\n' > "$T/nanc.csv"
expect_fail 1 "nanc.csv: line 4, field 'B'" nanc --od "$T/rod.csv" --places "$T/rmass.csv" --mass-col population \
  --cost-matrix "$T/nanc.csv" --model radiation
grep -v '^C,D' "$T/rod.csv" > "$T/gap.csv"
expect_fail 1 "gap.csv: field 'minutes': no row for C -> D" gap --od "$T/gap.csv" --cost-col minutes \
  --places "$T/rmass.csv" --mass-col population --model radiation
expect_fail 1 "rmass.csv: header, field 'lon': missing column" nolonlat --places "$T/rmass.csv" --mass-col population \
  --model radiation
expect_fail 2 "needs --od" costcol --places "$T/rplaces.csv" --mass-col population --cost-col minutes
expect_fail 2 "intervening-l: expected a rate L in (0, 1e+06\]" iol --places "$T/rplaces.csv" --mass-col population \
  --model intervening --intervening-l 0
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
