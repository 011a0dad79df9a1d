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
