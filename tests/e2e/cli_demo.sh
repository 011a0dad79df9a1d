#!/usr/bin/env bash
# `countyscope demo` writes results.json, county.gpkg (ogrinfo lists its layers), CSV tables and report.html;
# two runs give byte-identical files.
source "$(dirname "$0")/lib.sh"

"$CS" -q demo --out "$T/a" 2>"$T/err" || { cat "$T/err"; fail "demo exit code $?"; finish; }
for f in results.json county.gpkg settlements.csv facilities.csv demand.csv admin_units.csv settlement_times.csv; do
  [ -s "$T/a/$f" ] && ok "$f written" || fail "$f missing"
done
if [ -f src/report/CMakeLists.txt ]; then
  [ -s "$T/a/report.html" ] && ok "report.html written" || fail "report.html missing"
fi
ls -a "$T" | grep -q staging && fail "staging directory left behind"

layers=$(ogrinfo -ro -q "$T/a/county.gpkg" | sed -E 's/^[0-9]+: ([a-z_]+).*/\1/' | sort | tr '\n' ' ')
for l in admin_units demand facilities roads settlements snapped_points locate_sites locate_settlements; do
  echo "$layers" | grep -qw "$l" && ok "layer $l" || fail "layer $l missing (got: $layers)"
done
n=$(ogrinfo -ro -so "$T/a/county.gpkg" settlements | sed -n 's/^Feature Count: //p')
[ "$n" = 41 ] && ok "41 settlements in the GeoPackage" || fail "settlement feature count $n"

python3 - "$T/a/results.json" <<'PY' || fail "results.json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "countyscope.results" and d["kind"] == "plan", d.get("schema")
assert any("OpenStreetMap" in a for a in d["attribution"])
c, n = d["sections"]["county"], d["sections"]["network"]
assert c["seat"] == "Vaduz", c["seat"]
assert c["settlements_by_tier"] == {"seat": 1, "town": 1, "village": 39}, c["settlements_by_tier"]
assert c["admin_units"] == 11
# The official municipal populations of 30 June 2020 (data/examples/census.csv, Amt fuer Statistik Liechtenstein)
# are the demo's control totals: 38,896 people, each municipality to the person.
assert c["demand_source"].startswith("census control totals (census.csv: 11 of 11 units"), c["demand_source"]
assert abs(c["total_population"] - 38896) < 1e-6, c["total_population"]
assert 0.97 < n["scc_share"] < 1.0, n["scc_share"]
assert n["nodes"] > 3000 and n["arcs"] > n["nodes"]
for layer in ("roads", "settlements", "facilities", "demand", "admin_units"):
    fc = d["layers"][layer]
    assert fc["type"] == "FeatureCollection" and fc["features"], layer
seat = [f for f in d["layers"]["settlements"]["features"] if f["properties"]["tier"] == "seat"][0]
assert seat["properties"]["time_to_seat_min"] < 2, seat["properties"]
times = [f["properties"]["time_to_seat_min"] for f in d["layers"]["settlements"]["features"]]
assert all(t is None or 0 <= t < 60 for t in times), times
assert sum(t is not None for t in times) >= 35
assert "timings" not in d.get("meta", {})
loc = d["sections"]["locate"]
assert [s["service"] for s in loc["services"]] == ["clinic", "elderly_care"]
for s in loc["services"]:
    assert s["agree"] is True and s["outcome"] == "optimal", s["service"]
    assert len(s["new_sites"]) == loc["config"]["new"] == 2
    h, m = s["results"]
    assert h["solver"] == "heuristic" and m["solver"] == "mip" and h["bound"] <= m["objective"] + 1e-6 * m["objective"]
    b, a = s["before"], s["after"]
    assert a["facilities"] == b["facilities"] + 2 and a["mean_nearest_min"] < b["mean_nearest_min"]
    assert a["share_beyond"] <= b["share_beyond"] and abs(a["population"] - b["population"]) < 1e-6
assert {f["properties"]["status"] for f in d["layers"]["locate_sites"]["features"]} == {"existing", "new"}
# Traffic (invariants): the links' V/C is flow / capacity, the vehicle-km share above the critical V/C follows
# from the links, the OD total splits into its commuting and other parts.
tr = d["sections"]["traffic"]
links = [f["properties"] for f in d["layers"]["traffic_links"]["features"]]
assert tr["converged"] and len(links) == tr["links_loaded"] > 100
assert abs(tr["vehicle_trips_labour_h"] + tr["vehicle_trips_other_h"] - tr["vehicle_trips_h"]) < 0.01
for p in links:
    assert abs(p["voc"] - p["flow_veh_h"] / p["capacity_veh_h"]) < 0.001, p
# Capacities: lanes x the class's capacity per lane where OSM tags the lanes (some of the sample's roads do).
per_lane = {c: v / (2 if c in ("motorway", "trunk") else 1) for c, v in tr["capacity_veh_h"].items()}
with_lanes = [p for p in links if p["lanes"] is not None]
assert 0 < tr["arcs_with_lanes"] < tr["arcs"] and with_lanes, tr["arcs_with_lanes"]
for p in with_lanes:
    assert abs(p["capacity_veh_h"] - p["lanes"] * per_lane.get(p["road_class"], per_lane["other"])) < 1e-6, p
for p in links:
    if p["lanes"] is None:
        assert p["capacity_veh_h"] == tr["capacity_veh_h"].get(p["road_class"], tr["capacity_veh_h"]["other"]), p
assert abs(max(p["voc"] for p in links) - tr["max_voc"]) < 0.001
vkm = sum(p["flow_veh_h"] * p["length_m"] / 1000 for p in links)
assert abs(vkm - tr["vehicle_km"]) < 1e-3 * vkm, (vkm, tr["vehicle_km"])
# Capacity account: each ratio is value / limit (services: standard / supply), the class follows the ratio, and
# the verdict is the worst class (weakest link); services are listed as not assessed without bed counts.
cap = d["sections"]["capacity"]
order = ["no overload", "critical", "overload"]
for r in cap["dimensions"]:
    ratio = r["limit"] / r["value"] if r["dimension"] == "services" else r["value"] / r["limit"]
    assert abs(ratio - r["ratio"]) < 1e-3, r
    want = "overload" if r["ratio"] >= 1 else "critical" if r["ratio"] >= cap["critical_ratio"] else "no overload"
    assert r["class"] == want, r
assert cap["verdict"] == max((r["class"] for r in cap["dimensions"]), key=order.index)
assert {r["dimension"] for r in cap["dimensions"]} == {"land", "roads"}, cap["dimensions"]
assert [x["dimension"] for x in cap["not_assessed"]] == ["services"], cap["not_assessed"]
land = [r for r in cap["dimensions"] if r["dimension"] == "land"][0]
assert 0.03 < land["value"] < 0.2, land  # Liechtenstein's settlement area is about a tenth of its 160 km2
# Industry (invariants): supply = the classes' areas x yields = the villages' supply; every tonne reaches a
# collection point and a hub; no site above its capacity; tonne-km from the shipments; the MIP proved its optimum.
ind = d["sections"]["industry"]
assert ind["method"] == "mip" and ind["outcome"] == "optimal" and ind["gap"] < 1e-6, ind["outcome"]
assert abs(sum(k["area_ha"] * k["t_per_ha"] for k in ind["classes"]) - ind["supply_t"]) < 1, ind["classes"]
vil = [f["properties"] for f in d["layers"]["industry_villages"]["features"]]
assert abs(sum(v["supply_t"] for v in vil) - ind["supply_t"]) < 0.1
sites = [f["properties"] for f in d["layers"]["industry_sites"]["features"]]
for s in sites:
    assert s["throughput_t"] <= s["capacity_t"] + 1e-6 and abs(s["utilisation"] - s["throughput_t"] / s["capacity_t"]) < 1e-3, s
points = [s for s in sites if s["role"] == "collection point"]
hubs = [s for s in sites if s["role"] == "hub"]
assert len(points) == ind["collection_points"] >= 1 and len(hubs) == ind["hubs_open"] >= 1
assert abs(sum(s["throughput_t"] for s in points) - ind["supply_t"]) < 0.1
assert abs(sum(s["throughput_t"] for s in hubs) - ind["supply_t"]) < 0.1
lk = [f["properties"] for f in d["layers"]["industry_links"]["features"]]
tkm = sum(l["tonnes"] * l["road_km"] for l in lk)
assert abs(tkm - ind["tkm_after"]) < 1e-3 * ind["tkm_after"] + 1, (tkm, ind["tkm_after"])
assert abs(ind["cost"] - ind["cost_fixed"] - ind["cost_transport"] - ind["cost_processing"]) < 1
assert 0 <= ind["share_near_before"] <= 1 and 0 <= ind["share_near_after"] <= 1
print("ok: results.json facts")
PY

# One unit per quantity: every travel time users see is in minutes (*_min). No CSV column, GeoPackage field or
# results.json key of the demo ends in "_s" (seconds), except the solver's compute-time limit.
python3 - "$T/a" <<'PY' || fail "a travel time in seconds in the demo's outputs"
import csv, glob, json, os, subprocess, sys
root = sys.argv[1]
allowed = {"time_limit_s"}
bad = []
for f in glob.glob(os.path.join(root, "**", "*.csv"), recursive=True):
    with open(f, newline="") as fh:
        header = next(csv.reader(fh), [])
    bad += [f"{os.path.relpath(f, root)}: {h}" for h in header if h.endswith("_s") and h not in allowed]
def walk(x, path):
    if isinstance(x, dict):
        for k, v in x.items():
            if k.endswith("_s") and k not in allowed:
                bad.append(f"{path}/{k}")
            walk(v, f"{path}/{k}")
    elif isinstance(x, list):
        for v in x[:50]:
            walk(v, path + "[]")
for f in glob.glob(os.path.join(root, "**", "results.json"), recursive=True):
    walk(json.load(open(f)), os.path.relpath(f, root))
for f in glob.glob(os.path.join(root, "**", "*.gpkg"), recursive=True):
    out = subprocess.run(["ogrinfo", "-ro", "-al", "-so", f], capture_output=True, text=True).stdout
    bad += [f"{os.path.relpath(f, root)}: {l.split(':')[0].strip()}" for l in out.splitlines()
            if ":" in l and l.split(":")[0].strip().endswith("_s") and l.split(":")[0].strip() not in allowed]
assert not bad, sorted(set(bad))[:20]
print("ok: no travel time in seconds in the demo's outputs")
PY

"$CS" -q demo --out "$T/b" 2>/dev/null || fail "second demo run"
for f in $(cd "$T/a" && find . -type f | sort); do
  cmp -s "$T/a/$f" "$T/b/$f" && ok "$f identical on two runs" || fail "$f differs between two runs"
done
[ -s "$T/a/national/report.html" ] && ok "national assessment written" || fail "national/report.html missing"
finish
