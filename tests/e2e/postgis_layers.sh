#!/usr/bin/env bash
# PostGIS through GDAL's PG: driver against a real PostgreSQL 15 + PostGIS 3 (Debian postgresql-15-postgis-3) that
# this test starts on loopback in a temporary folder and removes: the sample's municipalities and villages read from
# tables give the same county as the files; --out-db writes the GeoPackage layers into one schema per run, replaced
# whole on a second run; an unreachable database is one line, exit 1, nothing written.
source "$(dirname "$0")/lib.sh"
SKIP=(--skip locate flows structure scenarios report)
EX=$PWD/data/examples
BIN=/usr/lib/postgresql/15/bin
[ -x "$BIN/initdb" ] && [ -f /usr/share/postgresql/15/extension/postgis.control ] ||
  { echo "FAIL: PostgreSQL 15 + PostGIS 3 not installed (scripts/install-deps.sh installs postgresql-15-postgis-3)" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, the server runs as the 'postgres' user the Debian package creates.
# Under /tmp whatever TMPDIR says: the server runs as another user, which must reach its folder.
PGDIR=$(mktemp -d /tmp/cs-pg.XXXXXX)
AS=()
if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); chown postgres: "$PGDIR"; fi
# A root directory only root may enter (a chroot made with `mktemp -d`, mode 700) keeps the postgres user from every
# program: say so rather than fail on initdb's "Permission denied".
"${AS[@]}" /bin/true 2>/dev/null ||
  { echo "FAIL: the postgres user cannot run programs here ('/' is mode $(stat -c %a /)): the server cannot start" >&2; exit 1; }
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop_pg() { "${AS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PGDIR" "$T"; }
trap stop_pg EXIT
"${AS[@]}" "$BIN/initdb" -D "$PGDIR/data" -A trust -U postgres --no-sync >"$T/initdb.log" 2>&1 ||
  { cat "$T/initdb.log" >&2; exit 1; }
"${AS[@]}" "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c fsync=off -c full_page_writes=off" start >/dev/null ||
  { cat "$PGDIR/log" >&2; exit 1; }
PSQL=(psql -X -q -t -A -h 127.0.0.1 -p "$PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE county" && "${PSQL[@]}" -d county -c "CREATE EXTENSION postgis" ||
  { echo "FAIL: cannot create the database" >&2; exit 1; }
PG="PG:host=127.0.0.1 port=$PORT dbname=county user=postgres"
ok "PostgreSQL + PostGIS on 127.0.0.1:$PORT"

# The planner's tables: municipalities (EPSG:2056 polygons) and villages (EPSG:2056 points) in schema 'register'.
"${PSQL[@]}" -d county -c "CREATE SCHEMA register"
ogr2ogr -q -f PostgreSQL "$PG" "$EX/municipalities.shp" -nln register.municipalities -nlt MULTIPOLYGON &&
  ogr2ogr -q -f PostgreSQL "$PG" "$EX/villages.csv" -oo X_POSSIBLE_NAMES=x_lv95 -oo Y_POSSIBLE_NAMES=y_lv95 \
    -a_srs EPSG:2056 -nln register.villages || fail "loading the tables"

cat >"$T/plan.toml" <<TOML
[layers.boundary]
source = "$EX/boundary.geojson"
[layers.units]
source = "$PG"
layer = "register.municipalities"
fields = { name = "name", code = "code" }
[layers.census]
source = "$EX/census.csv"
fields = { name = "gemeinde", population = "population_2020_06_30" }
[layers.settlements]
source = "$PG"
layer = "register.villages"
fields = { name = "name", tier = "tier", population = "population", unit = "municipality" }
[layers.facilities]
source = "$EX/facilities.xlsx"
x = "lon"
y = "lat"
fields = { name = "name", service = "service", capacity = "capacity" }
TOML
"$CS" -q plan --config "$EX/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/files" 2>"$T/files.err" ||
  fail "files: $(cat "$T/files.err")"
"$CS" -q plan --config "$T/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/pg" --out-db "$PG" --out-schema li_run \
  2>"$T/pg.err" || fail "PostGIS layers: exit $?: $(cat "$T/pg.err")"
/usr/bin/python3 - "$T/files" "$T/pg" <<'PY' && ok "tables read from PostGIS give the county the files give" || fail "PostGIS read"
import csv, sys
a, b = sys.argv[1:]
def rows(d, f, drop):
    return [{k: v for k, v in r.items() if k not in drop} for r in csv.DictReader(open(d + "/" + f, encoding="utf-8"))]
assert rows(a, "admin_units.csv", ("origin",)) == rows(b, "admin_units.csv", ("origin",))
sa = rows(a, "settlements.csv", ("origin", "lon", "lat", "snap_dist_m"))
sb = rows(b, "settlements.csv", ("origin", "lon", "lat", "snap_dist_m"))
assert [r["name"] for r in sa] == [r["name"] for r in sb] and [r["population"] for r in sa] == [r["population"] for r in sb]
origins = [r["origin"] for r in csv.DictReader(open(b + "/settlements.csv", encoding="utf-8"))]
assert all("table register.villages fid " in o for o in origins), origins[:3]
print(origins[0])
PY

count() { "${PSQL[@]}" -d county -c "$1"; }
n=$(count "SELECT count(*) FROM li_run.settlements")
u=$(count "SELECT count(*) FROM li_run.admin_units")
[ "$n" = 41 ] && [ "$u" = 11 ] && ok "--out-db wrote schema li_run (41 settlements, 11 units)" || fail "--out-db: $n settlements, $u units"
tables=$(count "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'li_run'")
gpkg=$(/usr/bin/python3 -c 'import sys; from osgeo import ogr; print(ogr.Open(sys.argv[1]).GetLayerCount())' "$T/pg/county.gpkg")
[ "$tables" = "$gpkg" ] && ok "every GeoPackage layer is a table ($tables)" || fail "$tables tables vs $gpkg GeoPackage layers"
# A second run replaces the schema whole: a table planted in it is gone, no staging schema is left.
count "CREATE TABLE li_run.stale (x int)"
"$CS" -q plan --config "$T/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/pg2" --out-db "$PG" --out-schema li_run \
  2>"$T/pg2.err" || fail "second run: $(cat "$T/pg2.err")"
left=$(count "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'li_run' AND table_name = 'stale'")
staging=$(count "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE '%staging%'")
n2=$(count "SELECT count(*) FROM li_run.settlements")
[ "$left" = 0 ] && [ "$staging" = 0 ] && [ "$n2" = 41 ] && ok "the schema is replaced whole" || fail "stale table $left, staging $staging, settlements $n2"
# Unreachable database: one line, exit 1, no folder, no schema.
"$CS" -q plan --config "$EX/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/none" \
  --out-db "PG:host=127.0.0.1 port=9 dbname=county user=postgres password=hunter2" 2>"$T/none.err"
rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$T/none.err")" = 1 ] && [ ! -e "$T/none" ] && ! grep -q hunter2 "$T/none.err" &&
  ok "unreachable --out-db: $(cat "$T/none.err")" || fail "unreachable --out-db: exit $rc: $(cat "$T/none.err")"
"$CS" -q plan --config "$EX/plan.toml" --osm "$SAMPLE" "${SKIP[@]}" --out "$T/bad-schema" --out-db "$PG" \
  --out-schema "Li-Run" 2>"$T/schema.err"
rc=$?
[ "$rc" = 2 ] && [ ! -e "$T/bad-schema" ] && ok "bad schema name: $(cat "$T/schema.err")" || fail "bad schema: exit $rc $(cat "$T/schema.err")"
finish
