#!/usr/bin/env bash
# `countyscope coords`: PROJ CRSs and the GCJ-02 / BD-09 offsets on a table; round trips; bad input is one line,
# exit 1, nothing written.
source "$(dirname "$0")/lib.sh"

cat >"$T/pts.csv" <<CSV
id,name,lon,lat
1,Vaduz,9.5227962,47.1392862
2,Tian'anmen,116.391349,39.907375
3,"Lhasa, Potala",91.117,29.6578
CSV
# WGS-84 -> GCJ-02 -> BD-09 -> WGS-84: back within 1 cm; Vaduz (outside China) unchanged by the offsets.
"$CS" -q coords --in "$T/pts.csv" --from WGS84 --to GCJ-02 --out "$T/gcj.csv" || fail "to gcj"
"$CS" -q coords --in "$T/gcj.csv" --x-col lon_gcj02 --y-col lat_gcj02 --from GCJ-02 --to BD-09 --out "$T/bd.csv" ||
  fail "to bd"
"$CS" -q coords --in "$T/bd.csv" --x-col lon_bd09 --y-col lat_bd09 --from bd09 --to EPSG:4326 --out-x lon_back \
  --out-y lat_back --out "$T/back.csv" || fail "back"
# WGS-84 -> Swiss LV95 -> WGS-84 through PROJ (first row only: LV95 is a Swiss grid).
head -2 "$T/pts.csv" >"$T/ch.csv"
"$CS" -q coords --in "$T/ch.csv" --from EPSG:4326 --to EPSG:2056 --out-x e --out-y n --out "$T/lv95.csv" || fail "lv95"
"$CS" -q coords --in "$T/lv95.csv" --x-col e --y-col n --from EPSG:2056 --to WGS84 --out "$T/lv95back.csv" ||
  fail "lv95 back"
/usr/bin/python3 - "$T" <<'PY' && ok "round trips" || fail "round trips"
import csv, math, sys
t = sys.argv[1]
def m(a, b):
    R = 6371008.8
    dl, dn = math.radians(b[1] - a[1]), math.radians(b[0] - a[0])
    h = math.sin(dl / 2) ** 2 + math.cos(math.radians(a[1])) * math.cos(math.radians(b[1])) * math.sin(dn / 2) ** 2
    return 2 * R * math.asin(math.sqrt(h))
rows = list(csv.DictReader(open(t + "/back.csv")))
assert len(rows) == 3 and rows[2]["name"] == "Lhasa, Potala", rows
for r in rows:
    w = (float(r["lon"]), float(r["lat"]))
    assert m(w, (float(r["lon_back"]), float(r["lat_back"]))) < 0.01, r
    g = (float(r["lon_gcj02"]), float(r["lat_gcj02"]))
    b = (float(r["lon_bd09"]), float(r["lat_bd09"]))
    if r["name"] == "Vaduz":
        assert g == w and b == w, r
    else:
        assert 30 < m(w, g) < 700 and 750 < m(g, b) < 1000, (r, m(w, g), m(g, b))
lv = list(csv.DictReader(open(t + "/lv95back.csv")))[0]
assert 2.75e6 < float(lv["e"]) < 2.77e6 and 1.22e6 < float(lv["n"]) < 1.23e6, lv
assert m((float(lv["lon"]), float(lv["lat"])), (float(lv["e_wgs84"]), float(lv["n_wgs84"]))) < 0.01, lv
print("ok")
PY

# Bad input: one line naming file, line and field (or the option); exit 1; the output never written.
bad() {
  local want="$1" code="$2"
  shift 2
  local err
  err=$("$CS" -q coords "$@" --out "$T/never.csv" 2>&1 >/dev/null)
  local rc=$?
  if [ "$rc" -ne "$code" ]; then fail "exit $rc, want $code: $*: $err"; return; fi
  if [ -e "$T/never.csv" ]; then fail "output written: $*"; return; fi
  if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then fail "not one line: $err"; return; fi
  case "$err" in *"$want"*) ok "refused: $want" ;; *) fail "message '$err' lacks '$want'" ;; esac
}
bad "--from 'EPSG:999999': not a coordinate reference system PROJ knows, nor GCJ-02 or BD-09" 1 \
  --in "$T/pts.csv" --from EPSG:999999 --to WGS84
printf 'id,lon,lat\n1,9.5,47.1\n2,nan,47.2\n' >"$T/nan.csv"
bad "nan.csv: line 3, field 'lon'" 1 --in "$T/nan.csv" --from WGS84 --to GCJ-02
printf 'id,lon,lat\n1,2602030,1191775\n' >"$T/metres.csv"
bad "metres.csv: line 2, field 'lon': longitude 2602030 outside [-180, 180] (projected metres? check --from)" 1 \
  --in "$T/metres.csv" --from GCJ-02 --to WGS84
bad "field 'x': missing column" 1 --in "$T/pts.csv" --x-col x --from WGS84 --to GCJ-02
bad "the output column already exists" 2 --in "$T/gcj.csv" --from WGS84 --to GCJ-02
"$CS" -q coords --in "$T/pts.csv" --from WGS84 --to GCJ-02 --out "$T/pts.csv" 2>/dev/null &&
  fail "output over its input accepted" || ok "output over its input refused"
finish
