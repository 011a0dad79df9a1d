#!/usr/bin/python3
"""The planning studio against its peer, a full batch re-run of the same scenario (bench/README.md rules).

For each county (the bundled sample; Porto with --porto: the extract has roads only, so 13,000 demand points and
300 facilities are drawn near its main roads, seeded, and given to both sides as [layers.*]) it starts
`countyscope serve` on a free loopback port and times each edit type -- open a facility, change a settlement's
population, its jobs, close a road, change a standard (each a scenario entry) -- as the client sees it (request sent to answer read, gzip
on), each followed by an untimed undo: p50 and p95 over --reps edits (the same number of batch runs, medians
compared). The peer is what a planner does without the studio: write the same one-edit scenario file and re-run
`countyscope plan` on it (with the passes that do not feed the scenario tables skipped, the peer at its best);
its answer (scenario_access.csv) is compared with the studio's before its time is printed. For road edits it also
prints the studio's re-customisation of its routing index (X-Timings) against the batch's new CH of the edited
graph (results.json meta.timings).

With --load C,R it then runs tests/e2e/studio_load.py: C concurrent clients x R mixed requests (edits of every
kind, undos, answers, CSV tables, report exports) against one server on the sample: no request may fail, the
server's resident memory must stay flat (the second half of the requests adds at most max(32 MB, 15 %)); p50 / p95
of the request times and the resident memory at start, after warm-up, half-way and at the end are printed.

    bench_studio.py BUILD_DIR [--reps N] [--porto | --porto-only] [--load 8,200]
"""
import argparse
import gzip
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from benchlib import summary  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


class Studio:
    def __init__(self, cs, osm, queue=64, config=None):
        self.proc = subprocess.Popen([cs, 'serve', '--osm', osm, '--port', '0', '--queue', str(queue)] +
                                     (['--config', config] if config else []),
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith('serving '):
            sys.exit('bench_studio: serve did not start: ' + line)
        self.port = int(line.split(':')[2].split('/')[0])
        self.token = line.split()[-1]

    def call(self, method, path, body=None):
        c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=600)
        h = {'Host': '127.0.0.1:%d' % self.port, 'X-Countyscope-Token': self.token, 'Accept-Encoding': 'gzip'}
        c.request(method, path, body=None if body is None else json.dumps(body).encode(), headers=h)
        r = c.getresponse()
        data = r.read()
        self.timings = dict(x.split('=') for x in (r.getheader('X-Timings') or '').split(';') if '=' in x)
        if r.getheader('Content-Encoding') == 'gzip':
            data = gzip.decompress(data)
        c.close()
        return r.status, data

    def rss_mb(self):
        """The server's resident memory (MB), from /proc."""
        for line in open('/proc/%d/status' % self.proc.pid):
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.proc.terminate()
        return self.proc.wait(timeout=60)


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def edits_for(state):
    """One edit of each type on this county, with the scenario TOML entry the batch run reads."""
    places = sorted(state['places'], key=lambda p: -(p['population'] or 0))
    village = next((p for p in places if p['tier'] == 'village'), places[-1])
    svc = 'clinic' if 'clinic' in state['services'] else state['services'][0]
    roads = state['roads']
    # Roads to close: the fastest ways first, a different one for each repetition (the studio keeps the model of
    # the last road edits, so closing the same road again would not measure a road edit).
    fast = sorted(range(len(roads['way'])), key=lambda i: (-roads['speed_kmh'][i], roads['way'][i]))
    ways = []
    for i in fast:
        if roads['way'][i] not in ways:
            ways.append(roads['way'][i])
    at = [village['lon'], village['lat']]
    pop = int(round((places[0]['population'] or 1000) * 1.1)) + 1
    audit = json.loads(state['_answer'])['headline']['audit']
    std = next((r for r in audit if r['direction'] == 'max' and r['threshold'] is not None), None)
    out = {
        'facility': ({'kind': 'facility', 'action': 'open', 'service': svc, 'name': 'Bench site', 'at': at},
                     '[[facility]]\naction = "open"\nservice = "%s"\nname = "Bench site"\nat = [%r, %r]\n'
                     % (svc, at[0], at[1])),
        'population': ({'kind': 'place', 'name': places[0]['name'], 'population': pop},
                       '[[place]]\nname = "%s"\npopulation = %d\n' % (places[0]['name'], pop)),
        'jobs': ({'kind': 'place', 'name': places[0]['name'], 'jobs': 1234},
                 '[[place]]\nname = "%s"\njobs = 1234\n' % places[0]['name']),
        'road': [({'kind': 'road', 'ways': [w], 'speed_kmh': 0}, '[[upgrade]]\nways = [%d]\nspeed_kmh = 0\n' % w)
                 for w in ways[:64]],
    }
    if std:
        out['standard'] = ({'kind': 'standard', 'id': std['standard'], 'threshold': std['threshold'] / 2},
                           '[[standard]]\nid = "%s"\nthreshold = %r\n' % (std['standard'], std['threshold'] / 2))
    return out


def bench_county(cs, osm, label, reps, layers=''):
    """layers: [layers.*] tables for both the studio and the batch (absolute paths), or ''."""
    config = None
    if layers:
        config = os.path.join(tempfile.mkdtemp(prefix='bench_studio_'), 'plan.toml')
        open(config, 'w').write(layers)
    s = Studio(cs, osm, config=config)
    try:
        st, data = s.call('GET', '/api/state')
        state = json.loads(data)
        state['_answer'] = json.dumps(state['answer'])
        for kind, variants in edits_for(state).items():
            if not isinstance(variants, list):
                variants = [variants]
            times, customise_ms = [], []
            for k in range(reps):
                edit, toml = variants[k % len(variants)]
                t0 = time.perf_counter()
                st, _ = s.call('POST', '/api/edit', edit)
                times.append(time.perf_counter() - t0)
                if 'studio/customize' in s.timings:
                    customise_ms.append(float(s.timings['studio/customize']))
                if st != 200:
                    sys.exit('bench_studio: %s edit failed (%d)' % (kind, st))
                if len(times) < reps:
                    s.call('POST', '/api/undo')
            # The table the edit moves: a standard the audit after the edit, the others the access summary.
            table = 'scenario_after_access_audit.csv' if kind == 'standard' else 'scenario_access.csv'
            _, ours_csv = s.call('GET', '/api/csv/' + table)
            s.call('POST', '/api/undo')
            p50, p95 = pct(times, 0.5), pct(times, 0.95)
            print('%s: %s edit: p50 %.3f s, p95 %.3f s over %d edits' % (label, kind, p50, p95, reps), flush=True)
            with tempfile.TemporaryDirectory() as tmp:
                open(os.path.join(tmp, 's.toml'), 'w').write('name = "bench"\n' + toml)
                open(os.path.join(tmp, 'plan.toml'), 'w').write(
                    layers + '[scenarios]\nfile = "s.toml"\n[plan]\nskip = ["locate", "structure"]\n'
                    'timings = true\n')
                peer = []
                for _ in range(reps):
                    t0 = time.perf_counter()
                    r = subprocess.run([cs, '--quiet', 'plan', '--osm', osm, '--config', os.path.join(tmp, 'plan.toml'),
                                        '--out', os.path.join(tmp, 'out'), '--force'], capture_output=True)
                    peer.append(time.perf_counter() - t0)
                    if r.returncode not in (0, 3):
                        sys.exit('bench_studio: batch plan failed: ' + r.stderr.decode()[-300:])
                batch_csv = open(os.path.join(tmp, 'out', table), 'rb').read()
                meta = json.load(open(os.path.join(tmp, 'out', 'results.json'))).get('meta', {})
                builds = [t['seconds'] for t in meta.get('timings', []) if t['pass'].startswith('build_index.')]
            if customise_ms:  # the road edit's routing index: re-customised in the studio, rebuilt by the batch
                print('%s: road edit index: studio re-customisation p50 %.3f ms; batch %s' % (
                    label, pct(customise_ms, 0.5),
                    'CH of the edited graph built in %.2f s' % builds[-1] if len(builds) > 1 else
                    'Dijkstra matrices, no index (the graph is below the CH threshold)'), flush=True)
            match = True if batch_csv == ours_csv else table + ' differs'
            summary('studio', '%s: %s edit (ours p95 %.3f s)' % (label, kind, p95),
                    'batch plan re-run of the scenario', os.cpu_count(), os.cpu_count(), reps, 'median', match,
                    statistics.median(times), statistics.median(peer))
    finally:
        s.stop()


def porto_layers(cs, osm, n_demand=13000, n_facilities=300, seed=16):
    """The Porto extract has roads but no buildings (8 settlements, 1 demand point, no facility): demand points
    and facilities are drawn here, seeded, within 60 m of its main roads (the studio's road polylines), and given
    to both the studio and the batch as [layers.demand] and [layers.facilities]."""
    s = Studio(cs, osm)
    try:
        st, data = s.call('GET', '/api/state')
        state = json.loads(data)
    finally:
        s.stop()
    pts = [p for line in state['roads']['line'] for p in line]
    rng = random.Random(seed)
    services = [x for x in ('clinic', 'primary_school', 'kindergarten', 'pharmacy', 'hospital')
                if x in state['services']] or state['services'][:3]
    folder = tempfile.mkdtemp(prefix='bench_studio_porto_')

    def near():
        lon, lat = rng.choice(pts)
        return lon + rng.uniform(-6e-4, 6e-4), lat + rng.uniform(-5e-4, 5e-4)
    with open(os.path.join(folder, 'demand.csv'), 'w') as f:
        f.write('lon,lat,population\n')
        for _ in range(n_demand):
            f.write('%.6f,%.6f,%d\n' % (*near(), rng.randint(1, 60)))
    with open(os.path.join(folder, 'facilities.csv'), 'w') as f:
        f.write('lon,lat,name,service\n')
        for k in range(n_facilities):
            f.write('%.6f,%.6f,Site %d,%s\n' % (*near(), k + 1, services[k % len(services)]))
    return ('[layers.demand]\nsource = "%s"\nx = "lon"\ny = "lat"\nfields = { population = "population" }\n'
            '[layers.facilities]\nsource = "%s"\nx = "lon"\ny = "lat"\nfields = { name = "name", service = "service" }\n'
            % (os.path.join(folder, 'demand.csv'), os.path.join(folder, 'facilities.csv')))


def load_test(cs, clients, requests):
    """tests/e2e/studio_load.py (ctest runs it at 8 x 12): mixed requests, none failed, memory flat."""
    script = os.path.join(ROOT, 'tests', 'e2e', 'studio_load.py')
    r = subprocess.run([sys.executable, script, cs, ROOT, '--clients', str(clients), '--requests', str(requests)])
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('build')
    ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--porto', action='store_true',
                    help='also the Porto extract (62k nodes) with 13,000 drawn demand points and 300 facilities')
    ap.add_argument('--load', default='', help='C,R: C clients x R mixed requests on the sample')
    ap.add_argument('--load-only', action='store_true', help='only the load test')
    ap.add_argument('--porto-only', action='store_true', help='only Porto')
    a = ap.parse_args()
    cs = os.path.join(os.path.abspath(a.build), 'apps', 'countyscope', 'countyscope')
    counties = [('sample', os.path.join(ROOT, 'data/sample/liechtenstein-2024-03-04.osm.pbf'))]
    if a.porto_only:
        counties = []
    if a.porto or a.porto_only:
        counties.append(('Porto', os.path.join(ROOT, 'data/fixtures/osm/porto-portugal.osm.pbf')))
    for label, osm in ([] if a.load_only else counties):
        bench_county(cs, osm, label, a.reps, porto_layers(cs, osm) if label == 'Porto' else '')
    ok = True
    if a.load:
        c, r = (int(x) for x in a.load.split(','))
        ok = load_test(cs, c, r)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
