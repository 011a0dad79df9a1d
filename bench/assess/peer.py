#!/usr/bin/env python3
"""NumPy/SciPy peer for bench/assess: the same formulas as countyscope's assessment kernels, written the way a
careful NumPy user (or esda) writes them, on one core (BLAS pinned to one thread).

Reads the inputs and our answers written by bench_assess (x.csv, dirs.csv, points.csv, ours_*.csv) and its JSON
(timings, repetitions, thread count). Times each kernel the same number of times as ours (minimum of the runs),
compares every answer with ours before printing a time, and prints one SUMMARY line per comparison
(bench/benchlib.py): entropy-TOPSIS-CCD (all scores and D), kNN-8 weights (the same neighbour sets), Moran's I
with 999 permutations (I equal; p within Monte Carlo error) and LISA with 999 conditional permutations in esda's
way (one 999 x k table of neighbour ids drawn once and reused for every unit, as esda's crand; I_i equal, p_i
within Monte Carlo error). Usage: peer.py WORK_DIR CS_JSON
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import benchlib  # noqa: E402

benchlib.single_thread_env()
import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

B = "assess"


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


def band_neighbours(lon, lat, km):
    """Every point within km (great circle) of each point, itself included: cKDTree balls of the equal chord
    (lists of indices, the form SciPy gives)."""
    lo, la = np.radians(lon), np.radians(lat)
    xyz = np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])
    chord = 2 * np.sin(km / 6371.0088 / 2)
    return cKDTree(xyz).query_ball_point(xyz, chord)


def fold(larger, perms):
    return (np.minimum(larger, perms - larger) + 1) / (perms + 1)


def moran_perm(z, W, perms, rng):
    """Moran's I and esda's folded pseudo p from `perms` permutations, all drawn in one vectorised call."""
    n = len(z)
    s0 = W.sum()
    zz = (z * z).sum()
    i_obs = n / s0 * (z @ (W @ z)) / zz
    Z = rng.permuted(np.broadcast_to(z, (perms, n)), axis=1).T  # n x perms
    sims = n / s0 * (Z * (W @ Z)).sum(0) / zz
    return i_obs, fold(int((sims >= i_obs).sum()), perms)


def lisa_crand(z, nbr, wts, perms, rng, chunk=256):
    """Local Moran I_i and esda's folded pseudo p_i by conditional randomisation as esda's crand does it: one table
    of `perms` x k neighbour ids (k distinct ids of the n-1 other units per row) drawn once and reused for every
    unit, an id >= i shifted by one so that unit i never draws itself. nbr, wts: n x k (kNN, row-standardised)."""
    n, k = nbr.shape
    m2 = (z * z).sum() / (n - 1)
    lag = (z[nbr] * wts).sum(1)
    ii = z / m2 * lag
    ids = rng.random((perms, n - 1)).argsort(axis=1)[:, :k]  # esda's vec_permutations
    p = np.empty(n)
    for a in range(0, n, chunk):
        units = np.arange(a, min(n, a + chunk))
        shifted = ids[None, :, :] + (ids[None, :, :] >= units[:, None, None])  # chunk x perms x k
        lags = (z[shifted] * wts[units][:, None, :]).sum(2)
        sims = (z[units] / m2)[:, None] * lags
        larger = (sims >= ii[units][:, None]).sum(1)
        p[units] = fold(larger, perms)
    return ii, p


def mc_tolerance(p, perms):
    """Two independent Monte Carlo estimates of the same p from `perms` draws differ by more than this with
    probability < 1e-6 per unit (5 standard deviations of the difference, plus two draws' granularity)."""
    q = np.clip(p, 1.0 / (perms + 1), 0.5)
    return 5 * np.sqrt(2 * q * (1 - q) / perms) + 2.0 / (perms + 1)


def main(work, cs_json):
    cs = json.loads(cs_json)
    x = np.loadtxt(f"{work}/x.csv", delimiter=",", skiprows=1)
    dd = np.loadtxt(f"{work}/dirs.csv", delimiter=",", skiprows=1)
    dirs, dims = dd[:, 0], dd[:, 1].astype(int)
    pts = np.loadtxt(f"{work}/points.csv", delimiter=",", skiprows=1)
    ours_sc = np.loadtxt(f"{work}/ours_scores.csv", delimiter=",", skiprows=1)
    ours_w = np.loadtxt(f"{work}/ours_weights.csv", delimiter=",", skiprows=1)
    ours_l = np.genfromtxt(f"{work}/ours_lisa.csv", delimiter=",", skip_header=1, dtype=None, encoding="utf-8")
    th = cs["threads"]
    rng = np.random.default_rng(12345)
    print(f"inputs: {cs['n_counties']} counties, {cs['n_located']} located; countyscope threads = 1 and {th}; "
          f"peer: NumPy/SciPy on 1 thread")

    def both(case, peer, reps, match, ours_1t, ours_all, peer_s):
        benchlib.summary(B, case, peer, 1, 1, reps, "min", match, ours_1t, peer_s)
        if th > 1:
            benchlib.summary(B, case, peer, 1, th, reps, "min", match, ours_all, peer_s)

    # entropy-TOPSIS-CCD
    r = cs["reps_score"]
    t, (score, d) = benchlib.timed(lambda: pipeline(x, dirs, dims), r)
    m = benchlib.compare_close(np.column_stack([score, d]), ours_sc, rtol=1e-9, atol=1e-12)
    both(f"entropy-TOPSIS-CCD ({cs['n_counties']:,} counties)", "NumPy", r, m, cs["score_pipeline_1t_s"],
         cs["score_pipeline_s"], t)
    # kNN-8 weights: the same neighbour set for every county.
    r = cs["reps_weights"]
    t, W = benchlib.timed(lambda: knn_weights(pts[:, 0], pts[:, 1], 8), r)
    n = len(pts)
    ours_W = sparse.csr_matrix((ours_w[:, 2], (ours_w[:, 0].astype(int), ours_w[:, 1].astype(int))), shape=(n, n))
    diff = abs(W - ours_W)
    m = True if diff.nnz == 0 or diff.max() < 1e-12 else \
        f"{len(set(diff.nonzero()[0]))} counties have other neighbours (ties at equal distance?)"
    both("kNN-8 weights (great circle vs KD-tree on unit vectors)", "SciPy cKDTree", r, m, cs["weights_knn8_1t_s"],
         cs["weights_knn8_s"], t)
    # Distance band of 100 km: the same neighbour set for every county.
    t, balls = benchlib.timed(lambda: band_neighbours(pts[:, 0], pts[:, 1], 100.0), r)
    ours_b = np.loadtxt(f"{work}/ours_band100.csv", delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    ours_rows = [[] for _ in range(n)]
    for i, j in ours_b:
        ours_rows[i].append(int(j))
    off = sum(1 for i in range(n) if ours_rows[i] != sorted(j for j in balls[i] if j != i))
    m = True if off == 0 else f"{off} counties have other neighbours (at the band's edge?)"
    both("distance band 100 km (great circle vs KD-tree balls on unit vectors)", "SciPy cKDTree", r, m,
         cs["weights_band100_1t_s"], cs["weights_band100_s"], t)
    # The remaining kernels run on our weights (equal to the peer's when the line above matched).
    W = ours_W
    nbr = ours_w[:, 1].astype(np.int64).reshape(n, -1)
    wts = ours_w[:, 2].reshape(n, -1)
    z = pts[:, 2] - pts[:, 2].mean()
    # Moran's I + 999 permutations.
    r = cs["reps_moran"]
    t, (i_obs, p_sim) = benchlib.timed(lambda: moran_perm(z, W, 999, rng), r)
    m = benchlib.compare_close([i_obs], [cs["moran_I"]], rtol=1e-9)
    if m is True and abs(p_sim - cs["moran_p_sim"]) > mc_tolerance(cs["moran_p_sim"], 999):
        m = f"p_sim {p_sim} vs ours {cs['moran_p_sim']} beyond Monte Carlo error"
    both("Moran's I + 999 permutations", "NumPy", r, m, cs["moran_999_1t_s"], cs["moran_999_s"], t)
    # LISA + 999 conditional permutations, esda's crand.
    r = cs["reps_lisa"]
    t, (ii, p) = benchlib.timed(lambda: lisa_crand(z, nbr, wts, 999, rng), r)
    o_ii = np.array([row[0] for row in ours_l], dtype=float)
    o_p = np.array([row[1] for row in ours_l], dtype=float)
    o_lab = np.array([row[2] for row in ours_l])
    m = benchlib.compare_close(ii, o_ii, rtol=1e-9, atol=1e-12)
    if m is True:
        bad = np.abs(p - o_p) > mc_tolerance((p + o_p) / 2, 999)
        if bad.any():
            j = int(np.argmax(np.abs(p - o_p)))
            m = f"{int(bad.sum())} p_i beyond Monte Carlo error, e.g. unit {j}: {p[j]} vs ours {o_p[j]}"
    lab = np.where(p < 0.05, np.where(z > 0, np.where(lag_of(z, nbr, wts) > 0, "HH", "HL"),
                                      np.where(lag_of(z, nbr, wts) > 0, "LH", "LL")), "ns")
    print(f"LISA: largest |p_i - ours| {np.abs(p - o_p).max():.4f}; mean {np.abs(p - o_p).mean():.4f}; cluster "
          f"labels equal for {int((lab == o_lab).sum())} of {n} units (the rest sit near alpha = 0.05); "
          f"significant: peer {int((p < 0.05).sum())}, ours {int((o_p < 0.05).sum())}")
    both("LISA + 999 conditional permutations (esda crand)", "NumPy (esda's algorithm)", r, m, cs["lisa_999_1t_s"],
         cs["lisa_999_s"], t)
    return 0


def lag_of(z, nbr, wts):
    return (z[nbr] * wts).sum(1)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
