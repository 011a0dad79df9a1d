#!/usr/bin/python3
"""A bounded loopback load test of `countyscope serve` (issue 16 item 6, docs/studio.md "How fast").

C concurrent clients each send R mixed requests to one studio on the bundled sample: edits of every kind
(open a facility, a settlement's population and jobs, a unit's population, close a road, a standard's
threshold), undos, answers, CSV tables and now and then the report export. Checks: no request fails (an undo
with nothing to undo is a 400 by design and counted apart), and the server's memory is flat: its resident set
after the second half of the requests is at most max(32 MB, 15 %) above the one after the first half (the first
half warms the caches: the routing index's metrics, the access cache, glibc's arenas). Prints p50 / p95 of the
request times and the resident memory at start, after warm-up, half-way and at the end. No timing is checked.

    studio_load.py path/to/countyscope REPO_ROOT [--clients 8] [--requests 200]

ctest runs 8 x 12 (CI has 2 cores); bench/studio/bench_studio.py --load 8,200 runs the full 8 x 200.
"""
import argparse
import json
import os
import random
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument('cs')
ap.add_argument('root')
ap.add_argument('--clients', type=int, default=8)
ap.add_argument('--requests', type=int, default=200)
ap.add_argument('--osm', default='')
A = ap.parse_args()
SAMPLE = A.osm or os.path.join(A.root, 'data/sample/liechtenstein-2024-03-04.osm.pbf')
# The studio client (start, token, gzip answers, resident memory) and the percentile are the bench's.
sys.path.insert(0, os.path.join(A.root, 'bench', 'studio'))
from bench_studio import Studio, pct  # noqa: E402


def edit_pool(state):
    places = sorted(state['places'], key=lambda p: -(p['population'] or 0))
    village = next((p for p in places if p['tier'] == 'village'), places[-1])
    roads = state['roads']
    fast = sorted(range(len(roads['way'])), key=lambda i: (-roads['speed_kmh'][i], roads['way'][i]))
    ways = []
    for i in fast:
        if roads['way'][i] not in ways:
            ways.append(roads['way'][i])
    audit = state['answer']['headline']['audit']
    std = next(r for r in audit if r['direction'] == 'max' and r['threshold'] is not None)
    pool = [{'kind': 'facility', 'action': 'open', 'service': s, 'name': 'Load site',
             'at': [village['lon'] + 0.001 * k, village['lat']]} for k, s in enumerate(state['services'][:4])]
    pool += [{'kind': 'place', 'name': p['name'], 'population': 500 + 100 * k} for k, p in enumerate(places[:4])]
    pool += [{'kind': 'place', 'name': p['name'], 'jobs': 300 + 50 * k} for k, p in enumerate(places[:2])]
    pool += [{'kind': 'unit', 'name': 'Eschen', 'population': 4500 + 250 * k} for k in range(2)]
    pool += [{'kind': 'road', 'ways': [w], 'speed_kmh': 0} for w in ways[:6]]
    pool += [{'kind': 'standard', 'id': std['standard'], 'threshold': std['threshold'] / (2 + k)} for k in range(2)]
    return pool


def main():
    s = Studio(A.cs, SAMPLE, queue=A.clients + 1)
    fails = []
    try:
        rss_start = s.rss_mb()
        st, data = s.call('GET', '/api/state')
        state = json.loads(data)
        pool = edit_pool(state)
        # Warm-up: one edit of each kind, then undo them all.
        for e in {e['kind']: e for e in pool}.values():
            st, data = s.call('POST', '/api/edit', e)
            if st != 200:
                fails.append(('warm-up edit', e['kind'], st, data[:200]))
        while s.call('POST', '/api/undo')[0] == 200:
            pass
        rss_warm = s.rss_mb()
        times, lock, undo_400 = [], threading.Lock(), [0]

        def client(k, first, count):
            rng = random.Random(1000 * k + first)
            for _ in range(count):
                r = rng.random()
                call = (('POST', '/api/edit', rng.choice(pool)) if r < 0.5 else
                        ('POST', '/api/undo', None) if r < 0.75 else
                        ('GET', '/api/answer', None) if r < 0.9 else
                        ('GET', '/api/csv/scenario_access.csv', None) if r < 0.98 else
                        ('GET', '/api/report.html', None))
                t0 = time.perf_counter()
                st, data = s.call(*call)
                dt = time.perf_counter() - t0
                with lock:
                    times.append(dt)
                    if st == 400 and call[1] == '/api/undo':
                        undo_400[0] += 1
                    elif st != 200:
                        fails.append((call[1], st, data[:200]))

        def rounds(first, count):
            threads = [threading.Thread(target=client, args=(k, first, count)) for k in range(A.clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        half = A.requests // 2
        t0 = time.perf_counter()
        rounds(0, half)
        rss_half = s.rss_mb()
        rounds(1, A.requests - half)
        wall = time.perf_counter() - t0
        rss_end = s.rss_mb()
        st, data = s.call('GET', '/api/answer')
        if st != 200:
            fails.append(('final answer', st))
    finally:
        rc = s.stop()
    n = len(times)
    print('load: %d clients x %d mixed requests (%d) in %.1f s: %d failed, %d undos with nothing to undo; '
          'request time p50 %.3f s, p95 %.3f s; server RSS %.0f MB at start, %.0f MB after warm-up, %.0f MB '
          'half-way, %.0f MB at the end' % (A.clients, A.requests, n, wall, len(fails), undo_400[0],
                                             pct(times, 0.5), pct(times, 0.95), rss_start, rss_warm, rss_half,
                                             rss_end))
    ok = True
    if fails:
        print('FAIL: failed requests:', fails[:10], file=sys.stderr)
        ok = False
    if n != A.clients * A.requests:
        print('FAIL: %d of %d requests answered' % (n, A.clients * A.requests), file=sys.stderr)
        ok = False
    tolerance = max(32.0, 0.15 * rss_half)
    if rss_end - rss_half > tolerance:
        print('FAIL: memory grew %.0f MB over the second half (tolerance %.0f MB)' % (rss_end - rss_half,
                                                                                     tolerance), file=sys.stderr)
        ok = False
    else:
        print('ok: memory flat: %+.0f MB over the second half (tolerance %.0f MB)' % (rss_end - rss_half, tolerance))
    if rc != 0:
        print('FAIL: the studio did not stop cleanly (exit %s)' % rc, file=sys.stderr)
        ok = False
    sys.exit(0 if ok else 1)


main()
