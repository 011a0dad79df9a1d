#!/usr/bin/env python3
"""Flows bench, comparison side: reads the cases bench_flows timed (its "case ..." lines on stdin), fits each one's
OD with the peer of bench/flows/peer.py (statsmodels for the unconstrained model, the iterative Poisson
fixed-effect estimator for the constrained ones; one core, BLAS pinned to one thread) as many times as ours ran,
compares beta and deviance with ours before printing a time, and prints one SUMMARY line per case and thread count
(bench/benchlib.py). Statistic: median wall time on both sides. Usage: compare.py WORK_DIR < ours.txt
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import benchlib  # noqa: E402

benchlib.single_thread_env()
import pandas as pd  # noqa: E402

import peer  # noqa: E402

FILES = {"austria": ("austria.csv", "dij_km", "origin_var_Oi", "dest_var_Dj"),
         "settlements": ("settlements.csv", "cost_min", "origin_mass", "dest_mass"),
         "demand300": ("demand300.csv", "cost_min", "origin_mass", "dest_mass"),
         "demand1000": ("demand1000.csv", "cost_min", "origin_mass", "dest_mass")}


def main(work):
    cases = []
    for line in sys.stdin:
        if line.startswith("case "):
            f = line.split()
            kv = dict(x.split("=", 1) for x in f[3:])
            cases.append((f[1], f[2], kv))
    data, done = {}, {}
    for name, model, kv in cases:
        path, cost, om, dm = FILES[name]
        if name not in data:
            data[name] = pd.read_csv(os.path.join(work, path), dtype={"origin": str, "destination": str})
        reps = int(kv["reps"])
        key = (name, model)
        if key not in done:  # the peer runs once per case (one core), shared by our 1- and all-thread lines
            arrays = peer.prepare(data[name], model, cost, om, dm)
            t, r = benchlib.timed(lambda: peer.fit(*arrays), reps, "median")
            m = benchlib.compare_close([r["beta"], r["deviance"]], [float(kv["beta"]), float(kv["deviance"])],
                                       rtol=1e-6)
            done[key] = (t, m, r)
            print(f"  {name} {model}: peer beta {r['beta']:.10g} deviance {r['deviance']:.10g} "
                  f"({r['iterations']} iterations); ours beta {float(kv['beta']):.10g} deviance "
                  f"{float(kv['deviance']):.10g} ({kv['iterations']} iterations)")
        t, m, _ = done[key]
        who = "statsmodels GLM" if model == "unconstrained" else "NumPy FE-absorbing Poisson IRLS"
        n = int(kv["n_obs"])
        benchlib.summary("flows", f"{name} {model} ({n:,} pairs, {kv['k']} parameters)", who, 1, int(kv["threads"]),
                         reps, "median", m, float(kv["seconds"]), t)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
