"""The county model in Python (docs/your-county.md, "The county model in Python"): read, replaced, passed back.

Oracles: the CLI's own outputs (passed back unchanged, Python's plan writes the CLI's bytes); the census control
totals of data/examples/census.csv (the units given those totals in Python sum to them to the person, as the CLI's
[layers.census] does); the columns' own invariants (population_est sums to the county's total)."""
import csv
import os
import pathlib
import subprocess

import numpy as np
import pytest

import countyscope as cs

SKIP = ["locate", "flows", "structure", "scenarios", "report"]


@pytest.fixture(scope="module")
def county(sample_pbf):
    return cs.County.load(sample_pbf)


def census(root):
    with open(root / "data" / "examples" / "census.csv", encoding="utf-8") as f:
        return {r["gemeinde"]: int(r["population_2020_06_30"]) for r in csv.DictReader(f)}


def test_columns_and_invariants(county):
    s, f, d, u = county.settlements, county.facilities, county.demand, county.units
    assert county.name == "Liechtenstein" and county.seat == "Vaduz"
    assert len(s["name"]) == 41 and s["lon"].dtype == np.float64 and s["name"].dtype == object
    assert (s["tier"] == "seat").sum() == 1 and s["name"][s["tier"] == "seat"][0] == "Vaduz"
    assert len(u["name"]) == 11 and set(f["service"]) <= set(county.services)
    assert all(len(c) == len(d["lon"]) for c in d.values())
    total = county.total_population
    assert d["population"].sum() == pytest.approx(total, rel=1e-12)
    assert s["population_est"].sum() == pytest.approx(total, rel=1e-12)  # every point has a nearest settlement
    assert np.all(d["settlement"] >= 0) and np.all(d["settlement"] < 41)
    assert all(o.startswith(("node/", "way/", "relation/")) for o in s["origin"])


def test_unchanged_round_trip_keeps_every_column(sample_pbf):
    c = cs.County.load(sample_pbf)
    before = {k: v.copy() for k, v in c.settlements.items()}
    demand_before = c.demand["population"].copy()
    c.settlements = c.settlements
    c.facilities = c.facilities
    c.units = c.units
    for k, v in c.settlements.items():
        assert np.array_equal(v, before[k]) or (v.dtype == np.float64 and np.array_equal(v, before[k], equal_nan=True)), k
    assert np.array_equal(c.demand["population"], demand_before)


def test_passed_back_unchanged_plan_writes_the_cli_bytes(sample_pbf, tmp_path):
    cli = os.environ.get("COUNTYSCOPE_CLI")
    if not cli:
        pytest.skip("COUNTYSCOPE_CLI is set by ctest")
    subprocess.run([cli, "-q", "plan", "--osm", sample_pbf, "--skip", *SKIP, "--out", str(tmp_path / "cli")],
                   check=True)
    c = cs.County.load(sample_pbf)
    c.settlements = c.settlements
    doc = cs.plan(sample_pbf, str(tmp_path / "py"), county=c, skip=SKIP)
    assert doc["sections"]["county"]["seat"] == "Vaduz"
    for name in ["settlements.csv", "facilities.csv", "demand.csv", "admin_units.csv", "quality.csv"]:
        a = (tmp_path / "cli" / name).read_bytes()
        b = (tmp_path / "py" / name).read_bytes()
        assert a == b, name


def test_units_given_census_totals_sum_to_them(sample_pbf, root):
    want = census(root)
    c = cs.County.load(sample_pbf)
    u = c.units
    u["population"] = np.array([want[n] for n in u["name"]], dtype=float)
    c.units = u
    got = c.units
    for n, est, src in zip(got["name"], got["population_est"], got["population_source"]):
        assert round(est) == want[n], (n, est, want[n])
        assert src.startswith("python units row "), src
    assert round(c.total_population) == sum(want.values()) == 38896
    assert round(c.demand["population"].sum()) == 38896


def test_a_replaced_demand_layer_weights_the_control_totals(sample_pbf, root):
    c = cs.County.load(sample_pbf)
    u = c.units
    u["population"] = np.array([census(root)[n] for n in u["name"]], dtype=float)
    c.units = u
    # Planken's people all in one new point at its centre: the unit's total stays, it sits in one place.
    s = c.settlements
    i = list(s["name"]).index("Planken")
    d = c.demand
    keep = d["unit"] != list(c.units["name"]).index("Planken")
    new = {k: np.append(d[k][keep], [v]) for k, v in
           {"lon": s["lon"][i], "lat": s["lat"][i], "population": 1.0}.items()}
    c.demand = new
    assert round(c.total_population) == 38896
    d2 = c.demand
    planken = d2["unit"] == list(c.units["name"]).index("Planken")
    assert planken.sum() == 1 and round(d2["population"][planken][0]) == census(root)["Planken"]
    assert d2["origin"][-1] == "python demand row %d" % (len(d2["lon"]) - 1)


def test_pandas_frames_are_accepted(sample_pbf):
    pd = pytest.importorskip("pandas")
    c = cs.County.load(sample_pbf)
    f = pd.DataFrame(c.facilities)
    f = f[f["service"] != "clinic"]
    c.facilities = f
    assert "clinic" not in set(c.facilities["service"]) and len(c.facilities["name"]) == len(f)


@pytest.mark.parametrize("layer,edit,want", [
    ("settlements", lambda t: t["lon"].__setitem__(3, np.nan), "row 3"),
    ("settlements", lambda t: t["lat"].__setitem__(0, 95.0), "outside [-90, 90]"),
    ("settlements", lambda t: t.__setitem__("populaton", t.pop("population")), "unknown column; valid:"),
    ("settlements", lambda t: t["tier"].__setitem__(5, "seat"), "a second seat"),
    ("settlements", lambda t: t["tier"].__setitem__(7, "metropolis"), "valid: seat, town, village"),
    ("settlements", lambda t: t["population"].__setitem__(2, -5.0), "outside [0,"),
    ("facilities", lambda t: t["service"].__setitem__(0, "spa"), "service"),
    ("facilities", lambda t: t.pop("lat"), "missing column"),
    ("units", lambda t: [t.__setitem__(k, v[:-1]) for k, v in list(t.items())], "units keep their polygons"),
    ("demand", lambda t: t["population"].__setitem__(1, np.nan), "missing (NaN)"),
])
def test_bad_rows_are_one_line_and_leave_the_county_as_it_was(sample_pbf, layer, edit, want):
    c = cs.County.load(sample_pbf)
    t = {k: v.copy() for k, v in getattr(c, layer).items()}
    edit(t)
    before = getattr(c, layer)
    with pytest.raises(ValueError) as e:
        setattr(c, layer, t)
    msg = str(e.value)
    assert want in msg and layer in msg and "\n" not in msg, msg
    after = getattr(c, layer)
    assert all(np.array_equal(after[k], before[k], equal_nan=after[k].dtype != object) for k in before)


def test_two_settlements_of_one_name_in_one_unit(sample_pbf):
    c = cs.County.load(sample_pbf)
    s = {k: v.copy() for k, v in c.settlements.items()}
    vaduz = list(s["name"]).index("Vaduz")
    other = next(i for i in range(len(s["name"])) if i != vaduz and s["unit"][i] == s["unit"][vaduz])
    s["name"][other] = "Vaduz"
    with pytest.raises(cs.InputError, match="a second settlement of this name"):
        c.settlements = s


def test_load_takes_county_options_through_the_registry(sample_pbf):
    with pytest.raises(ValueError, match="total_population"):
        cs.County.load(sample_pbf, total_population=-3)
    c = cs.County.load(sample_pbf, total_population=40000)
    assert round(c.total_population) == 40000
