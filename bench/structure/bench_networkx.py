#!/usr/bin/env python3
"""Structure bench, networkx side (the peer), on the graph and seeds written by bench_structure in the same run.

(a) isochrones: for every settlement and each of 5 cutoffs, nx.ego_graph(G, source, radius=cutoff,
    distance="weight") -- the usual networkx/OSMnx isochrone recipe; also the faster single Dijkstra per settlement
    (nx.single_source_dijkstra_path_length with the largest cutoff, thresholded) for a fairer second ratio.
(b) service areas: one Dijkstra per centre on the reversed graph, then every demand point's time to each centre
    (same access/along-edge legs as countyscope) and the argmin (first centre on ties).
Checks that both tools give the same reached-node counts and the same assignment, then prints times and ratios.
Usage: bench_networkx.py DIR
"""
import csv
import json
import math
import sys
import time

import networkx as nx

d = sys.argv[1]
INF = math.inf


def read_snaps(name):
    rows = []
    with open(f"{d}/{name}") as f:
        for r in csv.DictReader(f):
            rows.append({k: (int(v) if v not in ("",) and k not in ("frac",) else (float(v) if k == "frac" else INF))
                         for k, v in r.items()})
    return rows


G = nx.DiGraph()
with open(f"{d}/arcs.csv") as f:
    for r in csv.DictReader(f):
        u, v, w = int(r["tail"]), int(r["head"]), int(r["ms"])
        if not G.has_edge(u, v) or G[u][v]["weight"] > w:
            G.add_edge(u, v, weight=w)
settlements, demand, centres = read_snaps("settlements.csv"), read_snaps("demand.csv"), read_snaps("centres.csv")
cutoffs = [300_000, 600_000, 900_000, 1_800_000, 3_600_000]
cpp = json.load(open(f"{d}/cpp_times.json"))


def with_source(graph, s, key):
    """Adds a virtual source ('src') joined to the snap's seed nodes with the seed times (run_from semantics)."""
    graph.add_node("src")
    for node, leg in ((s["from"], s[key[0]]), (s["to"], s[key[1]])):
        if leg != INF:
            w = s["access"] + leg
            if not graph.has_edge("src", node) or graph["src"][node]["weight"] > w:
                graph.add_edge("src", node, weight=w)


# (a) isochrones with ego_graph, 5 calls per settlement.
t0 = time.perf_counter()
ego_counts = []
for s in settlements:
    with_source(G, s, ("to_from", "to_to"))
    for c in cutoffs:
        ego_counts.append(G.number_of_nodes() and nx.ego_graph(G, "src", radius=c, distance="weight").number_of_nodes() - 1)
    G.remove_node("src")
t_ego = time.perf_counter() - t0
# (a') one Dijkstra per settlement to the largest cutoff, thresholded.
t0 = time.perf_counter()
dij_counts = []
for s in settlements:
    with_source(G, s, ("to_from", "to_to"))
    dist = nx.single_source_dijkstra_path_length(G, "src", cutoff=cutoffs[-1], weight="weight")
    G.remove_node("src")
    ds = sorted(v for k, v in dist.items() if k != "src")
    for c in cutoffs:
        dij_counts.append(sum(1 for v in ds if v <= c))
t_dij = time.perf_counter() - t0
cpp_counts = []
with open(f"{d}/cpp_reached.csv") as f:
    cpp_counts = [int(r["nodes"]) for r in csv.DictReader(f)]
iso_mismatch = sum(1 for a, b in zip(ego_counts, cpp_counts) if a != b) + sum(
    1 for a, b in zip(dij_counts, cpp_counts) if a != b)

# (b) service areas: reverse Dijkstra per centre, then per demand point (with the same along-edge rules).
t0 = time.perf_counter()
R = G.reverse(copy=True)
times = []
for c in centres:
    R.add_node("dst")
    for node, leg in ((c["from"], c["from_from"]), (c["to"], c["from_to"])):
        if leg != INF:
            R.add_edge("dst", node, weight=c["access"] + leg)
    dist = nx.single_source_dijkstra_path_length(R, "dst", weight="weight")
    R.remove_node("dst")
    col = []
    for p in demand:
        best = INF
        if p["to_from"] != INF:
            best = min(best, p["to_from"] + dist.get(p["from"], INF))
        if p["to_to"] != INF:
            best = min(best, p["to_to"] + dist.get(p["to"], INF))
        if p["edge"] == c["edge"]:
            if p["to_to"] != INF and c["from_from"] != INF and c["frac"] >= p["frac"] and c["from_from"] >= p["from_from"]:
                best = min(best, c["from_from"] - p["from_from"] + c["access"])
            if p["to_from"] != INF and c["from_to"] != INF and c["frac"] <= p["frac"] and c["from_to"] >= p["from_to"]:
                best = min(best, c["from_to"] - p["from_to"] + c["access"])
        col.append(best + p["access"])
    times.append(col)
assign = []
for i in range(len(demand)):
    arg, bt = -1, INF
    for j in range(len(centres)):
        if times[j][i] < bt:
            arg, bt = j, times[j][i]
    assign.append(arg)
t_sa = time.perf_counter() - t0
with open(f"{d}/cpp_assign.csv") as f:
    cpp_assign = [int(r["centre"]) for r in csv.DictReader(f)]
sa_mismatch = sum(1 for a, b in zip(assign, cpp_assign) if a != b)

print(f"networkx {nx.__version__}: isochrones ego_graph x5 {t_ego:.3f} s, one Dijkstra/settlement {t_dij:.3f} s; "
      f"service areas {t_sa:.3f} s")
print(f"agreement: isochrone node counts differing {iso_mismatch} of {2 * len(cpp_counts)}; "
      f"assignments differing {sa_mismatch} of {len(assign)}")
n = cpp["threads"]
print(f"ratio isochrones (networkx ego_graph / countyscope): {t_ego / cpp['iso_1']:.1f}x on 1 thread, "
      f"{t_ego / cpp['iso_n']:.1f}x on {n} threads (target >= 20x)")
print(f"ratio isochrones (networkx one Dijkstra / countyscope): {t_dij / cpp['iso_1']:.1f}x on 1 thread, "
      f"{t_dij / cpp['iso_n']:.1f}x on {n} threads")
print(f"ratio reached nodes, same output (networkx one Dijkstra / countyscope one Dijkstra): "
      f"{t_dij / cpp['reach_1']:.1f}x on 1 thread, {t_dij / cpp['reach_n']:.1f}x on {n} threads")
print(f"ratio service areas (networkx / countyscope): {t_sa / cpp['areas_1']:.1f}x on 1 thread, "
      f"{t_sa / cpp['areas_n']:.1f}x on {n} threads (target >= 20x)")
sys.exit(1 if iso_mismatch or sa_mismatch else 0)
