"""Shared rules of the benches (bench/README.md, "Rules"): every peer's answer is compared with ours before its time
is printed, both sides are timed the same number of times with the same statistic, and each comparison ends in one
SUMMARY line that bench/run.sh collects into its closing table.

SUMMARY|bench|case|peer|peer threads|our threads|reps|statistic|match|ours s|peer s|ratio
No ratio is printed for a peer whose answer did not match: the match field then reads MISMATCH and the difference.
"""
import os
import time

import numpy as np


def single_thread_env():
    """Pins NumPy's BLAS (OpenBLAS / BLIS / MKL) to one thread; call before importing numpy in a peer process."""
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[k] = "1"


def timed(fn, reps, stat="min"):
    """Runs fn reps times; returns (statistic of the wall times, fn's last result). stat: min | median."""
    times, out = [], None
    for _ in range(max(1, reps)):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return (min(times) if stat == "min" else float(np.median(times))), out


def summary(bench, case, peer, peer_threads, ours_threads, reps, stat, match, ours_s, peer_s):
    """Prints the closing line of one comparison. match: True, or a string describing the difference."""
    ok = match is True
    m = "yes" if ok else f"MISMATCH ({match})"
    ratio = f"{peer_s / max(ours_s, 1e-12):.2f}x" if ok and ours_s and peer_s else "-"
    peer_txt = f"{peer_s:.4g}" if ok and peer_s is not None else "-"
    ours_txt = f"{ours_s:.4g}" if ours_s is not None else "-"
    print(f"SUMMARY|{bench}|{case}|{peer}|{peer_threads}|{ours_threads}|{reps}|{stat}|{m}|{ours_txt}|{peer_txt}|{ratio}",
          flush=True)
    return ok


def compare_exact(theirs, ours):
    """True when the integer matrices are equal, else a short description of the difference."""
    theirs, ours = np.asarray(theirs), np.asarray(ours)
    if theirs.shape != ours.shape:
        return f"shape {theirs.shape} vs {ours.shape}"
    bad = np.argwhere(theirs != ours)
    if len(bad) == 0:
        return True
    i = tuple(bad[0])
    return f"{len(bad)} of {ours.size} entries differ, e.g. {i}: {theirs[i]} vs ours {ours[i]}"


def compare_close(theirs, ours, rtol, atol=0.0):
    """True when the arrays agree to rtol/atol (NaN equals NaN, inf equals inf), else the largest difference."""
    a = np.asarray(theirs, dtype=float).ravel()
    b = np.asarray(ours, dtype=float).ravel()
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    diff = np.where(same, 0.0, np.abs(a - b))
    diff = np.where(np.isnan(diff), np.inf, diff)
    bad = diff > atol + rtol * np.abs(b)
    if not bad.any():
        return True
    i = int(np.argmax(np.where(bad, diff, -1)))
    return f"{int(bad.sum())} of {a.size} differ, largest at {i}: {a[i]:.10g} vs ours {b[i]:.10g}"
