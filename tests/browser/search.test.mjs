// Instant search against the real `helpbook serve` (its /api/search), on a phone.
// Run with tests/browser/run.sh. Only 127.0.0.1 is reachable; no sleeps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, helpbookServe } from './harness.mjs';

const T = { timeout: 90_000 };
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let env;
before(async () => { env = await start(await helpbookServe()); });
after(async () => { await env?.close(); });

test('typing a misspelled word on a phone shows answers as you type, and the keyboard opens one', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/');
  const box = page.getByRole('combobox');
  await box.tap();
  await box.pressSequentially('refnd', { delay: 40 });
  const options = page.getByRole('option');
  await options.first().waitFor();
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  const first = options.first().locator('a');
  assert.match(await first.getAttribute('href'), /^\/returns\//, 'the first answer is about returns');
  assert.ok((await options.first().innerHTML()).includes('<mark>'), 'matched words are highlighted');
  assert.equal(await page.locator('.search-results').evaluate((el) => el.getBoundingClientRect().right <= 360), true,
    'the results fit the phone');
  const href = await first.getAttribute('href');
  await box.press('ArrowDown');
  assert.equal(await options.first().getAttribute('aria-selected'), 'true');
  assert.equal(await box.getAttribute('aria-activedescendant'), await options.first().getAttribute('id'));
  await Promise.all([page.waitForURL((u) => u.pathname + u.hash === href), box.press('Enter')]);
  await ctx.close();
});

test('enter without choosing opens the full results page, rendered by the server', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/');
  const box = page.getByRole('combobox');
  await box.fill('money back');
  await Promise.all([page.waitForURL(/\/search\/\?q=money/), box.press('Enter')]);
  const results = page.locator('ol.results a.result-link');
  assert.ok(await results.count() > 0, 'the results page lists answers');
  assert.match(await results.first().getAttribute('href'), /^\/api\/click\?q=money%20back&url=\/returns\//);
  // The link counts the choice and goes on to the article.
  await Promise.all([page.waitForURL(/\/returns\//), results.first().click()]);
  await ctx.close();
});

test('a Russian shopper gets Russian answers; Escape closes the list', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/ru/');
  const box = page.getByRole('combobox');
  await box.fill('возврат');
  const options = page.getByRole('option');
  await options.first().waitFor();
  const hrefs = await options.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.length > 0 && hrefs.every((h) => h.startsWith('/ru/')), hrefs.join(', '));
  await box.press('Escape');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.ok(await page.locator('#search-results').isHidden());
  await ctx.close();
});

test('a search that finds nothing offers the popular articles instead of a dead end', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/');
  const box = page.getByRole('combobox');
  await box.fill('xqzxqzxqz');
  const results = page.locator('.search-results');
  await results.getByText('Popular articles').waitFor();
  const options = page.getByRole('option');
  const hrefs = await options.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs.slice(0, 2), ['/orders/track-your-order/', '/delivery/delivery-options-and-times/']);
  assert.ok(await results.getByText('No results').isVisible(), 'says that nothing was found first');
  await box.press('ArrowDown');
  assert.equal(await options.first().getAttribute('aria-selected'), 'true', 'the offered articles are keyboard options');
  await ctx.close();
});

test('asking for a person puts the support contact first', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/');
  const box = page.getByRole('combobox');
  await box.fill('talk to a human');
  const options = page.getByRole('option');
  await options.first().waitFor();
  assert.equal(await options.first().locator('a').getAttribute('href'), 'https://kask.example/chat');
  assert.match(await options.first().innerText(), /Contact our support team/);
  assert.ok(await page.locator('.search-results').getByText('No results').count() === 0, 'not a dead end');
  await ctx.close();
});

test('a question no article answers exactly says so, then offers the contact and related articles', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/');
  const box = page.getByRole('combobox');
  await box.fill('gift wrapping service');
  const results = page.locator('.search-results');
  await results.getByText('No article answers this exactly').waitFor();
  const options = page.getByRole('option');
  assert.equal(await options.first().locator('a').getAttribute('href'), 'https://kask.example/chat');
  assert.ok(await results.getByText('Related articles').isVisible());
  // The results page says the same, with the e-mail written with the shopper's words.
  await Promise.all([page.waitForURL(/\/search\/\?q=gift/), box.press('Enter')]);
  assert.ok(await page.getByText('No article answers this exactly').isVisible());
  assert.equal(await page.locator('a[href^="mailto:help@kask.example?subject="]').first().getAttribute('href'),
    'mailto:help@kask.example?subject=gift%20wrapping%20service');
  await ctx.close();
});

test('a shopper rates an article: "No" asks what to improve, and the page remembers the vote', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/returns/refund-policy/');
  const form = page.locator('form.helpful');
  await form.getByRole('button', { name: 'No' }).tap();
  const comment = form.getByRole('textbox');
  await comment.waitFor();
  await comment.fill('It does not say how long a refund takes to a card. mail me: anna@example.ee');
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/feedback')),
    form.getByRole('button', { name: 'Send' }).tap(),
  ]);
  assert.equal(response.status(), 204);
  assert.equal(response.request().postDataJSON().helpful, false);
  await form.getByRole('status').waitFor();
  await page.reload();
  await form.getByRole('status').waitFor();
  assert.equal(await form.getByRole('button', { name: 'Yes' }).isVisible(), false, 'rated once per article');
  await ctx.close();
});

test('without JavaScript the vote is a plain form that comes back to the article with thanks', T, async () => {
  const ctx = await env.context({ javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto('/delivery/delivery-faq/');
  assert.equal(await page.locator('.helpful-thanks').isVisible(), false);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/delivery/delivery-faq/' && u.hash === '#helpful-thanks'),
    page.locator('form.helpful').getByRole('button', { name: 'Yes' }).click(),
  ]);
  assert.equal(await page.locator('.helpful-thanks').isVisible(), true);
  await ctx.close();
});

test('choosing an answer and turning to support are counted, with the query that led there', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  await page.goto('/');
  const box = page.getByRole('combobox');
  await box.fill('refund');
  const first = page.getByRole('option').first().locator('a');
  await first.waitFor();
  const href = await first.getAttribute('href');
  const [click] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/click') && r.method() === 'POST'),
    page.waitForURL((u) => u.pathname + u.hash === href),
    first.tap(),
  ]);
  const chosen = JSON.parse(click.postData());
  assert.deepEqual([chosen.q, chosen.url, chosen.rank], ['refund', href, 1]);
  assert.match(chosen.page, /^[a-z0-9]{4,}$/);
  // On the article: "Still need help?" and its e-mail link.
  const [handoff] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/handoff')),
    page.locator('.support-actions a[href^="mailto:"]').tap(),
  ]);
  assert.equal(handoff.status(), 204);
  const turned = JSON.parse(handoff.request().postData());
  assert.equal(turned.channel, 'email');
  assert.equal(turned.from, new URL(href, 'http://x').pathname);
  await ctx.close();
});

test('the report shows the vote, the choice and the turn to support', T, async () => {
  // The server writes what it recorded when it stops.
  await env.server.close();
  const { execFileSync } = await import('node:child_process');
  const { REPO } = await import('./harness.mjs');
  const json = execFileSync(`${REPO}/target/debug/helpbook`, ['report', '--root', REPO, '--format', 'json', '--since', '1d']);
  const report = JSON.parse(json);
  const refund = report.articles.find((a) => a.url === '/returns/refund-policy/');
  assert.ok(refund && refund.votes.no >= 1 && refund.handoffs >= 1, JSON.stringify(refund));
  assert.ok(report.clicks >= 1 && report.handoffs >= 1);
  assert.ok(refund.comments.some((c) => c.text.includes('[email]')), 'the e-mail address typed was masked');
});
