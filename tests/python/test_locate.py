import itertools

import numpy as np
import pytest

import countyscope as cs


def brute_pmedian(c, w, p):
    best = None
    for s in itertools.combinations(range(c.shape[1]), p):
        v = float((c[:, list(s)].min(axis=1) * w).sum())
        if best is None or v < best[0]:
            best = (v, s)
    return best


@pytest.mark.parametrize("seed", range(5))
def test_pmedian_mip_equals_brute_force_and_heuristic_bounds(seed):
    rng = np.random.default_rng(seed)
    c = rng.uniform(1, 60, (30, 9)).astype(np.float32)  # minutes
    w = rng.uniform(1, 50, 30)
    ref, _ = brute_pmedian(c.astype(np.float64), w, 3)
    mip = cs.locate(c, "p-median", p=3, weight=w, solver="mip")
    heu = cs.locate(c, "p-median", p=3, weight=w, solver="heuristic")
    assert mip["outcome"] == "optimal" and mip["objective_unit"] == "person-min"
    assert mip["objective"] == pytest.approx(ref, rel=1e-6)
    assert heu["bound"] <= mip["objective"] * (1 + 1e-9) <= heu["objective"] * (1 + 1e-9)
    # Its quality, also where it does not prove optimality (3 of these 5): greedy + swaps + Lagrangian restarts
    # reach the brute-force optimum on all five.
    assert heu["objective"] == pytest.approx(ref, rel=1e-6), heu["outcome"]
    assert len(mip["open"]) == 3 and set(mip["assigned"]) <= set(mip["open"])


def test_mclp_and_lscp():
    rng = np.random.default_rng(11)
    c = rng.uniform(1, 60, (40, 8)).astype(np.float32)  # minutes
    cov = [cs.locate(c, "mclp", p=p, standard_min=15, solver="mip")["objective"] for p in (1, 2, 3)]
    assert cov[0] <= cov[1] <= cov[2]
    c[:, 0] = 1.5  # candidate 0 covers everyone
    l = cs.locate(c, "lscp", standard_min=15, solver="mip")
    assert l["objective"] == pytest.approx(1.0) and list(l["open"]) == [0]


def test_locate_bad_input():
    c = np.ones((3, 2), dtype=np.float32)
    with pytest.raises(cs.InputError, match="exceeds the 2 candidate"):
        cs.locate(c, "p-median", p=5)
    with pytest.raises(cs.UsageError):
        cs.locate(c, "p-middle", p=1)
    with pytest.raises(ValueError):
        cs.locate(c, "p-median", p=1, solver="magic")
