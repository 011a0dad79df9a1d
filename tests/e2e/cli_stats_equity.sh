#!/usr/bin/env bash
# `countyscope stats equity`: Gini, Palma ratio and concentration index. Oracles (no published example run here):
# the unweighted Gini equals sum |y_i - y_j| / (2 n^2 mean); integer population weights give the values of the
# table with each row repeated that many times; Palma on y = 1..20 is the decile-share ratio (19 + 20) / (1 + ... + 8)
# = 39/36; the concentration index (2 cov(y, R) / mean, fractional rank R, O'Donnell et al. 2008 eq. 8.3 / 8.7)
# equals 1 - 2 x the area under the concentration curve (trapezoids) and, ranked by y itself, the Gini.
# Bad input is one line naming file, row and field, exit 1, nothing written.
source "$(dirname "$0")/lib.sh"

/usr/bin/python3 - "$T" <<'PY'
import random, sys
t = sys.argv[1]
random.seed(18)
rows = [(i + 1, round(random.uniform(0, 50), 3), round(random.uniform(1000, 90000), 1), random.randint(1, 6),
         random.choice("abc")) for i in range(40)]
with open(t + "/w.csv", "w") as f:
    f.write("unit,doctors,income,population,zone\n" + "".join(f"{u},{y},{r},{w},{z}\n" for u, y, r, w, z in rows))
with open(t + "/w0.csv", "w") as f:  # three more rows of weight 0 (unpeopled hexagons): they count for nothing
    f.write("unit,doctors,income,population,zone\n" + "".join(f"{u},{y},{r},{w},{z}\n" for u, y, r, w, z in rows) +
            "41,7.5,5000,0,a\n42,49,95000,0,c\n43,0,300,0,d\n")
with open(t + "/expanded.csv", "w") as f:
    f.write("unit,doctors,income,zone\n" + "".join(f"{u},{y},{r},{z}\n" for u, y, r, w, z in rows for _ in range(w)))
with open(t + "/ramp.csv", "w") as f:
    f.write("unit,y\n" + "".join(f"{i},{i}\n" for i in range(1, 21)))
PY
"$CS" -q stats equity --table "$T/w.csv" --y doctors --rank income --weight population --groups zone \
  --poverty-line 20 --out "$T/w" &&
  "$CS" -q stats equity --table "$T/w0.csv" --y doctors --rank income --weight population --groups zone \
    --poverty-line 20 --out "$T/w0" &&
  "$CS" -q stats equity --table "$T/expanded.csv" --y doctors --rank income --groups zone --poverty-line 20 \
    --out "$T/x" &&
  "$CS" -q stats equity --table "$T/w.csv" --y doctors --rank income --groups zone --poverty-line 20 --out "$T/u" &&
  "$CS" -q stats equity --table "$T/w.csv" --y doctors --rank doctors --out "$T/self" &&
  "$CS" -q stats equity --table "$T/ramp.csv" --y y --out "$T/ramp" || fail "stats equity runs"
/usr/bin/python3 - "$T" <<'PY' && ok "Gini, Palma and concentration index against their identities" || fail "equity values"
import csv, sys
t = sys.argv[1]
def m(d):
    return {r["measure"]: float(r["value"]) for r in csv.DictReader(open(f"{t}/{d}/equity.csv"))}
w, x, u, s, ramp, w0 = m("w"), m("x"), m("u"), m("self"), m("ramp"), m("w0")
rows = list(csv.DictReader(open(t + "/w.csv")))
y = [float(r["doctors"]) for r in rows]
n, mu = len(y), sum(y) / len(y)
assert abs(u["gini"] - sum(abs(a - b) for a in y for b in y) / (2 * n * n * mu)) < 1e-12, u
for k in ("gini", "palma", "share_top_10", "share_bottom_40", "concentration_index", "concentration_index_erreygers",
          "palma_ranked", "theil_t", "theil_between", "theil_within", "fgt0", "fgt1", "fgt2"):
    assert abs(w[k] - x[k]) < 1e-12, (k, w[k], x[k])  # weights = repeated rows
    if k != "concentration_index_erreygers":  # its max and min span every row, as R accessibility's
        assert abs(w[k] - w0[k]) < 1e-12, (k, w[k], w0[k])  # rows of weight 0 count for nothing
# Theil's T from its definition, and its decomposition over the zones (Shorrocks 1980): total = between + within.
import math
z = [r["zone"] for r in rows]
assert abs(u["theil_t"] - sum(v / mu * math.log(v / mu) for v in y if v > 0) / n) < 1e-12, u["theil_t"]
for m_ in (u, w):
    assert abs(m_["theil_t"] - m_["theil_between"] - m_["theil_within"]) < 1e-12, m_
groups = list(csv.DictReader(open(f"{t}/u/equity_groups.csv")))
assert [g["group"] for g in groups] == ["a", "b", "c"], groups
for g in groups:
    yg = [v for v, k in zip(y, z) if k == g["group"]]
    mg, sg = sum(yg) / len(yg), sum(yg) / sum(y)
    tg = sum(v / mg * math.log(v / mg) for v in yg if v > 0) / len(yg)
    assert abs(float(g["within"]) - sg * tg) < 1e-12 and abs(float(g["between"]) - sg * math.log(sg / (len(yg) / n))) < 1e-12, g
# FGT below 20 from its definition; the Erreygers index = 4 mean / (max - min) x the standard one.
for a in range(3):
    want = sum(((20 - v) / 20) ** a for v in y if v < 20) / n
    assert abs(u[f"fgt{a}"] - want) < 1e-12, (a, u[f"fgt{a}"], want)
assert abs(u["concentration_index_erreygers"] - 4 * mu / (max(y) - min(y)) * u["concentration_index"]) < 1e-12, u
# The ranked Palma, unweighted: income quantiles of R's type 7 (Hmisc's with unit weights), rich > q90, poor <= q40.
inc = sorted(float(r["income"]) for r in rows)
def q7(p):
    h = (n - 1) * p
    return inc[int(h)] + (h - int(h)) * (inc[min(int(h) + 1, n - 1)] - inc[int(h)])
rich = [v for v, r in zip(y, rows) if float(r["income"]) > q7(0.9)]
poor = [v for v, r in zip(y, rows) if float(r["income"]) <= q7(0.4)]
assert len(rich) == 4 and len(poor) == 16, (len(rich), len(poor))
assert abs(u["palma_ranked"] - (sum(rich) / len(rich)) / (sum(poor) / len(poor))) < 1e-12, u["palma_ranked"]
assert abs(ramp["palma"] - 39 / 36) < 1e-12 and abs(ramp["share_bottom_40"] - 36 / 210) < 1e-12, ramp
assert abs(s["concentration_index"] - s["gini"]) < 1e-12, s
# 1 - 2 x area under the concentration curve (rows ranked by income, weights population; no ties).
pw = sorted(((float(r["income"]), float(r["doctors"]), float(r["population"])) for r in rows))
W, Y = sum(c for _, _, c in pw), sum(b * c for _, b, c in pw)
area, cp, cl = 0.0, 0.0, 0.0
for _, b, c in pw:
    p2, l2 = cp + c / W, cl + b * c / Y
    area += (p2 - cp) * (l2 + cl) / 2
    cp, cl = p2, l2
assert abs(w["concentration_index"] - (1 - 2 * area)) < 1e-12, (w["concentration_index"], 1 - 2 * area)
PY

O=$T/out
printf 'y,pop\n1,10\n-2,5\n' >"$T/neg.csv"
check_exact "a negative y" 1 "countyscope: error: table (neg.csv): row 3, field 'y': negative '-2'; y must be >= 0" "$O" \
  "$CS" -q stats equity --table "$T/neg.csv" --y y --out "$O"
printf 'y,pop\n1,10\n2,-1\n' >"$T/negw.csv"
check_exact "a negative weight" 1 "countyscope: error: table (negw.csv): row 3, field 'pop': '-1': a weight must be >= 0" "$O" \
  "$CS" -q stats equity --table "$T/negw.csv" --y y --weight pop --out "$O"
printf 'y,pop\n1,0\n2,0\n' >"$T/zero.csv"
check_exact "every weight 0" 1 "countyscope: error: table (zero.csv): field 'pop': every weight is 0: no one to assess" "$O" \
  "$CS" -q stats equity --table "$T/zero.csv" --y y --weight pop --out "$O"
printf 'y,pop,g\n1,10,a\n2,5,\n' >"$T/nogroup.csv"
check_exact "an empty group label" 1 "countyscope: error: table (nogroup.csv): row 3, field 'g': empty; a group label is expected" "$O" \
  "$CS" -q stats equity --table "$T/nogroup.csv" --y y --groups g --out "$O"
printf 'y,inc,pop\n1,10,1\n2,5,1\n' >"$T/r.csv"
printf 'inc,pop\n10,3\n5,-1\n' >"$T/base.csv"
check_exact "a negative weight in the rank base" 1 "countyscope: error: rank base (base.csv): row 3, field 'pop': '-1': a weight must be >= 0" "$O" \
  "$CS" -q stats equity --table "$T/r.csv" --y y --rank inc --weight pop --rank-base "$T/base.csv" --out "$O"
finish
