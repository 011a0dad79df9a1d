"""countyscope: county-level urban-rural integration planning.

A thin Python layer over the C++ engine (``countyscope._core``): numpy arrays in and out, the GIL released while the
engine works, engine errors raised as Python exceptions with the engine's one-line messages.

Example::

    import numpy as np, countyscope as cs
    net = cs.Network.from_osm("data/sample/liechtenstein-2024-03-04.osm.pbf", profile="car")
    a = net.snap(np.array([[9.5209, 47.1410], [9.5097, 47.1651]]))
    t = net.travel_time_matrix(a, a)          # minutes, float32, inf = no path
    acc = cs.accessibility(t, population=np.array([100.0, 50.0]), supply=np.ones(2), cutoff_min=15)

The county model (docs/python.md)::

    county = cs.County.load("data/sample/liechtenstein-2024-03-04.osm.pbf")
    s = county.settlements                    # dict of columns; pandas.DataFrame(s) for a frame
    s["population"][s["name"] == "Planken"] = 480
    county.settlements = s                    # checked, then demand and estimates derived again
    doc = cs.plan("data/sample/liechtenstein-2024-03-04.osm.pbf", "out/py", county=county)
"""
from ._core import (  # noqa: F401
    County,
    Error,
    InputError,
    IoError,
    Network,
    Snaps,
    UsageError,
    accessibility,
    FcaMatrix,
    fca,
    calibrate_gravity,
    equity,
    locate,
    options,
    plan,
    gravity_flows,
    radiation_flows,
    intervening_flows,
    sfca2,
    stats_autocorrelation,
    stats_equity,
    stats_geodetector,
    stats_markov,
    stats_mcdm,
)

__all__ = [
    "Error", "InputError", "IoError", "UsageError", "Network", "Snaps", "accessibility", "sfca2", "fca", "FcaMatrix", "equity", "locate",
    "options", "gravity_flows", "radiation_flows", "intervening_flows", "calibrate_gravity", "County", "plan", "stats_autocorrelation",
    "stats_mcdm", "stats_equity", "stats_markov", "stats_geodetector",
]
__version__ = "0.1.0"
