#!/usr/bin/env bash
# The data-quality gate (docs/county.md) on the five bundled extracts, as a planner would judge them: each item's
# status is pinned; a failing county writes its outputs and exits 3; --strict stops before the analysis (exit 1,
# one line, nothing written).
source "$(dirname "$0")/lib.sh"
SKIP=(--skip access locate flows structure scenarios report)

# run NAME OSM WANT_RC "item=status ..."
run() {
  local name=$1 osm=$2 want=$3 items=$4
  "$CS" -q plan --osm "$osm" "${SKIP[@]}" --out "$T/$name" 2>"$T/$name.err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then fail "$name: exit $rc, want $want: $(tail -2 "$T/$name.err")"; return; fi
  /usr/bin/python3 - "$T/$name" "$items" <<'PY' && ok "$name: $items" || fail "$name: verdicts"
import csv, json, sys
d, want = sys.argv[1], dict(kv.split("=") for kv in sys.argv[2].split())
rows = {r["item"]: r for r in csv.DictReader(open(d + "/quality.csv"))}
doc = json.load(open(d + "/results.json"))["sections"]["quality"]
assert {r["item"]: r["status"] for r in doc["items"]} == {k: v["status"] for k, v in rows.items()}
for k, v in want.items():
    assert rows[k]["status"] == v, (k, rows[k])
order = ["ok", "warn", "fail"]
assert doc["verdict"] == max((r["status"] for r in rows.values()), key=order.index), doc["verdict"]
print(doc["verdict"], {k: rows[k]["value"] for k in want})
PY
}
O=data/fixtures/osm
run sample data/sample/liechtenstein-2024-03-04.osm.pbf 0 \
  "population=warn dwellings=ok facilities.primary_school=warn facilities.hospital=ok facilities.clinic=ok seat=ok boundary=ok far_points=ok network=ok"
run monaco $O/monaco.osm.pbf 3 \
  "population=warn dwellings=ok facilities.clinic=fail facilities.hospital=ok seat=ok boundary=warn network=warn"
run andorra $O/andorra-2013-05-28.osm.pbf 3 \
  "population=fail dwellings=warn facilities.primary_school=fail facilities.clinic=fail boundary=warn"
# Andorra: the boundary item lists the parishes beside the one taken; told to, the whole country is the county.
/usr/bin/python3 - "$T/andorra" <<'PY' && ok "andorra lists its parishes" || fail "andorra: parishes not listed"
import csv, sys
rows = {r["item"]: r for r in csv.DictReader(open(sys.argv[1] + "/quality.csv", encoding="utf-8"))}
m = rows["boundary"]["message"]
assert "6 areas of admin_level 7" in m and "Ordino" in m and "Andorra la Vella" in m and "county_admin_level = -1" in m, m
print(m)
PY
"$CS" -q plan --osm $O/andorra-2013-05-28.osm.pbf --county-admin-level -1 "${SKIP[@]}" --out "$T/andorra-all" \
  2>/dev/null
/usr/bin/python3 - "$T/andorra" "$T/andorra-all" <<'PY' && ok "andorra whole: every settlement kept" || fail "andorra whole"
import json, sys
one, whole = (json.load(open(d + "/results.json"))["sections"]["county"] for d in sys.argv[1:])
assert whole["settlements"] > 2 * one["settlements"] and whole["dropped_outside"] == 0, (one["settlements"], whole)
print(one["name"], one["settlements"], "->", whole["name"], whole["settlements"])
PY
run bayreuth $O/north-bayreuth-2014.osm.gz 3 \
  "population=warn facilities.hospital=fail facilities.clinic=fail seat=warn boundary=warn"
run porto $O/porto-portugal.osm.pbf 3 \
  "population=fail dwellings=fail facilities.primary_school=fail facilities.hospital=fail facilities.clinic=fail seat=warn"
[ -s "$T/porto/results.json" ] && [ -s "$T/porto/quality.csv" ] && ok "a failing county's outputs are written" ||
  fail "porto: outputs missing"

# A configured total is the county's population: Andorra with its census figure passes the population item.
printf '[county]\ntotal_population = 76000\n' >"$T/andorra.toml"
"$CS" -q plan --osm $O/andorra-2013-05-28.osm.pbf --config "$T/andorra.toml" "${SKIP[@]}" --out "$T/andorra2" 2>/dev/null
grep -q '^population,ok,"76,000' "$T/andorra2/quality.csv" && ok "configured total: population ok" ||
  fail "configured total: $(grep ^population "$T/andorra2/quality.csv")"

# --strict: the sample's warnings stop the run before the analysis; one line; nothing written.
err=$("$CS" -q plan --osm data/sample/liechtenstein-2024-03-04.osm.pbf --strict --out "$T/strict" 2>&1)
rc=$?
[ "$rc" -eq 1 ] && [ ! -e "$T/strict" ] && [ "$(printf '%s\n' "$err" | grep -vc "far', kept")" -eq 1 ] &&
  case "$err" in *"data quality"*"item(s) not ok (--strict): population warn:"*) true ;; *) false ;; esac &&
  ok "--strict refuses the sample's warnings" || fail "--strict: exit $rc: $err"

# Siting on a county below the population floor proposes nothing and says why.
"$CS" -q plan --osm $O/porto-portugal.osm.pbf --skip access flows structure scenarios report --out "$T/porto-locate" \
  2>/dev/null
/usr/bin/python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))['sections']['locate']
assert s['services'] == [] and 'below the floor' in s['refused'], s
" "$T/porto-locate/results.json" && ok "siting refused below the floor" || fail "siting on 6 people"
finish
