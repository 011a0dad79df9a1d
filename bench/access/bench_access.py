"""Accessibility benchmark: every measure (nearest, k-th nearest, cumulative, gravity, 2SFCA, E2SFCA, G2SFCA, 3SFCA)
for all demand points x all facilities, and 2SFCA alone, countyscope (C++ through the Python module, on 1 and on all
threads) against
  (1) a hand-vectorised NumPy implementation (dense matrix, broadcasting, np.partition for the order statistics:
      the strong peer), and
  (2) a pandas implementation in PySAL access's pattern (long cost table, merge / filter / groupby), written for
      this project (tests/access/pysal_reference.py; PySAL access itself is not packaged in Debian),
both on one core, on the same matrix in the same run. Every measure of a peer is compared with ours before its time
is printed; each side is timed the same number of times and the minimum reported (bench/benchlib.py).

Usage: bench_access.py BUILD_DIR [--matrix M.npy --population P.npy --supply S.npy] [--repeat N]
                       [--pandas-repeat N] [--no-pandas] [--synthetic]
Without files: the sample county's real car-time matrices, from `countyscope plan` on the bundled extract (its
demand.csv and facilities.csv) routed through the Python module: (1) all 13,143 demand points x all 84 facilities
(population from the county model, supply = capacity where tagged else 1), and (2) a 900 x 900 matrix between 900
seeded residential buildings and 900 other seeded buildings as supply sites (supply 1-9, seeded). --synthetic adds
the earlier synthetic matrices of the same sizes.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import benchlib  # noqa: E402

benchlib.single_thread_env()  # the NumPy and pandas peers on one core; ours on 1 and on all threads
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "access"))
import pysal_reference as ref  # noqa: E402

B = "access"

CUTOFF = 1800.0
ZONES = np.array([600.0, 1200.0, 1800.0]); ZW = np.array([1.0, 0.68, 0.22])
Z3 = np.array([600.0, 1200.0, 1800.0, 3600.0]); W3 = np.array([0.962, 0.704, 0.377, 0.042])
K = 3


def synthetic(d, f, seed):
    rng = np.random.default_rng(seed)
    dp = rng.uniform([0, 0], [20000, 10000], (d, 2))
    fp = rng.uniform([0, 0], [20000, 10000], (f, 2))
    dist = np.sqrt(((dp[:, None, :] - fp[None, :, :]) ** 2).sum(-1))
    t = dist * 1.3 / (40 / 3.6) + rng.uniform(30, 180, (d, f))
    t[rng.random((d, f)) < 0.01] = np.inf
    return t.astype(np.float32), rng.integers(0, 12, d).astype(float), rng.integers(1, 10, f).astype(float)


def step(t, z, w):
    idx = np.searchsorted(z, t, side="left")  # first zone with t <= bound
    out = np.zeros_like(t, dtype=float)
    ok = idx < len(z)
    out[ok] = w[idx[ok]]
    return out


def numpy_all(t32, pop, sup):
    t = t32.astype(float)
    part = np.partition(t, (0, K - 1), axis=1)  # the two order statistics, no full sort
    nearest, kth = part[:, 0], part[:, K - 1]
    inside = t <= CUTOFF
    cum = inside @ sup
    grav = (np.where(np.isfinite(t), np.power(np.maximum(t, 60.0) / 60.0, -1.0), 0.0)) @ sup
    out = {"nearest_s": nearest, "kth_nearest_s": kth, "cumulative": cum, "gravity": grav}
    e = np.exp(-0.5)
    g = np.where(inside, np.maximum(0.0, (np.exp(-0.5 * (t / CUTOFF) ** 2) - e) / (1 - e)), 0.0)
    wz = np.where(inside, step(t, ZONES, ZW), 0.0)
    w3 = np.where(inside, step(t, Z3, W3), 0.0)
    s3 = w3.sum(1, keepdims=True)
    g3 = np.divide(w3 * w3, s3, out=np.zeros_like(w3), where=s3 > 0)
    for name, w in (("2sfca", inside.astype(float)), ("e2sfca", wz), ("g2sfca", g), ("3sfca", g3)):
        dem = pop @ w
        r = np.divide(sup, dem, out=np.zeros_like(sup), where=dem > 0)
        out[name] = w @ r
    return out


def numpy_2sfca(t32, pop, sup):
    """The hand-vectorised NumPy 2SFCA (the brief's 2.5 ms kind): a boolean catchment mask and two mat-vecs."""
    inside = (t32 <= CUTOFF).astype(np.float64)
    dem = pop @ inside
    r = np.divide(sup, dem, out=np.zeros_like(sup), where=dem > 0)
    return inside @ r


def pandas_2sfca(t32, pop, sup):
    """PySAL access-style 2SFCA: long cost table, merges and groupbys."""
    d, f = t32.shape
    ii, jj = np.nonzero(np.isfinite(t32))
    cost = pd.DataFrame({"origin": ii, "dest": jj, "cost": t32[ii, jj].astype(float) / 60.0})
    return ref.two_stage_fca(pd.Series(pop, index=pd.RangeIndex(d)), pd.Series(sup, index=pd.RangeIndex(f)), cost,
                             30 + 1e-9).to_numpy(dtype=float)


def pandas_all(t32, pop, sup):
    """access-style: long table of finite pairs, merges and groupbys (PySAL access weighted_catchment pattern)."""
    d, f = t32.shape
    ii, jj = np.nonzero(np.isfinite(t32))
    cost = pd.DataFrame({"origin": ii, "dest": jj, "cost": t32[ii, jj].astype(float) / 60.0})  # minutes, as PySAL
    demand = pd.Series(pop, index=pd.RangeIndex(d))
    supply = pd.Series(sup, index=pd.RangeIndex(f))
    # Inclusive catchment (countyscope default): PySAL filters cost < max_cost, so pass a bound just above 30 min.
    mc = 30 + 1e-9
    e = np.exp(-0.5)
    dai = lambda x: max(0.0, (np.exp(-0.5 * (x / 30) ** 2) - e) / (1 - e))  # noqa: E731
    out = {
        "2sfca": ref.two_stage_fca(demand, supply, cost, mc),
        "e2sfca": ref.two_stage_fca(demand, supply, cost, mc, ref.step_fn({10: 1.0, 20: 0.68, 30: 0.22})),
        "g2sfca": ref.two_stage_fca(demand, supply, cost, mc, dai),
        "3sfca": three_stage_catchment(demand, supply, cost, mc),
        "gravity": ref.gravity_access(supply, cost, ref.gravity(1.0, -1.0, 1.0)).reindex(demand.index),
    }
    srt = cost.sort_values(["origin", "cost"], kind="stable")
    srt["rank"] = srt.groupby("origin").cumcount()
    out["nearest_s"] = srt[srt["rank"] == 0].set_index("origin")["cost"].reindex(demand.index).fillna(np.inf) * 60
    out["kth_nearest_s"] = srt[srt["rank"] == K - 1].set_index("origin")["cost"].reindex(demand.index).fillna(
        np.inf) * 60
    inc = cost[cost["cost"] < mc].merge(supply.to_frame("s"), left_on="dest", right_index=True)
    out["cumulative"] = inc.groupby("origin")["s"].sum().reindex(demand.index)
    return {k: v.to_numpy(dtype=float) for k, v in out.items()}


def three_stage_catchment(demand, supply, cost, mc):
    # countyscope default: selection weights over facilities in the catchment (docs/methods.md).
    c = cost[cost["cost"] < mc].copy()
    return ref.three_stage_fca(demand, supply, c, mc, ref.step_fn({10: 0.962, 20: 0.704, 30: 0.377, 60: 0.042}))


def times_of(fn, reps):
    """Wall times of reps runs and the last result."""
    ts, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return ts, out


def agree(ours, theirs, keys):
    """True when every measure agrees (rtol 1e-5: ours sums in another order; both-inf and NaN = 0 compare
    equal), else the first difference."""
    for k in keys:
        a = np.asarray(theirs[k], dtype=float)
        b = np.asarray(ours[k], dtype=float)
        a, b = np.where(np.isnan(a), 0, a), np.where(np.isnan(b), 0, b)
        m = benchlib.compare_close(a, b, rtol=1e-5, atol=1e-9)
        if m is not True:
            return f"{k}: {m}"
    return True


def bench(label, t, pop, sup, core, reps, pandas_reps):
    """All measures, and 2SFCA alone, ours on 1 and on all threads against NumPy (and pandas) on 1 thread; every
    side timed reps times (pandas: pandas_reps, ours then the minimum of its first pandas_reps runs)."""
    d, f = t.shape
    th = os.cpu_count() or 1
    print(f"\n{label}: {d} demand points x {f} facilities ({d * f:,} pairs)")
    for what, ours_fn, np_fn, pd_fn, keys in (
            ("all measures", lambda n: core.accessibility(t, pop, sup, cutoff_min=CUTOFF / 60, k=K, threads=n),
             lambda: numpy_all(t, pop, sup), lambda: pandas_all(t, pop, sup), None),
            ("2SFCA alone", lambda n: {"2sfca": core.sfca2(t, pop, sup, cutoff_min=CUTOFF / 60, threads=n)},
             lambda: {"2sfca": numpy_2sfca(t, pop, sup)}, lambda: {"2sfca": pandas_2sfca(t, pop, sup)}, ["2sfca"])):
        r = reps if what == "all measures" else max(reps, 21)
        ours = {n: times_of(lambda: ours_fn(n), r) for n in sorted({1, th})}
        np_t, npr = times_of(np_fn, r)
        m = agree(ours[1][1], npr, keys or list(npr))
        for n, (ts, _) in ours.items():
            benchlib.summary(B, f"{label}: {what}", "NumPy vectorised", 1, n, r, "min", m, min(ts), min(np_t))
        if pandas_reps:
            pd_t, pdr = times_of(pd_fn, pandas_reps)
            m = agree(ours[1][1], pdr, keys or list(pdr))
            for n, (ts, _) in ours.items():
                benchlib.summary(B, f"{label}: {what}", "pandas, access-style (ours)", 1, n, pandas_reps, "min", m,
                                 min(ts[:pandas_reps]), min(pd_t))
    return True


def sample_matrices(build, core):
    """The sample county's real matrices (car times, seconds) through countyscope plan + the Python module."""
    root = os.path.abspath(os.path.join(HERE, "..", ".."))
    osm = os.path.join(root, "data", "sample", "liechtenstein-2024-03-04.osm.pbf")
    exe = os.path.join(os.path.abspath(build), "apps", "countyscope", "countyscope")
    with tempfile.TemporaryDirectory(prefix="cs-bench-access-") as tmp:
        out = os.path.join(tmp, "plan")
        subprocess.run([exe, "-q", "plan", "--osm", osm, "--out", out, "--skip", "report", "access", "structure",
                        "locate", "flows", "scenarios"], check=True, env=dict(os.environ, COUNTYSCOPE_HOME=root))
        dem = list(csv.DictReader(open(os.path.join(out, "demand.csv"), encoding="utf-8")))
        fac = list(csv.DictReader(open(os.path.join(out, "facilities.csv"), encoding="utf-8")))
    net = core.Network.from_osm(osm, "car")
    dxy = np.array([[float(r["lon"]), float(r["lat"])] for r in dem])
    fxy = np.array([[float(r["lon"]), float(r["lat"])] for r in fac])
    pop = np.array([float(r["population"]) for r in dem])
    sup = np.array([float(r["capacity"]) if r["capacity"] else 1.0 for r in fac])
    ds, fs = net.snap(dxy), net.snap(fxy)
    t_all = net.travel_time_matrix(ds, fs)
    rng = np.random.default_rng(900)
    idx = rng.permutation(len(dem))
    a, b = np.sort(idx[:900]), np.sort(idx[900:1800])
    t900 = net.travel_time_matrix(net.snap(dxy[a]), net.snap(dxy[b]))
    return (t_all, pop, sup), (t900, pop[a], rng.integers(1, 10, 900).astype(float))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--matrix"), ap.add_argument("--population"), ap.add_argument("--supply")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each side (2SFCA alone: at least 21)")
    ap.add_argument("--pandas-repeat", type=int, default=3, help="runs of the pandas peer (and of ours against it)")
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--synthetic", action="store_true", help="also the synthetic matrices of the same sizes")
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(a.build), "python"))
    import countyscope._core as core  # noqa: E402
    pr = 0 if a.no_pandas else a.pandas_repeat
    if a.matrix:
        t = np.load(a.matrix).astype(np.float32)
        bench(a.matrix, t, np.load(a.population), np.load(a.supply), core, a.repeat, pr)
    else:
        full, m900 = sample_matrices(a.build, core)
        bench("sample county, all demand points x all facilities", *full, core, a.repeat, pr)
        bench("sample county, 900 buildings x 900 buildings", *m900, core, a.repeat, pr)
        if a.synthetic:
            bench("sample-county size (synthetic)", *synthetic(17750, 77, 1), core, a.repeat, pr)
            bench("900 x 900 (synthetic)", *synthetic(900, 900, 2), core, a.repeat, pr)


if __name__ == "__main__":
    main()
