"""countyscope.stats_* (python/src/stats.cpp) against `countyscope stats ...` on the same data (docs/stats.md):
every table the command writes equals the function's table column by column (numbers to 1e-12 relative, text
exactly), and the results section equals results.json's; plus the published values each command's e2e test
holds (giddy's Spatial_Markov LR and Q, esda's Moran's I of Columbus CRIME, R geodetector's q of the Heshun
data), and a bad input raised as InputError with the command's message.
"""
import csv
import json
import math
import os
import subprocess

import numpy as np
import pytest

import countyscope as cs

D = "tests/data/libpysal"


def cli_run(tmp_path, name, *args):
    cli = os.environ.get("COUNTYSCOPE_CLI")
    if not cli:
        pytest.skip("COUNTYSCOPE_CLI not set (ctest sets it)")
    out = tmp_path / name
    subprocess.run([cli, "-q", "stats", *args, "--out", str(out)], check=True, capture_output=True, text=True)
    return out


def same_as_cli(r, out, stage):
    for name, cols in r["tables"].items():
        rows = list(csv.DictReader(open(out / (name + ".csv"))))
        for col, values in cols.items():
            assert len(values) == len(rows), (name, col)
            for v, row in zip(values, rows):
                text = row[col]
                if isinstance(v, str) or v is None:
                    assert (v or "") == text, (name, col, v, text)
                elif isinstance(v, (float, np.floating)) and math.isnan(v):
                    assert text == "", (name, col, text)
                else:
                    assert math.isclose(float(v), float(text), rel_tol=1e-12, abs_tol=1e-12), (name, col, v, text)
    section = json.load(open(out / "results.json"))["sections"][stage]
    assert json.loads(json.dumps(r["section"])) == section


def test_spatial_markov_equals_the_cli_and_giddy(tmp_path):
    args = dict(relative=True, quantiles="pooled", weights=f"{D}/states48.gal")
    r = cs.stats_markov(f"{D}/usjoin.csv", ["y1929:y2009"], **args)
    h = r["section"]["spatial"]["homogeneity"]
    assert h["dof"] == 60 and round(h["LR"], 3) == 170.659 and round(h["Q"], 3) == 200.624  # giddy's docstring
    assert abs(r["tables"]["markov_spatial"]["p"][0] - 0.96341463) < 1e-6
    out = cli_run(tmp_path, "sm", "markov", "--table", f"{D}/usjoin.csv", "--columns", "y1929:y2009", "--relative",
                  "--quantiles", "pooled", "--weights", f"{D}/states48.gal")
    same_as_cli(r, out, "markov")
    lisa = cs.stats_markov(f"{D}/usjoin.csv", ["y1929:y2009"], weights=f"{D}/states48.gal", lisa=True)
    assert list(lisa["tables"]["markov_transitions"]["count"][:4]) == [1087, 44, 4, 34]  # giddy LISA_Markov
    out = cli_run(tmp_path, "lm", "markov", "--table", f"{D}/usjoin.csv", "--columns", "y1929:y2009", "--weights",
                  f"{D}/states48.gal", "--lisa")
    same_as_cli(lisa, out, "markov")
    classic = cs.stats_markov(f"{D}/usjoin.csv", ["y1929:y2009"])
    out = cli_run(tmp_path, "m", "markov", "--table", f"{D}/usjoin.csv", "--columns", "y1929:y2009")
    same_as_cli(classic, out, "markov")


def test_autocorrelation_equals_the_cli_and_esda(tmp_path):
    r = cs.stats_autocorrelation(f"{D}/columbus.shp", "CRIME", weights="queen", methods=["moran", "lisa"],
                                 permutations=99, threads=2)
    g = r["tables"]["autocorrelation_global"]
    assert abs(g["value"][0] - 0.5001886) < 1e-6  # esda Moran(CRIME, queen).I
    out = cli_run(tmp_path, "ac", "autocorrelation", "--table", f"{D}/columbus.shp", "--y", "CRIME",
                  "--weights", "queen", "--methods", "moran,lisa", "--permutations", "99")
    same_as_cli(r, out, "autocorrelation")


def test_geodetector_mcdm_equity_equal_the_cli(tmp_path):
    gd = "tests/assess/data/disease.csv"
    r = cs.stats_geodetector(gd, "incidence", factors=["type", "region", "level"])
    assert abs(r["tables"]["geodetector_factor"]["q"][1] - 0.6378) < 5e-5  # R geodetector: region
    same_as_cli(r, cli_run(tmp_path, "gd", "geodetector", "--table", gd, "--y", "incidence", "--factors",
                           "type,region,level"), "geodetector")
    r = cs.stats_mcdm(f"{D}/columbus.shp", ["CRIME", "INC", "HOVAL"], cost=["CRIME"], weights="critic")
    same_as_cli(r, cli_run(tmp_path, "mc", "mcdm", "--table", f"{D}/columbus.shp", "--criteria", "CRIME,INC,HOVAL",
                           "--cost", "CRIME", "--weights", "critic"), "mcdm")
    r = cs.stats_equity(f"{D}/columbus.shp", "CRIME", rank="INC", groups="CP", poverty_line=30)
    same_as_cli(r, cli_run(tmp_path, "eq", "equity", "--table", f"{D}/columbus.shp", "--y", "CRIME", "--rank", "INC",
                           "--groups", "CP", "--poverty-line", "30"), "equity")


@pytest.mark.parametrize("func", ["autocorrelation", "mcdm", "equity", "markov", "geodetector"])
def test_keyword_defaults_are_the_commands(func):
    """Every keyword default of stats_FUNC is `countyscope stats FUNC --help`'s (an option shown without a default:
    empty, 0, False or [] here); seed and threads are the CLI's global --seed and --threads."""
    import re
    cli = os.environ.get("COUNTYSCOPE_CLI")
    if not cli:
        pytest.skip("COUNTYSCOPE_CLI not set (ctest sets it)")
    help_text = subprocess.run([cli, "stats", func, "--help"], capture_output=True, text=True, check=True).stdout
    sig = getattr(cs, "stats_" + func).__doc__.splitlines()[0]
    defaults = dict(re.findall(r"(\w+): [\w\[\], ]+? = ('[^']*'|\[\]|[\w.]+)", sig))
    assert defaults, sig
    for name, value in defaults.items():
        if name in ("seed", "threads"):
            continue
        flag = "--" + name.replace("_", "-")
        if name == "given_weights":
            flag = "--given-weights"
        m = re.search(r"\n\s+" + re.escape(flag) + r"(?: (\S+))?", help_text)
        assert m, f"{flag} missing from `countyscope stats {func} --help`"
        shown = m.group(1).split("=", 1)[1] if m.group(1) and "=" in m.group(1) else ""
        py = value.strip("'")
        if py in ("[]", "False", "0"):
            py = ""
        if name == "methods":  # the study's default list
            continue
        assert shown == py or (shown and py and float(shown) == float(py)), (func, name, shown, value)


def test_bad_input_is_the_commands_message(tmp_path):
    p = tmp_path / "miss.csv"
    p.write_text("unit,t1,t2\na,1,2\nb,,3\nc,3,1\n")
    with pytest.raises(cs.InputError, match="row 3, field 't1': empty: the panel misses this period"):
        cs.stats_markov(str(p), ["t1", "t2"], classes=2)
    with pytest.raises(cs.UsageError, match="--lag-classes and --lag-cutoffs need --weights"):
        cs.stats_markov(str(p), ["t1", "t2"], classes=2, lag_classes=3)
