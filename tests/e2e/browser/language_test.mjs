// Language test of the offline HTML report in Chromium (issue 17): opens REPORT.html, unfolds every <details>,
// switches on every map layer, and reads the text a reader sees from the DOM (page text, map legends and layer
// panels, chart labels in the SVG), in each language:
//   - 中文: no Latin word, except proper names (place, facility, road and county names, the scenario's own name
//     and description as the user wrote them, file names), codes and units, and a short list of method names and
//     acronyms that Chinese planning texts also write in Latin letters (Gini, Theil, Dagum, 2SFCA, OSM, ...);
//   - English: no Chinese character, except in names (name_zh and the like) and the language button "中文".
// Names are read from the results document itself (the page's CS.doc), never from a list in this test.
// Usage: node tests/e2e/browser/language_test.mjs REPORT.html [SCREENSHOT_PREFIX]
// Exit: 0 pass, 1 fail, 77 skipped (no chromium or no playwright-core).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , htmlArg, shotArg] = process.argv;
if (!htmlArg) {
  console.error('usage: node language_test.mjs REPORT.html [SCREENSHOT_PREFIX]');
  process.exit(2);
}
const html = resolve(htmlArg);
const CHROMIUM = process.env.CS_CHROMIUM || '/usr/bin/chromium';
if (!existsSync(html)) {
  console.error(`language_test: ${html}: no such file`);
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.error(`language_test: SKIP: ${CHROMIUM} not found`);
  process.exit(77);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.error('language_test: SKIP: playwright-core not installed (run `make deps`)');
  process.exit(77);
}

// Written in Latin letters in Chinese planning texts too: method and index names, data formats and sources,
// software, and units. Each is a whole word.
const LATIN_OK = new Set(['Gini', 'Theil', 'Dagum', 'SFCA', '2SFCA', '3SFCA', 'E2SFCA', 'G2SFCA', 'Huff', 'Moran',
  'LISA', 'TOPSIS', 'AIC', 'SRMSE', 'SSI', 'R', 'CBC', 'MIP', 'OSM', 'OpenStreetMap', 'ODbL', 'Leaflet', 'ECharts',
  'countyscope', 'GeoPackage', 'gpkg', 'csv', 'CSV', 'JSON', 'json', 'PBF', 'pbf', 'osm', 'EN', 'GB', 'T', 'G_w',
  'G_nb', 'G_t', 'w', 'nb', 't', 'km', 'min', 's', 'm', 'MB', 'MiB', 'kmh', 'h', 'p', 'k', 'β',
  'isced', 'amenity', 'healthcare', 'COIN-OR', 'CRITIC', 'esda', 'PySAL']);

const failures = [];
const fail = (m) => failures.push(m);
const profile = mkdtempSync(join(tmpdir(), 'cs-chromium-'));
let browser;
try {
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 1,
  });
  const page = browser.pages()[0] || (await browser.newPage());
  await page.goto(pathToFileURL(html).href, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60000 });

  // Proper names and user-written text, from the document: every string value of a name-like key anywhere in it.
  const names = await page.evaluate(() => {
    const keys = /^(name|name_[a-z]+|label_[a-z]+|settlement|settlement_zh|place|place_zh|centre|origin|destination|unit|group|county|county_zh|seat|source|description|file|chosen|nearest_centre|stated_name|title|city|province|adcode|code|id|service_label|service_label_zh)$/;
    const out = new Set();
    const walk = (v, k) => {
      if (typeof v === 'string') { if (k && keys.test(k)) out.add(v); return; }
      if (Array.isArray(v)) { v.forEach((x) => walk(x, k)); return; }
      if (v && typeof v === 'object') Object.keys(v).forEach((kk) => walk(v[kk], kk));
    };
    walk(window.CS.doc, null);
    const d = window.CS.doc;
    if (d.meta && d.meta.source) out.add(d.meta.source);
    if (d.meta && d.meta.note) out.add(d.meta.note); // the document's producer's own note
    (d.attribution || []).forEach((a) => out.add(String(a)));
    return Array.from(out);
  });

  async function visibleText(lang) {
    await page.evaluate((l) => window.CS.setLang(l), lang);
    await page.waitForSelector(`body[data-lang="${lang}"]`);
    await page.$$eval('details', (ds) => ds.forEach((d) => { d.open = true; }));
    await page.$$eval('.leaflet-control-layers', (cs) => cs.forEach((c) => c.classList.add('leaflet-control-layers-expanded')));
    await page.$$eval('.leaflet-control-layers-overlays input[type=checkbox]:not(:checked)', (bs) => bs.forEach((b) => b.click()));
    return page.evaluate(() => {
      // Codes (<code>: option names and values as the plan file spells them, standard ids, the schema name) are
      // left out, unless they hold a sentence.
      const prose = [];
      document.querySelectorAll('code').forEach((c) => {
        if ((c.textContent.match(/[A-Za-z]{2,}/g) || []).length >= 4 && / [a-z]+ [a-z]+ /.test(c.textContent)) prose.push(c.textContent);
      });
      const style = document.createElement('style');
      style.textContent = 'code { display: none !important; }';
      document.head.appendChild(style);
      const parts = [document.title, document.body.innerText, ...prose];
      style.remove();
      document.querySelectorAll('svg text').forEach((t) => parts.push(t.textContent));
      document.querySelectorAll('[placeholder]').forEach((n) => parts.push(n.getAttribute('placeholder')));
      return parts.join('\n');
    });
  }

  const latinWord = /[A-Za-z][A-Za-z0-9_'’]*(?:-[A-Za-z0-9_]+)*/g;
  const nameWords = new Set();
  for (const n of names) for (const w of n.match(latinWord) || []) nameWords.add(w);
  const cjk = /[\u3400-\u9fff\uf900-\ufaff]/;

  // 中文: Latin words outside names, codes and units.
  const zhText = await visibleText('zh');
  const stray = new Map();
  // Author-year citations (Wang, Wang & Fang 2021; Luo and Wang 2003) are names too.
  const citation = /(?:[A-Z][a-z]+(?:\s*(?:,|&|and|、|与|和)\s*|\s+))+(?:et al\.?\s*)?[,，]?\s*\(?\d{4}\)?/g;
  // File names and paths (docs/methods.md, census.csv) are names too.
  const path = /[\w.-]*\/[\w./-]+|[\w-]+\.(?:md|csv|json|toml|gpkg|pbf|osm|html)\b/g;
  for (const line of zhText.split('\n')) {
    for (const w of line.replace(path, ' ').replace(citation, ' ').match(latinWord) || []) {
      // Single letters are symbols (q, p, β's neighbours), capitals up to four letters acronyms (OD, GDP, HH).
      if (LATIN_OK.has(w) || nameWords.has(w) || /\d/.test(w) || /^[A-Z]{1,4}$/.test(w) || /^[A-Za-z]$/.test(w)) continue;
      if (!stray.has(w)) stray.set(w, line.trim().slice(0, 120));
    }
  }
  console.log(`language_test: 中文: ${zhText.length} characters read, ${stray.size} Latin words outside names`);
  for (const [w, ctx] of stray) fail(`中文 shows "${w}" in: ${ctx}`);
  if (shotArg) {
    mkdirSync(dirname(resolve(shotArg)), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: resolve(shotArg) + '-zh.png', fullPage: true });
  }

  // English: Chinese characters outside names.
  const enText = await visibleText('en');
  const nameChars = new Set();
  for (const n of names) for (const c of n) if (cjk.test(c)) nameChars.add(c);
  ['中', '文'].forEach((c) => nameChars.add(c)); // the language button 中文
  const strayZh = new Map();
  for (const line of enText.split('\n')) {
    for (const c of line) {
      if (cjk.test(c) && !nameChars.has(c) && !strayZh.has(c)) strayZh.set(c, line.trim().slice(0, 120));
    }
  }
  console.log(`language_test: English: ${enText.length} characters read, ${strayZh.size} Chinese characters outside names`);
  for (const [c, ctx] of strayZh) fail(`English shows "${c}" in: ${ctx}`);
  if (shotArg) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: resolve(shotArg) + '-en.png', fullPage: true });
  }
  if (zhText.length < 200 || enText.length < 200) fail('too little text read from the page');
} catch (e) {
  fail(`exception: ${e && e.stack ? e.stack : e}`);
} finally {
  if (browser) await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
for (const f of failures) console.error(`language_test: FAIL: ${f}`);
if (failures.length) process.exit(1);
console.log(`language_test: OK (${html})`);
