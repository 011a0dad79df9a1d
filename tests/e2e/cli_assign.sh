#!/usr/bin/env bash
# `countyscope assign` on the TNTP reference networks (docs/assign.md): Sioux Falls to a relative gap of 1e-10 with
# its link flows against the best-known solution of the TransportationNetworks collection; byte-identical links.csv
# for 1 and 2 threads; bad input is one line naming file, line and field, exit 1, nothing written.
source "$(dirname "$0")/lib.sh"
TN=data/reference/tntp
SF=$TN/SiouxFalls/SiouxFalls

"$CS" -q assign --net ${SF}_net.tntp --trips ${SF}_trips.tntp --gap 1e-10 --time-unit-min 0.6 --out "$T/sf" ||
  fail "Sioux Falls"
/usr/bin/python3 - "$T/sf" ${SF}_flow.tntp <<'PY' && ok "Sioux Falls: gap <= 1e-10, flows within 1e-3 of the best-known" || fail "Sioux Falls content"
import csv, json, sys
out, best_file = sys.argv[1], sys.argv[2]
links = list(csv.DictReader(open(out + "/links.csv")))
conv = list(csv.DictReader(open(out + "/convergence.csv")))
assert len(links) == 76, len(links)
assert float(conv[-1]["relative_gap"]) <= 1e-10, conv[-1]
assert "seconds" not in conv[0], "timings only with --timings"
best = {}
for line in open(best_file).read().splitlines()[1:]:
    f = line.split()
    best[(f[0], f[1])] = (float(f[2]), float(f[3]))
worst = max(abs(float(r["flow"]) - best[(r["from"], r["to"])][0]) for r in links)
assert worst <= 1e-3, worst
# times in minutes: the file's 0.01 h times x 0.6; the best-known costs are in the file's unit
worst_t = max(abs(float(r["time_min"]) / 0.6 - best[(r["from"], r["to"])][1]) for r in links)
assert worst_t <= 1e-6, worst_t
doc = json.load(open(out + "/results.json"))
s = doc["sections"]["assign"]
assert s["converged"] and s["relative_gap"] <= 1e-10 and s["assumptions"]["algorithm"] == "gp", s
print("worst flow difference", worst, "vehicles")
PY

# With node coordinates: the links as a WGS84 line layer in links.gpkg and results.json, the same rows as links.csv.
"$CS" -q assign --net ${SF}_net.tntp --trips ${SF}_trips.tntp --nodes ${SF}_node.tntp --time-unit-min 0.6 \
  --out "$T/sfg" || fail "Sioux Falls with --nodes"
/usr/bin/python3 - "$T/sfg" <<'PY' && ok "links.gpkg: 76 lines, flows as in links.csv" || fail "links.gpkg"
import csv, json, sqlite3, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/links.csv")))
db = sqlite3.connect(out + "/links.gpkg")
g = db.execute("select \"from\", \"to\", flow from links order by fid").fetchall()
assert len(g) == 76 == len(rows), (len(g), len(rows))
assert all(int(a) == int(r["from"]) and int(b) == int(r["to"]) and abs(f - float(r["flow"])) <= 1e-9 * max(1, f)
           for (a, b, f), r in zip(g, rows))
srs = db.execute("select srs_id from gpkg_geometry_columns where table_name = 'links'").fetchone()[0]
assert srs == 4326, srs
feats = json.load(open(out + "/results.json"))["layers"]["links"]["features"]
assert len(feats) == 76 and feats[0]["geometry"]["type"] == "LineString"
PY

# The same bits for any thread count (Chicago Sketch, 387 origins in blocks), for gp and bfw.
CH=$TN/Chicago-Sketch/ChicagoSketch
for alg in gp bfw; do
  "$CS" -q --threads 1 assign --net ${CH}_net.tntp --trips ${CH}_trips.tntp --algorithm $alg --gap 1e-4 --out "$T/c1" &&
    "$CS" -q --threads 2 assign --net ${CH}_net.tntp --trips ${CH}_trips.tntp --algorithm $alg --gap 1e-4 --out "$T/c2" &&
    cmp "$T/c1/links.csv" "$T/c2/links.csv" && cmp "$T/c1/convergence.csv" "$T/c2/convergence.csv" &&
    ok "$alg: links.csv identical for 1 and 2 threads" || fail "$alg: thread determinism"
  rm -rf "$T/c1" "$T/c2"
done

# Bad input: the one stderr line, exit 1, no output folder.
# bad_net NAME SED-EXPRESSION: a copy of Sioux Falls' network with one edit.
bad_net() { sed "$2" ${SF}_net.tntp >"$T/$1_net.tntp"; }
bad_net negcap '10s/25900.20064/-25900.2/'
bad_net zerocap '10s/25900.20064/0/'
bad_net unknown '11s/^\t1\t3/\t1\t30/'
bad_net nan '12s/\t6\t6\t0.15/\t6\tnan\t0.15/'
bad_net dup '11s/^\t1\t3/\t1\t2/'
O=$T/out
E="countyscope: error: $T"
check_exact "negative capacity" 1 "$E/negcap_net.tntp: line 10, field 'capacity': must be above 0, got -25900.2" "$O" \
  "$CS" -q assign --net "$T/negcap_net.tntp" --trips ${SF}_trips.tntp --out "$O"
check_exact "zero capacity" 1 "$E/zerocap_net.tntp: line 10, field 'capacity': must be above 0, got 0" "$O" \
  "$CS" -q assign --net "$T/zerocap_net.tntp" --trips ${SF}_trips.tntp --out "$O"
check_exact "unknown node" 1 "$E/unknown_net.tntp: line 11, field 'term_node': unknown node '30' (nodes are 1 to 24)" "$O" \
  "$CS" -q assign --net "$T/unknown_net.tntp" --trips ${SF}_trips.tntp --out "$O"
check_exact "NaN" 1 "$E/nan_net.tntp: line 12, field 'free_flow_time': not a finite number: 'nan'" "$O" \
  "$CS" -q assign --net "$T/nan_net.tntp" --trips ${SF}_trips.tntp --out "$O"
check_exact "duplicate link" 1 "$E/dup_net.tntp: line 11, field 'term_node': duplicate link 1 -> 2 (first on line 10)" "$O" \
  "$CS" -q assign --net "$T/dup_net.tntp" --trips ${SF}_trips.tntp --out "$O"
sed '14s/^    1 :/   25 :/' ${SF}_trips.tntp >"$T/zone_trips.tntp"
check_exact "trips to a zone that does not exist" 1 \
  "$E/zone_trips.tntp: line 14, field 'destination': unknown zone '25' (zones are 1 to 24)" "$O" \
  "$CS" -q assign --net ${SF}_net.tntp --trips "$T/zone_trips.tntp" --out "$O"
sed '3s/-96.71125063/690309/' ${SF}_node.tntp >"$T/feet_node.tntp"
check_exact "node coordinates not in degrees" 1 \
  "$E/feet_node.tntp: line 3, field 'X': expected a WGS84 longitude in [-180, 180] degrees, got '690309'" "$O" \
  "$CS" -q assign --net ${SF}_net.tntp --trips ${SF}_trips.tntp --nodes "$T/feet_node.tntp" --out "$O"
"$CS" -q assign --net ${SF}_net.tntp --trips ${SF}_trips.tntp --algorithm xyz --out "$O" 2>"$T/err"
[ $? = 2 ] && [ ! -e "$O" ] && grep -q "algorithm" "$T/err" && ok "unknown algorithm: exit 2" || fail "unknown algorithm: $(cat "$T/err")"
finish
