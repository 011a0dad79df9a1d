#!/usr/bin/env bash
# `countyscope stats geodetector` on the Heshun neural-tube-defect data (tests/assess/data/disease.csv): the
# published factor-detector values (q and the non-central F p of R / Python geodetector, Wang et al. 2010; see
# tests/assess/data/README.md) through the command; the same factors given as text strata; bad input is one line
# naming file, row and field, exit 1, nothing written.
source "$(dirname "$0")/lib.sh"
D=tests/assess/data/disease.csv

"$CS" -q stats geodetector --table $D --y incidence --factors type,region,level --out "$T/gd" || fail "geodetector"
/usr/bin/python3 - "$T/gd" <<'PY' && ok "published q and p of type, region, level" || fail "geodetector values"
import csv, json, sys
rows = {r["factor"]: r for r in csv.DictReader(open(sys.argv[1] + "/geodetector_factor.csv"))}
published = {"type": (0.3857, 0.372145), "region": (0.6378, 0.000129), "level": (0.6067, 0.043382)}
for f, (q, p) in published.items():
    assert abs(float(rows[f]["q"]) - q) < 5e-5, (f, rows[f])
    assert abs(float(rows[f]["p"]) - p) < 2e-6, (f, rows[f])
inter = list(csv.DictReader(open(sys.argv[1] + "/geodetector_interaction.csv")))
assert len(inter) == 3 and all(float(r["q_ab"]) >= max(float(r["q_a"]), float(r["q_b"])) - 1e-12 for r in inter)
strata = [r for r in csv.DictReader(open(sys.argv[1] + "/geodetector_strata.csv")) if r["factor"] == "region"]
assert sum(int(r["n"]) for r in strata) == 185 and len(strata) == 9
s = json.load(open(sys.argv[1] + "/results.json"))["sections"]["geodetector"]
assert s["rows"] == 185 and [r["factor"] for r in s["factor"]] == ["type", "region", "level"]
PY

# Categories as text (soil type names instead of numbers): the same strata give the same q.
/usr/bin/python3 - $D "$T/named.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
w = csv.writer(open(sys.argv[2], "w", newline=""))
w.writerow(["incidence", "soil"])
for r in rows:
    w.writerow([r["incidence"], "soil-" + "abcdefghij"[int(r["type"])]])
PY
"$CS" -q stats geodetector --table "$T/named.csv" --y incidence --factors soil --out "$T/named" &&
  [ "$(cut -d, -f5 "$T/named/geodetector_factor.csv" | tail -1)" = "$(grep '^type,' "$T/gd/geodetector_factor.csv" | cut -d, -f5)" ] &&
  ok "text strata: the same q" || fail "text strata"

O=$T/out
E="countyscope: error: table"
printf 'y,f\n1,a\n2,a\n3,a\n' >"$T/one.csv"
check_exact "a factor with one stratum" 1 "$E (one.csv): field 'f': one stratum only ('a'): a factor needs at least two" "$O" \
  "$CS" -q stats geodetector --table "$T/one.csv" --y y --factors f --out "$O"
printf 'y,f\n1,a\nx,b\n3,a\n' >"$T/nan.csv"
check_exact "y not a number" 1 "$E (nan.csv): row 3, field 'y': not a number 'x'" "$O" \
  "$CS" -q stats geodetector --table "$T/nan.csv" --y y --factors f --out "$O"
printf 'y,f\n1,a\n2,\n3,b\n' >"$T/empty.csv"
check_exact "an empty stratum" 1 "$E (empty.csv): row 3, field 'f': empty; every unit needs its stratum" "$O" \
  "$CS" -q stats geodetector --table "$T/empty.csv" --y y --factors f --out "$O"
"$CS" -q stats geodetector --table $D --y incidence --out "$O" 2>"$T/err"
[ $? = 2 ] && [ ! -e "$O" ] && grep -q "at least one factor" "$T/err" && ok "no factor: exit 2" || fail "no factor: $(cat "$T/err")"
finish
