#!/usr/bin/env python3
"""Derive county_features_2010.csv(.gz) from the 6th-census county table (census_county_2010_full.csv.gz).

Columns carry the same names and definitions as county_features_2020.csv, so an indicator system can be evaluated on
both years (the 2020 table's pop/urbanisation columns carry a _2020 suffix; here they carry _2010). Rows: county-level
units only (codes not ending in 00, i.e. no province/prefecture subtotals or '市辖区' rows). Codes are the 2010 codes
(not boundary-adjusted): they join the 2020 table only where the code did not change.

Usage: python3 derive_features_2010.py census_county_2010_full.csv.gz county_features_2010.csv.gz
"""
import csv
import gzip
import sys


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def ratio(a, b, nd=4):
    a, b = num(a), num(b)
    if a is None or b is None or b <= 0:
        return ""
    return f"{a / b:.{nd}f}"


def main(src, dst):
    opener = gzip.open if src.endswith(".gz") else open
    with opener(src, "rt", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    cols = ["adcode", "county", "pop_2010", "urban_pop_2010", "rural_pop_2010", "urbanization_2010", "household_size",
            "pct_age0_14", "pct_age65plus", "avg_school_years", "illiteracy_pct", "share_employed_agri",
            "share_employed_manuf", "share_hh_tapwater", "share_hh_toilet", "share_hh_bath", "housing_m2_per_person",
            "inflow_other_province"]
    out = []
    for r in rows:
        code = num(r["区划代码"])
        if code is None:
            continue
        code = int(code)
        if code % 100 == 0:
            continue
        pop = num(r["合计"])
        hh = r["长表数据-家庭户"]
        jobs = r["各种行业人口总计"]
        out.append([
            code, r["地区"], r["合计"], r["城镇人口"], r["乡村人口"], ratio(r["城镇人口"], r["合计"]), r["户规模（人/户）"],
            r["0-14岁（%）"], r["65岁及以上（%）"], r["平均受教育年限（年）-合计"], r["文盲人口占15岁及以上人口比重（%）-合计"],
            ratio(r["农林牧渔业"], jobs), ratio(r["制造业"], jobs), ratio(r["住房内有无管道自来水-有"], hh),
            ratio(r["住房内有无厕所-有"], hh), ratio(r["住房内有无洗澡设施-有"], hh), r["人均住房建筑面积（平方米/人）"],
            r["迁入人口（人）-外省"],
        ])
        if pop is None:
            out[-1][2] = ""
    out.sort(key=lambda x: x[0])
    opener = gzip.open if dst.endswith(".gz") else open
    with opener(dst, "wt", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in out:
            w.writerow([("" if v is None else (str(int(float(v))) if k in (2, 3, 4, 17) and num(v) is not None else v))
                        for k, v in enumerate(r)])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
