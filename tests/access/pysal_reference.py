"""A pandas re-implementation of PySAL `access` floating-catchment conventions (pysal/access, fca.py + weights.py),
written from reading its source because PySAL cannot be installed here (no PyPI). Same long-format cost table,
same merge / filter / groupby steps, same conventions:

- catchment: pairs with cost < max_cost (strict) - `temp[temp[cost_cost] < max_cost]` in fca.weighted_catchment
- step_fn({10: 1, 20: 0.68, 30: 0.22}): weight of the first zone whose upper bound is >= cost (inclusive), 0 beyond
- 2SFCA / E2SFCA / G2SFCA: the same weight_fn in both steps, demand -> supply costs in both steps
- gaussian(sigma): exp(-x^2 / (2 sigma^2)) with no shift (f(0) = 1); used with max_cost as the G2SFCA of PySAL
- 3SFCA: W3 = weight_fn(cost) on every pair, G = W3 / sum_origin(W3) over ALL pairs of the origin (before the
  max_cost filter), value * W3 * G in both steps; default weights {10: .962, 20: .704, 30: .377, 60: .042}
- gravity: weights.gravity(scale, alpha, min_dist) = (max(x, min_dist) / scale) ** alpha summed over all pairs
- demand points with no pair in catchment get NaN (pandas join); facilities with no demand contribute nothing.

Costs are in minutes here as in PySAL's examples.
"""

import numpy as np
import pandas as pd


def step_fn(step_dict):
    def helper(x):
        for k, v in sorted(step_dict.items()):
            if x <= k:
                return v
        return 0
    return helper


def gaussian(sigma):
    return lambda x: np.exp(-x * x / (2 * sigma ** 2))


def gravity(scale, alpha, min_dist=0):
    return lambda x: np.power(max(x, min_dist) / scale, alpha)


def weighted_catchment(loc_df, cost_df, max_cost, cost_source, cost_dest, loc_value, weight_fn=None,
                       three_stage_weight=False):
    temp = pd.merge(cost_df, loc_df, left_on=cost_source, right_index=True)
    if max_cost is not None:
        temp = temp[temp["cost"] < max_cost].copy()
    if weight_fn:
        if three_stage_weight:
            temp[loc_value] = temp[loc_value] * temp.W3 * temp.G
        else:
            temp[loc_value] = temp[loc_value] * temp["cost"].apply(weight_fn)
    return temp.groupby([cost_dest])[loc_value].sum()


def two_stage_fca(demand, supply, cost, max_cost, weight_fn=None):
    """demand: Series pop by origin id; supply: Series by dest id; cost: DataFrame origin, dest, cost."""
    dem = demand.to_frame("demand")
    total = weighted_catchment(dem, cost, max_cost, "origin", "dest", "demand", weight_fn)
    temp = supply.to_frame("supply").join(total, how="right")
    temp["supply"] = temp["supply"].fillna(0)
    rl = (temp["supply"] / temp["demand"]).to_frame("Rl")
    return weighted_catchment(rl, cost, max_cost, "dest", "origin", "Rl", weight_fn).reindex(demand.index)


def three_stage_fca(demand, supply, cost, max_cost, weight_fn):
    cost = cost.copy()
    cost["W3"] = cost["cost"].apply(weight_fn)
    w3sum = cost[["origin", "W3"]].groupby("origin").sum().rename(columns={"W3": "W3sum"}).reset_index()
    cost = pd.merge(cost, w3sum)
    cost["G"] = cost.W3 / cost.W3sum
    dem = demand.to_frame("demand")
    total = weighted_catchment(dem, cost, max_cost, "origin", "dest", "demand", weight_fn, True)
    temp = supply.to_frame("supply").join(total, how="right")
    temp["supply"] = temp["supply"].fillna(0)
    rl = (temp["supply"] / temp["demand"]).to_frame("Rl")
    return weighted_catchment(rl, cost, max_cost, "dest", "origin", "Rl", weight_fn, True).reindex(demand.index)


def gravity_access(supply, cost, weight_fn):
    temp = pd.merge(cost, supply.to_frame("supply"), left_on="dest", right_index=True)
    temp["supply"] = temp["supply"] * temp["cost"].apply(weight_fn)
    return temp.groupby("origin")["supply"].sum()


def all_measures(demand, supply, cost, max_cost=30, zones=None, sfca3=None, sigma=None, grav=(1.0, 1.0, 1.0)):
    """The PySAL-convention values of every FCA variant and gravity, as a DataFrame indexed by origin."""
    zones = zones or {10: 1.0, 20: 0.68, 30: 0.22}
    sfca3 = sfca3 or {10: 0.962, 20: 0.704, 30: 0.377, 60: 0.042}
    sigma = sigma or max_cost
    scale, alpha_neg, min_d = grav
    return pd.DataFrame({
        "sfca2": two_stage_fca(demand, supply, cost, max_cost),
        "e2sfca": two_stage_fca(demand, supply, cost, max_cost, step_fn(zones)),
        "g2sfca": two_stage_fca(demand, supply, cost, max_cost, gaussian(sigma)),
        "sfca3": three_stage_fca(demand, supply, cost, max_cost, step_fn(sfca3)),
        "gravity": gravity_access(supply, cost, gravity(scale, -alpha_neg, min_d)).reindex(demand.index),
    })
