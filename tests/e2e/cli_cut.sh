#!/usr/bin/env bash
# A county cut out of a larger extract inside countyscope (`plan --boundary FILE|relation-id`, docs/your-county.md):
# cut by its relation or by a boundary file (GeoJSON in another CRS), the county has the same settlements, units and
# people as the same boundary chosen in the whole extract; the sample cut by its own relation equals the sample; a
# boundary nothing lies inside, a relation the extract lacks and a missing file are one line each, exit 1, nothing
# written.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/tmp" && export TMPDIR=$T/tmp  # where the cut files go: checked empty at the end
SKIP=(--skip locate flows structure scenarios report)
O=data/fixtures/osm
AND=$O/andorra-2013-05-28.osm.pbf

# La Massana chosen by name in the whole Andorra extract: the reference, and the relation id to cut by.
# Andorra's 2013 extract has too few buildings and no school: the data-quality gate fails (exit 3), the outputs
# are written all the same.
plan3() { "$CS" -q plan "$@" "${SKIP[@]}" 2>/dev/null || [ $? -eq 3 ]; }
plan3 --osm $AND --boundary-name "La Massana" --out "$T/named" || fail "named"
REL=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sections"]["county"]["boundary_osm_id"])' \
  "$T/named/results.json")
[ "${REL:-0}" -gt 0 ] && ok "La Massana is relation $REL" || fail "no relation id: $REL"

plan3 --osm $AND --boundary "$REL" --out "$T/rel" || fail "cut by relation"
# The same boundary as a file: the named run's county_boundary layer, reprojected to Web Mercator.
ogr2ogr -q -f GeoJSON -t_srs EPSG:3857 "$T/massana.geojson" "$T/named/county.gpkg" county_boundary ||
  fail "ogr2ogr boundary"
plan3 --osm $AND --boundary "$T/massana.geojson" --out "$T/file" || fail "cut by file"

/usr/bin/python3 - "$T/named" "$T/rel" "$T/file" "$REL" <<'PY' && ok "cut by relation and by file = chosen in the whole extract" || fail "cut differs"
import csv, json, sys
named, rel, file, rid = sys.argv[1:]
doc = lambda d: json.load(open(d + "/results.json"))["sections"]
rows = lambda d, f: list(csv.DictReader(open(d + "/" + f, encoding="utf-8")))
A = doc(named)
for d in (rel, file):
    B = doc(d)
    ca, cb = A["county"], B["county"]
    assert cb["seat"] == ca["seat"], (d, ca["seat"], cb["seat"])
    assert cb["settlements_by_tier"] == ca["settlements_by_tier"], (d, ca["settlements_by_tier"], cb["settlements_by_tier"])
    assert cb["facilities_by_type"] == ca["facilities_by_type"], (d, ca["facilities_by_type"], cb["facilities_by_type"])
    key = lambda r: (r["name"], r["lon"], r["lat"], r["unit"], r["population"])
    sa, sb = sorted(map(key, rows(named, "settlements.csv"))), sorted(map(key, rows(d, "settlements.csv")))
    assert sa == sb, (d, set(sa) ^ set(sb))
    assert sorted(r["name"] for r in rows(named, "admin_units.csv")) == sorted(r["name"] for r in rows(d, "admin_units.csv"))
    pa, pb = ca["total_population"], cb["total_population"]
    assert abs(pa - pb) <= 0.5, (d, pa, pb)
    # The cut extract holds fewer roads than the whole one, but every settlement's road is there.
    assert B["network"]["nodes"] < A["network"]["nodes"], (A["network"]["nodes"], B["network"]["nodes"])
    assert "cut by" in cb["cut"] and "nodes" in cb["cut"], cb.get("cut")
    # The boundary item measures the cut against the whole extract, as the named run does.
    qa = {i["item"]: i for i in A["quality"]["items"]}
    qb = {i["item"]: i for i in B["quality"]["items"]}
    assert qb["boundary"]["status"] == "ok", qb["boundary"]
assert doc(rel)["county"]["name"] == "La Massana" and doc(rel)["county"]["boundary_osm_id"] == int(rid)
assert ("relation " + rid + " (La Massana)") in doc(rel)["county"]["cut"], doc(rel)["county"]["cut"]
assert "massana.geojson" in doc(file)["county"]["cut"]
print("settlements", sum(A["county"]["settlements_by_tier"].values()), "; population", round(A["county"]["total_population"]),
      "; road nodes whole/cut", A["network"]["nodes"], doc(rel)["network"]["nodes"])
PY

# The sample cut by its own boundary relation is the sample.
"$CS" -q plan --osm "$SAMPLE" "${SKIP[@]}" --out "$T/li" 2>/dev/null || fail "sample"
LREL=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sections"]["county"]["boundary_osm_id"])' \
  "$T/li/results.json")
"$CS" -q plan --osm "$SAMPLE" --boundary "r$LREL" "${SKIP[@]}" --out "$T/li-cut" 2>"$T/li-cut.err" ||
  fail "sample cut: $(cat "$T/li-cut.err")"
for f in settlements.csv admin_units.csv; do
  cmp -s "$T/li/$f" "$T/li-cut/$f" && ok "sample cut by relation $LREL: same $f" || fail "sample cut: $f differs"
done

# Bad boundaries: one line, exit 1, no output folder.
bad() {  # name, expected text, args...
  local name=$1 want=$2
  shift 2
  "$CS" -q plan "$@" "${SKIP[@]}" --out "$T/bad-$name" 2>"$T/bad-$name.err"
  local rc=$?
  if [ "$rc" -eq 1 ] && grep -q -- "$want" "$T/bad-$name.err" && [ "$(wc -l <"$T/bad-$name.err")" -eq 1 ] &&
    [ ! -e "$T/bad-$name" ]; then
    ok "bad boundary ($name): $(cat "$T/bad-$name.err")"
  else
    fail "bad boundary ($name): exit $rc: $(cat "$T/bad-$name.err")"
  fi
}
bad nothing-inside "nothing in the extract lies inside the boundary" --osm $O/monaco.osm.pbf --boundary "$T/massana.geojson"
bad no-relation "relation 999999999" --osm "$SAMPLE" --boundary 999999999
bad no-file "no such file" --osm "$SAMPLE" --boundary "$T/nowhere.geojson"
ls "$TMPDIR" | grep -q '^countyscope-cut-' && fail "a cut file was left in the temporary folder" ||
  ok "no cut file left behind"
finish
