import heapq

import numpy as np
import pytest

import countyscope as cs

PTS = np.array([[9.5209, 47.1410], [9.5097, 47.1651], [9.5550, 47.2000], [9.4750, 47.0600]])


def test_network_facts(net):
    assert net.profile == "car"
    assert 5000 < net.node_count < 8000
    assert net.arc_count > net.node_count
    assert 0.97 < net.stats["largest_scc_share"] <= 1.0
    assert net.node_lonlat.shape == (net.node_count, 2)


def test_snap_and_matrix_shapes_and_no_copy(net):
    s = net.snap(PTS)
    assert len(s) == 4 and s.dist_m.shape == (4,) and s.far.dtype == bool
    m = net.travel_time_matrix(s, s)
    assert m.shape == (4, 4) and m.dtype == np.float32
    assert not m.flags["OWNDATA"]  # the engine's buffer, handed over through a capsule
    assert np.all(np.isfinite(m)) and np.all(m > 0)
    cut = net.travel_time_matrix(s, s, cutoff_min=5.0)
    assert np.all(np.isinf(cut[m > 5.0])) and np.all(cut[m <= 5.0] == m[m <= 5.0])  # minutes


def test_matrix_matches_one_to_all_plus_legs(net):
    # The matrix from a point to the graph's own nodes is the one-to-all field at those nodes: a node's coordinate
    # snaps onto the node itself (no walking leg), so the matrix can never be faster than the field there (it is
    # the field plus, at worst, the rest of an edge that cannot be left backwards), and equals it for almost all.
    s = net.snap(PTS[:1])
    d = net.one_to_all(s)
    assert d.shape == (net.node_count,)
    assert np.isfinite(d).mean() > 0.95
    rng = np.random.default_rng(22)
    nodes = rng.choice(net.node_count, 400, replace=False)
    t = net.snap(net.node_lonlat[nodes])
    assert np.all(t.dist_m < 0.5)
    m = net.travel_time_matrix(s, t)[0]
    reach = np.isfinite(d[nodes])
    assert reach.sum() > 350
    assert np.array_equal(np.isfinite(m), reach)
    assert np.all(m[reach] >= d[nodes][reach])
    equal = (m[reach] == d[nodes][reach]).mean()
    assert equal > 0.95, equal
    # The cutoff keeps exactly the nodes within it, with their times (inclusive: a node at the cutoff stays).
    half = net.one_to_all(s, cutoff_min=5.0)
    assert np.all(np.isinf(half[d > 5.0])) and np.all(half[d <= 5.0] == d[d <= 5.0])  # minutes
    assert (d <= 5.0).sum() > 50
    edge = float(d[np.isfinite(d)][np.argsort(d[np.isfinite(d)])[100]])
    at = net.one_to_all(s, cutoff_min=edge)
    assert np.all(at[d <= edge] == d[d <= edge]) and np.all(np.isinf(at[d > edge]))


def test_save_load_roundtrip(net, tmp_path):
    p = tmp_path / "g.csgraph"
    net.save(str(p))
    g = cs.Network.load(str(p))
    assert (g.node_count, g.arc_count) == (net.node_count, net.arc_count)
    s1, s2 = net.snap(PTS), g.snap(PTS)
    assert np.array_equal(net.travel_time_matrix(s1, s1), g.travel_time_matrix(s2, s2))


def test_errors_are_python_exceptions_with_engine_messages(tmp_path):
    with pytest.raises(cs.InputError, match="not an OSM file"):
        cs.Network.from_osm(__file__)
    with pytest.raises(cs.UsageError, match="expected one of"):
        cs.Network.from_osm("x.osm.pbf", profile="bicycle")
    bad = tmp_path / "bad.csgraph"
    bad.write_bytes(b"not a graph")
    with pytest.raises(cs.InputError):
        cs.Network.load(str(bad))
    with pytest.raises(ValueError):  # InputError / UsageError are ValueErrors
        cs.Network.from_osm("x.osm.pbf", profile="bicycle")
