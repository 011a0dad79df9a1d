#!/usr/bin/env bash
# The planner's own layers (docs/your-county.md): the sample county built from data/examples (a village register in
# CSV with LV95 coordinates, a facility register in XLSX, municipalities as a Shapefile in EPSG:2056, the boundary as
# GeoJSON, the official municipal populations as census totals) agrees with the OSM path where it should, and its
# population equals the control totals to the person; the same county from GeoPackage / FlatGeobuf / WKT-CSV copies
# gives the same tables; bad layers are one line each, exit 1, nothing written.
source "$(dirname "$0")/lib.sh"
SKIP=(--skip locate flows structure scenarios report)
EX=$PWD/data/examples

"$CS" -q plan --osm "$SAMPLE" "${SKIP[@]}" --out "$T/osm" 2>"$T/osm.err" || fail "osm path: $(cat "$T/osm.err")"
"$CS" -q plan --config "$EX/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/own" 2>"$T/own.err" ||
  fail "user layers: exit $?: $(cat "$T/own.err")"

/usr/bin/python3 - "$T/osm" "$T/own" "$EX/census.csv" <<'PY' && ok "user layers agree with the OSM path; totals equal the census" || fail "user layers vs OSM"
import csv, json, sys
osm, own, census = sys.argv[1:]
rows = lambda d, f: list(csv.DictReader(open(d + "/" + f, encoding="utf-8")))
A, B = json.load(open(osm + "/results.json")), json.load(open(own + "/results.json"))
ca, cb = A["sections"]["county"], B["sections"]["county"]
# Same places, seat, tiers, facilities per service, units.
assert cb["seat"] == ca["seat"], (ca["seat"], cb["seat"])
assert cb["settlements_by_tier"] == ca["settlements_by_tier"], (ca["settlements_by_tier"], cb["settlements_by_tier"])
assert cb["facilities_by_type"] == ca["facilities_by_type"]
sa = {r["name"]: r for r in rows(osm, "settlements.csv")}
sb = {r["name"]: r for r in rows(own, "settlements.csv")}
assert sa.keys() == sb.keys()
for n in sa:
    assert sb[n]["origin"].startswith("villages.csv row "), sb[n]["origin"]
    assert sb[n]["unit"] == sa[n]["unit"], (n, sa[n]["unit"], sb[n]["unit"])
    # LV95 to the millimetre and back: the same road snap, the same minutes.
    ta, tb = float(sa[n]["time_to_seat_min"] or "nan"), float(sb[n]["time_to_seat_min"] or "nan")
    assert abs(ta - tb) <= 0.01 or (ta != ta and tb != tb), (n, ta, tb)
fa, fb = rows(osm, "facilities.csv"), rows(own, "facilities.csv")
assert len(fa) == len(fb) and all(r["origin"].startswith("facilities.xlsx row ") for r in fb)
assert all(abs(x - y) <= 0.01 for x, y in zip(sorted(float(r["time_to_seat_min"]) for r in fa), sorted(float(r["time_to_seat_min"]) for r in fb)))
# Population: each unit equals its census row to the person; the county equals the census total.
want = {r["gemeinde"]: int(r["population_2020_06_30"]) for r in csv.DictReader(open(census, encoding="utf-8"))}
units = {r["name"]: r for r in rows(own, "admin_units.csv")}
assert units.keys() == want.keys()
for n, r in units.items():
    assert round(float(r["population_est"])) == want[n], (n, r["population_est"], want[n])
    assert r["population_source"].startswith("census.csv row "), r["population_source"]
    assert r["origin"].startswith("municipalities.shp feature "), r["origin"]
demand = sum(float(r["population"]) for r in rows(own, "demand.csv"))
assert round(demand) == sum(want.values()) == 38896, demand
assert round(cb["total_population"]) == 38896
assert set(cb["user_layers"]) == {"boundary", "units", "census", "settlements", "facilities"}, cb["user_layers"]
q = {i["item"]: i for i in B["sections"]["quality"]["items"]}
assert q["seat"]["status"] == "ok" and "census control totals" in q["population"]["value"], (q["seat"], q["population"])
print("seat", cb["seat"], "; population", round(demand), "; units", len(units))
PY

# The same county from other formats: settlements as GeoPackage (EPSG:4326 geometry), units as FlatGeobuf in
# EPSG:2056, facilities as a CSV with a WKT column in EPSG:2056.
mkdir -p "$T/fmt"
ogr2ogr -q -f GPKG "$T/fmt/villages.gpkg" "$EX/villages.csv" -oo X_POSSIBLE_NAMES=x_lv95 -oo Y_POSSIBLE_NAMES=y_lv95 \
  -s_srs EPSG:2056 -t_srs EPSG:4326 -nln villages &&
  ogr2ogr -q -f FlatGeobuf -nlt MULTIPOLYGON "$T/fmt/municipalities.fgb" "$EX/municipalities.shp" &&
  ogr2ogr -q -f CSV "$T/fmt/facilities.csv" "$EX/facilities.xlsx" -oo HEADERS=FORCE -dialect sqlite \
    -sql "select name, service, capacity, AsText(Transform(MakePoint(lon, lat, 4326), 2056)) as wkt from register" ||
  fail "ogr2ogr conversions"
cp "$EX/census.csv" "$EX/boundary.geojson" "$T/fmt/"
cat >"$T/fmt/plan.toml" <<'TOML'
[layers.boundary]
source = "boundary.geojson"
[layers.units]
source = "municipalities.fgb"
fields = { name = "name", code = "code" }
[layers.census]
source = "census.csv"
fields = { code = "postcode", population = "population_2020_06_30" }
[layers.settlements]
source = "villages.gpkg"
fields = { name = "name", tier = "tier", population = "population", unit = "municipality" }
[layers.facilities]
source = "facilities.csv"
crs = "EPSG:2056"
wkt = "wkt"
fields = { name = "name", service = "service", capacity = "capacity" }
TOML
"$CS" -q plan --config "$T/fmt/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/fmt-out" 2>"$T/fmt.err" ||
  fail "formats: exit $?: $(cat "$T/fmt.err")"
/usr/bin/python3 - "$T/own" "$T/fmt-out" <<'PY' && ok "GeoPackage / FlatGeobuf / WKT-CSV copies give the same tables" || fail "formats differ"
import csv, sys
a, b = sys.argv[1:]
def table(d, f, drop=("origin", "snap_dist_m")):
    out = []
    for r in csv.DictReader(open(d + "/" + f, encoding="utf-8")):
        out.append({k: v for k, v in r.items() if k not in drop and k not in ("lon", "lat")})
    return out
for f in ("admin_units.csv",):
    A, B = table(a, f, ("origin", "population_source")), table(b, f, ("origin", "population_source"))
    assert A == B, f
for f in ("settlements.csv", "facilities.csv"):
    A, B = table(a, f), table(b, f)
    key = lambda r: (r["name"], r.get("service", ""))
    A.sort(key=key); B.sort(key=key)
    assert len(A) == len(B), f
    for x, y in zip(A, B):
        for k in x:
            if k.startswith("time_") and x[k] and y[k]:
                assert abs(float(x[k]) - float(y[k])) <= 0.01, (f, x["name"], k, x[k], y[k])  # minutes
            elif not k.startswith("time_") and k != "id":
                assert x[k] == y[k], (f, x["name"], k, x[k], y[k])
print("same units, settlements and facilities")
PY

# A Chinese bureau's register: Chinese column names and tier words, coordinates picked from a web map in GCJ-02
# (made here with `countyscope coords`; outside China GCJ-02 is WGS-84 itself, so this runs the conversion path,
# not its offset, which tests/io checks over China).
mkdir -p "$T/zh" && cp "$EX"/* "$T/zh/"
"$CS" -q coords --in "$EX/villages.csv" --x-col x_lv95 --y-col y_lv95 --from EPSG:2056 --to GCJ-02 \
  --out-x 经度 --out-y 纬度 --out "$T/zh/villages-gcj.csv" 2>"$T/zh.err" || fail "coords to GCJ-02: $(cat "$T/zh.err")"
/usr/bin/python3 - "$T/zh/villages-gcj.csv" "$T/zh/村庄名录.csv" <<'PY'
import csv, sys
src, dst = sys.argv[1:]
words = {"seat": "县城", "town": "镇", "village": "行政村"}
rows = list(csv.DictReader(open(src, encoding="utf-8")))
with open(dst, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["村名", "类型", "户籍人口", "所属乡镇", "经度", "纬度"])
    for r in rows:
        w.writerow([r["name"], words[r["tier"]], r["population"], r["municipality"], r["经度"], r["纬度"]])
PY
/usr/bin/python3 - "$T/zh/plan.toml" <<'PY'
import re, sys
p = sys.argv[1]
t = open(p, encoding="utf-8").read()
t = re.sub(r"\[layers\.settlements\]\n(?:(?!\[).*\n)*", """[layers.settlements]
source = "村庄名录.csv"
crs = "GCJ-02"
x = "经度"
y = "纬度"
fields = { name = "村名", tier = "类型", population = "户籍人口", unit = "所属乡镇" }

""", t)
open(p, "w", encoding="utf-8").write(t)
PY
"$CS" -q plan --config "$T/zh/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/zh-out" 2>"$T/zh.err" ||
  fail "Chinese register: exit $?: $(cat "$T/zh.err")"
/usr/bin/python3 - "$T/own" "$T/zh-out" <<'PY' && ok "a Chinese register in GCJ-02 gives the same settlements" || fail "Chinese register differs"
import csv, sys
a, b = sys.argv[1:]
rows = lambda d: {r["name"]: r for r in csv.DictReader(open(d + "/settlements.csv", encoding="utf-8"))}
A, B = rows(a), rows(b)
assert A.keys() == B.keys()
for n in A:
    for k in ("tier", "unit", "population", "population_tag"):
        assert A[n].get(k) == B[n].get(k), (n, k, A[n].get(k), B[n].get(k))
    assert abs(float(A[n]["lon"]) - float(B[n]["lon"])) < 1e-7 and abs(float(A[n]["lat"]) - float(B[n]["lat"])) < 1e-7
    assert B[n]["origin"].startswith("村庄名录.csv row "), B[n]["origin"]
print(len(A), "settlements")
PY

# ---- bad layers: one line, exit 1, nothing written ----
# bad NAME EXPECTED_SUBSTRING -- TOML lines appended to a copy of the example plan (replacing a [layers.KIND]).
bad() {
  local name=$1 want=$2 kind=$3 body=$4 dir="$T/bad-$1"
  mkdir -p "$dir"
  cp "$EX"/* "$dir/"
  /usr/bin/python3 - "$dir/plan.toml" "$kind" "$body" <<'PY'
import re, sys
path, kind, body = sys.argv[1:]
text = open(path, encoding="utf-8").read()
text = re.sub(r"\[layers\.%s\]\n(?:(?!\[).*\n)*" % kind, "[layers.%s]\n%s\n\n" % (kind, body.replace("\\n", "\n")), text)
open(path, "w", encoding="utf-8").write(text)
PY
  "$CS" -q plan --config "$dir/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$dir/out" >/dev/null 2>"$dir/err"
  local rc=$? n
  n=$(wc -l <"$dir/err")
  if [ "$rc" != 1 ]; then fail "$name: exit $rc: $(cat "$dir/err")"; return; fi
  if [ "$n" != 1 ]; then fail "$name: $n lines: $(cat "$dir/err")"; return; fi
  if ! grep -qF -- "$want" "$dir/err"; then fail "$name: '$(cat "$dir/err")' lacks '$want'"; return; fi
  if [ -e "$dir/out" ]; then fail "$name: output written"; return; fi
  ok "$name: $(cat "$dir/err")"
}
printf 'gemeinde,population\nVaduz,5701\nVaduzz,100\nSchan,6027\n' >"$T/census-typo.csv"
bad census_unmatched "2 rows match no unit of the county: 'Vaduzz', 'Schan' (units: Balzers, Eschen" census \
  "source = \"$T/census-typo.csv\"\nfields = { name = \"gemeinde\", population = \"population\" }"
bad wrong_crs "EPSG:2056 (CH1903+ / LV95)" settlements \
  "source = \"villages.csv\"\ncrs = \"EPSG:21781\"\nx = \"x_lv95\"\ny = \"y_lv95\"\nfields = { name = \"name\", tier = \"tier\" }"
bad no_crs "EPSG:2056 (CH1903+ / LV95)" settlements \
  "source = \"villages.csv\"\nx = \"x_lv95\"\ny = \"y_lv95\"\nfields = { name = \"name\", tier = \"tier\" }"
bad merged_header "the first row is not a header row (merged or title rows above it?)" facilities \
  "source = \"$PWD/tests/fixtures/layers/merged_header.xlsx\"\nx = \"lon\"\ny = \"lat\"\nfields = { name = \"name\", service = \"service\" }"
sed 's/^Ebenholz,village,,Vaduz/Vaduz,village,,Vaduz/' "$EX/villages.csv" >"$T/villages-dup.csv"
bad same_name "two settlements named 'Vaduz' in unit 'Vaduz'" settlements \
  "source = \"$T/villages-dup.csv\"\ncrs = \"EPSG:2056\"\nx = \"x_lv95\"\ny = \"y_lv95\"\nfields = { name = \"name\", tier = \"tier\", unit = \"municipality\" }"
bad postgis_unreachable "cannot connect: Connection refused" units \
  "source = \"PG:host=127.0.0.1 port=9 dbname=county user=planner password=secret connect_timeout=3\"\nlayer = \"public.units\"\nfields = { name = \"name\" }"
grep -q secret "$T/bad-postgis_unreachable/err" && fail "the password is shown" || ok "the password is masked"
bad no_column "field 'population_2030': no such column (population); columns: gemeinde, postcode" census \
  "source = \"census.csv\"\nfields = { name = \"gemeinde\", population = \"population_2030\" }"
printf 'gemeinde,population\nVaduz,5701\nSchaan,nan\n' >"$T/census-nan.csv"
bad census_nan "row 3, field 'population'" census \
  "source = \"$T/census-nan.csv\"\nfields = { name = \"gemeinde\", population = \"population\" }"
finish
