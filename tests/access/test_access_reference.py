"""`countyscope access` against R accessibility's published test values (ipeaGIT/accessibility 1.4, MIT,
tests/testthat/test-floating_catchment_area.R and test-spatial_availability.R), on that package's own Belo
Horizonte data (data/reference/belo_horizonte: 898 hexagons, transit travel times in minutes).

- 2SFCA and BFCA with decay_binary(45) on five hexagons: 0.0152 0.1491 0.1491 0.1068 0 and 0.0094 0.1993 0.1993
  0.1147 0 (published to 4 decimals); with a weight of 1 for every pair, 2SFCA = 0.1108 everywhere and spatial
  availability = 94 44 218 243 0 (to the job).
- Spatial availability, decay_exponential(0.1), the three-zone example of Soukhov et al. (2023): 66833 133203 9963.
- Spatial availability, decay_exponential(0.5) and (0.6), two origins x every destination: 388780.8 107272.2 and
  389238.9 106814.1 (to 0.1).
- cost_to_closest (test-cost_to_closest.R), n = 1: 47 5.8 13 43 70 (active, schools) and 5.8 5.8 5.8 5.8 58
  (passive, population), as nearest_min.
- Equity (test-gini_index.R, test-concentration_index.R): the jobs within 30 min (cumulative_cutoff) of five
  hexagons, population-weighted: Gini 0.1386; concentration index by income per capita -0.0248 (to 4 decimals),
  through `countyscope access` (cumulative) and then `countyscope stats equity`. The fifth hexagon has no people
  (and no income): R weighs it 0; its empty income is not a rank, so it is left out of the table here.
- Inequality and poverty (test-concentration_index.R, test-palma_ratio.R, test-fgt_poverty.R, test-theil_t.R):
  the Erreygers-corrected concentration index -0.1314 / -0.8282, palma_ratio 1.0911 / 0.5249 (income groups cut on
  the whole land-use table: --rank-base), FGT1 0.5588 / 0.6367 and FGT2 0.3256 / 0.4129 below 100,000 jobs,
  Theil's T 0.0852 = 0.0515 between + 0.0337 within income deciles (and each decile's components), 0.0378 without
  one hexagon.
The values go through the whole command: CSV files in (the long matrix's column is travel_time, --time-col), the
access_demand.csv table out.

Usage: test_access_reference.py COUNTYSCOPE_BIN
"""
import csv
import gzip
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
REF = os.path.join("data", "reference", "belo_horizonte")
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    else:
        print("ok:", msg)


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def run(d, name, demand, facilities, pairs, *flags):
    """Writes the three files, runs `countyscope access`, returns {id: row} of access_demand.csv."""
    dem, fac, mat, out = (os.path.join(d, f"{name}-{x}") for x in ("demand.csv", "fac.csv", "m.csv", "out"))
    write(dem, ["id", "population"], demand)
    write(fac, ["id", "service", "capacity"], [(i, "jobs", c) for i, c in facilities])
    write(mat, ["from_id", "to_id", "travel_time"], pairs)
    r = subprocess.run([BIN, "--quiet", "access", "--matrix", mat, "--time-col", "travel_time", "--demand", dem,
                        "--facilities", fac, "--out", out, *flags], capture_output=True, text=True)
    check(r.returncode == 0, f"{name}: exit 0 ({r.stderr.strip()})")
    if r.returncode != 0:
        return {}
    return {row["id"]: row for row in csv.DictReader(open(os.path.join(out, "access_demand.csv")))}


def column(rows, ids, name, digits):
    return [round(float(rows[i][name]), digits) if rows.get(i, {}).get(name, "") != "" else None for i in ids]


land = {r["id"]: r for r in csv.DictReader(open(os.path.join(REF, "land_use_data.csv")))}
with gzip.open(os.path.join(REF, "travel_matrix.csv.gz"), "rt") as f:
    matrix = [(r["from_id"], r["to_id"], r["travel_time"]) for r in csv.DictReader(f)]
check(len(land) == 898 and len(matrix) == 748437, f"Belo Horizonte data: {len(land)} hexagons, {len(matrix)} pairs")

SEL = ["89a88cdb57bffff", "89a88cdb597ffff", "89a88cdb5b3ffff", "89a88cdb5cfffff", "89a88cd909bffff"]
with tempfile.TemporaryDirectory() as d:
    dem = [(i, land[i]["population"]) for i in SEL]
    fac = [(i, land[i]["jobs"]) for i in SEL]
    pairs = [p for p in matrix if p[0] in SEL and p[1] in SEL]
    rows = run(d, "binary45", dem, fac, pairs, "--cutoff-min", "45")
    check(column(rows, SEL, "jobs_sfca2", 4) == [0.0152, 0.1491, 0.1491, 0.1068, 0.0],
          f"2SFCA, binary 45: {column(rows, SEL, 'jobs_sfca2', 4)}")
    check(column(rows, SEL, "jobs_fca2", 4) == [0.0152, 0.1491, 0.1491, 0.1068, 0.0],
          f"fca2 with the binary impedance = 2SFCA: {column(rows, SEL, 'jobs_fca2', 4)}")
    check(column(rows, SEL, "jobs_bfca", 4) == [0.0094, 0.1993, 0.1993, 0.1147, 0.0],
          f"BFCA, binary 45: {column(rows, SEL, 'jobs_bfca', 4)}")
    # A weight of 1 for every pair in the matrix: binary with a cutoff beyond every time (one week).
    rows = run(d, "all", dem, fac, pairs, "--cutoff-min", "10080")
    check(column(rows, SEL, "jobs_fca2", 4) == [0.1108] * 5, f"2SFCA, weight 1: {column(rows, SEL, 'jobs_fca2', 4)}")
    check(column(rows, SEL, "jobs_availability", 0) == [94, 44, 218, 243, 0],
          f"spatial availability, weight 1: {column(rows, SEL, 'jobs_availability', 0)}")

    # Soukhov et al. (2023), as R accessibility's test writes it: zones A, B, C; employment centres 1, 2, 3.
    times = [15, 30, 100, 30, 15, 100, 100, 100, 15]
    pairs = [(o, str(j + 1), times[3 * k + j]) for k, o in enumerate("ABC") for j in range(3)]
    rows = run(d, "paper", [("A", 50000), ("B", 150000), ("C", 10000)],
               [("1", 100000), ("2", 100000), ("3", 10000)], pairs, "--fca-decay", "exponential", "--fca-beta", "0.1")
    check(column(rows, "ABC", "jobs_availability", 0) == [66833, 133203, 9963],
          f"spatial availability, exponential 0.1: {column(rows, 'ABC', 'jobs_availability', 0)}")
    total = sum(float(rows[o]["jobs_availability"]) for o in "ABC") if rows else 0
    check(abs(total - 210000) < 1e-6, f"spatial availability shares out every job: {total}")

    two = ["89a88cdb57bffff", "89a88cdb597ffff"]
    pairs = [p for p in matrix if p[0] in two]
    dests = sorted({p[1] for p in pairs})
    for beta, want in (("0.5", [388780.8, 107272.2]), ("0.6", [389238.9, 106814.1])):
        rows = run(d, "two" + beta, [(i, land[i]["population"]) for i in two], [(j, land[j]["jobs"]) for j in dests],
                   pairs, "--fca-decay", "exponential", "--fca-beta", beta)
        check(column(rows, two, "jobs_availability", 1) == want,
              f"spatial availability, exponential {beta}: {column(rows, two, 'jobs_availability', 1)}")

    # cost_to_closest (test-cost_to_closest.R), n = 1: the time to the closest hexagon with a school (only
    # 89a88cdb597ffff has any) from each of the five, 47 5.8 13 43 70 = nearest_min with the school hexagons as
    # the facilities. Passive (active = FALSE, opportunity population): the time from the closest peopled
    # hexagon to each of the five, 5.8 5.8 5.8 5.8 58 = nearest_min on the transposed matrix (from and to
    # swapped), the peopled hexagons as the facilities.
    pairs = [p for p in matrix if p[0] in SEL and p[1] in SEL]
    order = ["89a88cdb57bffff", "89a88cdb597ffff", "89a88cdb5b3ffff", "89a88cdb5cfffff", "89a88cd909bffff"]
    rows = run(d, "closest", dem, [(i, land[i]["schools"]) for i in SEL if float(land[i]["schools"]) > 0], pairs)
    check(column(rows, order, "jobs_nearest_min", 1) == [47.0, 5.8, 13.0, 43.0, 70.0],
          f"cost_to_closest, active: {column(rows, order, 'jobs_nearest_min', 1)}")
    rows = run(d, "passive", [(i, 1) for i in SEL],
               [(i, land[i]["population"]) for i in SEL if float(land[i]["population"]) > 0],
               [(b, a, t) for a, b, t in pairs])
    check(column(rows, order, "jobs_nearest_min", 1) == [5.8, 5.8, 5.8, 5.8, 58.0],
          f"cost_to_closest, passive: {column(rows, order, 'jobs_nearest_min', 1)}")

    # Equity of the jobs within 30 minutes (cumulative, t <= 30 as R's cumulative_cutoff).
    five = ["89a88cd909bffff", "89a88cdb57bffff", "89a88cdb597ffff", "89a88cdb5b3ffff", "89a88cdb5cfffff"]
    pairs = [p for p in matrix if p[0] in five]
    dests = sorted({p[1] for p in pairs})
    rows = run(d, "cum30", [(i, land[i]["population"]) for i in five], [(j, land[j]["jobs"]) for j in dests], pairs,
               "--cutoff-min", "30")
    people = [i for i in five if float(land[i]["population"]) > 0]
    check(len(people) == 4, f"four of the five hexagons have people: {people}")
    table = os.path.join(d, "equity.csv")
    write(table, ["id", "population", "income", "jobs30"],
          [(i, land[i]["population"], land[i]["income_per_capita"], rows[i]["jobs_cumulative"]) for i in people if rows])
    eq_out = os.path.join(d, "equity")
    r = subprocess.run([BIN, "--quiet", "stats", "equity", "--table", table, "--y", "jobs30", "--rank", "income",
                        "--weight", "population", "--out", eq_out], capture_output=True, text=True)
    check(r.returncode == 0, f"stats equity exits 0 ({r.stderr.strip()})")
    if r.returncode == 0:
        eq = {x["measure"]: float(x["value"] or "nan") for x in csv.DictReader(open(os.path.join(eq_out, "equity.csv")))}
        check(round(eq["gini"], 4) == 0.1386, f"Gini of the jobs within 30 min: {eq['gini']}")
        check(round(eq["concentration_index"], 4) == -0.0248, f"concentration index by income: {eq['concentration_index']}")

    # R accessibility's other inequality and poverty measures on the same access (tests/testthat/test-*.R at
    # dfde37a): the Erreygers-corrected concentration index (-0.1314), palma_ratio (the mean access of the richest
    # 10 % by income over the poorest 40 %, both cut by the population-weighted quantiles of the whole land-use
    # table: 1.0911), fgt_poverty below 100,000 jobs (FGT0 1, FGT1 0.5588, FGT2 0.3256); then without the hexagon
    # 89a88cdb5cfffff, as R's "transit2" case: -0.1148, -0.8282, 0.5249, 0.6367, 0.4129. R's corrected index takes
    # max and min over every row, the unpeopled 89a88cd909bffff's too; its access (26,774) lies inside the others'
    # range, so leaving it out changes nothing here.
    def equity(name, ids, rows, *flags):
        table = os.path.join(d, name + ".csv")
        write(table, ["id", "population", "income_per_capita", "income_decile", "jobs30"],
              [(i, land[i]["population"], land[i]["income_per_capita"], land[i]["income_decile"],
                rows[i]["jobs_cumulative"]) for i in ids if rows])
        out = os.path.join(d, name)
        r = subprocess.run([BIN, "--quiet", "stats", "equity", "--table", table, "--y", "jobs30", "--weight",
                            "population", "--out", out, *flags], capture_output=True, text=True)
        check(r.returncode == 0, f"stats equity {name} exits 0 ({r.stderr.strip()})")
        if r.returncode != 0:
            return {}, []
        groups = os.path.join(out, "equity_groups.csv")
        return ({x["measure"]: float(x["value"] or "nan") for x in csv.DictReader(open(os.path.join(out, "equity.csv")))},
                list(csv.DictReader(open(groups))) if os.path.exists(groups) else [])
    base = os.path.join(REF, "land_use_data.csv")
    for name, ids, want in (("transit", people, (-0.0248, -0.1314, 1.0911, 1.0, 0.5588, 0.3256)),
                            ("transit2", [i for i in people if i != "89a88cdb5cfffff"],
                             (-0.1148, -0.8282, 0.5249, 1.0, 0.6367, 0.4129))):
        eq, _ = equity(name, ids, rows, "--rank", "income_per_capita", "--rank-base", base, "--poverty-line", "100000")
        got = tuple(round(eq.get(k, float("nan")), 4) for k in
                    ("concentration_index", "concentration_index_erreygers", "palma_ranked", "fgt0", "fgt1", "fgt2"))
        check(got == want, f"{name}: CI, Erreygers CI, ranked Palma, FGT0-2 {got} (R accessibility: {want})")

    # theil_t with income deciles as groups (test-theil_t.R): hexagons 89a88cd900bffff, ...57b, ...597, ...5b3,
    # ...5cf: total 0.0852 = between 0.0515 + within 0.0337 (shares 0.6044, 0.3956); per decile 1, 3, 6, 10:
    # within 0, 0, 0, 0.0337, between 0.0243, -0.0579, -0.0042, 0.0894. Without 89a88cd900bffff: 0.0378 = 0.0021
    # + 0.0357.
    six = ["89a88cd900bffff", "89a88cdb57bffff", "89a88cdb597ffff", "89a88cdb5b3ffff", "89a88cdb5cfffff"]
    pairs = [p for p in matrix if p[0] in six]
    dests = sorted({p[1] for p in pairs})
    rows = run(d, "cum30b", [(i, land[i]["population"]) for i in six], [(j, land[j]["jobs"]) for j in dests],
               pairs, "--cutoff-min", "30")
    eq, groups = equity("theil", six, rows, "--groups", "income_decile")
    got = tuple(round(eq.get(k, float("nan")), 4) for k in ("theil_t", "theil_between", "theil_within"))
    check(got == (0.0852, 0.0515, 0.0337), f"Theil T, between, within: {got}")
    check(eq and round(eq["theil_between"] / eq["theil_t"], 4) == 0.6044, "between share of Theil T 0.6044")
    got = [(g["group"], round(float(g["within"]), 4), round(float(g["between"]), 4)) for g in groups]
    check(got == [("1", 0.0, 0.0243), ("3", 0.0, -0.0579), ("6", 0.0, -0.0042), ("10", 0.0337, 0.0894)],
          f"Theil components per income decile: {got}")
    eq, _ = equity("theil2", six[1:], rows, "--groups", "income_decile")
    got = tuple(round(eq.get(k, float("nan")), 4) for k in ("theil_t", "theil_between", "theil_within"))
    check(got == (0.0378, 0.0021, 0.0357), f"Theil T without 89a88cd900bffff: {got}")

    # Bad input: one line, exit 1 (a TOML value) or 2 (a flag), nothing written.
    out = os.path.join(d, "bad")
    r = subprocess.run([BIN, "--quiet", "access", "--matrix", os.path.join(d, "paper-m.csv"), "--time-col",
                        "travel_time", "--demand", os.path.join(d, "paper-demand.csv"), "--facilities",
                        os.path.join(d, "paper-fac.csv"), "--fca-decay", "logistic", "--fca-sd-min", "0",
                        "--out", out], capture_output=True, text=True)
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "--fca-sd-min" in r.stderr and
          not os.path.exists(out), f"--fca-sd-min 0 refused: {r.stderr.strip()!r}")

sys.exit(1 if failures else 0)
