#!/usr/bin/env bash
# `countyscope stats mcdm` against pymcdm's documented reference values (pymcdm 1.x test suite, github.com/kotbaton/
# pymcdm test/test_normalizations.py, test_weights.py, test_mcdm.py; each names the paper it reproduces), to the
# precision pymcdm states them (8 decimals for the normalisations, 6 for entropy weights, 3 for CRITIC and TOPSIS,
# 2 for the standard-deviation weights); coefficient-of-variation weights (not in pymcdm) against their formula.
# Bad input is one line naming file, row and field, exit 1, nothing written.
source "$(dirname "$0")/lib.sh"

# The normalisations on pymcdm's 6 x 3 matrix, criteria types (-1, -1, 1): c1 and c2 are cost criteria.
printf 'c1,c2,c3\n66,56,95\n61,55,166\n65,49,113\n95,56,99\n63,43,178\n74,59,140\n' >"$T/n.csv"
for norm in minmax max sum vector; do
  "$CS" -q stats mcdm --table "$T/n.csv" --criteria c1,c2,c3 --cost c1,c2 --normalization $norm --weights equal \
    --out "$T/n_$norm" || fail "normalisation $norm"
done
/usr/bin/python3 - "$T" <<'PY' && ok "pymcdm's min-max, max, sum and vector normalisations (8 decimals)" || fail "normalisations"
import csv, sys
ref = {  # pymcdm test/test_normalizations.py, row-major
    "minmax": [0.85294118, 0.1875, 0.0, 1.0, 0.25, 0.85542169, 0.88235294, 0.625, 0.21686747, 0.0, 0.1875,
               0.04819277, 0.94117647, 1.0, 1.0, 0.61764706, 0.0, 0.54216867],
    "max": [0.30526316, 0.05084746, 0.53370787, 0.35789474, 0.06779661, 0.93258427, 0.31578947, 0.16949153,
            0.63483146, 0.0, 0.05084746, 0.55617978, 0.33684211, 0.27118644, 1.0, 0.22105263, 0.0, 0.78651685],
    "sum": [0.17447136, 0.155945, 0.12010114, 0.1887723, 0.15878037, 0.20986094, 0.17715554, 0.17822286,
            0.14285714, 0.12121168, 0.155945, 0.12515803, 0.18277952, 0.20309117, 0.22503161, 0.15560959,
            0.1480156, 0.17699115],
    "vector": [0.62375904, 0.57085288, 0.28587109, 0.65226214, 0.57851622, 0.49952212, 0.62945966, 0.62449627,
               0.34003614, 0.45844104, 0.57085288, 0.29790777, 0.6408609, 0.67047632, 0.53563215, 0.57815408,
               0.54786285, 0.42128371],
}
for norm, want in ref.items():
    rows = list(csv.DictReader(open(f"{sys.argv[1]}/n_{norm}/mcdm_normalized.csv")))
    got = [float(r[c]) for r in rows for c in ("c1", "c2", "c3")]
    assert all(abs(round(g, 8) - w) < 1e-12 for g, w in zip(got, want)), (norm, got, want)
PY

# Entropy weights: Elsayed, Dawood & Karthikeyan (2017), pymcdm TestEntropyWeights: 0.104991, 0.069124, 0.071373,
# 0.449937, 0.304575.
/usr/bin/python3 - "$T/e.csv" <<'PY'
import sys
m = [[7, 312, 1891, 6613, 163], [72, 88, 728, 941804, 1078], [10, 252, 2594, 3466, 117471],
     [10, 145, 980, 2371, 86329], [65, 54, 350, 501, 29897], [29, 48, 380, 912, 34051], [7, 476, 3300, 78470, 2212],
     [70, 87, 650, 733, 819000], [4, 86, 591, 3015, 103], [12, 79, 579, 3240, 96098], [21, 45, 261, 1253, 453],
     [1, 72, 530, 4333, 0.104800]]
open(sys.argv[1], "w").write("a,b,c,d,e\n" + "".join(",".join(map(str, r)) + "\n" for r in m))
PY
"$CS" -q stats mcdm --table "$T/e.csv" --criteria a,b,c,d,e --weights entropy --out "$T/e" &&
  [ "$(/usr/bin/python3 -c "import csv,sys; print([round(float(r['weight']), 6) for r in csv.DictReader(open(sys.argv[1]))])" "$T/e/mcdm_weights.csv")" = \
    "[0.104991, 0.069124, 0.071373, 0.449937, 0.304575]" ] && ok "entropy weights (6 decimals)" || fail "entropy weights"

# CRITIC: Tuş & Adalı (2019), pymcdm TestCRITICWeights: 0.157, 0.249, 0.168, 0.121, 0.154, 0.151.
printf 'a,b,c,d,e,f\n5000,3,3,4,3,2\n680,5,3,2,2,1\n2000,3,2,3,4,3\n600,4,3,1,2,2\n800,2,4,3,3,4\n' >"$T/c.csv"
"$CS" -q stats mcdm --table "$T/c.csv" --criteria a,b,c,d,e,f --weights critic --out "$T/c" &&
  [ "$(/usr/bin/python3 -c "import csv,sys; print([round(float(r['weight']), 3) for r in csv.DictReader(open(sys.argv[1]))])" "$T/c/mcdm_weights.csv")" = \
    "[0.157, 0.249, 0.168, 0.121, 0.154, 0.151]" ] && ok "CRITIC weights (3 decimals)" || fail "CRITIC weights"

# Standard deviation weights: Jahan & Edwards (2013), pymcdm TestSTDWeights: 0.35, 0.31, 0.34.
printf 'a,b,c\n0,0,0\n0.39,0.3,0.77\n0.17,0.36,0.8\n0.35,0.29,0.93\n0.3,0.4,0.94\n0.84,0.71,1\n1,1,0.99\n' >"$T/s.csv"
"$CS" -q stats mcdm --table "$T/s.csv" --criteria a,b,c --weights std --out "$T/s" &&
  [ "$(/usr/bin/python3 -c "import csv,sys; print([round(float(r['weight']), 2) for r in csv.DictReader(open(sys.argv[1]))])" "$T/s/mcdm_weights.csv")" = \
    "[0.35, 0.31, 0.34]" ] && ok "standard-deviation weights (2 decimals)" || fail "std weights"

# TOPSIS: Opricovic & Tzeng (2004), pymcdm TestTOPSIS (min-max, weights 0.5, 0.5, types -1, 1): 0.500, 0.617, 0.500.
printf 'alt,x1,x2\nA1,1,3000\nA2,2,3750\nA3,5,4500\n' >"$T/t.csv"
"$CS" -q stats mcdm --table "$T/t.csv" --criteria x1,x2 --cost x1 --weights given --given-weights 0.5,0.5 --id alt \
  --out "$T/t" && /usr/bin/python3 - "$T/t/mcdm_scores.csv" <<'PY' && ok "TOPSIS closeness (3 decimals) and ranks" || fail "TOPSIS"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["id"] for r in rows] == ["A1", "A2", "A3"]
assert [round(float(r["score"]), 3) for r in rows] == [0.5, 0.617, 0.5], rows
assert rows[1]["rank"] == "1" and sorted(r["rank"] for r in rows) == ["1", "2", "3"]
for r in rows:
    dp, dm = float(r["d_plus"]), float(r["d_minus"])
    assert abs(float(r["score"]) - dm / (dp + dm)) < 1e-15
PY

# Coefficient-of-variation weights (not in pymcdm): sample sd / mean, scaled to sum 1; unchanged when a criterion
# is multiplied by a constant.
"$CS" -q stats mcdm --table "$T/n.csv" --criteria c1,c2,c3 --weights cv --out "$T/cv" &&
  /usr/bin/python3 - "$T/n.csv" "$T/cv/mcdm_weights.csv" <<'PY' && ok "CV weights: sd / mean" || fail "CV weights"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cv = [statistics.stdev(float(r[c]) for r in rows) / statistics.mean(float(r[c]) for r in rows) for c in ("c1", "c2", "c3")]
got = [float(r["weight"]) for r in csv.DictReader(open(sys.argv[2]))]
assert all(abs(g - c / sum(cv)) < 1e-12 for g, c in zip(got, cv)), (got, cv)
PY

# Bad input: one line naming file, row and field; exit 1; nothing written.
O=$T/out
printf 'a,b\n1,2\n-3,4\n' >"$T/neg.csv"
check_exact "a negative value for entropy weights" 1 "countyscope: error: table (neg.csv): row 3, field 'a': negative '-3'; entropy weights need values >= 0" "$O" \
  "$CS" -q stats mcdm --table "$T/neg.csv" --criteria a,b --out "$O"
printf 'a,b\n1,2\nx,4\n' >"$T/nan.csv"
check_exact "a value that is not a number" 1 "countyscope: error: table (nan.csv): row 3, field 'a': not a finite number 'x'" "$O" \
  "$CS" -q stats mcdm --table "$T/nan.csv" --criteria a,b --out "$O"
"$CS" -q stats mcdm --table "$T/t.csv" --criteria x1,x2 --weights given --given-weights 1 --out "$O" 2>"$T/err"
[ $? = 2 ] && [ ! -e "$O" ] && grep -q "one weight per criterion" "$T/err" && ok "given weights that do not match: exit 2" ||
  fail "given weights: $(cat "$T/err")"
finish
