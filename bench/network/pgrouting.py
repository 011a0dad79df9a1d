#!/usr/bin/python3
"""pgRouting peer for the network bench: a throw-away PostgreSQL 15 cluster on loopback, the graph bench_network
wrote (OUT/arcs.u32 = u, v, w_ms triples) loaded into an edge table, and pgr_dijkstraCostMatrix timed on the same
node set, its costs checked against ours (integer ms) before any time is reported.

Needs Debian's postgresql-15, postgresql-15-pgrouting and python3-psycopg2 (scripts/install-deps.sh --bench).
Run as root, the cluster belongs to the `postgres` system user (initdb refuses root).

Standalone: pgrouting.py DIR NODES.u32 OURS.u32
  DIR/arcs.u32 is the graph, NODES.u32 the node set (k ids), OURS.u32 our k x k matrix (ms, 0xffffffff = none)."""
import argparse
import contextlib
import io
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time

import numpy as np

PGBIN = "/usr/lib/postgresql/15/bin"
INF = 0xFFFFFFFF


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """initdb + pg_ctl start in a temp dir, listening on 127.0.0.1:<free port> only; stopped and removed on exit."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="cs-bench-pg-")
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            self.user = "postgres" if _has_user("postgres") else "nobody"
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def _run(self, *cmd):
        if self.user:
            cmd = ("runuser", "-u", self.user, "--", *cmd)
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=self.dir)

    def __enter__(self):
        data = os.path.join(self.dir, "data")
        self._run(f"{PGBIN}/initdb", "-D", data, "-U", "bench", "--auth=trust", "--no-sync", "-E", "UTF8")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB "
                "-c work_mem=256MB -c max_wal_size=4GB -c jit=off")
        self._run(f"{PGBIN}/pg_ctl", "-D", data, "-l", os.path.join(self.dir, "log"), "-o", opts, "-w", "start")
        return self

    def connect(self):
        import psycopg2
        c = psycopg2.connect(host="127.0.0.1", port=self.port, user="bench", dbname="postgres")
        c.autocommit = True
        return c

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self._run(f"{PGBIN}/pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def _has_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def load_graph(conn, arcs_path):
    """One row per arc of our graph (parallel arcs kept: pgRouting takes the cheapest). Vertex id = our node + 1."""
    a = np.fromfile(arcs_path, dtype=np.uint32).reshape(-1, 3).astype(np.int64)
    cur = conn.cursor()
    cur.execute("CREATE EXTENSION IF NOT EXISTS pgrouting CASCADE")
    cur.execute("DROP TABLE IF EXISTS edges")
    cur.execute("CREATE UNLOGGED TABLE edges (id bigint, source bigint, target bigint, cost float8)")
    t0 = time.perf_counter()
    rows = np.column_stack([np.arange(1, len(a) + 1), a[:, 0] + 1, a[:, 1] + 1, a[:, 2]])
    step = 1_000_000
    for i in range(0, len(rows), step):
        buf = io.StringIO()
        np.savetxt(buf, rows[i:i + step], fmt="%d", delimiter="\t")
        buf.seek(0)
        cur.copy_expert("COPY edges FROM STDIN", buf)
    cur.execute("ANALYZE edges")
    cur.execute("SELECT pgr_version()")
    version = cur.fetchone()[0]
    return {"arcs": len(a), "load_s": time.perf_counter() - t0, "version": version}


EDGES_SQL = "SELECT id, source, target, cost FROM edges"


def cost_matrix(conn, nodes):
    """pgr_dijkstraCostMatrix on `nodes` (our ids): (k x k matrix in ms, INF = no path; seconds)."""
    vids = sorted({int(v) + 1 for v in nodes})
    cur = conn.cursor()
    t0 = time.perf_counter()
    cur.execute("SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCostMatrix(%s, %s::bigint[], true)",
                (EDGES_SQL, vids))
    res = cur.fetchall()
    secs = time.perf_counter() - t0
    return _to_matrix(res, nodes, nodes), secs


def cost_rows(conn, sources, targets, sessions=1):
    """pgr_dijkstraCost(sources, targets): the same internal _pgr_dijkstra call pgr_dijkstraCostMatrix makes, with
    sources != targets, so rows of the matrix can be timed on a slice. sessions > 1 splits the sources over that
    many concurrent connections (one backend, i.e. one core, each)."""
    tg = sorted({int(v) + 1 for v in targets})
    parts = [p for p in np.array_split(np.asarray(sources), sessions) if len(p)]
    conns = [conn] + [conn.__class__(conn.dsn) for _ in parts[1:]]
    for c in conns[1:]:
        c.autocommit = True
    out = [None] * len(parts)

    def work(i):
        cur = conns[i].cursor()
        cur.execute("SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(%s, %s::bigint[], %s::bigint[], true)",
                    (EDGES_SQL, sorted({int(v) + 1 for v in parts[i]}), tg))
        out[i] = cur.fetchall()

    t0 = time.perf_counter()
    th = [threading.Thread(target=work, args=(i,)) for i in range(len(parts))]
    for t in th:
        t.start()
    for t in th:
        t.join()
    secs = time.perf_counter() - t0
    for c in conns[1:]:
        c.close()
    if any(o is None for o in out):
        raise SystemExit("pgRouting: a session failed")
    return _to_matrix([r for o in out for r in o], sources, targets), secs


def _to_matrix(rows, src, dst):
    cost = {(int(s), int(t)): c for s, t, c in rows}
    m = np.empty((len(src), len(dst)), dtype=np.int64)
    for i, s in enumerate(np.asarray(src).tolist()):
        for j, t in enumerate(np.asarray(dst).tolist()):
            if s == t:
                m[i, j] = 0  # pgRouting leaves the diagonal out
            else:
                c = cost.get((s + 1, t + 1))
                m[i, j] = INF if c is None else int(round(c))
    return m


def check(theirs, ours):
    """True when equal to the millisecond, allowing float32 rounding of our seconds (one ulp of ~2^-24 relative);
    otherwise a short description of the difference."""
    fin = ours != INF
    if not np.array_equal(fin, theirs != INF):
        bad = tuple(np.argwhere(fin != (theirs != INF))[0])
        return f"reachability differs at {bad}: pgRouting {theirs[bad]}, ours {ours[bad]}"
    diff = np.abs(theirs[fin] - ours[fin])
    tol = 1 + theirs[fin] * 2.0**-23
    if np.any(diff > tol):
        k = int(np.argmax(diff - tol))
        return (f"{int(np.sum(diff > tol))} pairs differ beyond rounding, e.g. pgRouting {theirs[fin][k]} vs ours "
                f"{ours[fin][k]} ms")
    return True


def bench(conn, nodes, ours, sessions=1):
    """The full square matrix between `nodes`, measured (never extrapolated): one pgr_dijkstraCostMatrix call
    (one backend, one core) when sessions == 1, else the rows split over `sessions` concurrent backends with
    pgr_dijkstraCost (the same internal _pgr_dijkstra call). Returns {s, match (True or the difference), how}."""
    nodes = np.asarray(nodes)
    if sessions == 1:
        full, secs = cost_matrix(conn, nodes)
        how = f"pgr_dijkstraCostMatrix on all {len(nodes)} nodes, 1 call"
    else:
        full, secs = cost_rows(conn, nodes, nodes, sessions)
        how = f"pgr_dijkstraCost, all {len(nodes)} rows over {sessions} concurrent sessions"
    return {"s": secs, "match": check(full, ours), "how": how}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("nodes")
    ap.add_argument("ours")
    a = ap.parse_args()
    nodes = np.fromfile(a.nodes, dtype=np.uint32).astype(np.int64)
    ours = np.fromfile(a.ours, dtype=np.uint32).astype(np.int64).reshape(len(nodes), len(nodes))
    with Cluster() as pg, contextlib.closing(pg.connect()) as conn:
        info = load_graph(conn, os.path.join(a.dir, "arcs.u32"))
        print(f"pgRouting {info['version']}: {info['arcs']:,} arcs loaded in {info['load_s']:.1f} s")
        r = bench(conn, nodes, ours)
        print(f"{len(nodes)}x{len(nodes)}: {r['s']:.2f} s ({r['how']}); equal to ours: {r['match']}")


if __name__ == "__main__":
    main()
