"""Travel-time matrices inside Dask workers (Debian python3-distributed).

Each worker loads the network once (a graph file built by `countyscope network --out` or Network.save), then answers
chunks of origins; the engine releases the GIL, so threads in a worker run in parallel.

    PYTHONPATH=build/release/python /usr/bin/python3 examples/dask_matrix.py data/sample/liechtenstein-2024-03-04.osm.pbf

/usr/bin/python3 on purpose: Debian's interpreter has numpy, pandas and dask (python3-numpy, python3-distributed);
another python3 earlier on PATH (a venv, pyenv) may lack them and would import a module built for another ABI.
"""
import sys
import tempfile

import numpy as np

import countyscope as cs
from countyscope.workers import matrix_chunk


def main(pbf, n_workers=2):
    from dask.distributed import Client, LocalCluster

    net = cs.Network.from_osm(pbf)
    with tempfile.TemporaryDirectory() as tmp:
        graph = f"{tmp}/county.csgraph"
        net.save(graph)
        rng = np.random.default_rng(1)
        nodes = net.node_lonlat
        origins = nodes[rng.choice(len(nodes), 200, replace=False)]
        dests = nodes[rng.choice(len(nodes), 50, replace=False)]
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            futures = [client.submit(matrix_chunk, graph, chunk, dests) for chunk in np.array_split(origins, 4)]
            distributed = np.vstack(client.gather(futures))
        local = net.travel_time_matrix(net.snap(origins), net.snap(dests))
        assert np.array_equal(distributed, local), "Dask result differs from the local one"
        print(f"dask: {distributed.shape[0]}x{distributed.shape[1]} matrix on {n_workers} workers equals the local one")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "data/sample/liechtenstein-2024-03-04.osm.pbf"))
