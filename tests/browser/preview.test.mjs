// `helpbook preview` as a writer meets it: a page open in the browser follows every save of
// its article, a broken save explains itself over the page until it is fixed, and tabs a save
// does not change stay as they are.
// Run with tests/browser/run.sh. Only 127.0.0.1 is reachable; no sleeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO, start, helpbook } from './harness.mjs';

const T = { timeout: 120_000 };
const ARTICLE = path.join('content', 'returns', 'refund-policy.md');

let env;
let root;
before(async () => {
  // A copy of the demo: the test edits its files.
  root = mkdtempSync(path.join(tmpdir(), 'helpbook-preview-test-'));
  for (const part of ['book.toml', 'content', 'static', 'themes']) {
    cpSync(path.join(REPO, part), path.join(root, part), { recursive: true });
  }
  env = await start(await helpbook('preview', root));
});
after(async () => {
  await env?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a save shows in the open page by itself, and a broken save explains itself until fixed', T, async () => {
  const ctx = await env.context();
  const page = await ctx.newPage();
  const file = path.join(root, ARTICLE);
  const good = readFileSync(file, 'utf8');
  await page.goto('/returns/refund-policy/');
  await page.waitForFunction(() => document.querySelector('script[src="/__helpbook/live.js"]'));

  // The page reloads itself with the new text.
  writeFileSync(file, good + '\nZebracorn refunds arrive on Tuesdays.\n');
  await page.getByText('Zebracorn refunds arrive on Tuesdays.').waitFor({ timeout: 90_000 });

  // A broken save: the problem, where it is and the line itself, over the last good page.
  const broken = good.replace('title = "', 'title = "unclosed').replace('"\n', '\n');
  writeFileSync(file, broken);
  const overlay = page.getByRole('alert');
  await overlay.waitFor({ timeout: 90_000 });
  const text = await overlay.textContent();
  assert.match(text, /content\/returns\/refund-policy\.md:2:\d+: error/);
  assert.match(text, /title = "unclosed/);
  assert.ok(await page.getByText('Zebracorn refunds arrive on Tuesdays.').isVisible(),
    'the last good page stays under the problems');

  // Fixed: the problems go away and the page shows the fixed text.
  writeFileSync(file, good);
  await overlay.waitFor({ state: 'detached', timeout: 90_000 });
  await page.getByText('Zebracorn refunds arrive on Tuesdays.').waitFor({ state: 'detached', timeout: 90_000 });
  await ctx.close();
});

test('a save reloads the tabs showing a page it changed, and leaves the others as they are', T, async () => {
  const ctx = await env.context();
  const article = await ctx.newPage();
  const other = await ctx.newPage();
  const file = path.join(root, ARTICLE);
  const good = readFileSync(file, 'utf8');
  await article.goto('/returns/refund-policy/');
  await other.goto('/delivery/');
  for (const page of [article, other]) {
    await page.waitForFunction(() => document.querySelector('script[src="/__helpbook/live.js"]'));
    // Gone if the page reloads.
    await page.evaluate(() => { window.stillHere = true; });
  }
  // The other tab's own view of the builds, to know when it has heard of the save.
  await other.evaluate(() => {
    window.seen = 0;
    new EventSource('/__helpbook/events').onmessage = (m) => { window.seen = JSON.parse(m.data).generation; };
  });
  await other.waitForFunction(() => window.seen > 0);
  const before = await other.evaluate(() => window.seen);

  // Saved as editors that write a temporary file and rename it do: one save, one update.
  writeFileSync(path.join(root, 'content', 'returns', '.refund-policy.md.tmp'), good + '\nQuokka refunds arrive on Fridays.\n');
  renameSync(path.join(root, 'content', 'returns', '.refund-policy.md.tmp'), file);
  await article.getByText('Quokka refunds arrive on Fridays.').waitFor({ timeout: 90_000 });
  assert.equal(await article.evaluate(() => window.stillHere), undefined, 'the article reloaded');
  // The delivery section does not list the refund policy: its tab heard of the save and
  // kept its state.
  await other.waitForFunction((g) => window.seen > g, before);
  assert.equal(await other.evaluate(() => window.stillHere), true, 'the other tab did not reload');

  writeFileSync(file, good);
  await article.getByText('Quokka refunds arrive on Fridays.').waitFor({ state: 'detached', timeout: 90_000 });
  await ctx.close();
});
