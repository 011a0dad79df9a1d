#!/usr/bin/env bash
# A scenario that changes nothing leaves every output byte-identical (issue 5 acceptance): the plan run with a null
# scenario writes exactly the files of the run without one (byte for byte), plus the scenario's own tables, whose
# "after" tables are byte-identical to the baseline tables and whose differences are all zero.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/cfg"
printf '[plan]\nskip = ["report"]\n' >"$T/cfg/base.toml"
printf 'name = "nothing changes"\ndescription = "a null scenario"\n' >"$T/cfg/null.toml"
printf '[plan]\nskip = ["report"]\n[scenarios]\nfile = "null.toml"\n' >"$T/cfg/with.toml"

"$CS" -q plan --osm "$SAMPLE" --config "$T/cfg/base.toml" --out "$T/base" 2>"$T/err" || { cat "$T/err"; fail "base run"; finish; }
"$CS" -q plan --osm "$SAMPLE" --config "$T/cfg/with.toml" --out "$T/with" 2>"$T/err" || { cat "$T/err"; fail "scenario run"; finish; }

# Every CSV of the baseline is byte-identical with the null scenario.
for f in $(cd "$T/base" && ls *.csv); do
  cmp -s "$T/base/$f" "$T/with/$f" && ok "$f identical" || fail "$f differs under a null scenario"
done
# The scenario's after-tables equal the baseline tables byte for byte.
n=0
for f in $(cd "$T/with" && ls scenario_after_*.csv); do
  base=${f#scenario_after_}
  cmp -s "$T/with/$f" "$T/base/$base" && ok "$f == $base" || fail "$f differs from $base under a null scenario"
  n=$((n + 1))
done
[ "$n" -ge 2 ] && ok "$n after-tables compared" || fail "expected scenario_after_*.csv tables, found $n"
# results.json: identical apart from the scenario's own section and layers; every before/after pair equal.
python3 - "$T/base/results.json" "$T/with/results.json" <<'PY' || fail "results.json under a null scenario"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
sc = b["sections"].pop("scenario")
for k in [k for k in b.get("layers", {}) if k.startswith("scenario")]:
    assert not b["layers"][k]["features"], f"layer {k} has changes under a null scenario"
    del b["layers"][k]
assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True), "results differ outside the scenario section"
pairs = 0
def walk(x, path=""):
    global pairs
    if isinstance(x, dict):
        for k, v in x.items():
            if k.endswith("_before") or "_before_" in k:
                other = k.replace("_before", "_after")
                if other in x:
                    assert x[other] == v, f"{path}.{k}: {v} != {other} {x[other]}"
                    pairs += 1
            walk(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            walk(v, f"{path}[{i}]")
walk(sc)
assert pairs >= 10, f"only {pairs} before/after pairs in sections.scenario"
print(f"ok: results.json equal outside sections.scenario; all {pairs} before == after pairs inside it")
PY
finish
