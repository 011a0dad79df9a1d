#!/usr/bin/env bash
# The traffic pass's combined model on the sample (`[traffic] feedback`), with capacities cut so that roads congest:
# every round's assignment reaches the gap, the trips change less from round to round (successive averages), the
# congested time to the seat is never below the free-flow one, the links' V/C is flow / capacity, and a way's lanes
# give lanes x the class's capacity per lane.
source "$(dirname "$0")/lib.sh"
P=data/sample/liechtenstein-2024-03-04.osm.pbf
cat >"$T/fb.toml" <<'TOML'
[plan]
skip = ["access", "locate", "structure", "scenarios", "report", "industry"]
[traffic]
run = true
feedback = 4
cap_minor = 60
cap_tertiary = 90
cap_secondary = 120
cap_primary = 160
TOML
"$CS" -q plan --osm $P --config "$T/fb.toml" --out "$T/fb" 2>/dev/null || fail "plan with feedback"
/usr/bin/python3 - "$T/fb" <<'PY' && ok "combined model: rounds, averages, congested times, capacities" || fail "combined model facts"
import csv, json, sys
d = json.load(open(sys.argv[1] + "/results.json"))
t = d["sections"]["traffic"]
f = t["feedback"]
r = f["rounds"]
assert [x["round"] for x in r] == [1, 2, 3, 4], r
assert all(x["relative_gap"] <= 1e-6 for x in r), r
assert r[-1]["trips_change"] < r[0]["trips_change"] / 4, r  # MSA: the trips settle
assert t["max_voc"] > 1, t["max_voc"]                       # the cut capacities congest roads
rows = list(csv.DictReader(open(sys.argv[1] + "/traffic_settlements.csv")))
assert len(rows) == 41
for x in rows:
    if x["to_seat_free_min"]:
        assert float(x["to_seat_congested_min"]) >= float(x["to_seat_free_min"]), x
assert r[-1]["seat_minutes"] > f["seat_minutes_free_flow"], (r[-1], f["seat_minutes_free_flow"])
links = [p["properties"] for p in d["layers"]["traffic_links"]["features"]]
cap = t["capacity_veh_h"]
per_lane = {c: v / (2 if c in ("motorway", "trunk") else 1) for c, v in cap.items()}
for p in links:
    assert abs(p["voc"] - p["flow_veh_h"] / p["capacity_veh_h"]) < 1e-3, p
    want = cap.get(p["road_class"], cap["other"]) if p["lanes"] is None else p["lanes"] * per_lane.get(p["road_class"], per_lane["other"])
    assert abs(p["capacity_veh_h"] - want) < 1e-6, p
print("seat minutes", f["seat_minutes_free_flow"], "->", r[-1]["seat_minutes"], "; trips change", [round(x["trips_change"], 4) for x in r])
PY
finish
