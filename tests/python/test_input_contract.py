"""Input contract of the Python module (docs/reliability.md): every array argument of every function is checked for
element kind, number of dimensions, length against the others and finite in-range values before any work, with one
message style: "FUNC(): argument 'NAME'[, index I]: expected ..., got ...". Regressions of issue 13: equity read past
a short array, snap accepted swapped lon/lat (5,469 km away), cutoff_s=-5 (now cutoff_min) silently returned all inf."""
import re

import numpy as np
import pytest

import countyscope as cs

PTS = np.array([[9.5209, 47.1410], [9.5097, 47.1651]])


def raises(fn, message):
    """fn() raises a ValueError whose text is exactly `message`."""
    with pytest.raises(ValueError) as e:
        fn()
    assert str(e.value) == message


# ---- equity (was: read past the population array, results differing call to call) ----
def test_equity_short_population_is_refused():
    raises(lambda: cs.equity(np.arange(1000.0) + 1, np.ones(1)),
           "equity(): argument 'population': expected 1000 values (the length of 'values'), got 1")


def test_equity_nan_and_range():
    raises(lambda: cs.equity(np.array([1.0, np.nan]), np.ones(2)),
           "equity(): argument 'values', index 1: expected a value in [-1e+300, 1e+300], got nan (or inf for no path)")
    raises(lambda: cs.equity(np.ones(2), np.array([1.0, 1e308])),
           "equity(): argument 'population', index 1: expected a population in [0, 2e+09] persons, got 1e+308")
    raises(lambda: cs.equity(np.ones(2), np.array([-1.0, 1.0])),
           "equity(): argument 'population', index 0: expected a population in [0, 2e+09] persons, got -1")


def test_equity_shape_dtype_groups():
    raises(lambda: cs.equity(np.ones((2, 2)), np.ones(4)),
           "equity(): argument 'values': expected a 1-D array, got 2-D")
    raises(lambda: cs.equity(np.ones(2, dtype=complex), np.ones(2)),
           "equity(): argument 'values': expected a real-valued array (float or integer), got dtype complex128")
    raises(lambda: cs.equity(["a", "b"], np.ones(2)),
           "equity(): argument 'values': expected a real-valued array (float or integer), got dtype <U1")
    raises(lambda: cs.equity(np.ones(3), np.ones(3), groups=np.array([0, 1])),
           "equity(): argument 'groups': expected 3 values (the length of 'values'), got 2")
    raises(lambda: cs.equity(np.ones(2), np.ones(2), groups=np.array([0, -1])),
           "equity(): argument 'groups', index 1: expected a group number in [0, 100000), got -1")
    raises(lambda: cs.equity(np.ones(2), np.ones(2), groups=np.array([0.5, 1.0])),
           "equity(): argument 'groups': expected an integer array, got dtype float64")


def test_equity_same_answer_every_call():
    v, p = np.arange(1000.0) + 1, np.ones(1000)
    a, b = cs.equity(v, p), cs.equity(v, p)
    assert a["mean"] == b["mean"] == pytest.approx(500.5)
    assert np.isfinite(a["gini"])


# ---- snap (was: swapped lon/lat snapped 5,469 km away) ----
def test_snap_swapped_lonlat_is_an_error(net):
    with pytest.raises(ValueError) as e:
        net.snap(PTS[:, ::-1].copy())
    msg = str(e.value)
    assert msg.startswith("snap(): argument 'lonlat', row 0: point (47.141, 9.5209) lies outside the network (lon ")
    assert msg.endswith(" (plus 10 km)); lon and lat swapped?")


def test_snap_range_shape_nan(net):
    raises(lambda: net.snap(np.array([[9.52, 91.0]])),
           "snap(): argument 'lonlat', row 0, column 1: expected a latitude in [-90, 90] degrees, got 91")
    raises(lambda: net.snap(np.array([[np.nan, 47.1]])),
           "snap(): argument 'lonlat', row 0, column 0: expected a longitude in [-180, 180] degrees, got nan")
    raises(lambda: net.snap(np.array([9.52, 47.14])),
           "snap(): argument 'lonlat': expected a 2-D array (n x 2: lon, lat), got 1-D")
    raises(lambda: net.snap(np.ones((2, 3))),
           "snap(): argument 'lonlat': expected an (n, 2) array of lon, lat, got 3 columns")
    raises(lambda: net.snap(PTS, connector_speed_kmh=0.0),
           "snap(): argument 'connector_speed_kmh': expected a speed in [0.1, 200] km/h, got 0")
    raises(lambda: net.snap(PTS, far_threshold_m=float("nan")),
           "snap(): argument 'far_threshold_m': expected a distance in [1, 1e+06] metres, got nan")


def test_snap_inside_margin_still_works(net):
    # 5 km east of the network's extent (inside the documented 10 km margin): a far snap, not an error.
    lon_max = net.node_lonlat[:, 0].max()
    s = net.snap(np.array([[lon_max + 0.065, 47.15]]))
    assert len(s) == 1 and s.far[0]


# ---- cutoffs (was: cutoff_s=-5 returned all inf; the cutoff is now cutoff_min, minutes) ----
def test_negative_cutoff_is_refused(net):
    s = net.snap(PTS)
    raises(lambda: net.travel_time_matrix(s, s, cutoff_min=-5),
           "travel_time_matrix(): argument 'cutoff_min': expected a time in (0, 10080] minutes, got -5")
    raises(lambda: net.one_to_all(net.snap(PTS[:1]), cutoff_min=float("nan")),
           "one_to_all(): argument 'cutoff_min': expected a time in (0, 10080] minutes, got nan")
    raises(lambda: net.travel_time_matrix(s, s, cutoff_s=300),
           "travel_time_matrix(): argument 'cutoff_s': renamed to 'cutoff_min' (now in minutes)")
    raises(lambda: net.one_to_all(s),
           "one_to_all(): argument 'origin': expected exactly one snapped point, got 2")


# ---- access ----
T = np.array([[1.0, 10.0], [15.0, np.inf], [20.0, 5.0]], dtype=np.float32)  # minutes


def test_accessibility_lengths_and_values():
    raises(lambda: cs.accessibility(T, np.ones(2), np.ones(2)),
           "accessibility(): argument 'population': expected 3 values (one per row of 'times'), got 2")
    raises(lambda: cs.sfca2(T, np.ones(3), np.ones(3)),
           "sfca2(): argument 'supply': expected 2 values (one per column of 'times'), got 3")
    bad = T.copy()
    bad[1, 0] = np.nan
    raises(lambda: cs.accessibility(bad, np.ones(3), np.ones(2)),
           "accessibility(): argument 'times', index 2: expected a travel time in [0, 10080] minutes, got nan"
           " (or inf for no path)")
    raises(lambda: cs.accessibility(T, np.ones(3), np.ones(2), cutoff_min=-5),
           "accessibility(): argument 'cutoff_min': expected a time in (0, 10080] minutes, got -5")
    raises(lambda: cs.accessibility(T, np.ones(3), np.ones(2), gravity_beta=np.inf),
           "accessibility(): argument 'gravity_beta': expected a decay parameter in (0, 100], got inf")
    raises(lambda: cs.sfca2(T.ravel(), np.ones(3), np.ones(2)),
           "sfca2(): argument 'times': expected a 2-D array (demand x facilities), got 1-D")
    ok = cs.accessibility(T, np.ones(3), np.ones(2))  # +inf = no path stays allowed
    assert ok["nearest_min"].shape == (3,)
    assert ok["nearest_min"] == pytest.approx([1.0, 15.0, 5.0])  # minutes in, minutes out


# ---- locate ----
C = np.array([[10.0, 50.0], [40.0, 5.0], [30.0, 30.0]], dtype=np.float32)


def test_locate_arguments():
    raises(lambda: cs.locate(C, weight=np.ones(2)),
           "locate(): argument 'weight': expected 3 values (one per row of 'cost'), got 2")
    raises(lambda: cs.locate(C, weight=np.array([1.0, 1e23, 1.0])),
           "locate(): argument 'weight', index 1: expected a population in [0, 2e+09] persons, got 1e+23")
    raises(lambda: cs.locate(C, capacity=np.array([1.0, 1e308]), p=1),
           "locate(): argument 'capacity', index 1: expected a capacity in [0, 2e+09] persons, got 1e+308")
    raises(lambda: cs.locate(C, fixed=[5]),
           "locate(): argument 'fixed', index 0: expected a column of 'cost' in [0, 2), got 5")
    # A negative site was pybind11's many-line "incompatible function arguments"; a repeated one made p too large.
    raises(lambda: cs.locate(C, fixed=[-1]),
           "locate(): argument 'fixed', index 0: expected a column of 'cost' in [0, 2), got -1")
    raises(lambda: cs.locate(C, fixed=[1, 1]), "locate(): argument 'fixed', index 1: site 1 is listed twice")
    raises(lambda: cs.locate(C, time_limit_s=float("nan"), solver="mip"),
           "locate(): argument 'time_limit_s': expected a time limit in (0, 1e+07] seconds, got nan")
    # Valid arguments still solve: with unit weights column 0 costs 10+40+30 = 80, column 1 costs 50+5+30 = 85.
    assert list(cs.locate(C, p=1, solver="brute-force")["open"]) == [0]


# ---- flows ----
def test_flows_arguments():
    cost = np.array([[1.0, 2.0], [2.0, 1.0]])
    raises(lambda: cs.gravity_flows("unconstrained", np.ones(3), np.ones(2), cost),
           "gravity_flows(): argument 'origins': expected 2 values (one per row of 'cost'), got 3")
    raises(lambda: cs.gravity_flows("unconstrained", np.ones(2), np.ones(2), cost, beta=np.nan),
           "gravity_flows(): argument 'beta': expected a decay parameter in (0, 100], got nan")
    raises(lambda: cs.radiation_flows(np.ones(2), np.ones(2), np.ones((2, 3))),
           "radiation_flows(): argument 'dist': expected a square matrix, got 2 x 3")
    raises(lambda: cs.calibrate_gravity(np.array([0, 1]), np.array([1, -1]), np.ones(2), np.ones(2)),
           "calibrate_gravity(): argument 'dest', index 1: expected an integer in [0, 1073741824], got -1")
    raises(lambda: cs.calibrate_gravity(np.array([0, 1]), np.array([1, 0]), np.ones(2), np.ones(3)),
           "calibrate_gravity(): argument 'cost': expected 2 values (the length of 'flow'), got 3")
    raises(lambda: cs.calibrate_gravity(np.array([0, 1]), np.array([1, 0]), np.array([1.0, np.nan]), np.ones(2)),
           "calibrate_gravity(): argument 'flow', index 1: expected a mass in [0, 1e+15], got nan")
    # A repeated pair was fitted as two observations (then "more parameters than observations").
    raises(lambda: cs.calibrate_gravity(np.array([0, 1, 0]), np.array([1, 0, 1]), np.ones(3), np.ones(3)),
           "calibrate_gravity(): argument 'dest', index 2: duplicate pair 0 -> 1 (also at index 0)")
    raises(lambda: cs.calibrate_gravity(np.array([0, 5_000_000]), np.array([1, 0]), np.ones(2), np.ones(2)),
           "calibrate_gravity(): argument 'origin', index 1: expected a place code in [0, 1000000), got 5000000")


def test_message_style_is_uniform():
    # Every message starts with FUNC(): argument 'NAME'
    with pytest.raises(ValueError) as e:
        cs.sfca2(T, np.ones(3), np.ones(2), cutoff_min=np.inf)
    assert re.match(r"^sfca2\(\): argument 'cutoff_min': expected ", str(e.value))


def test_threads_out_of_range_is_refused(net):
    # A negative count used to mean "all cores" silently; 5000 would start 5000 threads with a search state each.
    pts = PTS
    for bad in (-1, 5000):
        with pytest.raises(ValueError) as e:
            net.travel_time_matrix(net.snap(pts), net.snap(pts), threads=bad)
        assert str(e.value) == f"threads: expected a thread count in [0, 1024] threads, got {bad}"
    assert net.travel_time_matrix(net.snap(pts), net.snap(pts), threads=1024).shape == (2, 2)


def test_points_of_another_network_are_refused(net, sample_pbf):
    # Points snapped onto one network name its edges; another network's matrix read past its own arrays with
    # them (a segmentation fault with the sample's points on the Monaco network).
    walk = cs.Network.from_osm(sample_pbf, profile="walk")
    on_car = net.snap(PTS)
    raises(lambda: walk.travel_time_matrix(on_car, walk.snap(PTS)),
           "travel_time_matrix(): argument 'origins': these points were snapped onto another network; "
           "snap them with this network's snap()")
    raises(lambda: walk.travel_time_matrix(walk.snap(PTS), on_car),
           "travel_time_matrix(): argument 'destinations': these points were snapped onto another network; "
           "snap them with this network's snap()")
    raises(lambda: walk.one_to_all(net.snap(PTS[:1])),
           "one_to_all(): argument 'origin': these points were snapped onto another network; "
           "snap them with this network's snap()")
    assert walk.travel_time_matrix(walk.snap(PTS), walk.snap(PTS)).shape == (2, 2)
