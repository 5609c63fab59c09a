// Run a built Pagefind site's own search engine (pagefind/pagefind.js + its wasm) in Node, no browser.
//
// Usage: node bench/search/pagefind.mjs SITE_DIR LANG MODE [RUNS]  < queries.txt
//   SITE_DIR  site that `pagefind --site` was run on (must contain pagefind/pagefind.js)
//   LANG      Pagefind language index to search (en, ru, et, ... as in pagefind/pagefind-entry.json)
//   MODE      answers | latency | bytes          RUNS  timed runs per query for latency (default 20)
// Queries come from stdin, one per line (UTF-8, trimmed, blank lines skipped).
// Output: one JSON line per query on stdout, nothing else.
//   answers  {"q","urls"}  URLs (result.data().url) of the first 10 results of a plain search(q)
//                          (Pagefind's default ranking, no filters, no tuning).
//   latency  {"q","ms"}    median of RUNS timed `await search(q)` + `await data()` of the first 5
//                          results (what a results list needs), after 3 warm-ups, one warm instance.
//   bytes    {"q","bytes","bytes_gzip"}  everything a fresh page fetches until the first 5 results'
//                          data() resolve: pagefind.js, pagefind-entry.json, pf_meta, wasm, index chunks,
//                          fragments. bytes_gzip counts pagefind.js gzipped (zlib level 9), as served
//                          over HTTP; Pagefind's other files are already compressed, counted as is.
// Tricks:
//  - pagefind.js is an ES module with a .js extension; Node would load it as CommonJS, so it is copied
//    to a .mjs file in a temp dir (removed at exit). Importing that copy again with a new `?n=` query
//    string gives a brand-new module, i.e. a fresh Pagefind with empty caches (used by `bytes`).
//  - globalThis.fetch is replaced by a function that reads `/pagefind/<file>?ts=...` from SITE_DIR on
//    disk (query string stripped) and logs the bytes, so no web server is needed and downloads are counted.
//  - Pagefind picks its language from <html lang>; without a DOM it would use the language with the
//    most pages. A fake `document` (querySelector(...).getAttribute() -> LANG) selects LANG.
//    currentScript: null keeps pagefind.js's wasm-bindgen glue off its browser-only path; there is
//    no `window`, so Pagefind does not try to start a Web Worker and searches on the main thread.
import { readFileSync, existsSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';

const die = (msg) => { process.stderr.write(`pagefind.mjs: ${msg}\n`); process.exit(2); };
const [site, lang, mode, runsArg = '20'] = process.argv.slice(2);
if (!site || !lang || !mode) die('usage: node bench/search/pagefind.mjs SITE_DIR LANG MODE [RUNS] < queries');
const pfDir = join(site, 'pagefind');
if (!existsSync(join(pfDir, 'pagefind.js'))) die(`no Pagefind bundle: ${join(pfDir, 'pagefind.js')} not found`);
if (!['answers', 'latency', 'bytes'].includes(mode)) die(`bad MODE "${mode}" (answers | latency | bytes)`);
const RUNS = Number(runsArg);
if (!Number.isInteger(RUNS) || RUNS < 1) die(`bad RUNS "${runsArg}" (positive integer)`);
const langs = Object.keys(JSON.parse(readFileSync(join(pfDir, 'pagefind-entry.json'), 'utf8')).languages);
if (!langs.includes(lang)) die(`language "${lang}" not in this index (has: ${langs.join(', ')})`);
const queries = readFileSync(0, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);

let log = []; // bytes of every fetch since the last reset
globalThis.fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input).split('?')[0];
  if (!url.startsWith('/pagefind/')) throw new Error(`unexpected fetch ${url}`);
  const buf = readFileSync(join(site, url));
  log.push(buf.length);
  return new Response(buf, { status: 200 });
};
globalThis.document = { currentScript: null, querySelector: () => ({ getAttribute: () => lang }) };

const tmp = mkdtempSync(join(tmpdir(), 'pfbench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const mjs = join(tmp, 'pagefind.mjs');
copyFileSync(join(pfDir, 'pagefind.js'), mjs);
const jsBytes = readFileSync(mjs);
let instances = 0;
const freshPagefind = async () => {
  const pf = await import(`${pathToFileURL(mjs).href}?n=${instances++}`);
  await pf.options({ basePath: '/pagefind/', baseUrl: '/' });
  return pf;
};
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const sum = (a) => a.reduce((s, b) => s + b, 0);
const top = async (pf, q, n) => Promise.all((await pf.search(q)).results.slice(0, n).map((r) => r.data()));

if (mode === 'answers') {
  const pf = await freshPagefind();
  for (const q of queries) out({ q, urls: (await top(pf, q, 10)).map((d) => d.url) });
} else if (mode === 'latency') {
  const pf = await freshPagefind();
  for (const q of queries) {
    for (let i = 0; i < 3; i++) await top(pf, q, 5);
    const ms = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await top(pf, q, 5);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const mid = ms.length >> 1;
    out({ q, ms: +(ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2).toFixed(3) });
  }
} else {
  const jsGzip = gzipSync(jsBytes, { level: 9 }).length;
  for (const q of queries) {
    log = [];
    const pf = await freshPagefind(); // new module instance: nothing loaded or cached yet
    await top(pf, q, 5);
    const fetched = sum(log);
    await pf.destroy();
    out({ q, bytes: jsBytes.length + fetched, bytes_gzip: jsGzip + fetched });
  }
}
