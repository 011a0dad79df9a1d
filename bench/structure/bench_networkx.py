#!/usr/bin/env python3
"""Structure bench, peer side, on the graph and seeds written by bench_structure in the same run.

(a) isochrones, reached nodes per settlement and cutoff: networkx, one cut-off Dijkstra per settlement
    (single_source_dijkstra_path_length to the largest cutoff, thresholded), and SciPy csgraph.dijkstra from every
    settlement's two seed nodes in one call (limit = the largest cutoff), combined with the seed times: the
    strongest Python peer here. With --ego also nx.ego_graph per settlement and cutoff (the usual OSMnx recipe).
(b) service areas: one Dijkstra per centre on the reversed graph (networkx; SciPy in one call), then every demand
    point's time to each centre (same access/along-edge legs as countyscope) and the argmin (first centre on ties).
Every peer's answer (reached-node counts, assignments) is compared with ours before its time is printed; each side
runs as many times as ours (the minimum is reported); peers on one core, ours on 1 and on all threads; one SUMMARY
line per comparison (bench/benchlib.py). Usage: bench_networkx.py DIR [--ego]
"""
import csv
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import benchlib  # noqa: E402

benchlib.single_thread_env()
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from scipy.sparse import csr_matrix  # noqa: E402
from scipy.sparse.csgraph import dijkstra  # noqa: E402

d = sys.argv[1]
EGO = "--ego" in sys.argv
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


REPS = cpp["reps"]
cpp_counts = []
with open(f"{d}/cpp_reached.csv") as f:
    cpp_counts = [int(r["nodes"]) for r in csv.DictReader(f)]
with open(f"{d}/cpp_assign.csv") as f:
    cpp_assign = [int(r["centre"]) for r in csv.DictReader(f)]
th = cpp["threads"]


def report(case, peer, reps, counts, ours, ours_1, ours_n, t):
    bad = sum(1 for a, b in zip(counts, ours) if a != b) + abs(len(counts) - len(ours))
    m = True if bad == 0 else f"{bad} of {len(ours)} differ"
    benchlib.summary("structure", case, peer, 1, 1, reps, "min", m, ours_1, t)
    if th > 1:
        benchlib.summary("structure", case, peer, 1, th, reps, "min", m, ours_n, t)


def ego_run():
    counts = []
    for s in settlements:
        with_source(G, s, ("to_from", "to_to"))
        for c in cutoffs:
            counts.append(nx.ego_graph(G, "src", radius=c, distance="weight").number_of_nodes() - 1)
        G.remove_node("src")
    return counts


def nx_reach_run():
    counts = []
    for s in settlements:
        with_source(G, s, ("to_from", "to_to"))
        dist = nx.single_source_dijkstra_path_length(G, "src", cutoff=cutoffs[-1], weight="weight")
        G.remove_node("src")
        ds = sorted(v for k, v in dist.items() if k != "src")
        for c in cutoffs:
            counts.append(sum(1 for v in ds if v <= c))
    return counts


nodes_n = cpp["nodes"]
tails, heads, ws = zip(*((u, v, w["weight"]) for u, v, w in G.edges(data=True)))
A = csr_matrix((np.array(ws, dtype=float), (np.array(tails), np.array(heads))), shape=(nodes_n, nodes_n))


def seeds(items, keys):
    """(node, offset) pairs: offset = access + leg, inf where the leg is missing."""
    src, off = [], []
    for s in items:
        for node, leg in ((s["from"], s[keys[0]]), (s["to"], s[keys[1]])):
            src.append(node)
            off.append(s["access"] + leg if leg != INF else np.inf)
    return np.array(src), np.array(off)


def scipy_reach_run():
    src, off = seeds(settlements, ("to_from", "to_to"))
    dm = dijkstra(A, directed=True, indices=src, limit=cutoffs[-1])
    best = np.minimum(dm[0::2] + off[0::2, None], dm[1::2] + off[1::2, None])
    srt = np.sort(best, axis=1)
    return np.stack([np.searchsorted(srt[i], cutoffs, side="right") for i in range(len(settlements))]).ravel().tolist()


t_dij, dij_counts = benchlib.timed(nx_reach_run, REPS)
report("reached nodes per settlement x 5 cutoffs", "networkx (one Dijkstra per settlement)", REPS, dij_counts,
       cpp_counts, cpp["reach_1"], cpp["reach_n"], t_dij)
report("isochrones (ours also builds partial edges) x 5 cutoffs", "networkx (one Dijkstra per settlement)", REPS,
       dij_counts, cpp_counts, cpp["iso_1"], cpp["iso_n"], t_dij)
t_sp, sp_counts = benchlib.timed(scipy_reach_run, REPS)
report("reached nodes per settlement x 5 cutoffs", "SciPy csgraph.dijkstra (one call)", REPS, sp_counts,
       cpp_counts, cpp["reach_1"], cpp["reach_n"], t_sp)
if EGO:
    t_ego, ego_counts = benchlib.timed(ego_run, REPS)
    report("isochrones x 5 cutoffs", "networkx ego_graph per cutoff", REPS, ego_counts, cpp_counts, cpp["iso_1"],
           cpp["iso_n"], t_ego)


def nx_areas_run():
    R = G.reverse(copy=True)
    times = []
    for c in centres:
        R.add_node("dst")
        for node, leg in ((c["from"], c["from_from"]), (c["to"], c["from_to"])):
            if leg != INF:
                R.add_edge("dst", node, weight=c["access"] + leg)
        dist = nx.single_source_dijkstra_path_length(R, "dst", weight="weight")
        R.remove_node("dst")
        times.append(demand_times(c, lambda x: dist.get(x, INF)))
    return argmin(times)


def demand_times(c, dist):
    col = []
    for p in demand:
        best = INF
        if p["to_from"] != INF:
            best = min(best, p["to_from"] + dist(p["from"]))
        if p["to_to"] != INF:
            best = min(best, p["to_to"] + dist(p["to"]))
        if p["edge"] == c["edge"]:
            if p["to_to"] != INF and c["from_from"] != INF and c["frac"] >= p["frac"] and c["from_from"] >= p["from_from"]:
                best = min(best, c["from_from"] - p["from_from"] + c["access"])
            if p["to_from"] != INF and c["from_to"] != INF and c["frac"] <= p["frac"] and c["from_to"] >= p["from_to"]:
                best = min(best, c["from_to"] - p["from_to"] + c["access"])
        col.append(best + p["access"])
    return col


def argmin(times):
    out = []
    for i in range(len(demand)):
        arg, bt = -1, INF
        for j in range(len(centres)):
            if times[j][i] < bt:
                arg, bt = j, times[j][i]
        out.append(arg)
    return out


P = {k: np.array([p[k] for p in demand], dtype=float) for k in ("from", "to", "to_from", "to_to", "access", "edge",
                                                                  "frac", "from_from", "from_to")}
P["from"], P["to"] = P["from"].astype(int), P["to"].astype(int)


def scipy_areas_run():
    src, off = seeds(centres, ("from_from", "from_to"))
    dm = dijkstra(A.T.tocsr(), directed=True, indices=src)  # reversed graph: times to the centres' seed nodes
    T = np.empty((len(centres), len(demand)))
    for j, c in enumerate(centres):
        dist = np.minimum(dm[2 * j] + off[2 * j], dm[2 * j + 1] + off[2 * j + 1])
        best = np.minimum(P["to_from"] + dist[P["from"]], P["to_to"] + dist[P["to"]])
        same = P["edge"] == c["edge"]
        if same.any():
            if c["from_from"] != INF:
                ok = same & np.isfinite(P["to_to"]) & (c["frac"] >= P["frac"]) & (c["from_from"] >= P["from_from"])
                best = np.where(ok, np.minimum(best, c["from_from"] - P["from_from"] + c["access"]), best)
            if c["from_to"] != INF:
                ok = same & np.isfinite(P["to_from"]) & (c["frac"] <= P["frac"]) & (c["from_to"] >= P["from_to"])
                best = np.where(ok, np.minimum(best, c["from_to"] - P["from_to"] + c["access"]), best)
        T[j] = best + P["access"]
    a = np.argmin(T, axis=0)  # first centre on ties
    return np.where(np.isfinite(T.min(axis=0)), a, -1).tolist()


t_sa, assign = benchlib.timed(nx_areas_run, REPS)
report(f"service areas ({len(demand):,} buildings -> {len(centres)} centres)", "networkx (Dijkstra per centre)",
       REPS, assign, cpp_assign, cpp["areas_1"], cpp["areas_n"], t_sa)
t_sa2, assign2 = benchlib.timed(scipy_areas_run, REPS)
report(f"service areas ({len(demand):,} buildings -> {len(centres)} centres)", "SciPy csgraph.dijkstra (one call)",
       REPS, assign2, cpp_assign, cpp["areas_1"], cpp["areas_n"], t_sa2)
print(f"networkx {nx.__version__}; {len(settlements)} settlements x {len(cutoffs)} cutoffs; {len(demand):,} demand "
      f"points, {len(centres)} centres; peers timed {REPS} times each (minimum), as ours")
