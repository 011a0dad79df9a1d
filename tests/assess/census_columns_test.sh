#!/usr/bin/env bash
# The census counts of the default indicator system in data/china/county_features_{2020,2010}.csv.gz are what
# data/china/derive_census_columns.py makes from the bundled census tables: rerun it on copies and compare the bytes
# (the script replaces the columns it appended, so a faithful copy comes back unchanged). Then a few cells against the
# source tables read here by name (井陉县 130121; 长汀县 350821 has no 本省其他县 count and must stay empty).
# Usage: census_columns_test.sh SOURCE_DIR
set -euo pipefail
ROOT="$1"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cp "$ROOT"/data/china/census_county_2020_full.csv.gz "$ROOT"/data/china/census_county_2010_full.csv.gz \
  "$ROOT"/data/china/county_features_2020.csv.gz "$ROOT"/data/china/county_features_2010.csv.gz "$TMP/"
/usr/bin/python3 "$ROOT/data/china/derive_census_columns.py" "$TMP"
for f in county_features_2020.csv.gz county_features_2010.csv.gz; do
  cmp "$TMP/$f" "$ROOT/data/china/$f" || { echo "FAIL: $f differs from what derive_census_columns.py makes"; exit 1; }
done
/usr/bin/python3 - "$ROOT/data/china" <<'PY'
import csv, gzip, sys
d = sys.argv[1]
def rows(f, key):
    with gzip.open(f"{d}/{f}", "rt", encoding="utf-8-sig", newline="") as h:
        return {r[key]: r for r in csv.DictReader(h)}
f20, f10 = rows("county_features_2020.csv.gz", "adcode"), rows("county_features_2010.csv.gz", "adcode")
s20, s10 = rows("census_county_2020_full.csv.gz", "区划代码"), rows("census_county_2010_full.csv.gz", "区划代码")
fails = []
def same(what, got, want):
    if got != want:
        fails.append(f"{what}: {got!r}, source {want!r}")
a, b = f20["130121"], s20["130121"]
same("2020 residents", a["residents"], b["人口数_合计"])
same("2020 hukou_same_county", a["hukou_same_county"], b["户口登记地在外乡镇街道人口_本县"])
same("2020 hukou_other_county", a["hukou_other_county"], b["户口登记地在外乡镇街道人口_本省其他县"])
same("2020 occ_professional", a["occ_professional"], b["专业技术人员"])
same("2020 edu_college", int(a["edu_college"]), sum(int(b[k]) for k in ("大学专科_男", "大学专科_女", "本科及以上_男", "本科及以上_女")))
a, b = f10["130121"], s10["130121"]
same("2010 hukou_same_county", a["hukou_same_county"], b["迁入人口（人）-本县（市）/本市市区"])
same("2010 jobs_edu_health", int(a["jobs_edu_health"]), int(b["教育"]) + int(b["卫生、社会保障和社会福利业"]))
same("2020 350821 hukou_other_county (NA in the source)", f20["350821"]["hukou_other_county"], "")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
echo "census_columns_test: PASS"
