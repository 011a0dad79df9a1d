#!/usr/bin/env python3
"""NumPy/SciPy peer for bench/stats: the same formulas as `countyscope stats autocorrelation`'s kernels, written the
way esda / libpysal / a careful NumPy user writes them, on one core (BLAS pinned to one thread).

Reads what bench_stats wrote (grid_y.csv, centres.csv, random.csv, ours_*.csv) and its JSON (timings, repetitions),
times each kernel the same number of times as ours (minimum), compares every answer with ours before printing a
time, and prints one SUMMARY line per comparison (bench/benchlib.py):
- queen contiguity of the R x C grid of unit squares: libpysal's Queen.from_iterable (same link sets);
- LISA with 999 conditional permutations on it, row-standardised, esda's crand (one 999 x k_max table of
  neighbour ids drawn once and reused for every unit, an id >= i shifted by one; the first k_i columns for a unit
  with k_i neighbours): I_i equal, p_i within Monte Carlo error;
- kNN-8 and the 50 km band on the county centres and on 10^5 random points: SciPy cKDTree on unit vectors (tree +
  query / query_ball_point; chord distance orders like the great-circle distance), the same neighbour sets. Timed
  end to end (unit vectors + tree + query, against ours: unit vectors + tree + search + rows) and query only (the
  tree built once outside the timing, against our search part as build_weights reports it); kNN asks cKDTree for
  k = 9 (its answer includes the point itself) and drops the first column, as a SciPy user must; workers = 1.
Usage: peer.py WORK_DIR CS_JSON
"""
import json
import os
import sys
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import benchlib  # noqa: E402

benchlib.single_thread_env()
import numpy as np  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

B = "stats"
R_EARTH = 6371.0088


def unit(lon, lat):
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def knn_sets(pts, k):
    xyz = unit(pts[:, 0], pts[:, 1])
    _, idx = cKDTree(xyz).query(xyz, k + 1, workers=1)
    return idx[:, 1:]


def band_sets(pts, km):
    xyz = unit(pts[:, 0], pts[:, 1])
    return cKDTree(xyz).query_ball_point(xyz, band_chord(km))


def band_chord(km):
    return 2 * np.sin(km / R_EARTH / 2)


def fold(larger, perms):
    return (np.minimum(larger, perms - larger) + 1) / (perms + 1)


def lisa_crand(z, nbr_of, perms, rng, chunk=256):
    """Local Moran I_i (esda: m2 = sum z^2 / (n - 1)) and esda's folded pseudo p_i, row-standardised weights."""
    n = len(z)
    m2 = (z * z).sum() / (n - 1)
    k = np.array([len(r) for r in nbr_of])
    lag = np.array([z[r].mean() for r in nbr_of])
    ii = z / m2 * lag
    kmax = int(k.max())
    ids = rng.random((perms, n - 1)).argsort(axis=1)[:, :kmax]  # esda's vec_permutations
    p = np.empty(n)
    for kk in np.unique(k):
        units_k = np.flatnonzero(k == kk)
        sub = ids[:, :kk]
        for a in range(0, len(units_k), chunk):
            units = units_k[a:a + chunk]
            shifted = sub[None, :, :] + (sub[None, :, :] >= units[:, None, None])  # chunk x perms x k
            sims = (z[units] / m2)[:, None] * z[shifted].mean(2)
            p[units] = fold((sims >= ii[units][:, None]).sum(1), perms)
    return ii, p


def mc_tolerance(p, perms):
    q = np.clip(p, 1.0 / (perms + 1), 0.5)
    return 5 * np.sqrt(2 * q * (1 - q) / perms) + 2.0 / (perms + 1)


def rows_of(links, n):
    out = [[] for _ in range(n)]
    for i, j in links:
        out[int(i)].append(int(j))
    return out


def main(work, cs_json):
    cs = json.loads(cs_json)
    th = cs["threads"]
    rng = np.random.default_rng(12345)
    rows, cols = cs["rows"], cs["cols"]
    n = rows * cols
    print(f"inputs: {rows} x {cols} = {n:,} square polygons ({cs['queen_links']:,} queen links); "
          f"{cs['n_centres']:,} county centres; {cs['n_random']:,} random points; countyscope threads = 1 and {th}; "
          f"peer: NumPy/SciPy on 1 thread")

    def both(case, peer, reps, match, ours_1t, ours_all, peer_s):
        benchlib.summary(B, case, peer, 1, 1, reps, "min", match, ours_1t, peer_s)
        if th > 1 and ours_all is not None:
            benchlib.summary(B, case, peer, 1, th, reps, "min", match, ours_all, peer_s)

    ours_q = np.loadtxt(f"{work}/ours_queen.csv", delimiter=",", skiprows=1, dtype=np.int64)
    ours_rows = rows_of(ours_q, n)
    # Queen contiguity: libpysal from the same polygons.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import libpysal
        polys = [libpysal.cg.Polygon([(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1), (c, r)])
                 for r in range(rows) for c in range(cols)]
        t, w = benchlib.timed(lambda: libpysal.weights.Queen.from_iterable(polys), cs["reps_queen"])
        off = sum(1 for i in range(n) if sorted(w.neighbors[i]) != ours_rows[i])
        m = True if off == 0 else f"{off} polygons have other neighbours"
        both(f"queen contiguity ({n:,} polygons)", "libpysal Queen", cs["reps_queen"], m, cs["queen_s"], None, t)
    except ImportError as e:
        print(f"queen contiguity: libpysal not available ({e}); not compared")
    # LISA + 999 conditional permutations.
    y = np.loadtxt(f"{work}/grid_y.csv", delimiter=",", skiprows=1)
    z = y - y.mean()
    nbr_of = [np.array(r, dtype=np.int64) for r in ours_rows]
    ours_l = np.loadtxt(f"{work}/ours_lisa.csv", delimiter=",", skiprows=1)
    t, (ii, p) = benchlib.timed(lambda: lisa_crand(z, nbr_of, 999, rng), cs["reps_lisa"])
    m = benchlib.compare_close(ii, ours_l[:, 0], rtol=1e-9, atol=1e-12)
    if m is True:
        bad = np.abs(p - ours_l[:, 1]) > mc_tolerance((p + ours_l[:, 1]) / 2, 999)
        if bad.any():
            m = f"{int(bad.sum())} p_i beyond Monte Carlo error"
    print(f"LISA: largest |p_i - ours| {np.abs(p - ours_l[:, 1]).max():.4f}; significant at 0.05: peer "
          f"{int((p < 0.05).sum())}, ours {int((ours_l[:, 1] < 0.05).sum())}")
    both(f"LISA + 999 conditional permutations, queen ({n:,} polygons)", "NumPy (esda's crand)", cs["reps_lisa"], m,
         cs["lisa_999_1t_s"], cs["lisa_999_s"], t)
    # Weights on the centres and on 10^5 random points.
    for name, reps in (("centres", cs["reps_w_centres"]), ("random", cs["reps_w_random"])):
        pts = np.loadtxt(f"{work}/{name}.csv", delimiter=",", skiprows=1)
        npts = len(pts)
        t, idx = benchlib.timed(lambda: knn_sets(pts, 8), reps)
        ours = rows_of(np.loadtxt(f"{work}/ours_knn8_{name}.csv", delimiter=",", skiprows=1, dtype=np.int64), npts)
        off = sum(1 for i in range(npts) if sorted(idx[i].tolist()) != ours[i])
        m = True if off == 0 else f"{off} points have other neighbours (ties?)"
        both(f"kNN-8 weights, {npts:,} points (great circle)", "SciPy cKDTree", reps, m, cs[f"knn8_{name}_1t_s"],
             cs[f"knn8_{name}_s"], t)
        xyz = unit(pts[:, 0], pts[:, 1])
        tree = cKDTree(xyz)
        tq, iq = benchlib.timed(lambda: tree.query(xyz, 9, workers=1)[1][:, 1:], reps)
        m = True if np.array_equal(iq, idx) else "query-only answer differs from end to end"
        benchlib.summary(B, f"kNN-8 weights, query only, {npts:,} points (great circle)", "SciPy cKDTree", 1, 1, reps,
                         "min", m, cs[f"knn8_{name}_query_s"], tq)
        t, balls = benchlib.timed(lambda: band_sets(pts, 50.0), reps)
        ours = rows_of(np.loadtxt(f"{work}/ours_band50_{name}.csv", delimiter=",", skiprows=1, dtype=np.int64,
                                  ndmin=2), npts)
        off = sum(1 for i in range(npts) if ours[i] != sorted(j for j in balls[i] if j != i))
        m = True if off == 0 else f"{off} points have other neighbours (at the band's edge?)"
        both(f"distance band 50 km, {npts:,} points (great circle)", "SciPy cKDTree", reps, m,
             cs[f"band50_{name}_1t_s"], cs[f"band50_{name}_s"], t)
        tq, bq = benchlib.timed(lambda: tree.query_ball_point(xyz, band_chord(50.0), workers=1), reps)
        m2 = m if all(sorted(a) == sorted(b) for a, b in zip(bq, balls)) else "query-only answer differs"
        benchlib.summary(B, f"distance band 50 km, query only, {npts:,} points (great circle)", "SciPy cKDTree", 1, 1,
                         reps, "min", m2, cs[f"band50_{name}_query_s"], tq)
        print(f"{name}: our index (unit vectors + KD-tree) {cs[f'knn8_{name}_index_s'] * 1e3:.3f} ms (minimum)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
