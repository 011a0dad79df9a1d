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
rows = [(i + 1, round(random.uniform(0, 50), 3), round(random.uniform(1000, 90000), 1), random.randint(1, 6)) for i in range(40)]
with open(t + "/w.csv", "w") as f:
    f.write("unit,doctors,income,population\n" + "".join(f"{u},{y},{r},{w}\n" for u, y, r, w in rows))
with open(t + "/expanded.csv", "w") as f:
    f.write("unit,doctors,income\n" + "".join(f"{u},{y},{r}\n" for u, y, r, w in rows for _ in range(w)))
with open(t + "/ramp.csv", "w") as f:
    f.write("unit,y\n" + "".join(f"{i},{i}\n" for i in range(1, 21)))
PY
"$CS" -q stats equity --table "$T/w.csv" --y doctors --rank income --weight population --out "$T/w" &&
  "$CS" -q stats equity --table "$T/expanded.csv" --y doctors --rank income --out "$T/x" &&
  "$CS" -q stats equity --table "$T/w.csv" --y doctors --rank income --out "$T/u" &&
  "$CS" -q stats equity --table "$T/w.csv" --y doctors --rank doctors --out "$T/self" &&
  "$CS" -q stats equity --table "$T/ramp.csv" --y y --out "$T/ramp" || fail "stats equity runs"
/usr/bin/python3 - "$T" <<'PY' && ok "Gini, Palma and concentration index against their identities" || fail "equity values"
import csv, sys
t = sys.argv[1]
def m(d):
    return {r["measure"]: float(r["value"]) for r in csv.DictReader(open(f"{t}/{d}/equity.csv"))}
w, x, u, s, ramp = m("w"), m("x"), m("u"), m("self"), m("ramp")
rows = list(csv.DictReader(open(t + "/w.csv")))
y = [float(r["doctors"]) for r in rows]
n, mu = len(y), sum(y) / len(y)
assert abs(u["gini"] - sum(abs(a - b) for a in y for b in y) / (2 * n * n * mu)) < 1e-12, u
for k in ("gini", "palma", "share_top_10", "share_bottom_40", "concentration_index"):
    assert abs(w[k] - x[k]) < 1e-12, (k, w[k], x[k])  # weights = repeated rows
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
printf 'y,pop\n1,10\n2,0\n' >"$T/zero.csv"
check_exact "a weight of 0" 1 "countyscope: error: table (zero.csv): row 3, field 'pop': '0': a weight must be > 0" "$O" \
  "$CS" -q stats equity --table "$T/zero.csv" --y y --weight pop --out "$O"
finish
