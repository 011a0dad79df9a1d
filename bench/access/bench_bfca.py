"""BFCA benchmark (issue 18): the balanced floating catchment area (Paez et al. 2019, R accessibility's fca_bfca) on
R accessibility's Belo Horizonte data (data/reference/belo_horizonte: 898 hexagons, 748,437 transit travel times in
minutes; every hexagon is a demand point with its population and a facility with its jobs; a missing pair = no
path), countyscope against vectorised NumPy implementations of the same formulas, in the same run:

    f = weight matrix (binary t <= 45, or exponential e^(-0.1 t); 0 for a missing pair)
    r = f.sum(1); c = f.sum(0); dB = (P / r) @ f (rows with r = 0 excluded); A = f @ (S / dB / c) (0 where dB or c
    is 0)

on dense 898 x 898 float64 arrays, one thread (OMP/OpenBLAS/MKL/BLIS pinned to 1). The peer is the fastest of two
NumPy variants whose answers agree to 1e-9: "dense" (the weights from the float64 minutes) and "codes" (the
matrix prepared once as np.unique's inverse, uint8 codes into the distinct times, like ours: the weights are a
comparison of codes, or a table of exp per distinct time indexed by the codes). float32 weights or float32
mat-vecs (BLAS sgemv) are timed too but differ by ~1e-6 (the 1e-9 check fails), so they cannot be the peer.
  query-only   BFCA from an in-memory matrix. Ours through bench_bfca_query (C++, timed inside the process):
               "dense" compute_fca on the float32 matrix of seconds (fca2, bfca and spatial availability), and
               "prepared" compute_fca on a cs::access::FcaMatrix built once (its build timed and reported on its
               own), BFCA alone and all three measures; through the Python module: countyscope.fca on the array
               (copies and checks the matrix in the call) and on a countyscope.FcaMatrix (measures=["bfca"]).
               Rounds interleave ours and the peer variants (--rounds, each --repeat / rounds runs per side);
               the minimum over all runs is reported.
  end to end   `countyscope access` from the CSV files (its process start, reading, every access measure and
               writing its tables) against pandas.read_csv of the same files + the dense matrix + the NumPy BFCA +
               writing the BFCA column with pandas.
Every answer is compared with the dense NumPy one (relative 1e-9) before its time is printed; both sides are timed
the same number of times and the minimum reported (bench/benchlib.py).

Usage: bench_bfca.py BUILD_DIR [--repeat N] [--rounds N] [--e2e-repeat N]
"""
import argparse
import csv
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))
import benchlib  # noqa: E402

benchlib.single_thread_env()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

B = "bfca"
REF = os.path.join(ROOT, "data", "reference", "belo_horizonte")
CASES = (("binary 45 min", "binary", ["--cutoff-min", "45"]),
         ("exponential 0.1/min", "exponential", ["--fca-beta", "0.1"]))


def weights(t, decay):
    """The impedance on a dense float64 matrix of minutes (np.inf = no path)."""
    if decay == "binary":
        return (t <= 45.0).astype(np.float64)
    return np.exp(-0.1 * t)  # exp(-inf) = 0


def bfca_of_weights(f, P, S):
    """R accessibility's fca_bfca on the impedance matrix f (float64)."""
    r = f.sum(1)
    c = f.sum(0)
    w = np.divide(P, r, out=np.zeros_like(P), where=r > 0)
    dB = w @ f
    ok = (dB > 0) & (c > 0)
    R = np.divide(S, dB * c, out=np.zeros_like(S), where=ok)
    return f @ R


def numpy_bfca(t, P, S, decay):
    return bfca_of_weights(weights(t, decay), P, S)


def numpy_bfca_codes(inv, u, P, S, decay):
    """The same formulas on the matrix prepared as codes (inv: uint8 ranks into the sorted distinct minutes u)."""
    if decay == "binary":
        f = (inv < np.searchsorted(u, 45.0, side="right")).astype(np.float64)
    else:
        f = np.exp(-0.1 * u)[inv]
    return bfca_of_weights(f, P, S)


def numpy_bfca_f32(t32min, P, S, decay):
    """float32 weights and float32 mat-vecs (BLAS sgemv): faster, but ~1e-6 from the float64 answer."""
    f = (t32min <= np.float32(45)).astype(np.float32) if decay == "binary" else np.exp(np.float32(-0.1) * t32min)
    r = f.sum(1, dtype=np.float64)
    c = f.sum(0, dtype=np.float64)
    w = np.divide(P, r, out=np.zeros_like(P), where=r > 0)
    dB = (w.astype(np.float32) @ f).astype(np.float64)
    ok = (dB > 0) & (c > 0)
    R = np.divide(S, dB * c, out=np.zeros_like(S), where=ok)
    return (f @ R.astype(np.float32)).astype(np.float64)


def load_dense(matrix_csv, land_csv):
    """pandas: the land-use table and the long matrix into a dense float64 matrix of minutes (np.inf = no path)."""
    land = pd.read_csv(land_csv, usecols=["id", "population", "jobs"])
    m = pd.read_csv(matrix_csv, usecols=["from_id", "to_id", "travel_time"])
    ids = pd.Index(land["id"])
    i, j = ids.get_indexer(m["from_id"]), ids.get_indexer(m["to_id"])
    t = np.full((len(ids), len(ids)), np.inf)
    t[i, j] = m["travel_time"].to_numpy(dtype=np.float64)
    return ids, t, land["population"].to_numpy(dtype=np.float64), land["jobs"].to_numpy(dtype=np.float64)


def peer_e2e(matrix_csv, land_csv, out_csv, decay):
    ids, t, P, S = load_dense(matrix_csv, land_csv)
    a = numpy_bfca(t, P, S, decay)
    pd.DataFrame({"id": ids, "jobs_bfca": a}).to_csv(out_csv, index=False)
    return a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--repeat", type=int, default=60, help="runs of each side, query-only")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds, query-only")
    ap.add_argument("--e2e-repeat", type=int, default=7, help="runs of each side, end to end")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    sys.path.insert(0, os.path.join(build, "python"))
    import countyscope  # noqa: E402
    exe = os.path.join(build, "apps", "countyscope", "countyscope")
    qexe = os.path.join(build, "bench", "access", "bench_bfca_query")
    load = lambda: open("/proc/loadavg").read().split()[0]  # noqa: E731

    with tempfile.TemporaryDirectory(prefix="cs-bench-bfca-") as tmp:
        # The same uncompressed CSV files for both sides: the matrix as shipped, the land use, and the command's
        # demand (id,population) and facilities (id,service,capacity = jobs) tables.
        mat = os.path.join(tmp, "travel_matrix.csv")
        with gzip.open(os.path.join(REF, "travel_matrix.csv.gz"), "rb") as src, open(mat, "wb") as dst:
            shutil.copyfileobj(src, dst)
        land_csv = os.path.join(REF, "land_use_data.csv")
        land = list(csv.DictReader(open(land_csv, encoding="utf-8")))
        dem, fac = os.path.join(tmp, "demand.csv"), os.path.join(tmp, "facilities.csv")
        with open(dem, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "population"]), w.writerows((r["id"], r["population"]) for r in land)
        with open(fac, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "service", "capacity"]), w.writerows((r["id"], "jobs", r["jobs"]) for r in land)

        ids, _, P, S = load_dense(mat, land_csv)
        # Query-only input: float32 minutes for ours (the module copies them into float32 seconds, x 60 in float32,
        # part of its timed call); the peer gets those seconds / 60 as float64 minutes, made before timing, so that
        # both compute on the same times. End to end, both sides read the file's minutes.
        m = pd.read_csv(mat)
        t32 = np.full((len(ids), len(ids)), np.inf, dtype=np.float32)
        t32[ids.get_indexer(m["from_id"]), ids.get_indexer(m["to_id"])] = m["travel_time"].to_numpy(np.float32)
        t64 = (t32 * np.float32(60.0)).astype(np.float64) / 60.0
        tf, pf, sf = (os.path.join(tmp, x) for x in ("t.f32", "p.f64", "s.f64"))
        (t32 * np.float32(60.0)).tofile(tf), P.tofile(pf), S.tofile(sf)
        print(f"Belo Horizonte: {len(ids)} hexagons, {int(np.isfinite(t64).sum()):,} pairs with a path; "
              f"load {load()}")
        # The peers' prepared matrix: np.unique's inverse (uint8 codes), made once before timing like our FcaMatrix.
        u, inv = np.unique(t64, return_inverse=True)
        inv = inv.reshape(t64.shape).astype(np.uint8 if len(u) <= 256 else np.uint16)
        t32min = t64.astype(np.float32)
        rounds, per = max(1, a.rounds), max(1, a.repeat // max(1, a.rounds))
        reps = rounds * per
        qout = os.path.join(tmp, "bfca.f64")

        def cpp(decay, n, mode, measures):
            """One round of bench_bfca_query: (best query s, build s, bfca)."""
            res = subprocess.run([qexe, tf, pf, sf, str(len(ids)), str(len(ids)), decay, str(n), str(per), qout, mode,
                                  measures], check=True, capture_output=True, text=True).stdout.split()
            return float(res[0]), float(res[1]), np.fromfile(qout, dtype=np.float64)

        for label, decay, flags in CASES:
            # query-only, interleaved rounds
            print(f"{label}, query-only: load {load()}")
            pm = countyscope.FcaMatrix(t32)  # the module's prepared matrix (its build timed below)
            peers = {"dense": lambda: numpy_bfca(t64, P, S, decay),
                     "codes": lambda: numpy_bfca_codes(inv, u, P, S, decay),
                     "float32": lambda: numpy_bfca_f32(t32min, P, S, decay)}
            ours_cpp = {("dense", "all", 1): None, ("prepared", "bfca", 1): None, ("prepared", "bfca", 2): None,
                        ("prepared", "all", 1): None}
            ours_py = {"array": lambda n: countyscope.fca(t32, P, S, cutoff_min=45, fca_decay=decay, fca_beta=0.1,
                                                          threads=n),
                       "FcaMatrix": lambda n: countyscope.fca(pm, P, S, cutoff_min=45, fca_decay=decay,
                                                              fca_beta=0.1, measures=["bfca"], threads=n)}
            best = {}
            answers = {}
            build = []
            for _ in range(rounds):
                for k in ours_cpp:
                    q, b, ans = cpp(decay, k[2], k[0], k[1])
                    best[("C++",) + k] = min(best.get(("C++",) + k, q), q)
                    answers[("C++",) + k] = ans
                    if k[0] == "prepared":
                        build.append(b)
                for name, fn in peers.items():
                    q, ans = benchlib.timed(fn, per)
                    best[("peer", name)] = min(best.get(("peer", name), q), q)
                    answers[("peer", name)] = ans
                for name, fn in ours_py.items():
                    for n in (1, 2):
                        q, ans = benchlib.timed(lambda: fn(n), per)
                        best[("Python", name, n)] = min(best.get(("Python", name, n), q), q)
                        answers[("Python", name, n)] = ans["bfca"]
            pb, _ = benchlib.timed(lambda: countyscope.FcaMatrix(t32), 5)
            theirs = answers[("peer", "dense")]
            eligible = {}
            for name in peers:
                m = benchlib.compare_close(theirs, answers[("peer", name)], rtol=1e-9)
                if m is True:
                    eligible[name] = best[("peer", name)]
                print(f"  peer NumPy {name}: {best[('peer', name)] * 1e3:.3f} ms, "
                      f"{'agrees to 1e-9' if m is True else 'not eligible: ' + str(m)}")
            peer_name = min(eligible, key=eligible.get)
            np_s = eligible[peer_name]
            print(f"  peer = NumPy {peer_name} (fastest eligible); our FcaMatrix build: C++ {min(build) * 1e3:.2f} ms, "
                  f"Python (minutes in, checks + seconds + codes) {pb * 1e3:.2f} ms; load {load()}")
            peer_txt = f"NumPy {peer_name} (BFCA only)"
            for (mode, measures, n) in ours_cpp:
                m = benchlib.compare_close(theirs, answers[("C++", mode, measures, n)], rtol=1e-9)
                what = "BFCA alone" if measures == "bfca" else "fca2 + bfca + availability"
                benchlib.summary(B, f"Belo Horizonte 898 x 898 BFCA {label}: query-only, C++ {mode} ({what})",
                                 peer_txt, 1, n, reps, "min", m, best[("C++", mode, measures, n)], np_s)
            for name in ours_py:
                for n in (1, 2):
                    m = benchlib.compare_close(theirs, answers[("Python", name, n)], rtol=1e-9)
                    what = "FcaMatrix, BFCA alone" if name == "FcaMatrix" else "array, all three measures"
                    benchlib.summary(B, f"Belo Horizonte 898 x 898 BFCA {label}: query-only, Python ({what})",
                                     peer_txt, 1, n, reps, "min", m, best[("Python", name, n)], np_s)
            # end to end
            for n in (1, 2):
                out = os.path.join(tmp, f"out-{decay}-{n}")
                cmd = [exe, "--quiet", "access", "--matrix", mat, "--time-col", "travel_time", "--demand", dem,
                       "--facilities", fac, "--fca-decay", decay, *flags, "--threads", str(n), "--out", out]
                cs_s, _ = benchlib.timed(lambda: subprocess.run(cmd, check=True), a.e2e_repeat)
                got = pd.read_csv(os.path.join(out, "access_demand.csv"), dtype={"id": str})
                got = got.set_index("id")["jobs_bfca"].reindex(ids).to_numpy(dtype=np.float64)
                if n == 1:
                    pe_s, theirs = benchlib.timed(
                        lambda: peer_e2e(mat, land_csv, os.path.join(tmp, "peer.csv"), decay), a.e2e_repeat)
                m = benchlib.compare_close(theirs, np.nan_to_num(got, nan=0.0), rtol=1e-9)
                print(f"{label}, end to end, ours on {n} thread(s): load {load()}")
                benchlib.summary(B, f"Belo Horizonte 898 x 898 BFCA {label}: end to end (CSV in, table out)",
                                 "pandas + NumPy (BFCA only)", 1, n, a.e2e_repeat, "min", m, cs_s, pe_s)


if __name__ == "__main__":
    main()
