#!/usr/bin/python3
"""Network benchmarks: countyscope vs RoutingKit, scipy, python-igraph, networkx and pgRouting on the same graph and
node sets, same run.

Usage: bench/network/bench_network.py BUILD_DIR [--routingkit DIR] [--grids 10000,100000] [--skip-porto]
                                      [--skip-sample] [--no-pgrouting] [--pg-sessions K] [--reps N]
                                      [--skip-cch] [--rk-cch-driver EXE]
Every peer's matrix is compared with ours (integer milliseconds) before its time is printed; a peer that differs
gets MISMATCH and no ratio (bench/benchlib.py). Thread counts: RoutingKit's build is sequential, so ours is timed
on 1 thread against it (and on all threads, stated as such); queries run on 1 thread on both sides and on all
threads on both sides (RoutingKit: one query object per thread, its documented set-up). scipy, igraph, networkx and
one pgr_dijkstraCostMatrix call use one core: ours runs on 1 thread against them; pgRouting on K concurrent
sessions is set against ours on K threads. Routing figures come as query-only and end to end (index build +
queries) side by side. Fast cases take the minimum of --reps runs on both sides; slow peers (scipy, igraph,
pgRouting: seconds to minutes) one run on both sides, ours then being its first run.

RoutingKit (https://github.com/RoutingKit/RoutingKit) is not shipped: build it outside this repository as its own
documentation describes (DIR/include, DIR/lib/libroutingkit.a) and pass that directory with --routingkit; bench/network/routingkit_driver.cpp (our
driver, calling RoutingKit's public API) is compiled against it here. Without --routingkit that peer is skipped.
pgRouting runs in a throw-away PostgreSQL 15 cluster on 127.0.0.1 started here (bench/network/pgrouting.py).

The customizable CH (Porto, `bench_network cch`): METIS order and preprocessing, full customisation on 1 and all
threads, partial re-customisation of 1, 10 and 100 arcs of one area against a full rebuild of our CH (the studio's
alternative), and 1k x 1k CCH against CH. --rk-cch-driver EXE adds RoutingKit's CCH on the same graph and the same
(our METIS) order: a driver built outside this repository against RoutingKit, run as `EXE DIR REPS THREADS`, reading
the files `bench_network cch` writes (arcs.u32, cch_order.u32, latlon.f32, nodes1k.u32, change_<k>.u32) and
writing rk_cch_nodes1k.u32 and rk_cch_nodes1k_closed100.u32, which are compared with ours before any ratio."""
import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
import benchlib  # noqa: E402
from benchlib import compare_exact, summary  # noqa: E402

import numpy as np  # noqa: E402

INF = 0xFFFFFFFF
B = "network"


def run_tool(tool, *args):
    out = subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        if line.startswith("RESULT "):
            _, k, v = line.split()
            res[k] = float(v)
    return res


def u32(path, shape=None):
    a = np.fromfile(path, dtype=np.uint32).astype(np.int64)
    return a.reshape(shape) if shape else a


def load_arcs(d):
    a = np.fromfile(f"{d}/arcs.u32", dtype=np.uint32).reshape(-1, 3)
    return a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2].astype(np.int64)


def dedupe(u, v, w):
    """Parallel arcs: keep the fastest (sparse matrices would add them)."""
    order = np.lexsort((w, v, u))
    u, v, w = u[order], v[order], w[order]
    keep = np.ones(len(u), dtype=bool)
    keep[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    return u[keep], v[keep], w[keep]


def nx_graph(u, v, w):
    import networkx as nx
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist()))
    return g


def nx_matrix(g, src, dst, reverse=False):
    import networkx as nx
    h = g.reverse(copy=False) if reverse else g
    m = np.full((len(src), len(dst)), INF, dtype=np.int64)
    for i, s in enumerate(src.tolist()):
        d = nx.single_source_dijkstra_path_length(h, s, weight="weight")
        m[i] = [d.get(t, INF) for t in dst.tolist()]
    return m


def have_igraph():
    """python3-igraph is a --bench dependency (scripts/install-deps.sh); without it its rows are skipped."""
    try:
        import igraph  # noqa: F401
        return True
    except ImportError:
        print("  igraph: skipped (python3-igraph is not installed: scripts/install-deps.sh --bench)")
        return False


def ig_graph(n, u, v, w):
    import igraph as ig
    g = ig.Graph(n=n, edges=list(zip(u.tolist(), v.tolist())), directed=True)
    g.es["w"] = w.tolist()
    return g


def ig_matrix(g, src, dst, mode="out"):
    us, si = np.unique(src, return_inverse=True)  # igraph refuses duplicate vertices
    ut, ti = np.unique(dst, return_inverse=True)
    d = np.array(g.distances(source=us.tolist(), target=ut.tolist(), weights="w", mode=mode), dtype=float)
    d[np.isinf(d)] = INF
    return d.astype(np.int64)[si][:, ti]


def timed_peer(fn, reps):
    t, out = benchlib.timed(fn, reps, "min")
    return t, out


# --------------------------------------------------------------------------------------------------- RoutingKit
def build_routingkit_driver(rk_dir, tmp):
    """Compiles our driver against the RoutingKit checkout rk_dir (its include/ and lib/libroutingkit.a)."""
    lib = os.path.join(rk_dir, "lib", "libroutingkit.a")
    if not os.path.exists(lib):
        raise SystemExit(f"--routingkit {rk_dir}: no lib/libroutingkit.a there (build RoutingKit there first)")
    exe = os.path.join(tmp, "routingkit_driver")
    cmd = ["g++", "-O3", "-march=native", "-std=c++17", "-I", os.path.join(rk_dir, "include"),
           os.path.join(HERE, "routingkit_driver.cpp"), lib, "-fopenmp", "-lz", "-pthread", "-o", exe]
    subprocess.run(cmd, check=True)
    return exe


def routingkit(rk_exe, tmp, reps, threads, sets):
    if not rk_exe:
        return None
    return run_tool(rk_exe, tmp, str(reps), str(threads), *sets)


def alternate_builds(tool, osm, rk_exe, tmp, reps, hw, r, rk):
    """CH builds on the same graph, ours (1 and hw threads) and RoutingKit's taking turns, reps rounds: on a shared
    machine both sides then see the same load. The build figures of r and rk become these minima (the other
    figures stay those of the runs above). Also prints the machine-independent costs: shortcuts, and the nodes
    our witness searches settled."""
    o1, oh, k1 = [], [], []
    for _ in range(max(1, reps)):
        a = run_tool(tool, "chbuild", osm, "1")
        o1.append(a["ch_build_s"])
        if hw > 1:
            oh.append(run_tool(tool, "chbuild", osm, str(hw))["ch_build_s"])
        k1.append(run_tool(rk_exe, tmp, "1", "1")["rk_build_min_s"])
    r["ours_ch_build_1t_min_s"] = min(o1)
    if hw > 1:
        r[f"ours_ch_build_{hw}t_min_s"] = min(oh)
    rk["rk_build_min_s"] = min(k1)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"  CH builds taking turns ({max(1, reps)} rounds, load average {load}): ours "
          f"{', '.join(f'{x:.2f}' for x in o1)} s on 1 thread"
          + (f", {', '.join(f'{x:.2f}' for x in oh)} s on {hw}" if hw > 1 else "")
          + f"; RoutingKit {', '.join(f'{x:.2f}' for x in k1)} s; ours {int(a['shortcuts']):,} shortcuts, "
          f"{int(a['witness_settled']):,} nodes settled by witness searches")


def rk_compare(label, r, rk, tmp, sets, hw, ours_prefix="ours_ch"):
    """Summaries for RoutingKit vs ours: build (1 thread; ours also on hw threads), each set's query on 1 and hw
    threads, and end to end (build + query) on 1 thread. Returns the per-set match."""
    matches = {}
    for s in sets:
        ours = u32(f"{tmp}/{label.split()[0].lower()}_{s}.u32")
        n = int(round(np.sqrt(ours.size)))
        matches[s] = compare_exact(u32(f"{tmp}/rk_{s}.u32", (n, n)), ours.reshape(n, n))
    all_ok = all(m is True for m in matches.values())
    reps = int(r["reps"])
    stat = "min" if reps > 1 else "single run"
    build_match = True if all_ok else "; ".join(f"{s}: {m}" for s, m in matches.items() if m is not True)
    summary(B, f"{label} CH build", "RoutingKit CH", 1, 1, reps, stat, build_match,
            r["ours_ch_build_1t_min_s"], rk["rk_build_min_s"])
    if hw > 1:
        summary(B, f"{label} CH build (ours on {hw} threads; RoutingKit's build is sequential)", "RoutingKit CH", 1,
                hw, reps, stat, build_match, r[f"ours_ch_build_{hw}t_min_s"], rk["rk_build_min_s"])
    for s in sets:
        k = s.replace("nodes", "")
        for t in sorted({1, hw}):
            summary(B, f"{label} {k}x{k} query only", "RoutingKit CH", t, t, reps, stat, matches[s],
                    r[f"{ours_prefix}_{s}_{t}t_min_s"], rk[f"rk_{s}_{t}t_min_s"])
        summary(B, f"{label} {k}x{k} end to end (build + query)", "RoutingKit CH", 1, 1, reps, stat,
                matches[s], r["ours_ch_build_1t_min_s"] + r[f"{ours_prefix}_{s}_1t_min_s"],
                rk["rk_build_min_s"] + rk[f"rk_{s}_1t_min_s"])
    print(f"  RoutingKit CH: {int(rk['rk_shortcuts']):,} shortcuts, {int(rk['rk_hierarchy_arcs']):,} hierarchy arcs; "
          f"ours: {int(r['ch_shortcuts']):,} shortcuts, {int(r['ch_hierarchy_arcs']):,} hierarchy arcs")
    return matches


# --------------------------------------------------------------------------------------------------- pgRouting
def pg_compare(pg, label, tmp, nodes, ours, r, hw, sessions):
    """pgRouting on the graph in tmp/arcs.u32, full measured runs: one pgr_dijkstraCostMatrix call against ours on
    1 thread, and the rows over `sessions` concurrent backends against ours on as many threads (when we have them).
    Query-only and end to end (our CH build + query) side by side; one run each side."""
    import pgrouting
    conn = pg.connect()
    info = pgrouting.load_graph(conn, f"{tmp}/arcs.u32")
    print(f"  pgRouting {info['version']} (PostgreSQL 15, loopback): {info['arcs']:,} arcs loaded in "
          f"{info['load_s']:.1f} s")
    k = f"{len(nodes) // 1000}k" if len(nodes) % 1000 == 0 else str(len(nodes))
    for ses in sorted({1, sessions}):
        t = ses if ses <= hw else None
        res = pgrouting.bench(conn, nodes, ours, ses)
        print(f"    {res['how']}: {res['s']:.2f} s")
        if t is None:
            print(f"    (no ratio: ours has {hw} threads, not {ses})")
            continue
        q = r[f"ours_ch_nodes1k_{t}t_first_s"]
        b = r[f"ours_ch_build_{t}t_first_s"]
        peer = "pgr_dijkstraCostMatrix" if ses == 1 else f"pgRouting {ses} sessions"
        summary(B, f"{label} {k}x{k} query only (CH query vs Dijkstra)", peer, ses, t, 1, "single run", res["match"],
                q, res["s"])
        summary(B, f"{label} {k}x{k} end to end (CH build + query)", peer, ses, t, 1, "single run", res["match"],
                q + b, res["s"])
    conn.close()


# ----------------------------------------------------------------------------------------------------- sample
def bench_sample(tool, tmp, reps):
    osm = f"{ROOT}/data/sample/liechtenstein-2024-03-04.osm.pbf"
    r = run_tool(tool, "sample", osm, tmp, str(reps))
    n = int(r["nodes"])
    print(f"sample (Liechtenstein, car): {n:,} nodes, {int(r['arcs']):,} arcs; built in {r['build_network_s']:.2f} s, "
          f"graph {r['graph_bytes'] / 1e6:.1f} MB; {int(r['demand_points']):,} demand points, "
          f"{int(r['facilities'])} facilities, {int(r['settlements'])} settlements; peak RSS {r['peak_rss_mb']:.0f} MB")
    print(f"  snapping: index {r['snap_index_s']:.3f} s, all points {r['snap_all_s']:.3f} s; snapped-point matrices "
          f"(access legs incl., all threads): demand x facilities {r['ours_snapped_demand_x_facilities_s']:.3f} s, "
          f"settlements {r['ours_snapped_settlements_s']:.3f} s")
    u, v, w = dedupe(*load_arcs(tmp))
    dem, fac, st = (u32(f"{tmp}/{x}.u32") for x in ("demand", "facilities", "settlements"))
    m1 = u32(f"{tmp}/demand_x_facilities.u32", (len(dem), len(fac)))
    m2 = u32(f"{tmp}/settlements_x_settlements.u32", (len(st), len(st)))
    g = nx_graph(u, v, w)
    gi = ig_graph(n, u, v, w) if have_igraph() else None
    # networkx and igraph the fast way for a tall matrix: one search per facility on the reverse graph.
    peers = [
        ("demand x facilities", m1, r["ours_demand_x_facilities_1t_min_s"],
         [("networkx", lambda: nx_matrix(g, fac, dem, reverse=True).T),
          ("igraph", lambda: ig_matrix(gi, fac, dem, mode="in").T)]),
        ("settlements x settlements", m2, r["ours_settlements_1t_min_s"],
         [("networkx", lambda: nx_matrix(g, st, st)), ("igraph", lambda: ig_matrix(gi, st, st))]),
    ]
    if gi is None:
        peers = [(case, ours, ours_s, [p for p in fns if p[0] != "igraph"]) for case, ours, ours_s, fns in peers]
    for case, ours, ours_s, fns in peers:
        for peer, fn in fns:
            t, theirs = timed_peer(fn, reps)
            summary(B, f"sample {case} ({ours.size:,} pairs, Dijkstra)", peer, 1, 1, reps, "min",
                    compare_exact(theirs, ours), ours_s, t)


# ------------------------------------------------------------------------------------------------------ Porto
def bench_porto(tool, tmp, pg, rk_exe, opts):
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra
    osm = f"{ROOT}/data/fixtures/osm/porto-portugal.osm.pbf"
    r = run_tool(tool, "porto", osm, f"{ROOT}/data/fixtures/porto_sample_nodes.csv", tmp, str(opts.reps))
    n, hw = int(r["nodes"]), int(r["threads"])
    print(f"Porto (car): {n:,} nodes, {int(r['arcs']):,} arcs; built from OSM in {r['build_network_s']:.2f} s; "
          f"CH {int(r['ch_shortcuts']):,} shortcuts, {r['ch_bytes_per_node']:.0f} bytes/node; CH == Dijkstra on "
          f"1k x 1k: {'yes' if r['ch_equals_dijkstra'] == 1 else 'NO'}; peak RSS {r['peak_rss_mb']:.0f} MB")
    print(f"  ours (min of {int(r['reps'])}): CH build {r['ours_ch_build_1t_min_s']:.2f} s on 1 thread, "
          f"{r[f'ours_ch_build_{hw}t_min_s']:.2f} s on {hw}; 1k x 1k {r['ours_ch_nodes1k_1t_min_s']:.3f} s / "
          f"{r[f'ours_ch_nodes1k_{hw}t_min_s']:.3f} s, 5k x 5k {r['ours_ch_nodes5k_1t_min_s']:.3f} s / "
          f"{r[f'ours_ch_nodes5k_{hw}t_min_s']:.3f} s (1 / {hw} threads)")
    if r["ch_equals_dijkstra"] != 1:
        print("  MISMATCH: our CH differs from our Dijkstra")
    if rk_exe:
        rk = routingkit(rk_exe, tmp, opts.reps, hw, ["nodes1k", "nodes5k"])
        alternate_builds(tool, osm, rk_exe, tmp, opts.reps, hw, r, rk)
        rk_compare("Porto", r, rk, tmp, ["nodes1k", "nodes5k"], hw)
    else:
        print("  RoutingKit: skipped (no --routingkit DIR given)")
    u, v, w = dedupe(*load_arcs(tmp))
    nodes = u32(f"{tmp}/nodes1k.u32")
    ours = u32(f"{tmp}/porto_nodes1k.u32", (len(nodes), len(nodes)))
    a = csr_matrix((w.astype(np.float64), (u, v)), shape=(n, n))

    def scipy_run():
        d = dijkstra(a, directed=True, indices=nodes)[:, nodes]
        d[np.isinf(d)] = INF
        return d.astype(np.int64)

    gi = ig_graph(n, u, v, w) if have_igraph() else None
    q1, b1 = r["ours_ch_nodes1k_1t_first_s"], r["ours_ch_build_1t_first_s"]
    peers = [("scipy csgraph.dijkstra", scipy_run)]
    if gi is not None:
        peers.append(("igraph distances", lambda: ig_matrix(gi, nodes, nodes)))
    for peer, fn in peers:
        t, theirs = timed_peer(fn, 1)
        m = compare_exact(theirs, ours)
        summary(B, "Porto 1kx1k Dijkstra vs Dijkstra", peer, 1, 1, 1, "single run", m,
                r["ours_dijkstra_nodes1k_1t_first_s"], t)
        summary(B, "Porto 1kx1k query only (CH query vs Dijkstra)", peer, 1, 1, 1, "single run", m, q1, t)
        summary(B, "Porto 1kx1k end to end (CH build + query)", peer, 1, 1, 1, "single run", m, q1 + b1, t)
    if pg:
        pg_compare(pg, "Porto", tmp, nodes, ours, r, hw, opts.pg_sessions)


# ------------------------------------------------------------------------------------------ customizable CH
def bench_cch(tool, tmp, opts):
    osm = f"{ROOT}/data/fixtures/osm/porto-portugal.osm.pbf"
    r = run_tool(tool, "cch", osm, f"{ROOT}/data/fixtures/porto_sample_nodes.csv", tmp, str(opts.reps))
    hw, reps = int(r["threads"]), int(r["reps"])
    stat = "min" if reps > 1 else "single run"
    ok = r["cch_equals_ch"] == 1 and r["cch_partial_equals_full"] == 1 and r["cch_customize_threads_identical"] == 1
    print(f"Porto customizable CH (min of {reps}, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}): {int(r['nodes']):,} nodes, {int(r['cch_arcs']):,} hierarchy arcs, "
          f"{int(r['cch_triangles']):,} triangles, elimination tree of {int(r['cch_levels'])} levels, "
          f"{r['cch_bytes_per_node']:.0f} bytes/node")
    print(f"  METIS order {r['cch_order_min_s']:.3f} s + preprocessing {r['cch_prepare_min_s']:.3f} s; customisation "
          f"{r['cch_customize_1t_min_s']:.3f} s (1 thread), {r[f'cch_customize_{hw}t_min_s']:.3f} s ({hw}); "
          f"CH rebuild {r['ch_build_1t_min_s']:.2f} s (1 thread), {r[f'ch_build_{hw}t_min_s']:.2f} s ({hw})")
    print(f"  checks: partial == full customisation bit for bit: {'yes' if r['cch_partial_equals_full'] == 1 else 'NO'}; "
          f"1 == {hw} threads: {'yes' if r['cch_customize_threads_identical'] == 1 else 'NO'}; "
          f"1k x 1k CCH == CH: {'yes' if r['cch_equals_ch'] == 1 else 'NO'}")
    ch1 = r["ch_build_1t_min_s"]
    for k in (1, 10, 100):
        for kind in ("slower", "close"):
            key = f"cch_partial_{kind}_{k}"
            print(f"  partial re-customisation, {k} arcs {'x3 slower' if kind == 'slower' else 'closed'}: "
                  f"{r[key + '_min_s'] * 1e6:.1f} us ({int(r[key + '_arcs_recomputed']):,} hierarchy arcs recomputed), "
                  f"back {r[key + '_back_min_s'] * 1e6:.1f} us")
        summary(B, f"Porto re-customise after closing {k} arcs (CCH partial) vs CH rebuild", "our CH rebuild", 1, 1,
                reps, stat, ok or "a CCH check failed", r[f"cch_partial_close_{k}_min_s"], ch1)
    summary(B, "Porto full customisation (CCH, 1 thread) vs CH rebuild", "our CH rebuild", 1, 1, reps, stat,
            ok or "a CCH check failed", r["cch_customize_1t_min_s"], ch1)
    summary(B, "Porto 1kx1k query only: CCH vs our CH", "our CH", 1, 1, reps, stat, ok or "a CCH check failed",
            r["cch_nodes1k_1t_min_s"], r["ch_nodes1k_1t_min_s"])
    if not opts.rk_cch_driver:
        print("  RoutingKit CCH: skipped (no --rk-cch-driver EXE given)")
        return
    rk = run_tool(opts.rk_cch_driver, tmp, str(opts.reps), str(hw))
    n1k = u32(f"{tmp}/nodes1k.u32")
    k = len(n1k)
    m = compare_exact(u32(f"{tmp}/rk_cch_nodes1k.u32", (k, k)), u32(f"{tmp}/cch_nodes1k.u32", (k, k)))
    mc = compare_exact(u32(f"{tmp}/rk_cch_nodes1k_closed100.u32", (k, k)),
                       u32(f"{tmp}/cch_nodes1k_closed100.u32", (k, k)))
    both = True if m is True and mc is True else f"{m}; after closing 100 arcs: {mc}"
    print(f"  RoutingKit CCH on our METIS order: {int(rk['rk_cch_arcs']):,} hierarchy arcs (ours "
          f"{int(r['cch_arcs']):,}); its own inertial-flow order takes {rk['rk_inertial_flow_order_min_s']:.2f} s and "
          f"gives {int(rk['rk_own_order_cch_arcs']):,} arcs, customisation {rk['rk_own_order_customize_1t_min_s']:.3f} s, "
          f"1k x 1k {rk['rk_own_order_nodes1k_1t_min_s']:.3f} s (1 thread)")
    peer = "RoutingKit CCH (same order)"
    summary(B, "Porto CCH preprocessing (order given)", peer, 1, 1, reps, stat, both, r["cch_prepare_min_s"],
            rk["rk_cch_prepare_min_s"])
    for t in sorted({1, hw}):
        summary(B, f"Porto CCH full customisation, {t} thread(s)", peer, t, t, reps, stat, both,
                r[f"cch_customize_{t}t_min_s"], rk[f"rk_cch_customize_{t}t_min_s"])
    for kk in (1, 10, 100):
        for kind in ("slower", "close"):
            summary(B, f"Porto CCH partial re-customisation, {kk} arcs {kind}", peer, 1, 1, reps, stat, both,
                    r[f"cch_partial_{kind}_{kk}_min_s"], rk[f"rk_cch_partial_{kind}_{kk}_min_s"])
    for t in sorted({1, hw}):
        summary(B, f"Porto CCH 1kx1k query only, {t} thread(s)", peer, t, t, reps, stat, both,
                r[f"cch_nodes1k_{t}t_min_s"], rk[f"rk_cch_nodes1k_{t}t_min_s"])


# ------------------------------------------------------------------------------------------------------ grids
def bench_grids(tool, tmp, sizes, pg, rk_exe, opts):
    print("synthetic road-like grids (growth curve only; jittered lattice, arterials, 5 % one-way):")
    rows = []
    for n in sizes:
        r = run_tool(tool, "grid", str(n), tmp, "1")
        hw = int(r["threads"])
        label = f"grid {int(r['nodes']):,}"
        ok = r["ch_equals_dijkstra"] == 1
        print(f"  {label} nodes: CH build {r['ours_ch_build_1t_first_s']:.2f} s (1 thread), "
              f"{r[f'ours_ch_build_{hw}t_first_s']:.2f} s ({hw}); 1k x 1k {r['ours_ch_nodes1k_1t_first_s']:.3f} s / "
              f"{r[f'ours_ch_nodes1k_{hw}t_first_s']:.3f} s; 10k x 1k {r[f'ours_ch_10kx1k_{hw}t_first_s']:.3f} s "
              f"({hw} threads); CH == Dijkstra on {int(r['dijkstra_rows_checked'])} rows: {'yes' if ok else 'NO'}")
        if not ok:
            print("  MISMATCH: our CH differs from our Dijkstra")
        # Single runs on grids: the same for the peers.
        r2 = {k.replace("_first_s", "_min_s"): v for k, v in r.items() if k.endswith("_first_s")}
        r2.update(r)
        r2["reps"] = 1
        if rk_exe:
            rk = routingkit(rk_exe, tmp, 1, hw, ["nodes1k"])
            rk_compare(label, r2, rk, tmp, ["nodes1k"], hw)
        if pg:
            nodes = u32(f"{tmp}/nodes1k.u32")
            ours = u32(f"{tmp}/grid_nodes1k.u32", (len(nodes), len(nodes)))
            pg_compare(pg, label, tmp, nodes, ours, r, hw, opts.pg_sessions)
        rows.append(r)
    print(f"  {'nodes':>9} {'arcs':>9} {'CH 1t':>8} {'CH all':>8} {'B/node':>7} {'B/arc':>6} {'RSS MB':>7} "
          f"{'1kx1k 1t':>9} {'10kx1k all':>10}")
    for r in rows:
        hw = int(r["threads"])
        print(f"  {int(r['nodes']):>9,} {int(r['arcs']):>9,} {r['ours_ch_build_1t_first_s']:>7.2f}s "
              f"{r[f'ours_ch_build_{hw}t_first_s']:>7.2f}s {r['ch_bytes_per_node']:>7.0f} {r['ch_bytes_per_arc']:>6.0f} "
              f"{r['peak_rss_mb']:>7.0f} {r['ours_ch_nodes1k_1t_first_s']:>8.3f}s "
              f"{r[f'ours_ch_10kx1k_{hw}t_first_s']:>9.3f}s")
    print("  RSS = peak of bench_network (graph + CH + matrices); B/node, B/arc = the CH index alone; single runs")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--routingkit", metavar="DIR", help="a RoutingKit checkout, built (include/, lib/libroutingkit.a)")
    ap.add_argument("--grids", default="10000,100000", help="grid sizes (10^6 takes minutes per run)")
    ap.add_argument("--skip-sample", action="store_true")
    ap.add_argument("--skip-porto", action="store_true")
    ap.add_argument("--no-pgrouting", action="store_true", help="skip the pgRouting peer")
    ap.add_argument("--pg-sessions", type=int, default=os.cpu_count() or 1,
                    help="concurrent pgRouting backends for the split-rows run (default: hardware threads)")
    ap.add_argument("--reps", type=int, default=3, help="runs of each fast case, both sides (minimum reported)")
    ap.add_argument("--skip-cch", action="store_true", help="skip the customizable-CH case")
    ap.add_argument("--rk-cch-driver", metavar="EXE",
                    help="a RoutingKit CCH driver built outside this repository (see the module docstring)")
    a = ap.parse_args()
    tool = os.path.join(os.path.abspath(a.build_dir), "bench", "network", "bench_network")
    if not os.path.exists(tool):
        raise SystemExit(f"{tool} not found: build the bench_network target first")
    print(f"threads: {os.cpu_count()} hardware threads")
    sys.path.insert(0, HERE)
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="cs-bench-net-"))
        rk_exe = None
        if a.routingkit:
            rk_exe = build_routingkit_driver(os.path.abspath(a.routingkit), tmp)
        else:
            print("RoutingKit: skipped (no --routingkit DIR given; build RoutingKit outside this repository and pass "
                  "its directory)")
        pg = None
        if not a.no_pgrouting:
            import pgrouting
            pg = stack.enter_context(pgrouting.Cluster())
        if not a.skip_sample:
            bench_sample(tool, tmp, a.reps)
        if not a.skip_porto:
            bench_porto(tool, tmp, pg, rk_exe, a)
        if not a.skip_cch:
            bench_cch(tool, tmp, a)
        sizes = [int(x) for x in a.grids.split(",") if x]
        if sizes:
            bench_grids(tool, tmp, sizes, pg, rk_exe, a)


if __name__ == "__main__":
    t0 = time.perf_counter()
    rc = main()
    print(f"network bench: {time.perf_counter() - t0:.0f} s")
    sys.exit(rc)
