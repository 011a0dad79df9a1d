"""Acceptance on the sample county: after `countyscope demo`, the access numbers in the report equal those in the
results JSON and in the GeoPackage.

- report.html embeds the document the report renders from (script#cs-data): its sections.access (the measures the
  report draws) and layers.access_settlements (positions to 1e-5 degrees) must equal results.json's;
- county.gpkg layer access_settlements must carry the same per-settlement values as the JSON layer;
- from the GeoPackage's access_demand layer alone, recompute (numpy) per service the population-weighted Gini of the
  time to the nearest facility and the population beyond each per-place standard; they must equal the JSON.

Usage: test_access_demo.py COUNTYSCOPE_BIN [OUT_DIR]   (runs the demo into OUT_DIR, default a temp dir)
"""

import json
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
from osgeo import ogr

BIN = sys.argv[1]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tol, abs_tol=1e-12)


def gini(x, p):
    o = np.argsort(x, kind="stable")
    x, p = x[o], p[o]
    cp = np.concatenate([[0.0], np.cumsum(p)])
    cpx = np.concatenate([[0.0], np.cumsum(p * x)])
    g = 2.0 * np.sum(p * (x * cp[:-1] - cpx[:-1]))
    return g / (2.0 * cp[-1] * cpx[-1])


def main(out):
    if not os.path.exists(os.path.join(out, "results.json")):
        subprocess.run([BIN, "--quiet", "demo", "--out", out], check=True)
    doc = json.load(open(os.path.join(out, "results.json")))
    acc = doc["sections"].get("access")
    check(acc is not None, "results.json has sections.access")
    if acc is None:
        return
    # 1. The report embeds the same numbers.
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="cs-data">(.*?)</script>', html, re.S)
    check(m is not None, "report.html embeds its document")
    embedded = json.loads(m.group(1))
    # The report keeps the measures it draws (docs/report.md, "Size"): those are results.json's, and so is the rest.
    emb = embedded["sections"]["access"]
    check({k: v for k, v in emb.items() if k != "services"} == {k: v for k, v in acc.items() if k != "services"},
          "report's sections.access equals results.json")
    for svc, v in acc["services"].items():
        e = emb["services"][svc]
        check({k: x for k, x in e.items() if k != "measures"} == {k: x for k, x in v.items() if k != "measures"},
              f"report's sections.access.services.{svc} equals results.json")
        check("nearest_min" in e["measures"], f"report keeps {svc}'s time to the nearest facility")
        for m, mm in e["measures"].items():
            check({k: x for k, x in mm.items() if k != "decomposition"} ==
                  {k: x for k, x in v["measures"][m].items() if k != "decomposition"},
                  f"report's {svc} {m} equals results.json")
    # Its map layer: the same properties, positions quantised to 1e-5 degrees (decoded as report/app.js does).
    lay = embedded["layers"]["access_settlements"]
    scale = lay["cs_quantized"]["scale"]
    same = len(lay["features"]) == len(doc["layers"]["access_settlements"]["features"])
    for fe, fd in zip(lay["features"], doc["layers"]["access_settlements"]["features"]):
        same = same and fe["properties"] == fd["properties"]
        same = same and all(abs(q / scale - c) <= 1e-5 for q, c in zip(fe["geometry"]["coordinates"],
                                                                          fd["geometry"]["coordinates"]))
    check(same, "report's access_settlements layer equals results.json")
    # 2. GeoPackage settlements = JSON layer.
    ds = ogr.Open(os.path.join(out, "county.gpkg"))
    lyr = ds.GetLayerByName("access_settlements")
    check(lyr is not None, "county.gpkg has access_settlements")
    feats = doc["layers"]["access_settlements"]["features"]
    check(lyr.GetFeatureCount() == len(feats), "same number of settlements in GeoPackage and JSON")
    n = 0
    for f, jf in zip(lyr, feats):  # both in settlement order
        p = jf["properties"]
        check(f.GetField("settlement") == p["settlement"], "same settlement order")
        for k, v in p.items():
            if k in ("settlement", "tier", "unit"):
                continue
            g = f.GetField(k) if f.IsFieldSetAndNotNull(k) else None
            check(close(g, v), f"settlement {p['settlement']} {k}: gpkg {g} vs json {v}")
            n += 1
    print(f"access_settlements: {n} values equal in GeoPackage and JSON")
    # 3. Recompute Gini and audit shares from the demand layer of the GeoPackage.
    dl = ds.GetLayerByName("access_demand")
    names = [dl.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(dl.GetLayerDefn().GetFieldCount())]
    rows = [[f.GetField(c) if f.IsFieldSetAndNotNull(c) else None for c in names] for f in dl]
    col = {c: i for i, c in enumerate(names)}
    pop = np.array([r[col["pop"]] for r in rows], dtype=float)
    for svc, s in acc["services"].items():
        t = np.array([np.nan if r[col[svc + "_nearest_min"]] is None else r[col[svc + "_nearest_min"]] for r in rows])
        keep = (pop > 0) & np.isfinite(t)
        g = gini(t[keep], pop[keep])
        check(close(s["measures"]["nearest_min"]["gini"], g, 1e-9),
              f"{svc}: Gini of nearest time json {s['measures']['nearest_min']['gini']} vs gpkg {g}")
        for a in s.get("audit", []):
            if not a["applicable"] or a["measure"] != "nearest_min":
                continue
            lim = a["threshold"]  # minutes, as the times
            beyond = pop[~(t <= lim)].sum()
            check(close(a["county"]["population_beyond"], beyond, 1e-9),
                  f"{a['id']}: population beyond json {a['county']['population_beyond']} vs gpkg {beyond}")
            print(f"{a['id']}: {100 * a['county']['pop_share_beyond']:.1f} % of population beyond "
                  f"(json = gpkg), Gini of {svc} time {g:.4f}")


if __name__ == "__main__":
    if len(sys.argv) > 2:
        main(sys.argv[2])
    else:
        with tempfile.TemporaryDirectory() as d:
            main(os.path.join(d, "demo"))
    sys.exit(1 if failures else 0)
