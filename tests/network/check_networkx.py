#!/usr/bin/python3
"""External check: route the exported graph with networkx (Dijkstra) and require identical travel times.

Usage: check_networkx.py EXPORTER OSM  (runs EXPORTER OSM TMPDIR, then compares every exported pair)."""
import csv
import subprocess
import sys
import tempfile

import networkx as nx


def main() -> int:
    exporter, osm = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="countyscope-nx-") as tmp:
        subprocess.run([exporter, osm, tmp, "100", "1000"], check=True)
        g = nx.DiGraph()
        with open(f"{tmp}/arcs.csv") as f:
            for row in csv.DictReader(f):
                u, v, w = int(row["u"]), int(row["v"]), int(row["w_ms"])
                if g.has_edge(u, v):  # parallel arcs: keep the fastest
                    w = min(w, g[u][v]["weight"])
                g.add_edge(u, v, weight=w)
        pairs = {}
        with open(f"{tmp}/times.csv") as f:
            for row in csv.DictReader(f):
                pairs.setdefault(int(row["u"]), []).append((int(row["v"]), row["time_ms"]))
    checked = mismatches = 0
    for s, targets in pairs.items():
        dist = nx.single_source_dijkstra_path_length(g, s, weight="weight")
        for t, ours in targets:
            theirs = dist.get(t)
            mine = int(ours) if ours != "" else None
            checked += 1
            if mine != theirs:
                mismatches += 1
                if mismatches <= 10:
                    print(f"mismatch {s}->{t}: countyscope {mine} ms, networkx {theirs} ms")
    print(f"networkx check: {checked} pairs from {len(pairs)} sources on {g.number_of_nodes()} nodes / "
          f"{g.number_of_edges()} arcs, {mismatches} mismatches")
    return 0 if mismatches == 0 and checked >= 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
