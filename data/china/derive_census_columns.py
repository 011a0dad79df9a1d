#!/usr/bin/env python3
"""Append the census columns of the default indicator system (data/config/integration.toml) to the two feature tables.

Reads the bundled census county tables (census_county_2020_full.csv.gz, census_county_2010_full.csv.gz; github
leiii/census, MIT, LICENSE.leiii-census.txt) and appends, joined by division code, the same eleven columns with the
same names and definitions to county_features_2020.csv.gz and county_features_2010.csv.gz (existing columns and rows are
kept byte for byte; rerunning replaces the appended columns). Counts, not shares, so that every indicator is a visible
formula in the TOML. A cell missing in the source (NA, empty) stays empty.

  residents                  人口数_合计 (2020) / 合计 (2010): resident population
  urban_residents            城镇人口: residents of urban areas (城区 + 镇区)
  hukou_same_county          户口登记地在外乡镇街道人口_本县 / 迁入人口（人）-本县（市）/本市市区: residents whose hukou is
                             registered in another township of the same county (for districts: of the same city's districts)
  hukou_other_county         …_本省其他县 / 迁入人口（人）-本省其他县（市）、市区: registered in another county of the province
  hukou_other_province       …_省外 / 迁入人口（人）-外省: registered in another province
  edu_pop                    persons by education level (未上过学, 小学, 初中, 高中, 大学专科, 本科及以上, both sexes; 2020's
                             学前教育 is left out so that both years count the population aged 6 and over)
  edu_college                大学专科 + 本科及以上 (both sexes)
  jobs_sample                各种行业人口总计 (long-form sample of the employed)
  jobs_edu_health            教育 + 卫生和社会工作 (2010: 教育 + 卫生、社会保障和社会福利业)
  occ_sample                 各种职业人口总计
  occ_professional           专业技术人员

Usage: python3 derive_census_columns.py DATA_CHINA_DIR   (rewrites the two county_features_*.csv.gz in place)
"""
import csv
import gzip
import io
import os
import sys

NEW = ["residents", "urban_residents", "hukou_same_county", "hukou_other_county", "hukou_other_province", "edu_pop",
       "edu_college", "jobs_sample", "jobs_edu_health", "occ_sample", "occ_professional"]
EDU_2020 = ["未上过学", "小学", "初中", "高中", "大学专科", "本科及以上"]
EDU_2010 = ["未上过学", "小学", "初中", "高中", "大学专科", "大学本科及以上"]


def num(s):
    try:
        v = float(s)
    except (TypeError, ValueError):
        return None
    return v if v == v else None


def total(vals):
    if any(v is None for v in vals):
        return ""
    s = sum(vals)
    return str(int(s)) if s == int(s) else repr(s)


def cols_2020(r):
    edu = [num(r[e + "_男"]) for e in EDU_2020] + [num(r[e + "_女"]) for e in EDU_2020]
    col = [num(r[e + s]) for e in EDU_2020[4:] for s in ("_男", "_女")]
    return [total([num(r["人口数_合计"])]), total([num(r["城镇人口"])]),
            total([num(r["户口登记地在外乡镇街道人口_本县"])]), total([num(r["户口登记地在外乡镇街道人口_本省其他县"])]),
            total([num(r["户口登记地在外乡镇街道人口_省外"])]), total(edu), total(col),
            total([num(r["各种行业人口总计"])]), total([num(r["教育"]), num(r["卫生和社会工作"])]),
            total([num(r["各种职业人口总计"])]), total([num(r["专业技术人员"])])]


def cols_2010(r):
    edu = [num(r[e + s]) for e in EDU_2010 for s in ("-男", "-女")]
    col = [num(r[e + s]) for e in EDU_2010[4:] for s in ("-男", "-女")]
    return [total([num(r["合计"])]), total([num(r["城镇人口"])]), total([num(r["迁入人口（人）-本县（市）/本市市区"])]),
            total([num(r["迁入人口（人）-本省其他县（市）、市区"])]), total([num(r["迁入人口（人）-外省"])]), total(edu),
            total(col), total([num(r["各种行业人口总计"])]), total([num(r["教育"]), num(r["卫生、社会保障和社会福利业"])]),
            total([num(r["各种职业人口总计"])]), total([num(r["专业技术人员"])])]


def source(path, derive):
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as f:
        out = {}
        for r in csv.DictReader(f):
            code = num(r["区划代码"])
            if code is not None:
                out[str(int(code))] = derive(r)
        return out


def append(path, by_code):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        text = f.read()
    eol = "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"  # keep the file's line ends
    rows = list(csv.reader(io.StringIO(text, newline="")))
    head = rows[0]
    keep = len(head) - len([h for h in head if h in NEW])
    if head[keep:] and head[keep:] != NEW:
        sys.exit(f"{path}: appended columns out of order")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=eol)
    w.writerow(head[:keep] + NEW)
    for r in rows[1:]:
        w.writerow(r[:keep] + by_code.get(r[0], [""] * len(NEW)))
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as z:
            z.write(buf.getvalue().encode("utf-8"))


def main(d):
    append(os.path.join(d, "county_features_2020.csv.gz"), source(os.path.join(d, "census_county_2020_full.csv.gz"), cols_2020))
    append(os.path.join(d, "county_features_2010.csv.gz"), source(os.path.join(d, "census_county_2010_full.csv.gz"), cols_2010))


if __name__ == "__main__":
    main(sys.argv[1])
