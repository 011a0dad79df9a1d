#!/usr/bin/python3
"""End-to-end test of `countyscope serve` (the planning studio, docs/studio.md) on the bundled sample county.

Starts the server on a free loopback port, then: the security checks (token, Host, Origin, body limit, bad
bodies: each a JSON 4xx with one line, the server still serving), edits (a new practice, a closed bridge, more
jobs), undo / redo, a bounded queue (503 + Retry-After), gzip, typed arrays equal to the CSV; saves the scenario
and runs it through `countyscope plan` -- the oracle: every scenario_*.csv of the batch run equals the studio's
table byte for byte. Ends with SIGTERM: a clean stop (exit 0).

    studio_api.py path/to/countyscope REPO_ROOT
"""
import base64
import gzip
import http.client
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

CS, ROOT = sys.argv[1], sys.argv[2]
SAMPLE = os.path.join(ROOT, 'data/sample/liechtenstein-2024-03-04.osm.pbf')
FAILS, OKS = [], [0]


def check(cond, what):
    if cond:
        OKS[0] += 1
        print('ok:', what)
    else:
        FAILS.append(what)
        print('FAIL:', what, file=sys.stderr)


class Studio:
    def __init__(self, tmp, extra=()):
        self.proc = subprocess.Popen([CS, 'serve', '--osm', SAMPLE, '--port', '0', '--scenario-dir',
                                      os.path.join(tmp, 'scenarios'), *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # "serving http://127.0.0.1:PORT/ token TOKEN"
        if not line.startswith('serving '):
            sys.exit('FAIL: no address line from serve: ' + line + self.proc.stderr.read())
        self.port = int(line.split(':')[2].split('/')[0])
        self.token = line.split()[-1]

    def call(self, method, path, body=None, headers=None, token=True, raw=False):
        h = {'Host': '127.0.0.1:%d' % self.port}
        if token:
            h['X-Countyscope-Token'] = self.token
        h.update(headers or {})
        c = http.client.HTTPConnection('127.0.0.1', self.port, timeout=120)
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        payload = r.read()
        out = (r.status, dict((k.lower(), v) for k, v in r.getheaders()), payload)
        c.close()
        if raw:
            return out
        text = gzip.decompress(payload) if out[1].get('content-encoding') == 'gzip' else payload
        return out[0], out[1], (json.loads(text) if out[1].get('content-type', '').startswith('application/json')
                                else text.decode())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = None
        return rc, self.proc.stderr.read()


def decode(col):
    b = base64.b64decode(col['f8'])
    return list(struct.unpack('<%dd' % (len(b) // 8), b))


def csv_value(text):
    return float('nan') if text == '' else float(text)


def main():
    tmp = tempfile.mkdtemp(prefix='cs-studio.')
    s = Studio(tmp, ['--queue', '1'])
    try:
        st, _, state = s.call('GET', '/api/state')
        check(st == 200 and len(state['places']) > 10 and len(state['roads']['way']) > 100, 'state: places and roads')
        base = state['answer']
        check(base['edits'] == [] and base['headline']['services'], 'baseline answer has headline figures')

        # Security and validation: each a JSON 4xx with one line; the server keeps serving.
        bad = [
            ('GET', '/api/answer', None, {}, False, 401, 'X-Countyscope-Token'),
            ('GET', '/api/answer', None, {'Host': 'evil.example:80'}, True, 403, 'Host'),
            ('GET', '/api/answer', None, {'Origin': 'http://evil.example'}, True, 403, 'Origin'),
            ('POST', '/api/edit', b'a' * ((1 << 20) + 1), {}, True, 413, '1 MB'),
            ('POST', '/api/edit', b'{"kind": "place", ', {}, True, 400, 'not valid JSON'),
            ('POST', '/api/edit', [1, 2], {}, True, 400, 'JSON object'),
            ('POST', '/api/edit', {'kind': 'teleport'}, {}, True, 400, "unknown value 'teleport'"),
            ('POST', '/api/edit', {'kind': 'place', 'name': 'Atlantis', 'population': 5}, {}, True, 400,
             "no settlement named 'Atlantis'"),
            ('POST', '/api/edit', {'kind': 'place', 'name': 'Vaduz', 'population': -5}, {}, True, 400,
             "field 'population'"),
            ('POST', '/api/edit', {'kind': 'place', 'name': 'Vaduz', 'population': 'many'}, {}, True, 400,
             'must be a number'),
            ('POST', '/api/edit', {'kind': 'facility', 'action': 'open', 'service': 'doctors', 'at': [9.5, 95]},
             {}, True, 400, "field 'at'"),
            ('POST', '/api/edit', {'kind': 'road', 'ways': [1], 'speed_kmh': 900}, {}, True, 400, "'speed_kmh'"),
            ('POST', '/api/edit', {'kind': 'road', 'ways': [1.5], 'speed_kmh': 50}, {}, True, 400, 'integers'),
            ('POST', '/api/edit', {'kind': 'standard', 'id': 'nope', 'threshold': 3}, {}, True, 400, 'nope'),
            ('POST', '/api/undo', None, {}, True, 400, 'nothing to undo'),
            ('POST', '/api/save', {'name': '../../etc/passwd'}, {}, True, 400, "field 'name'"),
            ('POST', '/api/save', {'name': 'x', 'path': '/tmp/x'}, {}, True, 400, 'unknown key'),
            ('GET', '/api/csv/results.json', None, {}, True, 404, 'no such resource'),
            ('GET', '/api/csv/nope.csv', None, {}, True, 404, "no table 'nope.csv'"),
            ('GET', '/../../etc/passwd', None, {}, True, 404, 'no such resource'),
        ]
        for method, path, body, headers, token, want, needle in bad:
            st, h, out = s.call(method, path, body, headers, token)
            msg = out.get('error', '') if isinstance(out, dict) else ''
            check(st == want and needle in msg and '\n' not in msg,
                  '%s %s -> %d %r (want %d, %r)' % (method, path, st, msg[:90], want, needle))
            st, _, _ = s.call('GET', '/api/answer')
            check(st == 200, '... and the server still answers')

        # Edits: a new practice in Gamprin, the Rhine bridge Haag-Bendern closed, more jobs in Schaan.
        edits = [
            {'kind': 'facility', 'action': 'open', 'service': 'doctors', 'name': 'Praxis Gamprin',
             'at': [9.5102, 47.2191]},
            {'kind': 'road', 'ways': [122575882, 1049122159], 'speed_kmh': 0},
            {'kind': 'place', 'name': 'Schaan', 'jobs': 1900},
        ]
        answers = []
        for e in edits:
            st, h, a = s.call('POST', '/api/edit', e)
            check(st == 200 and len(a['edits']) == len(answers) + 1, 'edit %s answered' % e['kind'])
            answers.append(a)
        check(answers[1]['recomputed'][0] == 'graph', 'a road edit rebuilds the graph')
        diff = {r['service']: r for r in answers[0]['vs_baseline']['services']}
        check(diff['doctors']['mean_min'] < 0, 'a new practice shortens the mean time to doctors (%.4f min)'
              % diff['doctors']['mean_min'])
        st, _, a = s.call('POST', '/api/undo')
        check(st == 200 and len(a['edits']) == 2 and a['redo'] == 1, 'undo')
        a.pop('redo')
        want = dict(answers[1])
        want.pop('redo')
        check(json.dumps(a, sort_keys=True) == json.dumps(want, sort_keys=True), 'undo gives the earlier answer')
        st, _, a = s.call('POST', '/api/redo')
        check(st == 200 and len(a['edits']) == 3, 'redo')

        # New sites on the edited model: the heuristic at once (marked), a bad request a 400.
        st, _, sites = s.call('POST', '/api/sites', {'service': 'clinic', 'new': 2})
        sv = sites['locate']['services'][0] if st == 200 and sites['locate']['services'] else {}
        check(st == 200 and sv.get('chosen') == 'heuristic' and len(sv.get('results', [])) == 1,
              'sites: the heuristic answers, marked as such (%s)' % sv.get('chosen'))
        st, _, out = s.call('POST', '/api/sites', {'service': 'clinic', 'new': 0})
        check(st == 400 and "field 'new'" in out.get('error', ''), 'sites: new = 0 is a 400')
        st, _, out = s.call('GET', '/api/answer')
        check(st == 200 and len(out['edits']) == 3, 'sites is no edit')

        # gzip and typed arrays: the access_settlements columns equal the CSV the answer carries.
        st, h, raw = s.call('GET', '/api/answer', headers={'Accept-Encoding': 'gzip'}, raw=True)
        check(h.get('content-encoding') == 'gzip', 'answers are gzip-compressed (%d bytes)' % len(raw))
        table = next(t for t in a['tables'] if t['name'] == 'access_settlements')
        st, _, csv_text = s.call('GET', '/api/csv/access_settlements.csv')
        lines = csv_text.strip().split('\n')
        header = lines[0].split(',')
        names = [c['name'] for c in table['columns']]
        k = names.index('doctors_nearest_min')
        typed = decode(table['data'][k])
        from_csv = [csv_value(r.split(',')[header.index('doctors_nearest_min')]) for r in lines[1:]]
        same = len(typed) == len(from_csv) and all(x == y or (x != x and y != y) for x, y in zip(typed, from_csv))
        check(same, 'typed column doctors_nearest_min equals the CSV (%d rows)' % len(typed))

        # The queue: four edits at once with --queue 1 -> some 503 with Retry-After, the rest answered.
        results = []

        def one(i):
            results.append(s.call('POST', '/api/edit', {'kind': 'place', 'name': 'Vaduz', 'population': 5000 + i}))
        threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r[0] for r in results)
        check(200 in codes and 503 in codes and all(c in (200, 503) for c in codes) and
              all(r[1].get('retry-after') == '1' for r in results if r[0] == 503), 'bounded queue: %s' % codes)
        while s.call('GET', '/api/answer')[2]['edits'].__len__() > 3:
            s.call('POST', '/api/undo')

        # A unit's population and jobs and a standard's threshold: scenario entries as the others.
        st, _, a = s.call('POST', '/api/edit', {'kind': 'unit', 'name': 'Eschen', 'population': 5000, 'jobs': 900})
        check(st == 200 and a['edits'][-1]['kind'] == 'unit', 'a unit edit answers (%d)' % st)
        st, _, a = s.call('POST', '/api/edit', {'kind': 'standard', 'id': 'primary_care_30min', 'threshold': 20})
        check(st == 200 and any(r['standard'] == 'primary_care_30min' and r['threshold'] == 20
                                for r in a['headline']['audit']), 'a standard edit moves the audit (%d)' % st)

        # Save, then the oracle: the batch run of the saved scenario gives the studio's tables.
        st, _, saved = s.call('POST', '/api/save', {'name': 'e2e'})
        scen = os.path.join(tmp, 'scenarios', 'e2e.toml')
        check(st == 200 and os.path.isfile(scen) and open(scen).read() == saved['toml'], 'save writes e2e.toml')
        check('[[unit]]' in saved['toml'] and '[[standard]]' in saved['toml'],
              'the saved scenario holds the unit and standard edits')
        plan = os.path.join(tmp, 'plan.toml')
        with open(plan, 'w') as f:
            f.write('[scenarios]\nfile = "scenarios/e2e.toml"\n[plan]\nskip = ["locate", "structure"]\n')
        out = os.path.join(tmp, 'batch')
        r = subprocess.run([CS, 'plan', '--osm', SAMPLE, '--config', plan, '--out', out], capture_output=True,
                           text=True)
        check(r.returncode in (0, 3), 'batch plan of the saved scenario ran (exit %d) %s' % (r.returncode,
                                                                                           r.stderr[-300:]))
        # Export: the static report of the current state as a download; its document's scenario section is
        # the batch run's (the report embeds it; the batch's results.json holds it).
        st, h, html = s.call('GET', '/api/report.html')
        check(st == 200 and h.get('content-type', '').startswith('text/html') and
              'attachment' in h.get('content-disposition', '') and '<html' in html[:2000],
              'export: the report of the current state is a download (%d, %d bytes)' % (st, len(html)))
        batch_doc = json.load(open(os.path.join(out, 'results.json')))
        sec = batch_doc['sections']['scenario']
        compact = [json.dumps(sec.get(k), separators=(',', ':'), sort_keys=True, ensure_ascii=False)
                   for k in ('units', 'standards', 'access')]
        check(all('"%s":%s' % (k, c) in html for k, c in zip(('units', 'standards', 'access'), compact)),
              'the exported report embeds the batch\'s scenario units, standards and access rows')
        st, _, err = s.call('GET', '/api/report.html', token=False)
        check(st == 401, 'export needs the token (%d)' % st)

        st, _, a = s.call('GET', '/api/answer')
        files = [f for f in a['csv_files'] if f.startswith('scenario_')]
        check(len(files) >= 5 and 'scenario_after_access_audit.csv' in files,
              'the answer has the scenario tables: %s' % files)
        for f in files:
            st, _, text = s.call('GET', '/api/csv/' + f)
            batch = open(os.path.join(out, f)).read() if os.path.exists(os.path.join(out, f)) else None
            check(st == 200 and text == batch, '%s of the studio equals the batch run' % f)
    finally:
        rc, err = s.stop()
        check(rc == 0 and 'studio: stopped' in err, 'SIGTERM stops the studio cleanly (exit %s)' % rc)
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        sys.exit('%d failure(s)' % len(FAILS))
    if not OKS[0]:
        sys.exit('FAIL: no check ran')
    print('all %d checks passed' % OKS[0])


main()
