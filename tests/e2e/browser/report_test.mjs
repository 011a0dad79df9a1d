// Browser acceptance test of the offline HTML report: opens REPORT.html from disk in Debian's headless Chromium
// (driven by playwright-core; no browser download), and checks that
//   - the page loads with no console errors, no page errors and no request that leaves file:// / data:,
//   - every section rendered without error, each map drew every overlay (SVG paths per layer, all overlays
//     switched on through the layer control), charts and tables are present,
//   - switching to 中文 changes the headings (and back to EN restores them),
//   - the OSM attribution line is shown on every map of a plan report.
// It prints the file's size and its load time (not asserted).
// It saves a screenshot (English, and Chinese next to it as *-zh.png).
//
// Usage: node tests/e2e/browser/report_test.mjs REPORT.html [SCREENSHOT.png]
// Exit: 0 pass, 1 fail, 77 skipped (no chromium or no playwright-core: run `make deps`).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// --measure: only load the page (no console error, every section drawn) and print its size and load time; for
// counties whose data fail the quality gate (Porto's extract has no facility), where the demo's expectations do not
// hold.
const measureOnly = process.argv.includes('--measure');
const [, , htmlArg, shotArg] = process.argv.filter((a) => a !== '--measure');
if (!htmlArg) {
  console.error('usage: node report_test.mjs REPORT.html [SCREENSHOT.png]');
  process.exit(2);
}
const html = resolve(htmlArg);
const shot = resolve(shotArg || 'out/browser/report.png');
const CHROMIUM = process.env.CS_CHROMIUM || '/usr/bin/chromium';

if (!existsSync(html)) {
  console.error(`report_test: ${html}: no such file`);
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`report_test: SKIP: ${CHROMIUM} not found (apt-get install chromium)`);
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('report_test: SKIP: playwright-core not installed (run `make deps`)');
  process.exit(77);
}

const failures = [];
const fail = (msg) => failures.push(msg);
const profile = mkdtempSync(join(tmpdir(), 'cs-chromium-'));
let browser;
try {
  // A persistent context on a fresh profile directory is playwright's form of --user-data-dir.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
    deviceScaleFactor: 1,
  });
  const page = browser.pages()[0] || (await browser.newPage());
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const external = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('about:')) external.push(u);
  });

  const started = Date.now();
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });
  // Size and load time are printed for the record (issue 17 asks ≤ 3 MB and ≤ 2 s for the demo), never asserted:
  // the time depends on the machine and its load.
  const loadMs = Date.now() - started;
  const readyMs = await page.evaluate(() => Math.round(performance.now()));
  console.log(`report_test: size ${(statSync(html).size / 1e6).toFixed(2)} MB (${statSync(html).size} bytes), ` +
    `loaded and drawn in ${(loadMs / 1000).toFixed(2)} s (${(readyMs / 1000).toFixed(2)} s by the page's clock)`);

  if (measureOnly) {
    const errors = await page.evaluate(() => window.CS.errors);
    for (const e of errors) fail(`section ${e.section} failed: ${e.message}`);
    for (const e of consoleErrors) fail(`console: ${e}`);
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: false });
    throw { measured: true };
  }
  const kind = await page.evaluate(() => window.CS.doc.kind);
  const sections = await page.evaluate(() =>
    Array.from(document.querySelectorAll('section.cs-section')).map((s) => s.getAttribute('data-section')));
  console.log(`report_test: ${kind} report, sections: ${sections.join(', ')}`);
  if (!sections.includes('overview')) fail('the overview section is missing');
  const sectionErrors = await page.evaluate(() => window.CS.errors);
  for (const e of sectionErrors) fail(`section ${e.section} failed: ${e.message}`);

  // Maps: every overlay drew its features. Switch on the overlays that start hidden through the layer control,
  // as a user would, then count SVG paths per layer.
  const mapCount = await page.evaluate(() => window.CS.maps.length);
  if (mapCount === 0) fail('no map was drawn');
  // The layer panels are folded into their buttons: tick the boxes as a reader would after opening one (a DOM
  // click on each box, which Leaflet's control handles).
  const hidden = await page.$$eval('.leaflet-control-layers-overlays input[type=checkbox]:not(:checked)', (bs) => {
    bs.forEach((b, i) => { b.setAttribute('data-test-hidden', String(i)); b.click(); });
    return bs.length;
  });
  const stats = await page.evaluate(() => window.CS.mapStats());
  for (const m of stats) {
    const ids = Object.keys(m.layers);
    if (!ids.length) fail(`map in section ${m.id} has no layers`);
    for (const id of ids) {
      const l = m.layers[id];
      console.log(`report_test: map ${m.id} layer ${id}: ${l.features} features, ${l.paths} SVG paths, shown=${l.shown}`);
      if (!(l.features > 0)) fail(`map ${m.id}: layer ${id} has no features`);
      if (!l.shown) fail(`map ${m.id}: layer ${id} could not be switched on`);
      if (!(l.paths > 0)) fail(`map ${m.id}: layer ${id} drew no SVG paths`);
    }
  }
  if (kind === 'plan') {
    const want = ['roads', 'settlements-seat', 'settlements-village'];
    const all = Object.assign({}, ...stats.map((m) => m.layers));
    for (const id of want) if (!all[id]) fail(`plan map lacks layer ${id}`);
    if (!Object.keys(all).some((id) => id.startsWith('facilities-'))) fail('plan map lacks facility layers');
    // Every capability the results document carries is rendered, with the maps its issue asks for.
    const present = await page.evaluate(() => Object.keys(window.CS.doc.sections || {}));
    const rendered = { access: 'access', locate: 'locate', structure: 'structure', flows: 'flows' };
    for (const [key, section] of Object.entries(rendered)) {
      if (present.includes(key) && !sections.includes(section)) fail(`sections.${key} present but not rendered`);
    }
    const needLayers = {
      structure: ['structure-areas', 'structure-seat15', 'structure-seat30'],
      locate: ['locate-new-', 'locate-existing-', 'locate-settlements-'],
      flows: ['flows-'],
      scenario: ['scenario-changes'],
    };
    for (const [key, prefixes] of Object.entries(needLayers)) {
      if (!present.includes(key)) continue;
      for (const p of prefixes) if (!Object.keys(all).some((id) => id.startsWith(p))) fail(`${key} map lacks layer ${p}*`);
    }
    const attributions = await page.$$eval('.leaflet-control-attribution', (els) => els.map((e) => e.textContent));
    if (attributions.length !== mapCount) fail(`expected an attribution on each of ${mapCount} maps`);
    for (const a of attributions) {
      if (!a.includes('Map data © OpenStreetMap contributors, ODbL 1.0')) fail(`map attribution lacks the OSM line: ${a}`);
    }
  }
  // Summary first (issue 17): the county at a glance before every section; access compared across services in one
  // table and one map (a service selector), the per-service details folded.
  if (kind === 'plan') {
    if (sections[0] !== 'summary') fail(`the first section is ${sections[0]}, not the summary`);
    const cards = await page.$$eval('#sec-summary .cs-card', (cs) => cs.map((c) => c.textContent));
    if (cards.length < 1) fail('the summary shows no figure of the county');
    const doc = await page.evaluate(() => ({ quality: !!(window.CS.doc.sections || {}).quality,
      services: Object.keys(((window.CS.doc.sections || {}).access || {}).services || {}).length,
      accessLayer: !!(window.CS.doc.layers || {}).access_settlements }));
    if (doc.quality && !(await page.$('#sec-summary .cs-quality-card'))) fail('the summary lacks the data-quality verdict');
    if (doc.services) {
      const compared = await page.$$eval('#sec-access table.cs-table', (ts) => ts[0].querySelectorAll('tbody tr').length);
      if (compared !== doc.services) fail(`the access comparison table has ${compared} rows for ${doc.services} services`);
      const accessMaps = await page.$$eval('#sec-access .cs-map', (m) => m.length);
      if (doc.accessLayer && accessMaps !== 1) fail(`the access section draws ${accessMaps} maps, not one`);
      const folded = await page.$$eval('#sec-access details', (ds) => ds.filter((d) => !d.open).length);
      if (folded < doc.services) fail(`only ${folded} folded details in the access section for ${doc.services} services`);
      const select = await page.$('#sec-access select');
      if (doc.accessLayer && select) {
        const options = await select.$$eval('option', (os) => os.map((o) => o.value));
        const last = options[options.length - 1];
        await select.selectOption(last);
        const shown = await page.$eval('#sec-access .cs-map', (m) => [m.getAttribute('data-service'),
          m.querySelectorAll('path.cs-layer-access-settlements').length]);
        if (shown[0] !== last || !(shown[1] > 0)) fail(`the access map did not switch to ${last}: ${shown}`);
        await select.selectOption(options[0]);
      }
    }
    const scenario = await page.evaluate(() => ((window.CS.doc.sections || {}).scenario || {}).name);
    if (scenario) {
      const summary = await page.$eval('#sec-summary', (s) => s.textContent);
      if (!summary.includes(scenario)) fail('the summary does not show the what-if scenario');
    }
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    console.log(`report_test: page height ${height} px`);
  }

  // National map: filtering by unit type redraws the ranking and the map with fewer counties (issue 17).
  const unitFilter = await page.$('select[data-filter="unit"]');
  if (unitFilter) {
    const count = () => page.$eval('#sec-assess .cs-map', (m) => m.querySelectorAll('path.cs-layer-assess-score').length);
    const before = await count();
    const options = await unitFilter.$$eval('option', (os) => os.map((o) => o.value).filter((v) => v));
    await page.selectOption('select[data-filter="unit"]', options[options.length - 1]);
    const after = await count();
    if (!(after > 0 && after < before)) fail(`filtering by unit type ${options[options.length - 1]}: ${before} -> ${after} counties on the map`);
    await page.selectOption('select[data-filter="unit"]', '');
    if ((await count()) !== before) fail('clearing the unit filter did not restore the map');
  }

  // Restore the initial overlay state for the screenshot.
  await page.$$eval('input[data-test-hidden]', (bs) => bs.forEach((b) => { b.click(); b.removeAttribute('data-test-hidden'); }));

  // Charts (ECharts, SVG renderer) drew shapes.
  const charts = await page.$$eval('.cs-chart', (cs) => cs.map((c) => c.querySelectorAll('svg path, svg rect').length));
  console.log(`report_test: ${charts.length} charts, shapes per chart: ${charts.join(', ')}`);
  charts.forEach((n, i) => { if (!(n > 0)) fail(`chart ${i} drew nothing`); });
  if (kind === 'plan' && !charts.length) fail('a plan report without charts');

  // Tables: at least one rendered, with rows.
  const tableRows = await page.$$eval('table.cs-table tbody tr, table.cs-kv tr', (r) => r.length);
  if (!(tableRows > 0)) fail('no table rows rendered');

  mkdirSync(dirname(shot), { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot, fullPage: true });

  // Language switch: every heading changes to Chinese, and back.
  const headings = () => page.$$eval('h1, h2, h3, .cs-toc-title', (hs) => hs.map((h) => h.textContent.trim()));
  const en = await headings();
  await page.click('.cs-lang button[data-lang="zh"]');
  await page.waitForSelector('body[data-lang="zh"]');
  const zh = await headings();
  if (zh.length !== en.length) fail(`heading count changed with the language: ${en.length} vs ${zh.length}`);
  const cjk = /[\u4e00-\u9fff]/;
  zh.forEach((z, i) => {
    if (z === en[i] && !cjk.test(z)) fail(`heading not translated: "${z}"`);
    if (!cjk.test(z)) fail(`heading without Chinese text after switching: "${z}"`);
  });
  if ((await page.getAttribute('html', 'lang')) !== 'zh-CN') fail('html lang is not zh-CN after switching');
  const layerLabels = await page.$$eval('.leaflet-control-layers-overlays label', (ls) => ls.map((l) => l.textContent.trim()));
  for (const l of layerLabels) if (!cjk.test(l)) fail(`layer control label not translated: "${l}"`);
  const afterSwitchErrors = await page.evaluate(() => window.CS.errors);
  for (const e of afterSwitchErrors) fail(`section ${e.section} failed in Chinese: ${e.message}`);
  const statsZh = await page.evaluate(() => window.CS.mapStats());
  if (statsZh.length !== stats.length) fail('maps were not redrawn after switching the language');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: shot.replace(/\.png$/, '') + '-zh.png', fullPage: true });
  await page.click('.cs-lang button[data-lang="en"]');
  await page.waitForSelector('body[data-lang="en"]');
  const back = await headings();
  if (JSON.stringify(back) !== JSON.stringify(en)) fail('switching back to EN did not restore the headings');

  // Table search filters rows (the first search box in view: folded details hide theirs).
  const search = page.locator('input.cs-search:visible').first();
  if (await search.count()) {
    const rowsOf = () => search.evaluate((s) => Array.from(s.closest('.cs-table-wrap').querySelectorAll('tbody tr'))
      .filter((r) => !r.querySelector('.cs-empty')).length);
    const before = await rowsOf();
    await search.fill('zzzz-no-such-row');
    const after = await rowsOf();
    if (!(before > 0 && after === 0)) fail(`table search did not filter (rows ${before} -> ${after})`);
    await search.fill('');
  }

  for (const e of consoleErrors) fail(`console: ${e}`);
  for (const u of external) fail(`network request outside the file: ${u}`);
} catch (e) {
  if (!(e && e.measured)) fail(`exception: ${e && e.stack ? e.stack : e}`);
} finally {
  if (browser) await browser.close();
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length) {
  for (const f of failures) console.error(`report_test: FAIL: ${f}`);
  process.exit(1);
}
console.log(`report_test: OK (${html}); screenshot ${shot}`);
