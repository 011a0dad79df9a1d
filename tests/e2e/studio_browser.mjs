// Browser test of the planning studio (docs/studio.md): starts `countyscope serve` on the bundled sample on a
// free loopback port, opens its web app in Debian's headless Chromium (driven by playwright-core), clicks the map
// to add a clinic and clicks the Rhine bridge Haag-Bendern to close it, asks for 2 new clinic sites, saves the scenario from the page, runs
// the saved file through `countyscope plan` and checks the figures the page shows (mean time to the nearest
// facility and the share within 15 minutes, per service) equal the batch run's scenario_access.csv. Also: no
// console error, no request leaving the studio, the language switch, a screenshot; a standard's threshold and a
// unit's population set from the page (the figures shown then equal GET /api/answer's).
//
// Usage: node tests/e2e/studio_browser.mjs path/to/countyscope REPO_ROOT [SCREENSHOT.png]
// Exit: 0 pass, 1 fail, 77 skipped (no chromium or no playwright-core: run `make deps`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const [, , csArg, rootArg, shotArg] = process.argv;
if (!csArg || !rootArg) {
  console.error('usage: node studio_browser.mjs path/to/countyscope REPO_ROOT [SCREENSHOT.png]');
  process.exit(2);
}
const CS = resolve(csArg);
const ROOT = resolve(rootArg);
const SAMPLE = join(ROOT, 'data/sample/liechtenstein-2024-03-04.osm.pbf');
const shot = resolve(shotArg || 'out/browser/studio.png');
const CHROMIUM = process.env.CS_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`studio_browser: SKIP: ${CHROMIUM} not found (apt-get install chromium)`);
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('studio_browser: SKIP: playwright-core not installed (run `make deps`)');
  process.exit(77);
}

const failures = [];
let oks = 0;
const check = (cond, what) => {
  if (cond) { oks += 1; console.log('ok:', what); } else { failures.push(what); console.error('FAIL:', what); }
};
const tmp = mkdtempSync(join(tmpdir(), 'cs-studio-browser-'));
const profile = mkdtempSync(join(tmpdir(), 'cs-chromium-'));
const server = spawn(CS, ['serve', '--osm', SAMPLE, '--port', '0', '--scenario-dir', join(tmp, 'scenarios')],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (d) => { stderr += d; });
const exited = new Promise((res) => server.on('exit', (code) => res(code)));
const line = await new Promise((res) => {
  createInterface({ input: server.stdout }).once('line', res);
  server.on('exit', () => res(''));
});
const m = /^serving http:\/\/127\.0\.0\.1:(\d+)\/ token ([0-9a-f]+)$/.exec(line);
if (!m) {
  console.error('studio_browser: no address line from serve: ' + line + '\n' + stderr);
  process.exit(1);
}
const [, port, token] = m;
const origin = `http://127.0.0.1:${port}`;

let browser;
try {
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1,
  });
  const page = browser.pages()[0] || (await browser.newPage());
  const errors = [];
  const external = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(origin)) external.push(r.url()); });
  await page.goto(`${origin}/#token=${token}`);
  const answers = () => page.evaluate(() => window.studio.answers);
  const waitAnswer = async (n) => page.waitForFunction((k) => window.studio.answers >= k && !window.studio.busy, n,
    { timeout: 120000 });
  await waitAnswer(1);
  check(await page.locator('#services [data-field=mean_min]').count() > 3, 'the page shows the access figures');

  // Add a clinic: click the map at Gamprin (the service selector says clinic).
  check(await page.locator('#service').inputValue() === 'clinic', 'the service to add is clinic');
  const at = await page.evaluate(() => {
    const p = window.studio.map.latLngToContainerPoint([47.2191, 9.5102]);
    const r = document.getElementById('map').getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  });
  let n = await answers();
  await page.mouse.click(at.x, at.y);
  await waitAnswer(n + 1);
  check(await page.locator('#edits li').count() === 1, 'a click on the map added a clinic');

  // Close the Rhine bridge Haag-Bendern: road mode, click the bridge (OSM way 122575882).
  await page.check('input[name=mode][value=road]');
  n = await answers();
  // Zoom to the bridge first, as a planner would (at the county's zoom it is a few pixels long).
  await page.evaluate(() => {
    const lines = window.studio.roads.getLayers().filter((l) => l.options.className.includes('way-122575882'));
    window.studio.map.fitBounds(L.featureGroup(lines).getBounds(), { maxZoom: 16, animate: false });
  });
  await page.waitForTimeout(300);
  const bridge = page.locator('path.way-122575882').first();
  check(await bridge.count() === 1, 'the bridge is drawn');
  await bridge.click({ timeout: 10000 });
  await waitAnswer(n + 1);
  const labels = await page.locator('#edits li').allTextContents();
  check(labels.length === 2 && labels[1].includes('close way'), `a click on the bridge closed it: ${labels}`);

  // The figures shown, per service.
  const shown = await page.evaluate(() => {
    const out = {};
    document.querySelectorAll('#services td[data-field]').forEach((td) => {
      out[td.dataset.service] = out[td.dataset.service] || {};
      out[td.dataset.service][td.dataset.field] = td.textContent;
    });
    return out;
  });
  // Propose 2 clinics on the edited county (the heuristic): two green markers.
  await page.click('#sites');
  await page.waitForFunction(() => document.querySelectorAll('path.proposed-site').length > 0 && !window.studio.busy,
    null, { timeout: 120000 });
  check(await page.locator('path.proposed-site').count() === 2, 'Propose 2 sites drew two proposed clinics');
  check((await page.locator('#status').textContent()).includes('heuristic'), 'the status says the heuristic chose them');
  await page.evaluate(() => window.studio.map.fitBounds(window.studio.home, { animate: false }));
  await page.waitForTimeout(300);
  mkdirSync(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot });

  // Save from the page, then the batch run of the saved file.
  await page.fill('#save-name', 'browser');
  n = await answers();
  await page.click('#save');
  await waitAnswer(n + 1);
  const scen = join(tmp, 'scenarios', 'browser.toml');
  check(existsSync(scen), 'Save wrote the scenario file');
  writeFileSync(join(tmp, 'plan.toml'), '[scenarios]\nfile = "scenarios/browser.toml"\n[plan]\nskip = ["locate", "structure"]\n');
  const out = join(tmp, 'batch');
  const r = spawnSync(CS, ['plan', '--osm', SAMPLE, '--config', join(tmp, 'plan.toml'), '--out', out], { encoding: 'utf8' });
  check(r.status === 0 || r.status === 3, `the batch run of the saved scenario ran (exit ${r.status})`);
  const rows = readFileSync(join(out, 'scenario_access.csv'), 'utf8').trim().split('\n');
  const head = rows[0].split(',');
  const col = (row, name) => row.split(',')[head.indexOf(name)];
  let compared = 0;
  for (const row of rows.slice(1)) {
    const service = col(row, 'service');
    const mean = col(row, 'mean_time_after_min'), share = col(row, 'share_within_15min_after');
    const want = {
      mean_min: mean === '' ? '–' : Number(mean).toFixed(2),
      within_15min: (share === '' ? '–' : (100 * Number(share)).toFixed(1)) + ' %',
    };
    check(shown[service] && shown[service].mean_min === want.mean_min && shown[service].within_15min === want.within_15min,
      `${service}: shown ${JSON.stringify(shown[service])}, batch ${JSON.stringify(want)}`);
    compared += 1;
  }
  check(compared >= 5, `compared ${compared} services with the batch run`);

  // Languages: the headings follow the switch.
  await page.click('.cs-lang button[data-lang=zh]');
  check((await page.locator('h1').textContent()) === '规划工作室', 'the page switches to Chinese');
  await page.screenshot({ path: shot.replace(/\.png$/, '-zh.png') });
  await page.click('.cs-lang button[data-lang=en]');
  check((await page.locator('h1').textContent()) === 'Planning studio', 'and back to English');
  // A standard's threshold from the page: a [[standard]] edit; the audit's row for it moves.
  const std = 'primary_care_30min';  // max 30 minutes: threshold 0 puts everyone reached beyond it
  const listed = await page.evaluate(() => Array.from(document.querySelectorAll('#std-id option')).map((o) => o.value));
  check(listed.includes(std), `the standards selector lists the audit's standards (${listed.join(', ')})`);
  await page.selectOption('#std-id', std);
  const beyond = () => page.evaluate((id) => {
    const td = document.querySelector(`#audit td[data-standard="${id}"]`);
    return td ? td.textContent : null;
  }, std);
  const before = await beyond();
  await page.fill('#std-threshold', '0');
  n = await answers();
  await page.click('#std-apply');
  await waitAnswer(n + 1);
  const stdLabels = await page.locator('#edits li').allTextContents();
  check(stdLabels.length === 3 && stdLabels[2].includes('standard ' + std + ' threshold 0'),
    `Set threshold added a standard edit: ${stdLabels[2]}`);
  check((await beyond()) !== before, `the audit row of ${std} moved (${before} -> ${await beyond()})`);
  // A unit's population from the page: a [[unit]] edit; the figures shown become the API's answer's and move.
  await page.selectOption('#mass-kind', 'unit');
  const units = await page.evaluate(() => Array.from(document.querySelectorAll('#mass-name option')).map((o) => o.value));
  check(units.length > 0, `the name selector lists the administrative units (${units.join(', ')})`);
  const unit = units[0];
  await page.selectOption('#mass-name', unit);
  await page.selectOption('#mass-field', 'population');
  await page.fill('#mass-value', '50000');
  const figures = () => page.evaluate(() => ({
    services: Array.from(document.querySelectorAll('#services td[data-field]')).map((td) => td.textContent),
    balance: Array.from(document.querySelectorAll('#balance tr')).slice(1).map((tr) =>
      Array.from(tr.cells).slice(1).map((td) => td.textContent)),
  }));
  const shownBefore = await figures();
  n = await answers();
  await page.click('#mass-apply');
  await waitAnswer(n + 1);
  const massLabels = await page.locator('#edits li').allTextContents();
  check(massLabels.length === 4 && massLabels[3] === `unit '${unit}' population 50000`,
    `Set added a unit edit: ${massLabels[3]}`);
  const api = await (await fetch(`${origin}/api/answer`, { headers: { 'X-Countyscope-Token': token } })).json();
  const f = (x, d) => (x === null || x === undefined ? '–' : Number(x).toFixed(d));
  const want = {
    services: api.headline.services.flatMap((r) =>
      [f(r.mean_min, 2), f(r.within_15min === null ? null : 100 * r.within_15min, 1) + ' %']),
    balance: api.headline.balance.map((r) => [f(r.flow, 1), f(r.net, 1)]),
  };
  const shownAfter = await figures();
  check(api.edits.length === 4 && JSON.stringify(shownAfter) === JSON.stringify(want),
    `the page shows the API's answer after the unit edit: ${JSON.stringify(shownAfter)}`);
  check(JSON.stringify(shownAfter) !== JSON.stringify(shownBefore),
    `the figures shown moved (${JSON.stringify(shownBefore)} -> ${JSON.stringify(shownAfter)})`);
  // Export: the report of the current state, handed to the browser as a download.
  await page.click('#export');
  await page.waitForFunction(() => !window.studio.busy && /downloaded/.test(document.getElementById('status').textContent),
    null, { timeout: 120000 });
  check(true, `Export report: ${await page.locator('#status').textContent()}`);
  check(errors.length === 0, `no console errors: ${errors.join(' | ')}`);
  check(external.length === 0, `no request leaves the studio: ${external.join(' ')}`);
} catch (e) {
  failures.push(String(e.stack || e));
  console.error('FAIL:', e);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  const code = await exited;
  check(code === 0, `SIGTERM stops the studio cleanly (exit ${code})`);
  rmSync(profile, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`${failures.length} failure(s)`);
  process.exit(1);
}
if (!oks) process.exit(1);
console.log(`all ${oks} checks passed; screenshot ${shot}`);
