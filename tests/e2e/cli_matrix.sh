#!/usr/bin/env bash
# `countyscope matrix` on a saved graph: long and wide forms agree; a point to itself takes only its access legs;
# the cutoff empties long trips.
source "$(dirname "$0")/lib.sh"

"$CS" -q network --osm "$SAMPLE" --out "$T/g.csgraph" || { fail "network --out"; finish; }
cat >"$T/a.csv" <<CSV
id,lon,lat
vaduz,9.5227962,47.1392862
schaan,9.510312,47.1663397
balzers,9.506159,47.0688822
CSV
cat >"$T/b.csv" <<CSV
id,lon,lat
vaduz,9.5227962,47.1392862
ruggell,9.5262871,47.2397575
malbun,9.6083069,47.102619
CSV
"$CS" -q matrix --graph "$T/g.csgraph" --from "$T/a.csv" --to "$T/b.csv" --out "$T/long.csv" || fail "long"
"$CS" -q matrix --graph "$T/g.csgraph" --from "$T/a.csv" --to "$T/b.csv" --out "$T/wide.csv" --format wide || fail "wide"
"$CS" -q matrix --graph "$T/g.csgraph" --from "$T/a.csv" --to "$T/b.csv" --out "$T/cut.csv" --cutoff-min 10 || fail "cutoff"
cat "$T/long.csv" "$T/wide.csv"
/usr/bin/python3 - "$T" <<'PY' && ok "matrix content" || fail "matrix content"
import csv, sys
t = sys.argv[1]
long = list(csv.DictReader(open(t + "/long.csv")))
wide = list(csv.DictReader(open(t + "/wide.csv")))
cut = list(csv.DictReader(open(t + "/cut.csv")))
assert len(long) == 9 and len(wide) == 3, (len(long), len(wide))
for r in long:
    w = [x for x in wide if x["from_id"] == r["from_id"]][0]
    assert w[r["to_id"]] == r["time_min"], r
    c = [x for x in cut if x["from_id"] == r["from_id"] and x["to_id"] == r["to_id"]][0]
    v = float(r["time_min"])
    assert 0 <= v < 60, r
    assert (c["time_min"] == "") == (v > 10), (r, c)
self_t = float([r for r in long if r["from_id"] == "vaduz" and r["to_id"] == "vaduz"][0]["time_min"])
far_t = float([r for r in long if r["from_id"] == "balzers" and r["to_id"] == "ruggell"][0]["time_min"])
assert self_t < 5 and far_t > 10, (self_t, far_t)
print("ok: long/wide/cutoff consistent")
PY
finish
