"""One option, one default: the Python signature, the type stub, the CLI's --help and the registry agree
(docs/options.md); old keyword names are refused with a message naming the new one."""
import os
import re
import subprocess
from pathlib import Path

import pytest

import countyscope as cs

STUB = Path(__file__).resolve().parents[2] / "python" / "countyscope" / "_core.pyi"


def signature_defaults(doc, func):
    """name -> default text from pybind11's signature line 'f(a: T = d, ...)'."""
    line = doc.splitlines()[0]
    assert line.startswith(func + "("), line
    return dict(re.findall(r"(\w+): [\w\[\], ]+ = ('[^']*'|[^,)]+)", line))


def stub_defaults(func):
    text = STUB.read_text()
    m = re.search(r"def " + func + r"\((.*?)\) ->", text, re.S)
    assert m, func
    return dict(re.findall(r"(\w+): [\w\[\]., ]+ = (\"[^\"]*\"|[^,)\s]+)", m.group(1)))


def as_text(v):
    v = v.strip("'\"")
    return {"None": "", "True": "true", "False": "false"}.get(v, v)


def same(a, b):
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


@pytest.mark.parametrize("stage", ["locate"])
def test_python_signature_and_stub_show_the_registry_defaults(stage):
    func = getattr(cs, stage)
    sig = signature_defaults(func.__doc__, stage)
    stub = stub_defaults(stage)
    options = cs.options(stage)
    assert options, stage
    for o in options:
        assert o["name"] in sig, f"{stage}(): option {o['name']} missing from the signature"
        assert same(as_text(sig[o["name"]]), o["default"]), (o["name"], sig[o["name"]], o["default"])
        assert o["name"] in stub, f"_core.pyi {stage}(): option {o['name']} missing"
        assert same(as_text(stub[o["name"]]), o["default"]), (o["name"], stub[o["name"]], o["default"])


@pytest.mark.parametrize("stage", ["locate"])
def test_cli_help_shows_the_registry_defaults(stage):
    cli = os.environ.get("COUNTYSCOPE_CLI")
    if not cli:
        pytest.skip("COUNTYSCOPE_CLI not set (ctest sets it)")
    out = subprocess.run([cli, stage, "--help"], capture_output=True, text=True, check=True).stdout
    for o in cs.options(stage):
        m = re.search(r"\n\s+" + re.escape(o["cli"]) + r" (\S+)", out)
        assert m, f"{o['cli']} missing from `countyscope {stage} --help`"
        shown = m.group(1).split("=", 1)[1] if "=" in m.group(1) else ""
        assert same(shown, o["default"]), (o["cli"], shown, o["default"])


def test_renamed_keywords_name_the_new_one():
    import numpy as np
    c = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(cs.UsageError, match=r"locate\(\): argument 'standard_s': renamed to 'standard_min'"):
        cs.locate(c, standard_s=900)
    with pytest.raises(cs.UsageError, match=r"unexpected argument 'bogus'"):
        cs.locate(c, bogus=1)
    with pytest.raises(cs.UsageError, match=r"argument 'new': expected an integer, got 1.5"):
        cs.locate(c, new=1.5)


# Access and network functions take some of their stage's options as keywords: each one they show has the
# registry's default, in the signature and in the stub; the CLI shows every option of the stage.
KEYWORDS = [("accessibility", "access"), ("sfca2", "access"), ("fca", "access")]


@pytest.mark.parametrize("func,stage", KEYWORDS)
def test_access_keywords_show_the_registry_defaults(func, stage):
    sig = signature_defaults(getattr(cs, func).__doc__, func)
    stub = stub_defaults(func)
    options = {o["name"]: o for o in cs.options(stage)}
    shown = [k for k in sig if k in options]
    assert "cutoff_min" in shown and "catchment" in shown, sig
    for name in shown:
        assert same(as_text(sig[name]), options[name]["default"]), (func, name, sig[name], options[name]["default"])
        assert name in stub, f"_core.pyi {func}(): option {name} missing"
        assert same(as_text(stub[name]), options[name]["default"]), (func, name, stub[name])


def test_network_cutoff_is_the_matrix_option():
    (o,) = [o for o in cs.options("matrix") if o["name"] == "cutoff_min"]
    assert o["default"] == "" and o["unit"] == "minutes"
    for method in ("travel_time_matrix", "one_to_all"):
        doc = getattr(cs.Network, method).__doc__
        assert re.search(r"cutoff_min: \w+ = None", doc), doc.splitlines()[0]
        text = STUB.read_text()
        assert re.search(r"def " + method + r"\(self[^)]*cutoff_min: Optional\[float\] = None", text, re.S)


@pytest.mark.parametrize("command,stage", [("access", "access"), ("matrix", "matrix"), ("flows", "flows_table")])
def test_cli_help_of_access_and_matrix_shows_the_registry_defaults(command, stage):
    cli = os.environ.get("COUNTYSCOPE_CLI")
    if not cli:
        pytest.skip("COUNTYSCOPE_CLI not set (ctest sets it)")
    out = subprocess.run([cli, command, "--help"], capture_output=True, text=True, check=True).stdout
    for o in cs.options(stage):
        if o["type"] == "true/false":  # a flag: given or not (default false)
            assert re.search(r"\n\s+" + re.escape(o["cli"]) + r"\s", out), o["cli"]
            assert o["default"] == "false", o
            continue
        m = re.search(r"\n\s+" + re.escape(o["cli"]) + r" (\S+)", out)
        assert m, f"{o['cli']} missing from `countyscope {command} --help`"
        shown = m.group(1).split("=", 1)[1] if "=" in m.group(1) else ""
        assert same(shown, o["default"]), (o["cli"], shown, o["default"])


def test_renamed_access_and_network_keywords_name_the_new_one():
    import numpy as np
    t = np.array([[1.0, 10.0], [15.0, 5.0]], dtype=np.float32)  # minutes
    pop, sup = np.ones(2), np.ones(2)
    for f in (cs.accessibility, cs.sfca2):
        with pytest.raises(cs.UsageError, match=r"argument 'cutoff_s': renamed to 'cutoff_min' \(now in minutes\)"):
            f(t, pop, sup, cutoff_s=1800)
    with pytest.raises(TypeError):
        cs.accessibility(t, pop, sup, 1800)  # the cutoff is keyword-only: a positional seconds value is refused
    with pytest.raises(cs.UsageError, match=r"unexpected argument 'bogus'"):
        cs.accessibility(t, pop, sup, bogus=1)
    # Options beyond the signature are keywords too, with the CLI's checks and the CLI's result.
    a = cs.accessibility(t, pop, sup, cutoff_min=10, zones_min=[5, 10], zone_weights=[1, 0.5])
    b = cs.accessibility(t, pop, sup, cutoff_min=10)
    assert not np.array_equal(a["e2sfca"], b["e2sfca"])
    with pytest.raises(cs.UsageError, match=r"argument 'zones_min': element 2: expected a time"):
        cs.accessibility(t, pop, sup, zones_min=[5, -1], zone_weights=[1, 0.5])
    # minutes in, the same numbers as the engine's seconds (30 min = the old cutoff_s=1800 default)
    assert np.array_equal(cs.sfca2(t, pop, sup, cutoff_min=30), cs.sfca2(t, pop, sup))


# Every public function and method of the module, with the registry stages its keywords come from. The test walks
# the module, so a new function fails here until it is listed (no hand-picked subset).
STAGES = {
    "accessibility": ["access"], "sfca2": ["access"], "fca": ["access"], "equity": [], "locate": ["locate"], "options": [],
    "gravity_flows": ["flows_table"], "radiation_flows": [], "intervening_flows": ["flows_table"], "calibrate_gravity": ["flows_table"],
    "Network.from_osm": ["network"], "Network.load": [], "Network.save": [], "Network.snap": ["snap"],
    "Network.travel_time_matrix": ["matrix"], "Network.one_to_all": ["matrix"],
    "County.load": ["county"], "plan": ["plan"],
}
# Keywords with a default that are not study options, each with the only default it may have: the thread count
# (the CLI's global --threads), arrays the caller may leave out, and include_access (an engine switch: the access
# legs of both points, which every CLI command includes).
NOT_OPTIONS = {"threads": "0", "weight": "None", "capacity": "None", "opening_cost": "None", "fixed": "[]",
               "groups": "None", "group_names": "[]", "origin_mass": "None", "dest_mass": "None",
               "include_access": "True", "config": "None", "county": "None", "measures": "None"}


def public_functions():
    core = cs._core
    out = {}
    for name in dir(core):
        obj = getattr(core, name)
        if name.startswith("_") or isinstance(obj, type) and issubclass(obj, BaseException):
            continue
        if isinstance(obj, type):
            for m in dir(obj):
                if not m.startswith("_") and callable(getattr(obj, m)):
                    out[f"{name}.{m}"] = getattr(obj, m)
        elif callable(obj):
            out[name] = obj
    return out


# `countyscope stats` functions: no option registry; tests/python/test_stats.py holds their defaults to the
# command's --help.
STATS = ["stats_autocorrelation", "stats_equity", "stats_geodetector", "stats_markov", "stats_mcdm"]


def test_every_function_is_listed():
    assert sorted(public_functions()) == sorted([*STAGES, *STATS])


@pytest.mark.parametrize("qualname", sorted(STAGES))
def test_every_keyword_default_is_the_registrys(qualname):
    func = public_functions()[qualname]
    short = qualname.split(".")[-1]
    sig = signature_defaults(func.__doc__, short)
    stub = stub_defaults(short)
    options = {o["name"]: o for stage in STAGES[qualname] for o in cs.options(stage)}
    for name, shown in sig.items():
        if name in options:
            want = options[name]["default"]
            assert same(as_text(shown), want), (qualname, name, shown, want)
            assert name in stub, f"_core.pyi {short}(): option {name} missing"
            assert same(as_text(stub[name]), want), (qualname, name, stub[name], want)
        else:
            assert name in NOT_OPTIONS, f"{qualname}(): keyword {name} = {shown} is not an option of {STAGES[qualname]}"
            assert shown.strip() == NOT_OPTIONS[name], (qualname, name, shown)


def test_flows_keywords_are_the_table_modes():
    import numpy as np
    cost = np.array([[0.0, 10.0], [10.0, 0.0]])
    o, d = np.array([0, 1], dtype=np.uint32), np.array([1, 0], dtype=np.uint32)
    with pytest.raises(cs.UsageError, match=r"calibrate_gravity\(\): argument 'form': renamed to 'model'"):
        cs.calibrate_gravity(o, d, np.ones(2), np.ones(2), form="doubly")
    with pytest.raises(cs.UsageError, match=r"argument 'spint_compatible': renamed to 'spint'"):
        cs.calibrate_gravity(o, d, np.ones(2), np.ones(2), spint_compatible=True)
    with pytest.raises(cs.UsageError, match=r"argument 'model': unknown model 'sideways'; expected one of"):
        cs.gravity_flows("sideways", np.ones(2), np.ones(2), cost)
    with pytest.raises(cs.UsageError, match=r"'radiation' is not a gravity form"):
        cs.gravity_flows("radiation", np.ones(2), np.ones(2), cost)
    # beta unset is the CLI's assumed value (exponential 0.1, power 2), labelled so in docs/options.md
    a = cs.gravity_flows("unconstrained", np.ones(2), np.ones(2), cost)
    assert np.array_equal(a, cs.gravity_flows("unconstrained", np.ones(2), np.ones(2), cost, beta=0.1))
    p = cs.gravity_flows("unconstrained", np.ones(2), np.ones(2), cost, decay="power")
    assert np.array_equal(p, cs.gravity_flows("unconstrained", np.ones(2), np.ones(2), cost, decay="power", beta=2))


def test_worker_helpers_keep_the_registrys_defaults():
    # The pure-Python helpers (countyscope.workers) pass options on to Network: their defaults are the registry's
    # too; threads is 1 there (one engine thread per Dask worker process).
    import inspect
    from countyscope import workers
    options = {o["name"]: o for stage in ("matrix", "snap") for o in cs.options(stage)}
    funcs = [f for n, f in inspect.getmembers(workers, inspect.isfunction)
             if not n.startswith("_") and f.__module__ == workers.__name__]
    assert funcs
    for f in funcs:
        for name, p in inspect.signature(f).parameters.items():
            if p.default is inspect.Parameter.empty:
                continue
            if name == "threads":
                assert p.default == 1, (f.__name__, p.default)
                continue
            assert name in options, f"workers.{f.__name__}(): keyword {name} is not a [matrix]/[snap] option"
            assert same(as_text(repr(p.default)), options[name]["default"]), (f.__name__, name, p.default)
