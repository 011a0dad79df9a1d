"""End-to-end tests of `countyscope access` on CSV inputs: a good run (results JSON, GeoPackage and CSV agree) and
bad input (one clear line naming file/row/field, exit 1 or 2, no output directory).

Usage: test_access_cli.py COUNTYSCOPE_BIN
"""

import json
import math
import os
import subprocess
import sys
import tempfile

from osgeo import ogr

BIN = sys.argv[1]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def write(d, name, text):
    p = os.path.join(d, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def run(args):
    r = subprocess.run([BIN, "--quiet", "access"] + args, capture_output=True, text=True)
    return r.returncode, r.stderr.strip()


with tempfile.TemporaryDirectory() as d:
    demand = write(d, "demand.csv", "id,pop,lon,lat,settlement\n"
                   "a,100,9.52,47.14,Seat\nb,50,9.55,47.17,V1\nc,10,9.56,47.18,V1\ne,5,9.60,47.20,V2\n")
    fac = write(d, "fac.csv", "id,service,capacity,name,lon,lat\n"
                "h,hospital,200,Spital,9.52,47.14\ns1,primary_school,,School 1,9.53,47.15\n"
                "s2,primary_school,,School 2,9.58,47.19\n")
    sett = write(d, "sett.csv", "name,tier,unit,lon,lat\nSeat,seat,Vaduz,9.52,47.14\n"
                 "V1,village,Schaan,9.55,47.17\nV2,village,Balzers,9.60,47.20\n")
    # Times in seconds (--time-unit s; the results are in minutes): wide format; an empty cell is no path.
    matrix = write(d, "m.csv", "id,h,s1,s2\na,60,120,2400\nb,900,600,1500\nc,1200,1900,2000\ne,,3000,4000\n")
    out = os.path.join(d, "out")
    base = ["--matrix", matrix, "--time-unit", "s", "--demand", demand, "--facilities", fac, "--settlements", sett]
    code, err = run(base + ["--out", out])
    check(code == 0, f"good run exits 0 (got {code}: {err})")
    doc = json.load(open(os.path.join(out, "results.json")))
    acc = doc["sections"]["access"]
    h = acc["services"]["hospital"]
    check(h["supply_from_capacity"] is True and h["supply"] == "capacity", "hospital supply from beds")
    check(acc["services"]["primary_school"]["supply"].startswith("1 per facility"), "school supply 1 per facility")
    # Hospital 2SFCA by hand: within 30 min: a(60), b(900), c(1200) -> R = 200/160.
    sf = h["measures"]["sfca2"]
    check(abs(sf["mean"] - (200 / 160) * 160 / 165) < 1e-12, f"hospital sfca2 mean {sf['mean']}")
    # Primary school audit (<= 30 min): c's nearest is 1900 s = 31.7 min -> 10 people beyond; e at 50 min -> 5.
    audit = {a["id"]: a for a in acc["audit"]}
    ps = audit["primary_school_30min"]
    check(ps["county"]["population_beyond"] == 15, f"school pop beyond {ps['county']['population_beyond']}")
    check([w["place"] for w in ps["worst"]] == ["V2"], f"worst places {[w['place'] for w in ps['worst']]}")
    check(audit["hospital_beds_6_per_1000"]["applicable"] and
          not audit["hospital_beds_6_per_1000"]["county_beyond"], "200 beds for 165 people meet 6 per 1,000")
    # GeoPackage and JSON layer agree with the section.
    ds = ogr.Open(os.path.join(out, "access.gpkg"))
    names = sorted(ds.GetLayerByIndex(i).GetName() for i in range(ds.GetLayerCount()))
    check(names == ["access_demand", "access_facilities", "access_settlements"], f"layers {names}")
    lyr = ds.GetLayerByName("access_settlements")
    feats = {f.GetField("settlement"): f for f in lyr}
    geo = {f["properties"]["settlement"]: f["properties"] for f in doc["layers"]["access_settlements"]["features"]}
    for name, f in feats.items():
        a, b = f.GetField("primary_school_nearest_min"), geo[name]["primary_school_nearest_min"]
        check(a == b, f"{name}: gpkg {a} vs json {b}")
    check(math.isclose(geo["V1"]["primary_school_nearest_min"], (50 * 600 + 10 * 1900) / 60 / 60), "V1 pop-weighted time (min)")
    e_row = [f for f in ds.GetLayerByName("access_demand") if f.GetField("id") == "e"][0]
    check(not e_row.IsFieldSet("hospital_nearest_min") or e_row.IsFieldNull("hospital_nearest_min"),
          "no path is null in the GeoPackage")

    # Long format in minutes with its own time column (--time-col); e has no pair at all: no path (a warning
    # names the file and the count), never an error. Hospital only: h's times are 1, 15 and 20 min.
    lm = write(d, "long.csv", "from_id,to_id,minutes\na,h,1\nb,h,15\nc,h,20\n")
    lout = os.path.join(d, "lout")
    r = subprocess.run([BIN, "access", "--matrix", lm, "--time-col", "minutes", "--demand", demand, "--facilities",
                        fac, "--services", "hospital", "--out", lout], capture_output=True, text=True)
    check(r.returncode == 0, f"long matrix with --time-col exits 0 ({r.stderr})")
    check("long.csv: 1 of 4 demand points have no pair in the matrix (first: 'e')" in r.stderr,
          f"missing pairs warned about: {r.stderr!r}")
    if r.returncode == 0:
        rows = {x["id"]: x for x in __import__("csv").DictReader(open(os.path.join(lout, "access_demand.csv")))}
        check([rows[k]["hospital_nearest_min"] for k in "abce"] == ["1", "15", "20", ""],
              f"--time-col minutes as given, e unreached: {[rows[k]['hospital_nearest_min'] for k in 'abce']}")
        h2 = json.load(open(os.path.join(lout, "results.json")))["sections"]["access"]["services"]["hospital"]
        check(h2["unreached_population"] == 5, f"e's 5 people unreached: {h2.get('unreached_population')}")
    bad_col = write(d, "badcol.csv", "from_id,to_id,time_s\na,h,60\n")
    r = subprocess.run([BIN, "--quiet", "access", "--matrix", bad_col, "--demand", demand, "--facilities", fac,
                        "--out", os.path.join(d, "bc")], capture_output=True, text=True)
    check(r.returncode == 1 and "time_min" in r.stderr and "badcol.csv" in r.stderr and
          not os.path.exists(os.path.join(d, "bc")), f"a seconds column without --time-unit s is refused: {r.stderr!r}")

    def bad(label, args, want_code, *needles):
        o = os.path.join(d, "bad-" + label)
        code, err = run(args + ["--out", o])
        check(code == want_code, f"{label}: exit {code}, want {want_code} ({err})")
        check(len(err.splitlines()) == 1, f"{label}: one line, got {err!r}")
        for n in needles:
            check(n in err, f"{label}: message {err!r} lacks {n!r}")
        check(not os.path.exists(o), f"{label}: output written")

    neg = write(d, "neg.csv", "id,pop\na,100\nb,-5\nc,1\ne,1\n")
    bad("negative-pop", ["--matrix", matrix, "--demand", neg, "--facilities", fac], 1, "neg.csv", "line 3", "'pop'")
    nan = write(d, "nan.csv", "id,pop\na,100\nb,NaN\nc,1\ne,1\n")
    bad("nan-pop", ["--matrix", matrix, "--demand", nan, "--facilities", fac], 1, "nan.csv", "line 3", "'pop'")
    negcap = write(d, "negcap.csv", "id,service,capacity\nh,hospital,-1\ns1,primary_school,\ns2,primary_school,\n")
    bad("negative-capacity", ["--matrix", matrix, "--demand", demand, "--facilities", negcap], 1, "negcap.csv",
        "line 2", "'capacity'")
    bad("no-facilities", base + ["--services", "clinic"], 1, "clinic", "no facilities")
    bad("cutoff", base + ["--cutoff-min", "0"], 2, "--cutoff-min: expected a time in (0, 10080] minutes, got 0")
    zones = write(d, "zones.toml", "[access]\nzones_min = [10, 10, 30]\n")
    bad("zones", base + ["--config", zones], 1, "zones.toml", "access.zones", "increase")
    cut = write(d, "cut.toml", "[access]\ncutoff_min = -5\n")
    bad("cutoff-toml", base + ["--config", cut], 1, "cut.toml", "access.cutoff")
    bad("catchment", base + ["--catchment", "open"], 2, "inclusive, exclusive")

    # Graph route: snap lon/lat onto the sample's car network and route (graph built through the Python module).
    sys.path.insert(0, os.path.join(os.path.dirname(BIN), "..", "..", "python"))
    try:
        import countyscope._core as core
    except ImportError as e:  # the Python module is part of the normal build; say so if it is missing
        core = None
        check(False, f"countyscope Python module not importable for the graph test: {e}")
    if core is not None:
        g = os.path.join(d, "li.csgraph")
        core.Network.from_osm(os.path.join("data", "sample", "liechtenstein-2024-03-04.osm.pbf"), "car").save(g)
        gd = write(d, "gd.csv", "id,pop,lon,lat\na,100,9.5209,47.1410\nb,50,9.5680,47.2200\nc,10,9.5090,47.0560\n")
        gf = write(d, "gf.csv", "id,service,lon,lat\nh,hospital,9.5227,47.1380\nd,doctors,9.5100,47.0600\n")
        gout = os.path.join(d, "gout")
        code, err = run(["--graph", g, "--demand", gd, "--facilities", gf, "--out", gout])
        check(code == 0, f"graph route exits 0 ({err})")
        rows = {r["id"]: r for r in __import__("csv").DictReader(open(os.path.join(gout, "access_demand.csv")))}
        t = {k: float(v["hospital_nearest_min"]) for k, v in rows.items()}
        # a is ~250 m from the hospital in Vaduz, b in the north of the country: a is close, b is far.
        check(0 < t["a"] < 5 < t["b"], f"graph route hospital times (min) {t}")
        check(float(rows["c"]["doctors_nearest_min"]) < float(rows["c"]["hospital_nearest_min"]), "c is near the doctor")
        nolonlat = write(d, "nolonlat.csv", "id,pop\na,1\n")
        bad("graph-without-lonlat", ["--graph", g, "--demand", nolonlat, "--facilities", gf], 1, "nolonlat.csv", "lon")
        code, err = run(["--graph", g, "--matrix", matrix, "--demand", gd, "--facilities", gf, "--out", gout + "2"])
        check(code == 2 and "excludes" in err and not os.path.exists(gout + "2"), f"--matrix with --graph: {err}")

sys.exit(1 if failures else 0)
