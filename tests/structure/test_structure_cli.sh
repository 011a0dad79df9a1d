#!/usr/bin/env bash
# countyscope structure end to end on the sample county: bad inputs give one clear line, the right exit code and no
# output directory; a good run writes the results document, GeoPackage and tables with consistent figures.
# Usage: test_structure_cli.sh COUNTYSCOPE_BIN SOURCE_DIR
set -uo pipefail
BIN="$1"
SRC="$2"
OSM="$SRC/data/sample/liechtenstein-2024-03-04.osm.pbf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {  # expect CODE PATTERN -- args...: exactly one line on stderr, containing PATTERN
  local code="$1" pat="$2"
  shift 3
  "$BIN" -q "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  local lines
  lines=$(grep -c . "$tmp/err")
  if [[ $got -ne $code ]] || ! grep -q -- "$pat" "$tmp/err" || [[ $lines -ne 1 ]]; then
    echo "FAIL: countyscope $* -> exit $got (want $code), stderr:"
    cat "$tmp/err"
    fail=1
  fi
}
expect 2 "strictly increasing" -- structure --osm "$OSM" --cutoffs-min 10,5 --out "$tmp/a"
expect 2 "cutoffs-min: element 1: expected a time in (0, 10080] minutes, got 0" -- \
  structure --osm "$OSM" --cutoffs-min 0,5 --out "$tmp/a"
expect 2 "expected numbers separated by commas" -- structure --osm "$OSM" --cutoffs-min 5,ten --out "$tmp/a"
expect 2 "expected one of: nearest, huff" -- structure --osm "$OSM" --assignment gravity --out "$tmp/a"
expect 2 "none, seat, centres, all" -- structure --osm "$OSM" --polygons most --out "$tmp/a"
# Renamed options are refused naming the new one.
expect 2 "cutoffs: renamed to --cutoffs-min (minutes)" -- structure --osm "$OSM" --cutoffs 5,10 --out "$tmp/a"
expect 2 "no-walk: renamed to --walk (give --walk=false)" -- structure --osm "$OSM" --no-walk --out "$tmp/a"
expect 2 "snap-threshold-m: renamed to --far-threshold-m" -- \
  structure --osm "$OSM" --snap-threshold-m 800 --out "$tmp/a"
printf '[structure]\ncutoffs_min = [10, 5]\n' >"$tmp/inc.toml"
expect 1 "inc.toml: line 2, field 'structure.cutoffs_min': must be strictly increasing" -- \
  plan --osm "$OSM" --config "$tmp/inc.toml" --out "$tmp/a"
# A hamlet 1.9 km from the nearest car road: one line naming it and the threshold.
expect 1 "settlement 'Hintertuass' (OSM n3015364759), field 'position': is 1925 m from the nearest car road" -- \
  structure --osm "$OSM" --walk=false --facility-circles=false --out "$tmp/a"
if [[ -e "$tmp/a" ]]; then echo "FAIL: output left behind after an error"; fail=1; fi

# A good run (off-network hamlets left out and listed).
if ! "$BIN" -q structure --osm "$OSM" --exclude-off-network --cutoffs-min 5,10,15,30,60 --out "$tmp/ok" 2>"$tmp/err"; then
  echo "FAIL: good run"; cat "$tmp/err"; fail=1
else
  for f in results.json structure.gpkg structure_towns.csv structure_hierarchy.csv structure_circles.csv \
    structure_villages.csv structure_demand.csv; do
    [[ -s "$tmp/ok/$f" ]] || { echo "FAIL: missing $f"; fail=1; }
  done
  python3 - "$tmp/ok/results.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
s = d["sections"]["structure"]
areas = s["service_areas"]
total = sum(c["area_population"] for c in areas["centres"]) + areas["unassigned_population"]
assert abs(total - s["total_population"]) < 1e-6 * s["total_population"], (total, s["total_population"])
for c in s["circles"]:
    pops = [x["population"] for x in c["cutoffs"]]
    assert pops == sorted(pops), ("circles must nest", c["source"], pops)
    for a, b in zip(c["cutoffs"], c["cutoffs"][1:]):
        assert set(a["villages"]) <= set(b["villages"]), c["source"]
seat = [c for c in s["circles"] if c["kind"] == "seat" and c["profile"] == "car"][0]
feats = [f for f in d["layers"]["structure_circles"]["features"] if f["properties"]["kind"] == "seat"
         and f["properties"]["profile"] == "car"]
assert sorted(f["properties"]["cutoff_min"] for f in feats) == [5, 10, 15, 30, 60], feats
areas_km2 = [f["properties"]["area_km2"] for f in sorted(feats, key=lambda f: f["properties"]["cutoff_min"])]
assert areas_km2 == sorted(areas_km2), areas_km2
assert len(d["layers"]["structure_service_areas"]["features"]) == len(areas["centres"])
assert len(s["off_network"]["settlements"]) >= 1
p = s["pattern"]
assert p["base_covered"] <= p["covered"] <= p["upper_bound"] + 1e-9 and p["covered"] <= p["total"] + 1e-9
print("structure results consistent:", len(s["circles"]), "circles,", len(areas["centres"]), "centres")
PY
fi
exit $fail
