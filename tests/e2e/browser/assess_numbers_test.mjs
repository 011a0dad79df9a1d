// Browser test of the national-assessment report section: every number shown in its tables and key figures equals
// the results JSON it was rendered from (numeric cells carry data-value; see docs/report.md).
//   - the document embedded in the page equals RESULTS.json (deep equality of sections.assess),
//   - key figures (counties scored, located, Moran's I, p) equal the JSON,
//   - every row of the ranking table's first page: rank, score and D equal the county's values in the JSON,
//     also after searching for a county by name,
//   - the D-class table counts, the provincial obstacle table and the GeoDetector q values equal the JSON,
//   - the weights of every method, the unit counts per type, the Spearman matrix, the quintile shares, the rank
//     intervals of the best and worst ranked units and the 2010 -> 2020 decomposition equal the JSON (and the parts
//     add up to the change),
//   - the section rendered without error and drew its two maps.
// Usage: node tests/e2e/browser/assess_numbers_test.mjs REPORT.html RESULTS.json. Exit 0 pass, 1 fail, 77 skip.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , htmlArg, jsonArg] = process.argv;
if (!htmlArg || !jsonArg) {
  console.error('usage: node assess_numbers_test.mjs REPORT.html RESULTS.json');
  process.exit(2);
}
const CHROMIUM = process.env.CS_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`assess_numbers_test: SKIP: ${CHROMIUM} not found`);
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('assess_numbers_test: SKIP: playwright-core not installed (run `make deps`)');
  process.exit(77);
}
const doc = JSON.parse(readFileSync(resolve(jsonArg), 'utf8'));
const s = doc.sections.assess;
const failures = [];
const fail = (m) => failures.push(m);
const same = (a, b) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
const profile = mkdtempSync(join(tmpdir(), 'cs-chromium-'));
let browser;
try {
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1400, height: 1000 },
  });
  const page = browser.pages()[0] || (await browser.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(pathToFileURL(resolve(htmlArg)).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 120000 });
  for (const e of errors) fail(`console/page error: ${e}`);
  const secErrors = await page.evaluate(() => window.CS.errors);
  for (const e of secErrors) fail(`section ${e.section} failed: ${e.message}`);

  const embedded = await page.evaluate(() => window.CS.doc.sections.assess);
  if (JSON.stringify(embedded) !== JSON.stringify(s)) fail('embedded sections.assess differs from the results JSON');

  const sec = 'section.cs-section[data-section="assess"]';
  if (!(await page.$(sec))) fail('the assess section is missing');
  // Tables in order: ranking, D classes, obstacles, indicators, types, GeoDetector, Markov.
  const tables = await page.$$eval(`${sec} table`, (ts) => ts.map((t) => ({
    cls: t.className,
    head: Array.from(t.querySelectorAll('thead th')).map((th) => th.textContent.trim()),
    rows: Array.from(t.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => ({
      text: td.textContent.trim(), v: td.hasAttribute('data-value') ? Number(td.getAttribute('data-value')) : null })))
  })));
  const kvs = tables.filter((t) => t.cls.includes('cs-kv'));
  const grids = tables.filter((t) => !t.cls.includes('cs-kv'));
  const kvRows = await page.$$eval(`${sec} table.cs-kv tr`, (trs) => trs.map((tr) => {
    const td = tr.querySelector('td');
    return td && td.hasAttribute('data-value') ? Number(td.getAttribute('data-value')) : null;
  }));
  const kvNums = kvRows.filter((v) => v !== null);
  const expectKv = [s.counts.scored, s.counts.located, s.counts.dropped, s.counts.imputed];
  if (s.moran) expectKv.push(s.moran.score.I, s.moran.score.p_sim);
  expectKv.forEach((v, i) => { if (!same(kvNums[i], v)) fail(`key figure ${i}: page ${kvNums[i]} != JSON ${v}`); });
  if (kvs.length < 1) fail('no key-figure table');

  const c = s.counties;
  const byRank = new Map();
  c.rank.forEach((r, i) => byRank.set(r, i));
  const checkRanking = (rows, label) => {
    if (!rows.length) fail(`${label}: ranking table is empty`);
    for (const row of rows) {
      const rank = row[0].v;
      const i = byRank.get(rank);
      if (i === undefined) { fail(`${label}: rank ${rank} not in JSON`); continue; }
      if (row[1].text !== c.name[i]) fail(`${label}: rank ${rank} name ${row[1].text} != ${c.name[i]}`);
      if (!same(row[3].v, c.score[i])) fail(`${label}: rank ${rank} score ${row[3].v} != ${c.score[i]}`);
      if (!same(row[4].v, c.D[i])) fail(`${label}: rank ${rank} D ${row[4].v} != ${c.D[i]}`);
    }
    return rows.length;
  };
  const nRank = checkRanking(grids[0].rows, 'ranking');
  // Search for the 100th-ranked county by name, as a user would.
  const target = c.name[byRank.get(100)];
  const search = await page.$(`${sec} input[type="search"], ${sec} input`);
  if (search) {
    await search.fill(target);
    await page.waitForTimeout(300);
    const rows = await page.$$eval(`${sec} table:not(.cs-kv)`, (ts) => Array.from(ts[0].querySelectorAll('tbody tr')).map((tr) =>
      Array.from(tr.querySelectorAll('td')).map((td) => ({ text: td.textContent.trim(),
        v: td.hasAttribute('data-value') ? Number(td.getAttribute('data-value')) : null }))));
    checkRanking(rows, `search '${target}'`);
    if (!rows.some((r) => r[1].text === target)) fail(`search '${target}' did not find the county`);
  } else {
    fail('the ranking table has no search box');
  }
  // D classes.
  const dRows = grids[1].rows;
  s.d_classes.forEach((d, k) => { if (!dRows[k] || !same(dRows[k][2].v, d.count)) fail(`D class ${k}: count differs`); });
  // Obstacles by province (sorted by province in both).
  const oRows = grids[2].rows;
  const oByName = new Map(s.obstacles_by_province.map((o) => [o.province, o]));
  for (const r of oRows) {
    const o = oByName.get(r[0].text);
    if (!o) { fail(`obstacle row ${r[0].text} not in JSON`); continue; }
    if (!same(r[1].v, o.counties) || !same(r[2].v, o.mean_score)) fail(`obstacles ${o.province}: numbers differ`);
    s.system.dimensions.forEach((d, k) => { if (!same(r[3 + k].v, o.dimensions[d.id])) fail(`obstacles ${o.province} ${d.id} differ`); });
  }
  // GeoDetector q values.
  const gRows = grids[5] ? grids[5].rows : [];
  // Factors are shown by their indicator's name (the region factor by the report's label for it).
  const regionLabel = await page.evaluate(() => window.CS.strings[window.CS.lang]['assess.region']);
  const factorLabel = (id) => {
    if (id === 'region') return regionLabel;
    const ind = s.system.indicators.find((x) => x.id === id);
    return ind ? ind.name : id;
  };
  const qBy = new Map(s.geodetector.factor.map((f) => [factorLabel(f.factor), f]));
  for (const r of gRows) {
    const f = qBy.get(r[0].text);
    if (!f || !same(r[1].v, f.q)) fail(`GeoDetector ${r[0].text}: q differs`);
  }
  if (gRows.length !== s.geodetector.factor.length) fail('GeoDetector table row count differs');
  // Indicators and weights (grids[3], indicator order): the chosen weight and the weight of every method.
  const wRows = grids[3].rows;
  const methods = ['entropy', 'critic', 'cv', 'equal', 'mean'];
  if (wRows.length !== s.system.indicators.length) fail('weights table row count differs');
  s.system.indicators.forEach((ind, j) => {
    const r = wRows[j];
    if (!r || !same(r[3].v, ind.weight)) { fail(`weight of ${ind.id} differs`); return; }
    methods.forEach((m, k) => { if (!same(r[5 + k].v, s.weights.methods[m][j])) fail(`weight ${m} of ${ind.id} differs`); });
  });
  const find = (pred, what) => { const t = grids.find((g) => pred(g.head)); if (!t) fail(`no ${what} table`); return t ? t.rows : []; };
  // Units per type: table, selected, official, difference.
  const uShown = s.units.counts.filter((u) => u.table > 0 || u.official > 0);
  const uRows = find((h) => h.includes('Official count'), 'units');
  if (uRows.length !== uShown.length) fail('units table row count differs');
  uShown.forEach((u, k) => {
    const r = uRows[k];
    if (!r || !same(r[1].v, u.table) || !same(r[2].v, u.selected) || !same(r[3].v, u.official) || !same(r[4].v, u.difference))
      fail(`unit counts of ${u.type} differ`);
  });
  // Robustness: Spearman matrix, quintile shares, rank intervals of the best and worst ranked units.
  const rb = s.robustness;
  const rhoRows = find((h) => h[0] === 'Weighting' && h.length === rb.methods.length + 1, 'Spearman');
  rb.methods.forEach((m, a) => rb.methods.forEach((m2, b) => {
    if (!rhoRows[a] || !same(rhoRows[a][1 + b].v, rb.spearman[a][b])) fail(`Spearman ${m}/${m2} differs`);
  }));
  const qRows = find((h) => h.includes('Share of units'), 'quintile');
  rb.methods.forEach((m, a) => { if (!qRows[a] || !same(qRows[a][1].v, rb.quintile_change_vs_chosen[m])) fail(`quintile share ${m} differs`); });
  const iRows = find((h) => h.includes('Rank, 5th pct.'), 'rank interval');
  if (iRows.length !== Math.min(20, c.rank.length)) fail(`rank interval table has ${iRows.length} rows`);
  const pt = rb.perturbation;
  for (const r of iRows) {
    const i = byRank.get(r[0].v);
    if (i === undefined || r[1].text !== c.name[i] || !same(r[3].v, pt.rank_p05[i]) || !same(r[4].v, pt.rank_median[i]) ||
      !same(r[5].v, pt.rank_p95[i])) fail(`rank interval of rank ${r[0].v} differs`);
  }
  // 2010 -> 2020: per-indicator weight, mean part and count; the mean parts add up to the mean change; the listed units.
  const ch = s.change;
  const pRows = find((h) => h.includes('Counties it moved most'), 'change by indicator');
  ch.indicators.forEach((id, j) => {
    const r = pRows[j];
    if (!r || !same(r[1].v, ch.weights[j]) || !same(r[2].v, ch.mean_part[j]) || !same(r[3].v, ch.top_count[id] || 0))
      fail(`change of ${id} differs`);
  });
  const partSum = ch.mean_part.reduce((a, b) => a + b, 0);
  if (Math.abs(partSum - (ch.mean_index_2020 - ch.mean_index_2010)) > 1e-12) fail(`mean parts sum to ${partSum}, not the mean change`);
  const cTables = grids.filter((g) => g.head.includes('Moved most by'));
  if (cTables.length !== 2) fail(`expected 2 tables of units by change, found ${cTables.length}`);
  [['largest', 0], ['smallest', 1]].forEach(([side, k]) => {
    const rows = cTables[k] ? cTables[k].rows : [];
    ch[side].forEach((u, a) => {
      const r = rows[a];
      if (!r || r[0].text !== u.name || !same(r[2].v, u.index_2010) || !same(r[3].v, u.index_2020) || !same(r[4].v, u.change))
        fail(`${side} change row ${a} differs`);
      const parts = u.parts.reduce((x, y) => x + y, 0);
      if (Math.abs(parts - u.change) > 1e-12) fail(`${side} ${u.code}: parts sum to ${parts}, change ${u.change}`);
    });
  });
  const maps = await page.$$eval(`${sec} .leaflet-container`, (m) => m.length);
  if (maps < 2) fail(`expected 2 maps in the assess section, found ${maps}`);
  // Borders: drawn under both maps from the official boundary file when one was given, never otherwise.
  const layers = doc.layers || {};
  const nPoly = ((layers.national_boundaries || {}).features || []).length;
  const nLine = ((layers.national_boundary_lines || {}).features || []).length;
  const drawnPoly = await page.$$eval(`${sec} path.cs-layer-assess-boundaries`, (p) => p.length);
  const drawnLine = await page.$$eval(`${sec} path.cs-layer-assess-boundary-lines`, (p) => p.length);
  if (drawnPoly !== nPoly * maps || drawnLine !== nLine * maps)
    fail(`boundaries: ${drawnPoly} polygons and ${drawnLine} lines drawn, expected ${nPoly} and ${nLine} on each of ${maps} maps`);
  const note = await page.$eval(`${sec} .cs-boundaries-note`, (p) => p.textContent).catch(() => '');
  if (s.boundaries ? !note.includes(s.boundaries.file) : !note.includes('--boundaries'))
    fail(`the boundaries note does not say where the borders come from: ${note}`);
  console.log(`assess_numbers_test: checked ${nRank} ranking rows, ${s.d_classes.length} D classes, ${oRows.length} provinces, ${gRows.length} factors, ${wRows.length} weights, ${iRows.length} rank intervals, ${pRows.length} change parts`);
} catch (e) {
  fail(`exception: ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failures.length) {
  for (const f of failures) console.error(`assess_numbers_test: FAIL: ${f}`);
  process.exit(1);
}
console.log('assess_numbers_test: PASS');
