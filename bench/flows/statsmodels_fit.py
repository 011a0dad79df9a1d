#!/usr/bin/env python3
"""The peer: statsmodels' Poisson GLM (IRLS) on the same design as bench_flows, timed in the same run.

usage: statsmodels_fit.py OD.csv MODEL [cost_col] [origin_mass_col dest_mass_col] [--repeats N]
Design per model (as countyscope and spint): unconstrained = [1, ln O, ln D, cost];
production = [origin dummies (all), ln D, cost]; doubly = [origin dummies (all), dest dummies (first dropped), cost].
Prints "peer <model> n_obs=<n> k=<k> seconds=<median> beta=<..> deviance=<..>" or "skip <model> <reason>".
"""
import sys, time
import numpy as np
import pandas as pd
import statsmodels.api as sm

def main():
    args = list(sys.argv[1:])
    repeats = 3
    if "--repeats" in args:
        i = args.index("--repeats")
        repeats = int(args[i + 1])
        del args[i:i + 2]
    path, model = args[0], args[1]
    cost = args[2] if len(args) > 2 else "cost_min"
    om = args[3] if len(args) > 3 else "origin_mass"
    dm = args[4] if len(args) > 4 else "dest_mass"
    d = pd.read_csv(path, dtype={"origin": str, "destination": str})
    y = d["flow"].to_numpy(float)
    n = len(d)
    oc = pd.Categorical(d["origin"])
    dc = pd.Categorical(d["destination"])
    k = {"unconstrained": 4, "production": len(oc.categories) + 2,
         "doubly": len(oc.categories) + len(dc.categories) - 1 + 1}[model]
    need = n * k * 8 * 3  # design + weighted copy + workspace
    if need > 6e9:
        print(f"skip {model} dense design {n} x {k} needs ~{need/1e9:.0f} GB (> 6 GB budget on this 24 GB, shared machine)")
        return
    cols = []
    if model == "unconstrained":
        X = np.column_stack([np.ones(n), np.log(d[om]), np.log(d[dm]), d[cost]])
    else:
        X = [np.eye(len(oc.categories))[oc.codes]]
        if model == "production":
            X += [np.log(d[dm]).to_numpy()[:, None]]
        else:
            X += [np.eye(len(dc.categories))[dc.codes][:, 1:]]
        X += [d[cost].to_numpy()[:, None]]
        X = np.hstack(X)
    times, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        r = sm.GLM(y, X, family=sm.families.Poisson()).fit()
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    times.sort()
    cpus.sort()
    print(f"peer {model} n_obs={n} k={X.shape[1]} seconds={times[len(times)//2]:.6f} cpu={cpus[len(cpus)//2]:.6f} "
          f"beta={-r.params[-1]:.8g} deviance={r.deviance:.10g}")

if __name__ == "__main__":
    main()
