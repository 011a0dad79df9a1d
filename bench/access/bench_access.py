"""Accessibility benchmark: every measure (nearest, k-th nearest, cumulative, gravity, 2SFCA, E2SFCA, G2SFCA, 3SFCA)
for all demand points x all facilities, countyscope (C++ through the Python module, all cores) against
  (1) an access-style pandas implementation (long cost table, merge / filter / groupby as in PySAL access), and
  (2) a hand-vectorised NumPy implementation (dense matrix, broadcasting),
on the same matrix in the same run. Prints times and ratios, and checks that the three agree.

Usage: bench_access.py BUILD_DIR [--matrix M.npy --population P.npy --supply S.npy] [--repeat N] [--synthetic]
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

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "access"))
import pysal_reference as ref  # noqa: E402

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
    srt = np.sort(t, axis=1)
    nearest, kth = srt[:, 0], srt[:, K - 1]
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


def bench_2sfca(label, t, pop, sup, core, repeat, with_pandas):
    d, f = t.shape
    print(f"\n{label}, 2SFCA alone: {d} x {f}")
    cs_t, a = timed(lambda: core.sfca2(t, pop, sup, cutoff_s=CUTOFF), max(repeat, 21))
    np_t, b = timed(lambda: numpy_2sfca(t, pop, sup), max(repeat, 21))
    ok = agree(a, b, "numpy 2sfca")
    print(f"  countyscope sfca2 (C++)          {cs_t * 1e3:9.2f} ms")
    print(f"  NumPy hand-vectorised            {np_t * 1e3:9.2f} ms   ratio {np_t / cs_t:7.1f}x  (brief: match it)")
    if with_pandas:
        pd_t, c = timed(lambda: pandas_2sfca(t, pop, sup), 3)
        ok = agree(a, c, "pandas 2sfca") and ok
        print(f"  pandas access-style              {pd_t * 1e3:9.2f} ms   ratio {pd_t / cs_t:7.1f}x  (target >= 50x)")
    print(f"  results agree: {ok}")
    return ok


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
    # countyscope default: selection weights over facilities in the catchment (METHODS.md).
    c = cost[cost["cost"] < mc].copy()
    return ref.three_stage_fca(demand, supply, c, mc, ref.step_fn({10: 0.962, 20: 0.704, 30: 0.377, 60: 0.042}))


def timed(fn, repeat):
    best = []
    res = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        best.append(time.perf_counter() - t0)
    return float(np.median(best)), res


def agree(a, b, name):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a = np.where(np.isnan(a), 0, a)
    b = np.where(np.isnan(b), 0, b)
    both_inf = np.isinf(a) & np.isinf(b)
    ok = np.allclose(np.where(both_inf, 0, a), np.where(both_inf, 0, b), rtol=1e-5, atol=1e-9)
    if not ok:
        print(f"  MISMATCH in {name}")
    return ok


def bench(label, t, pop, sup, core, repeat, with_pandas):
    d, f = t.shape
    print(f"\n{label}: {d} demand points x {f} facilities ({d * f:,} pairs), threads={os.cpu_count()}")
    cs_t, cs = timed(lambda: core.accessibility(t, pop, sup, cutoff_s=CUTOFF, k=K), repeat)
    np_t, npr = timed(lambda: numpy_all(t, pop, sup), max(1, repeat // 2))
    ok = all(agree(cs[k], npr[k], "numpy " + k) for k in npr)
    print(f"  countyscope (C++, all measures)  {cs_t * 1e3:9.1f} ms")
    print(f"  NumPy hand-vectorised            {np_t * 1e3:9.1f} ms   ratio {np_t / cs_t:7.1f}x")
    if with_pandas:
        pd_t, pdr = timed(lambda: pandas_all(t, pop, sup), 1)
        ok = all(agree(cs[k], pdr[k], "pandas " + k) for k in pdr) and ok
        print(f"  pandas access-style              {pd_t * 1e3:9.1f} ms   ratio {pd_t / cs_t:7.1f}x  (target >= 50x)")
    print(f"  results agree: {ok}")
    return ok


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
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-pandas", action="store_true")
    ap.add_argument("--synthetic", action="store_true", help="also the synthetic matrices of the same sizes")
    a = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.abspath(a.build), "python"))
    import countyscope._core as core  # noqa: E402
    ok = True
    if a.matrix:
        t = np.load(a.matrix).astype(np.float32)
        ok = bench(a.matrix, t, np.load(a.population), np.load(a.supply), core, a.repeat, not a.no_pandas)
    else:
        full, m900 = sample_matrices(a.build, core)
        ok = bench("sample county (real car times): all demand points x all facilities", *full, core, a.repeat,
                   not a.no_pandas) and ok
        ok = bench("sample county (real car times): 900 buildings x 900 buildings", *m900, core, a.repeat,
                   not a.no_pandas) and ok
        ok = bench_2sfca("sample county (real car times): 900 buildings x 900 buildings", *m900, core, a.repeat,
                         not a.no_pandas) and ok
        ok = bench_2sfca("sample county (real car times): all demand points x all facilities", *full, core,
                         a.repeat, not a.no_pandas) and ok
        if a.synthetic:
            ok = bench("sample-county size (synthetic)", *synthetic(17750, 77, 1), core, a.repeat,
                       not a.no_pandas) and ok
            ok = bench("900 x 900 (synthetic)", *synthetic(900, 900, 2), core, a.repeat, not a.no_pandas) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
