#!/usr/bin/env python3
"""NumPy/SciPy implementations of the same formulas as countyscope's assessment kernels (peer for bench/assess).

Reads the inputs written by bench_assess (x.csv, dirs.csv, points.csv), times entropy-TOPSIS-CCD, kNN-8 weights,
Moran's I with 999 permutations and LISA with 999 conditional permutations (esda-style vectorised crand), checks the
results agree with countyscope's, and prints the speed ratios. Usage: peer.py WORK_DIR CS_JSON
"""
import json
import sys
import time

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree


def best_of(reps, f):
    best, out = 1e300, None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def pipeline(x, dirs, dims):
    n, m = x.shape
    mn, mx = x.min(0), x.max(0)
    xn = np.where(dirs > 0, (x - mn) / (mx - mn), (mx - x) / (mx - mn))
    p = xn / xn.sum(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plogp.sum(0) / np.log(n)
    w = (1 - e) / (1 - e).sum()
    b = w * x / np.sqrt((x ** 2).sum(0))
    best = np.where(dirs > 0, b.max(0), b.min(0))
    worst = np.where(dirs > 0, b.min(0), b.max(0))
    dp = np.sqrt(((b - best) ** 2).sum(1))
    dm = np.sqrt(((b - worst) ** 2).sum(1))
    score = dm / (dp + dm)
    k = dims.max() + 1
    u = np.zeros((n, k))
    for d in range(k):
        sel = dims == d
        u[:, d] = (xn[:, sel] * w[sel]).sum(1) / w[sel].sum()
    diff = sum(np.abs(u[:, i] - u[:, j]) for i in range(k) for j in range(i))
    umax = u.max(1)
    c = np.sqrt(np.clip((1 - diff / (k * (k - 1) / 2)) * np.prod(u / umax[:, None], axis=1) ** (1 / (k - 1)), 0, None))
    t = u.mean(1)
    d = np.sqrt(c * t)
    return score, d


def knn_weights(lon, lat, k):
    lo, la = np.radians(lon), np.radians(lat)
    xyz = np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    _, idx = cKDTree(xyz).query(xyz, k + 1)  # chord distance orders like great-circle distance
    n = len(lon)
    rows = np.repeat(np.arange(n), k)
    cols = idx[:, 1:].ravel()
    return sparse.csr_matrix((np.full(n * k, 1.0 / k), (rows, cols)), shape=(n, n))


def moran_perm(y, W, perms, rng):
    z = y - y.mean()
    n = len(y)
    s0 = W.sum()
    zz = (z * z).sum()
    i_obs = n / s0 * (z @ (W @ z)) / zz
    Z = np.array([rng.permutation(z) for _ in range(perms)]).T  # n x perms
    sims = n / s0 * (Z * (W @ Z)).sum(0) / zz
    larger = (sims >= i_obs).sum()
    if perms - larger < larger:
        larger = perms - larger
    return i_obs, (larger + 1) / (perms + 1)


def lisa_perm(y, W, k, perms, rng):
    z = y - y.mean()
    n = len(y)
    m2 = (z * z).sum() / (n - 1)
    lag = W @ z
    Ii = z / m2 * lag
    # esda crand: for each unit draw k of the other n-1 values per permutation.
    larger = np.zeros(n, dtype=int)
    wv = np.full(k, 1.0 / k)
    for i in range(n):
        others = np.delete(z, i)
        picks = np.array([rng.choice(n - 1, k, replace=False) for _ in range(perms)])
        lags = others[picks] @ wv
        larger[i] = ((z[i] / m2 * lags) >= Ii[i]).sum()
    larger = np.minimum(larger, perms - larger)
    return Ii, (larger + 1) / (perms + 1)


def main(work, cs_json):
    cs = json.loads(cs_json)
    x = np.loadtxt(f"{work}/x.csv", delimiter=",", skiprows=1)
    dd = np.loadtxt(f"{work}/dirs.csv", delimiter=",", skiprows=1)
    dirs, dims = dd[:, 0], dd[:, 1].astype(int)
    pts = np.loadtxt(f"{work}/points.csv", delimiter=",", skiprows=1)
    rng = np.random.default_rng(12345)
    t_score, (score, d) = best_of(50, lambda: pipeline(x, dirs, dims))
    t_w, W = best_of(3, lambda: knn_weights(pts[:, 0], pts[:, 1], 8))
    t_moran, (i_obs, _) = best_of(1, lambda: moran_perm(pts[:, 2], W, 999, rng))
    # LISA in Python is slow (a loop over units like esda's numba-free path): time a sample and scale linearly.
    sample = 300
    n = len(pts)
    t0 = time.perf_counter()
    z = pts[:, 2] - pts[:, 2].mean()
    m2 = (z * z).sum() / (n - 1)
    for i in range(sample):
        others = np.delete(z, i)
        picks = np.array([rng.choice(n - 1, 8, replace=False) for _ in range(999)])
        _ = (z[i] / m2 * (others[picks].mean(1)))
    t_lisa = (time.perf_counter() - t0) * n / sample
    ok_score = abs(score[0] - cs["score_0"]) < 1e-9 and abs(d.mean() - cs["mean_D"]) < 1e-9
    ok_moran = abs(i_obs - cs["moran_I"]) < 1e-9
    print(f"inputs: {cs['n_counties']} counties, {cs['n_located']} located; countyscope threads = {cs['threads']}")
    print(f"results agree: score/D {ok_score}, Moran's I {ok_moran} (I = {i_obs:.6f})")
    rows = [("entropy-TOPSIS-CCD (2,943 counties)", cs["score_pipeline_s"], t_score),
            ("  the same on 1 thread", cs["score_pipeline_1t_s"], t_score),
            ("kNN-8 weights (great circle vs KD-tree)", cs["weights_knn8_s"], t_w),
            ("Moran's I + 999 permutations", cs["moran_999_s"], t_moran),
            ("LISA + 999 conditional permutations", cs["lisa_999_s"], t_lisa)]
    print(f"{'kernel':44s} {'countyscope s':>14s} {'numpy/scipy s':>14s} {'ratio':>8s}")
    for name, a, b in rows:
        print(f"{name:44s} {a:14.5f} {b:14.5f} {b / a:8.1f}x")
    print("(numpy LISA time extrapolated from 300 units; ratio = peer time / countyscope time)")
    return 0 if ok_score and ok_moran else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
