#!/usr/bin/env node
// Run a built mdBook's own search (elasticlunr + the options baked into searchindex*.js) in Node, no browser.
//
// Usage: node bench/search/mdbook.cjs BOOK_DIR MODE [RUNS]  < queries.txt
//   BOOK_DIR  output of `mdbook build` (index.html, elasticlunr*.min.js, searcher*.js, searchindex*.js)
//   MODE      answers | latency | bytes          RUNS  timed runs per query for latency (default 20)
// Queries come from stdin, one per line (UTF-8, trimmed, blank lines skipped).
// Output: one JSON line per query on stdout, nothing else.
//   answers  {"q","urls"}  doc_urls (per heading, e.g. orders/foo.html#bar) of the results the browser
//                          lists: the first results_options.limit_results hits, in order.
//   latency  {"q","ms"}    median of RUNS timed idx.search(q, search_options) after 3 warm-ups
//                          (the browser additionally builds a teaser per listed hit; not timed).
//   bytes    {"q","bytes","bytes_gzip"}  the same for every query: the search scripts every page loads
//                          (elasticlunr, mark, searcher; found from index.html's <script> tags) plus the
//                          searchindex js that searcher loads when search opens; bytes_gzip = each file
//                          gzipped at level 9. The rest of the theme (book.js, highlight, ...) is not counted.
// What searcher.js does in the browser, reproduced here: term = searchbar.value.trim();
// init() replaces its hard-coded defaults with config.search_options / results_options from
// searchindex.js; results = searchindex.search(term, search_options); it shows
// min(results.length, limit_results) of them. No other query preprocessing.
// FAST_LOAD trick: searchindex*.js is `window.search = Object.assign(window.search, JSON.parse('<json>'))`
// with the JSON escaped for a '...' literal (\ -> \\, ' -> \'). Evaluating a multi-MB string literal is
// slow, so the JSON is sliced out, unescaped (\x -> x) and JSON.parse'd directly: same object.
'use strict';
const fs = require('fs'), path = require('path'), vm = require('vm'), zlib = require('zlib');
const { performance } = require('perf_hooks');

const die = (msg) => { process.stderr.write(`mdbook.cjs: ${msg}\n`); process.exit(2); };
const [bookDir, mode, runsArg = '20'] = process.argv.slice(2);
if (!bookDir || !mode) die('usage: node bench/search/mdbook.cjs BOOK_DIR MODE [RUNS] < queries');
if (!['answers', 'latency', 'bytes'].includes(mode)) die(`bad MODE "${mode}" (answers | latency | bytes)`);
const RUNS = Number(runsArg);
if (!Number.isInteger(RUNS) || RUNS < 1) die(`bad RUNS "${runsArg}" (positive integer)`);
const html = path.join(bookDir, 'index.html');
if (!fs.existsSync(html)) die(`not an mdBook output: ${html} not found`);

// Search scripts, as the built page references them (names are hashed since mdBook 0.5).
const srcs = [...fs.readFileSync(html, 'utf8').matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
const pick = (re) => srcs.find((s) => re.test(path.basename(s)));
const files = { elasticlunr: pick(/^elasticlunr/), mark: pick(/^mark/), searcher: pick(/^searcher/), index: pick(/^searchindex/) };
if (!files.elasticlunr || !files.mark || !files.searcher) die(`${html} loads no elasticlunr/mark/searcher script (search disabled?)`);
if (!files.index) { // newer mdBook: searcher.js loads the index lazily, name written into searcher.js
  const m = fs.readFileSync(path.join(bookDir, files.searcher), 'utf8').match(/searchindex[-0-9a-f]*\.js/);
  if (!m) die(`no searchindex*.js referenced by ${files.searcher}`);
  files.index = m[0];
}
const read = (f) => {
  const p = path.join(bookDir, f);
  if (!fs.existsSync(p)) die(`missing ${p}`);
  return fs.readFileSync(p);
};
const queries = fs.readFileSync(0, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

if (mode === 'bytes') {
  let bytes = 0, bytes_gzip = 0;
  for (const f of Object.values(files)) {
    const b = read(f);
    bytes += b.length;
    bytes_gzip += zlib.gzipSync(b, { level: 9 }).length;
  }
  for (const q of queries) out({ q, bytes, bytes_gzip });
  process.exit(0);
}

const ctx = vm.createContext({}); // elasticlunr is UMD: with no module/define it sets this.elasticlunr
vm.runInContext(read(files.elasticlunr).toString('utf8'), ctx, { filename: files.elasticlunr });
const src = read(files.index).toString('utf8');
const start = src.indexOf("JSON.parse('"), end = src.lastIndexOf("')");
if (start < 0 || end < start) die(`unexpected format of ${files.index}`);
const config = JSON.parse(src.slice(start + 12, end).replace(/\\([\s\S])/g, '$1')); // FAST_LOAD
const idx = ctx.elasticlunr.Index.load(config.index); // as searcher.js init()
const search = (q) => idx.search(q, config.search_options);

for (const q of queries) {
  if (mode === 'answers') {
    const shown = search(q).slice(0, config.results_options.limit_results);
    out({ q, urls: shown.map((r) => config.doc_urls[r.ref]) });
  } else {
    for (let i = 0; i < 3; i++) search(q);
    const ms = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      search(q);
      ms.push(performance.now() - t);
    }
    ms.sort((a, b) => a - b);
    const mid = ms.length >> 1;
    out({ q, ms: +(ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2).toFixed(3) });
  }
}
