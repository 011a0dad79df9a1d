#!/usr/bin/env bash
# e2e/browser: national assessment -> results JSON valid against the schema -> HTML report -> every number in the
# assess section equals the results JSON. Usage: report_numbers_test.sh COUNTYSCOPE_BINARY.
# Exit 77 (skip) without chromium or playwright-core.
set -euo pipefail
CS="$1"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# An official boundary file as a user would supply one (issue 17): a GeoPackage in CGCS2000 (EPSG:4490) with two
# polygons and a line. These shapes are made up for the test; no border is bundled.
cat >"$TMP/b.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "甲"}, "geometry": {"type": "Polygon", "coordinates": [[[100, 30], [110, 30], [110, 35], [100, 35], [100, 30]]]}},
 {"type": "Feature", "properties": {"name": "乙"}, "geometry": {"type": "Polygon", "coordinates": [[[110, 30], [115.5, 30], [115.5, 35], [110, 35], [110, 30]]]}},
 {"type": "Feature", "properties": {"name": "line"}, "geometry": {"type": "LineString", "coordinates": [[100, 25], [107.25, 25.5], [115, 25]]}}]}
JSON
ogr2ogr -f GPKG -nlt GEOMETRY -a_srs EPSG:4490 -nln boundaries "$TMP/b.gpkg" "$TMP/b.geojson"
# Bad input first: a file of points is refused in one line, exit 1, nothing written.
cat >"$TMP/pts.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [100, 30]}}]}
JSON
set +e
msg=$("$CS" -q assess --counties "$ROOT/data/china/county_features_2020.csv.gz" --indicators "$ROOT/data/config/integration.toml" \
  --boundaries "$TMP/pts.geojson" --out "$TMP/bad" 2>&1)
rc=$?
set -e
if [ "$rc" -ne 1 ] || [ -e "$TMP/bad" ] || [ "$(printf '%s\n' "$msg" | wc -l)" -ne 1 ] ||
  ! printf '%s' "$msg" | grep -qF "boundaries (pts.geojson): feature 0, field 'geometry': a point; a boundary file has polygons or lines"; then
  echo "a boundary file of points: expected one line naming the file and feature, exit 1, nothing written; got rc=$rc: $msg"
  exit 1
fi
"$CS" -q assess --counties "$ROOT/data/china/county_features_2020.csv.gz" --indicators "$ROOT/data/config/integration.toml" \
  --centres "$ROOT/data/china/county_centres.csv.gz" --counties-2010 "$ROOT/data/china/county_features_2010.csv.gz" \
  --boundaries "$TMP/b.gpkg" --permutations 99 --out "$TMP/national"
# The boundary layers hold the file's shapes (CGCS2000 = WGS-84 to well below 1e-5 degrees), each with its origin.
/usr/bin/python3 - "$TMP/national/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p, l = d["layers"]["national_boundaries"]["features"], d["layers"]["national_boundary_lines"]["features"]
b = d["sections"]["assess"]["boundaries"]
assert (len(p), len(l)) == (2, 1), (len(p), len(l))
assert (b["file"], b["features"], b["polygons"], b["lines"]) == ("b.gpkg", 3, 2, 1), b
assert [f["properties"]["name"] for f in p] == ["甲", "乙"], p
assert p[0]["properties"]["origin"] == "b.gpkg feature 1", p[0]["properties"]
ring = p[1]["geometry"]["coordinates"][0][0]
assert all(abs(a - b) < 1e-5 for a, b in zip(sum(ring, []), [110, 30, 115.5, 30, 115.5, 35, 110, 35, 110, 30])), ring
line = l[0]["geometry"]["coordinates"]
assert all(abs(a - b) < 1e-5 for a, b in zip(sum(line, []), [100, 25, 107.25, 25.5, 115, 25])), line
PY
rc=0
/usr/bin/python3 "$ROOT/tests/report/validate_results.py" "$ROOT/schemas/results.schema.json" "$TMP/national/results.json" || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then echo "results.json does not follow the schema"; exit 1; fi
"$CS" -q report "$TMP/national/results.json" --html "$TMP/report.html"
node "$ROOT/tests/e2e/browser/assess_numbers_test.mjs" "$TMP/report.html" "$TMP/national/results.json"
