import csv
import json
import math

import numpy as np
import pytest

import countyscope as cs


def test_accessibility_hand_case():
    # 2 demand points x 2 facilities, cutoff 10 min; hand-computed 2SFCA.
    t = np.array([[5.0, 15.0], [700.0 / 60, 200.0 / 60]], dtype=np.float32)  # minutes
    pop = np.array([100.0, 300.0])
    sup = np.array([1.0, 2.0])
    r = cs.accessibility(t, pop, sup, cutoff_min=10.0)
    # R1 = 1/100 (only demand 0 within 10 min), R2 = 2/300; A0 = R1, A1 = R2
    assert r["2sfca"] == pytest.approx([0.01, 2.0 / 300.0])
    assert r["nearest_min"] == pytest.approx([5.0, 200.0 / 60])
    assert r["cumulative"] == pytest.approx([1.0, 2.0])
    # supply conservation
    assert float(np.dot(pop, r["2sfca"])) == pytest.approx(sup.sum())


@pytest.mark.parametrize("catchment", ["inclusive", "exclusive"])
def test_sfca2_alone_equals_accessibility(catchment):
    rng = np.random.default_rng(7)
    t = rng.uniform(0, 60, (300, 40)).astype(np.float32)  # minutes
    t[rng.random(t.shape) < 0.05] = np.inf
    t[:5] = 5000.0 / 60  # unreached rows
    t[::7, 3] = 30.0  # exactly on the catchment
    pop = rng.integers(0, 50, 300).astype(float)
    sup = rng.uniform(0, 5, 40)
    a = cs.sfca2(t, pop, sup, cutoff_min=30.0, catchment=catchment)
    r = cs.accessibility(t, pop, sup, cutoff_min=30.0, catchment=catchment)
    assert np.array_equal(a, r["2sfca"])  # bit for bit
    with pytest.raises(cs.InputError, match="supply"):
        cs.sfca2(t, pop, -sup)


def test_accessibility_bad_input():
    t = np.zeros((2, 2), dtype=np.float32)
    with pytest.raises(cs.InputError):
        cs.accessibility(t, np.array([-1.0, 1.0]), np.ones(2))
    with pytest.raises(cs.UsageError):
        cs.accessibility(t, np.ones(2), np.ones(2), gravity_decay="cubic")


def test_equity_identities():
    rng = np.random.default_rng(7)
    v = rng.uniform(1, 10, 200)
    p = rng.uniform(1, 100, 200)
    g = (np.arange(200) % 3).astype(np.int32)
    e = cs.equity(v, p, g, ["a", "b", "c"])
    assert 0 < e["gini"] < 1
    assert e["theil_within"] + e["theil_between"] == pytest.approx(e["theil_t"], rel=1e-12)
    assert e["dagum_gw"] + e["dagum_gnb"] + e["dagum_gt"] == pytest.approx(e["gini"], rel=1e-9)
    assert e["lorenz_pop_share"][0] == 0 and e["lorenz_value_share"][-1] == pytest.approx(1.0)
    assert cs.equity(np.full(5, 3.0), np.ones(5))["gini"] == pytest.approx(0.0, abs=1e-15)


def test_gravity_and_radiation_marginals():
    rng = np.random.default_rng(3)
    n = 6
    d = rng.uniform(1, 50, (n, n))
    d = (d + d.T) / 2
    np.fill_diagonal(d, 0)
    O = rng.uniform(10, 100, n)
    D = O[::-1].copy() * O.sum() / O[::-1].sum()
    T = cs.gravity_flows("doubly", O, D, d, decay="exponential", beta=0.05)
    assert T.sum(axis=1) == pytest.approx(O, rel=1e-9)
    assert T.sum(axis=0) == pytest.approx(D, rel=1e-9)
    P = cs.gravity_flows("production", O, D, d, decay="power", beta=1.5)
    assert P.sum(axis=1) == pytest.approx(O, rel=1e-9)
    R = cs.radiation_flows(O, O * 0.3, d)
    assert R.sum(axis=1) == pytest.approx(O * 0.3, rel=1e-9)
    with pytest.raises(cs.UsageError):
        cs.gravity_flows("sideways", O, D, d)


def test_calibration_reproduces_spint_austria(root):
    fits = json.loads((root / "data/fixtures/flows_austria/spint_expected_fits.json").read_text())["test_Doubly"]
    rows = list(csv.DictReader(open(root / "data/fixtures/flows_austria/austria_flows_from_spint_tests.csv")))
    codes = sorted({r["origin"] for r in rows} | {r["destination"] for r in rows})
    idx = {c: i for i, c in enumerate(codes)}
    o = np.array([idx[r["origin"]] for r in rows], dtype=np.uint32)
    de = np.array([idx[r["destination"]] for r in rows], dtype=np.uint32)
    f = np.array([float(r["flow"]) for r in rows])
    c = np.array([float(r["dij_km"]) for r in rows])
    fit = cs.calibrate_gravity(o, de, f, c, model="doubly", decay="exponential", spint=True, tolerance=1e-6)
    assert -fit["beta"] == pytest.approx(fits["params"][-1], rel=1e-5)
    assert fit["deviance"] == pytest.approx(fits["deviance"], rel=1e-5)
    assert fit["std_err"][-1] == pytest.approx(fits["std_err"][-1], rel=1e-5)
    with pytest.raises(cs.InputError):
        cs.calibrate_gravity(o, de, -f, c)


def test_fca_alone_equals_accessibility_and_shares_out_the_supply():
    # Soukhov et al. (2023)'s three zones (R accessibility's test of spatial_availability): 66833 133203 9963 jobs.
    t = np.array([[15, 30, 100], [30, 15, 100], [100, 100, 15]], dtype=np.float32)
    pop, jobs = np.array([50000.0, 150000.0, 10000.0]), np.array([100000.0, 100000.0, 10000.0])
    f = cs.fca(t, pop, jobs, fca_decay="exponential", fca_beta=0.1)
    assert list(np.round(f["availability"])) == [66833, 133203, 9963]
    assert f["availability"].sum() == pytest.approx(jobs.sum(), rel=1e-12)
    a = cs.accessibility(t, pop, jobs, fca_decay="exponential", fca_beta=0.1)
    for k in ("fca2", "bfca", "availability"):
        assert np.array_equal(f[k], a[k])  # bit for bit
    with pytest.raises(cs.UsageError, match="fca_decay"):
        cs.fca(t, pop, jobs, fca_decay="cubic")


def test_fca_on_a_prepared_matrix_equals_the_array_call():
    # FcaMatrix codes the times once (8 bits here: 61 distinct whole minutes + inf; 16 bits past 256; a dense copy
    # past 65,535): fca on it gives the same bits as on the array, for each impedance, and only the measures asked.
    rng = np.random.default_rng(18)
    t = rng.integers(0, 60, size=(70, 41)).astype(np.float32)
    t[rng.random(t.shape) < 0.05] = np.inf
    pop, sup = rng.integers(0, 500, 70).astype(float), rng.integers(1, 20, 41).astype(float)
    m = cs.FcaMatrix(t)
    assert (m.shape, m.distinct, m.code_bits) == ((70, 41), 61, 8)
    for decay in ("binary", "exponential", "linear", "logistic"):
        a = cs.fca(t, pop, sup, cutoff_min=25, fca_decay=decay, fca_beta=0.2)
        b = cs.fca(m, pop, sup, cutoff_min=25, fca_decay=decay, fca_beta=0.2)
        for k in ("fca2", "bfca", "availability"):
            assert np.array_equal(a[k], b[k]), (decay, k)  # bit for bit
        only = cs.fca(m, pop, sup, cutoff_min=25, fca_decay=decay, fca_beta=0.2, measures=["bfca"])
        assert list(only) == ["bfca"] and np.array_equal(only["bfca"], a["bfca"])
    assert cs.FcaMatrix(np.arange(300, dtype=np.float32).reshape(3, 100)).code_bits == 16
    with pytest.raises(cs.UsageError, match="population"):
        cs.fca(m, pop[:-1], sup)
    with pytest.raises(cs.UsageError, match="measures"):
        cs.fca(m, pop, sup, measures=["gini"])


def test_intervening_flows_hand_worked():
    # Four places on a line (cost = position): from place 0 the destinations rank 1, 2, 3 with V = 0, m1, m1 + m2;
    # P_0j = exp(-L V) - exp(-L (V + m_j)), rows scaled to out[0] (origin constrained). L = 1 / total mass by
    # default, as `countyscope flows --model intervening` assumes.
    m = np.array([10.0, 20.0, 30.0, 40.0])
    x = np.array([0.0, 1.0, 2.0, 3.0])
    cost = np.abs(x[:, None] - x[None, :])
    out = np.array([100.0, 0.0, 0.0, 0.0])
    L = 1.0 / m.sum()
    V = np.array([0.0, 0.0, 20.0, 50.0])
    p = np.exp(-L * V) - np.exp(-L * (V + m))
    p[0] = 0.0
    want = 100.0 * p / p.sum()
    got = cs.intervening_flows(m, out, cost)
    assert got[0] == pytest.approx(want, rel=1e-12)
    assert got.sum(axis=1) == pytest.approx(out, abs=1e-9)
    assert cs.intervening_flows(m, out, cost, intervening_l=0.5)[0] != pytest.approx(want, rel=1e-6)  # L matters
    with pytest.raises(cs.UsageError, match="intervening_l"):
        cs.intervening_flows(m, out, cost, intervening_l=-1.0)
