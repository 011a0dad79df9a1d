"""Helpers for running countyscope inside Dask (or any multiprocessing) workers.

A worker loads each network file once and keeps it; tasks then send only point arrays. Functions here are importable
by name, so Dask pickles references rather than code.
"""
import functools

import numpy as np

from ._core import Network


@functools.lru_cache(maxsize=4)
def network(path: str) -> Network:
    """The network stored at path (written by Network.save or `countyscope network --out`), loaded once per process."""
    return Network.load(path)


def matrix_chunk(graph_path: str, origins: np.ndarray, destinations: np.ndarray, cutoff_min=None, threads: int = 1):
    """Travel times (s) from origins to destinations, both (n, 2) lon/lat arrays, on the network at graph_path;
    pairs beyond cutoff_min (minutes) have no time (inf)."""
    net = network(graph_path)
    return net.travel_time_matrix(net.snap(origins, threads=threads), net.snap(destinations, threads=threads),
                                  cutoff_min=cutoff_min, threads=threads)
