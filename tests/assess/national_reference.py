#!/usr/bin/python3
"""National integration scores against an independent NumPy computation (issue 22).

Runs `countyscope assess` on the bundled 2020 county table with the default indicator system and plain entropy
weights (--weighting entropy --transform none --winsor 0), then recomputes every
scored county's figures from the CSV and the TOML with NumPy/pandas, written from docs/methods.md (not from the C++):
indicators (a column or a formula; undefined values such as a division by zero are missing and the row is dropped),
min-max normalisation by direction, entropy weights, TOPSIS closeness with vector normalisation, the weighted index,
dimension scores U_k, and the corrected coupling form (C, T, D and the D class). Every figure of scores.csv and the
weights of results.json must agree to 1e-9; a few national figures are pinned as well (they are what this
computation gives, kept here so that a change of the data or the method is noticed).

Usage: national_reference.py COUNTYSCOPE_BIN SOURCE_DIR
"""

import gzip
import json
import math
import os
import subprocess
import sys
import tempfile
import tomllib

import numpy as np
import pandas as pd

cli, src = sys.argv[1], sys.argv[2]
features = os.path.join(src, "data/china/county_features_2020.csv.gz")
system_toml = os.path.join(src, "data/config/integration.toml")
fails = []


def check(ok, what):
    if not ok:
        fails.append(what)
        print("FAIL:", what, file=sys.stderr)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "assess")
    subprocess.run([cli, "-q", "assess", "--counties", features, "--indicators", system_toml, "--permutations", "0",
                    "--weighting", "entropy", "--transform", "none", "--winsor", "0",
                    "--out", out], check=True)
    got = pd.read_csv(os.path.join(out, "scores.csv"), dtype={"code": str})
    doc = json.load(open(os.path.join(out, "results.json"), encoding="utf-8"))

# ---- the independent computation
sysdef = tomllib.load(open(system_toml, "rb"))
with gzip.open(features, "rt", encoding="utf-8") as f:
    table = pd.read_csv(f, dtype={sysdef["key"]: str})
ind, dim_of, direction = [], [], []
for k, d in enumerate(sysdef["dimension"]):
    for i in d["indicator"]:
        ind.append(i)
        dim_of.append(k)
        direction.append(1 if i["direction"] == "+" else -1)
cols = {}
for i in ind:
    expr = i.get("formula") or i["column"]
    with np.errstate(divide="ignore", invalid="ignore"):
        v = pd.eval(expr, local_dict={c: pd.to_numeric(table[c], errors="coerce").to_numpy(float)
                                      for c in table.columns if c in expr})
    cols[i["id"]] = np.where(np.isfinite(v), v, np.nan)
X = np.column_stack([cols[i["id"]] for i in ind])


def is_county_proper(code, name, prefecture):
    """The default analysis population (docs/assess.md, Units): 县, 自治县, 旗, 自治旗 by the name suffix, not a
    development zone (code 71-79), and not a 县 renamed to a district or city (code 01-20 or 81-99)."""
    part = int(code[4:6])
    if 71 <= part <= 79:
        return False
    if name.endswith(("自治县", "自治旗")) or (name.endswith("旗")):
        return True
    return name.endswith("县") and not (1 <= part <= 20 or part >= 81)


proper = np.array([is_county_proper(c, nm, p) for c, nm, p in
                   zip(table[sysdef["key"]], table[sysdef["name_column"]], table["city"])])
keep = ~np.isnan(X).any(axis=1) & proper
X = X[keep]
codes = table[sysdef["key"]].to_numpy()[keep]
n, m = X.shape
direction = np.array(direction)
lo, hi = X.min(axis=0), X.max(axis=0)
Xn = np.where(direction > 0, (X - lo) / (hi - lo), (hi - X) / (hi - lo))
P = Xn / Xn.sum(axis=0)
with np.errstate(divide="ignore", invalid="ignore"):
    plogp = np.where(P > 0, P * np.log(P), 0.0)
e = -plogp.sum(axis=0) / math.log(n)
w = (1 - e) / (1 - e).sum()
B = X / np.sqrt((X ** 2).sum(axis=0)) * w
best = np.where(direction > 0, B.max(axis=0), B.min(axis=0))
worst = np.where(direction > 0, B.min(axis=0), B.max(axis=0))
dplus = np.sqrt(((B - best) ** 2).sum(axis=1))
dminus = np.sqrt(((B - worst) ** 2).sum(axis=1))
score = dminus / (dplus + dminus)
index = Xn @ w
nd = len(sysdef["dimension"])
U = np.column_stack([(Xn[:, np.array(dim_of) == k] @ w[np.array(dim_of) == k]) / w[np.array(dim_of) == k].sum()
                     for k in range(nd)])
U = np.minimum(U, 1.0)
diff = sum(np.abs(U[:, a] - U[:, b]) for a in range(nd) for b in range(a))
left = 1 - diff / (nd * (nd - 1) / 2)
right = np.prod(U / U.max(axis=1, keepdims=True), axis=1) ** (1.0 / (nd - 1))
C = np.sqrt(left * right)
T = U.mean(axis=1)
D = np.sqrt(C * T)
dclass = np.minimum(9, np.floor(D * 10)).astype(int)

# ---- compare, county by county (joined on the code)
check(len(got) == n, f"scored counties: engine {len(got)}, reference {n}")
ref = pd.DataFrame({"code": codes, "score": score, "index": index, "C": C, "T": T, "D": D, "d_class": dclass})
for k, d in enumerate(sysdef["dimension"]):
    ref["U_" + d["id"]] = U[:, k]
j = got.merge(ref, on="code", suffixes=("", "_ref"))
check(len(j) == n, f"codes joined: {len(j)} of {n}")
for c in ["score", "index", "C", "T", "D"] + ["U_" + d["id"] for d in sysdef["dimension"]]:
    err = np.abs(j[c] - j[c + "_ref"]).max()
    print(f"{c}: largest difference {err:.3g}")
    check(err <= 1e-9, f"{c}: largest difference {err:.3g}")
check((j["d_class"] == j["d_class_ref"]).all(), "D classes differ")
rank_ref = (-j["score_ref"]).rank(method="first").astype(int)
check((j["rank"] == rank_ref).all(), "ranks differ")
a = doc["sections"]["assess"]
engine_w = {x["id"]: x["weight"] for x in a["system"]["indicators"]}
for k, i in enumerate(ind):
    check(abs(engine_w[i["id"]] - w[k]) <= 1e-12, f"weight {i['id']}: engine {engine_w[i['id']]}, reference {w[k]}")

# ---- national figures of this computation, pinned (2020 census county table, default system, the 1,480 counties
# proper of which 6 lack a value; five subsystems with the industrial structure since issue 19): a change of the
# data, the system or the method must show up here.
urb = [i["id"] for i in ind].index("urbanisation")
for what, v, want in [("counties scored", n, 1474), ("mean score", score.mean(), 0.171239533401652),
                      ("weight of urbanisation", w[urb], 0.02858597670518529), ("mean D", D.mean(), 0.44557976607448513)]:
    print(f"{what}: {v!r}")
    check(abs(v - want) <= 1e-12 * max(1.0, abs(want)), f"{what}: {v!r}, pinned {want!r}")
print(f"national_reference: {n} counties, {len(ind)} indicators compared; {len(fails)} failure(s)")
sys.exit(1 if fails else 0)
