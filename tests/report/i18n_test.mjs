// Every interface string exists in English and in Chinese: loads report/i18n.js and every report/sections/*.js with
// a stub CS and compares the key sets; the Chinese strings must contain Chinese text (or be the same symbols).
// Usage: node tests/report/i18n_test.mjs SOURCE_DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

const src = process.argv[2] || '.';
const tables = [];
const CS = { addStrings: (t) => tables.push(t), section: () => {}, textPatterns: { zh: [] } };
const files = [join(src, 'report/i18n.js'),
  ...readdirSync(join(src, 'report/sections')).filter((f) => f.endsWith('.js')).sort().map((f) => join(src, 'report/sections', f))];
for (const f of files) vm.runInNewContext(readFileSync(f, 'utf8'), { CS, window: {}, console }, { filename: f });

const en = {};
const zh = {};
for (const t of tables) {
  Object.assign(en, t.en || {});
  Object.assign(zh, t.zh || {});
}
const problems = [];
// Finding nothing to compare is a failure, not a pass: every file must register strings, and both languages
// must have some.
if (tables.length < files.length) problems.push(`only ${tables.length} of ${files.length} files registered strings`);
if (Object.keys(en).length === 0 || Object.keys(zh).length === 0) problems.push('no interface strings found');
for (const k of Object.keys(en)) if (!(k in zh)) problems.push(`missing zh: ${k}`);
for (const k of Object.keys(zh)) if (!(k in en)) problems.push(`missing en: ${k}`);
const cjk = /[\u4e00-\u9fff]/;
for (const [k, v] of Object.entries(zh)) {
  if (!cjk.test(v) && v !== en[k]) problems.push(`zh string without Chinese text: ${k} = ${v}`);
  if (!cjk.test(v) && /[a-z]{3,}/i.test(v.replace(/\{\w+\}|OSM|km|min|ODbL|plan|assess/g, ''))) problems.push(`zh string in English: ${k} = ${v}`);
}
// The engine's sentences in Chinese (report/sections/00-messages.js): every pattern gives Chinese text.
for (const [re, rep] of CS.textPatterns.zh) {
  if (typeof rep === 'string' && !cjk.test(rep)) problems.push(`zh pattern without Chinese text: ${re}`);
}
if (!CS.textPatterns.zh.length) problems.push('no Chinese patterns for the engine\'s sentences');
for (const p of problems) console.error(`i18n_test: FAIL: ${p}`);
console.log(`i18n_test: ${files.length} files, ${Object.keys(en).length} strings, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
