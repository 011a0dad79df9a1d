#!/usr/bin/env python3
"""Peers for bench/flows: Poisson gravity models fitted the way a careful Python user fits them.

- unconstrained (no fixed effects): statsmodels' Poisson GLM on the design [1, ln O, ln D, cost];
- production / attraction / doubly constrained: the standard iterative Poisson fixed-effect estimator of
  ppmlhdfe (Correia, Guimaraes & Zylkin 2020) and fixest: IRLS in which each iteration partials the origin and/or
  destination effects out of the working response and the covariates by weighted alternating projections (exact
  in one sweep for one effect), then solves the small weighted least-squares problem for the remaining
  coefficients. No dummy columns are ever formed; memory is O(pairs x covariates). Written in NumPy.

prepare(df, model, cost, om, dm) gives the arrays (untimed); fit(y, X, groups) returns {"beta", "deviance", "iterations"}; beta is the cost coefficient with the
model's sign (flows fall as exp(-beta * cost)), as countyscope reports it.
"""
import numpy as np
import pandas as pd


def poisson_deviance(y, mu):
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(y > 0, y * np.log(y / mu), 0.0)
    return 2.0 * float(np.sum(t - (y - mu)))


def _demean(v, groups, w, tol=1e-13, max_sweeps=100_000):
    """Weighted alternating projections: the rows of v (p x n, one contiguous row per variable) minus their
    projection on the group dummies."""
    out = v.copy()
    sw = [np.bincount(g, weights=w, minlength=G) for g, G in groups]
    for _ in range(max_sweeps):
        delta = 0.0
        for (g, G), s in zip(groups, sw):
            for row in out:
                m = np.bincount(g, weights=w * row, minlength=G) / s
                row -= m[g]
                delta = max(delta, float(np.max(np.abs(m))))
        if len(groups) == 1 or delta <= tol * (1.0 + float(np.max(np.abs(out)))):
            break
    return out


def fe_poisson(y, X, groups, tol=1e-10, max_iter=200):
    """Poisson regression of y on X (n x p) with the fixed effects in `groups` ([(codes, n_groups)], absorbed)."""
    mu = 0.5 * (y + y.mean())
    eta = np.log(mu)
    dev_old = np.inf
    for it in range(1, max_iter + 1):
        z = eta + (y - mu) / mu  # working response
        zx = _demean(np.vstack([z, X.T]), groups, mu)
        zt, xt = zx[0], zx[1:].T
        xw = xt * mu[:, None]
        b = np.linalg.solve(xt.T @ xw, xw.T @ zt)
        eta = z - (zt - xt @ b)  # fitted linear predictor: fixed effects + X b
        mu = np.exp(eta)
        dev = poisson_deviance(y, mu)
        if abs(dev - dev_old) <= tol * (abs(dev) + 0.1):
            return b, dev, it
        dev_old = dev
    raise RuntimeError(f"fe_poisson: no convergence in {max_iter} iterations")


def prepare(d, model, cost, om, dm):
    """The arrays a fit needs (untimed, as for ours, whose OD table is read before its clock starts): flows, the
    covariates, and the fixed effects as integer codes."""
    y = d["flow"].to_numpy(float)
    c = d[cost].to_numpy(float)
    if model == "unconstrained":
        X = np.column_stack([np.ones(len(y)), np.log(d[om].to_numpy(float)), np.log(d[dm].to_numpy(float)), c])
        return y, X, []
    o, o_codes = pd.factorize(d["origin"])
    de, d_codes = pd.factorize(d["destination"])
    if model == "production":
        return y, np.column_stack([np.log(d[dm].to_numpy(float)), c]), [(o, len(o_codes))]
    if model == "attraction":
        return y, np.column_stack([np.log(d[om].to_numpy(float)), c]), [(de, len(d_codes))]
    if model == "doubly":
        return y, c[:, None], [(o, len(o_codes)), (de, len(d_codes))]
    raise ValueError(model)


def fit(y, X, groups):
    """statsmodels' GLM without fixed effects, the FE-absorbing IRLS with them."""
    if not groups:
        import statsmodels.api as sm
        r = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-10)
        return {"beta": -float(r.params[-1]), "deviance": float(r.deviance), "iterations": int(r.fit_history["iteration"])}
    b, dev, it = fe_poisson(y, X, groups)
    return {"beta": -float(b[-1]), "deviance": dev, "iterations": it}
