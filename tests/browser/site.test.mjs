// Journeys through the built demo help center (build/site) in a real headless Chromium.
// Run with tests/browser/run.sh (it builds the demo first). Each test opens its own browser
// context that can reach 127.0.0.1 only; no sleeps: every wait is on an event or a condition.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, strings, parseColor, luminance, contrast } from './harness.mjs';

const T = { timeout: 90_000 };
const EN = strings('en');
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const FAQ = '/returns/returns-faq/';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** Waits (up to `ms`) until `fn(arg)` is true in the page; resolves to whether it became true. */
function until(page, fn, arg, ms = 5_000) {
  return page.waitForFunction(fn, arg, { timeout: ms }).then(() => true, () => false);
}

/** Is the top of element `id` within the window (not hidden above it or below the fold)? */
const topInView = (id) => {
  const r = document.getElementById(id).getBoundingClientRect();
  return r.top >= 0 && r.top < window.innerHeight - 40;
};

/** Opens `url` and checks that it answered 200. */
async function open(page, url) {
  const res = await page.goto(url);
  assert.ok(res, `no response for ${url}`);
  assert.equal(res.status(), 200, `${url} answered ${res.status()}`);
  return res;
}

test('on a phone, pages fit the screen, the search box is tappable and the text is readable', T, async () => {
  const ctx = await env.context(PHONE);
  const page = await ctx.newPage();
  const pages = [
    '/', // home
    '/returns/', // section
    '/delivery/delivery-options-and-times/', // the long article with tables
    FAQ, // FAQ
    '/ru/returns/how-to-return-an-item/', // Russian (longer words)
  ];
  for (const url of pages) {
    await open(page, url);
    const m = await page.evaluate(() => {
      const vw = window.innerWidth;
      const de = document.documentElement;
      // For the message only: what sticks out on the right.
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > de.clientWidth + 1)
        .filter((el) => !el.parentElement.closest('table, pre, .video'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className} (right ${Math.round(el.getBoundingClientRect().right)})`);
      const px = (el) => parseFloat(getComputedStyle(el).fontSize);
      // The running text a shopper reads: article paragraphs and lists, FAQ questions and answers,
      // leads, and the titles of the article and topic lists.
      const text = [...document.querySelectorAll(
        'main :is(.content, .faq-a) :is(p, li), main .faq-q, main .lead, main .article-link-title, main .card-title a',
      )].filter((el) => el.offsetParent !== null && el.textContent.trim() && !el.closest('.callout-title'));
      return {
        innerWidth: vw,
        clientWidth: de.clientWidth,
        scrollWidth: de.scrollWidth,
        bodyScrollWidth: document.body.scrollWidth,
        wide,
        bodyPx: px(document.body),
        textCount: text.length,
        small: text.filter((el) => px(el) < 16).slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${px(el)}px "${el.textContent.trim().slice(0, 40)}"`),
      };
    });
    // A page wider than the phone would be zoomed out (innerWidth grows) or scroll sideways.
    assert.equal(m.innerWidth, 360, `${url}: the page does not fit 360 px (zoomed out to ${m.innerWidth}); wide: ${m.wide.join(', ')}`);
    assert.ok(m.scrollWidth <= m.innerWidth, `${url}: scrolls sideways (${m.scrollWidth} > ${m.innerWidth}); wide: ${m.wide.join(', ')}`);
    assert.ok(m.bodyScrollWidth <= m.innerWidth, `${url}: body is ${m.bodyScrollWidth} px wide; wide: ${m.wide.join(', ')}`);

    // With JavaScript the search box is an ARIA combobox (instant results); without, a searchbox.
    const search = page.getByRole('combobox');
    assert.equal(await search.count(), 1, `${url}: one search box`);
    assert.ok(await search.isVisible(), `${url}: the search box is visible`);
    const box = await search.boundingBox();
    assert.ok(box.height >= 44, `${url}: search box is ${box.height} px tall, under 44 px`);
    assert.ok(box.width >= 160, `${url}: search box is only ${box.width} px wide`);
    assert.ok(box.x >= 0 && box.x + box.width <= 360, `${url}: search box is cut off (${box.x}..${box.x + box.width})`);
    // Tapping it focuses it, ready to type.
    await search.tap();
    assert.ok(await search.evaluate((el) => el === document.activeElement), `${url}: tapping the search box focuses it`);

    assert.ok(m.bodyPx >= 16, `${url}: body text is ${m.bodyPx}px`);
    assert.ok(m.textCount > 0, `${url}: no running text found`);
    assert.deepEqual(m.small, [], `${url}: text under 16px`);
  }
  assert.deepEqual(ctx.blocked.map((b) => b.url), [], 'the pages load nothing from other sites');
  await ctx.close();
});

test('a link to a FAQ question opens that answer, scrolled into view', T, async () => {
  const ctx = await env.context(DESKTOP);
  const page = await ctx.newPage();

  await open(page, `${FAQ}#how-long-does-a-refund-take`);
  const target = page.locator('details#how-long-does-a-refund-take');
  assert.ok(await until(page, () => document.getElementById('how-long-does-a-refund-take').open),
    'the linked question opens');
  assert.deepEqual(
    await page.$$eval('details', (ds) => ds.filter((d) => d.open).map((d) => d.id)),
    ['how-long-does-a-refund-take'],
    'only the linked question is open',
  );
  assert.ok(await target.locator('.faq-a').isVisible(), 'its answer is shown');
  assert.ok(await until(page, topInView, 'how-long-does-a-refund-take'), 'the linked question is in view');

  // Clicking another question opens it, and the address bar points to it for sharing.
  const other = page.locator('details#who-pays-for-return-shipping');
  assert.equal(await other.evaluate((d) => d.open), false);
  assert.equal(await other.locator('.faq-a').isVisible(), false, 'a closed answer is hidden');
  await other.locator('summary').click();
  assert.ok(await until(page, () => document.getElementById('who-pays-for-return-shipping').open),
    'the clicked question opens');
  assert.ok(await other.locator('.faq-a').isVisible(), 'the clicked answer is shown');
  assert.ok(await until(page, () => location.hash === '#who-pays-for-return-shipping'),
    'the address bar links to the opened question');

  // A question far down the page is scrolled to as well.
  const last = 'i-missed-the-30-day-deadline-can-i-still-return';
  const page2 = await ctx.newPage();
  await open(page2, `${FAQ}#${last}`);
  assert.ok(await until(page2, (id) => document.getElementById(id).open, last), 'the last question opens');
  assert.ok(await until(page2, (id) => {
    const r = document.getElementById(id).getBoundingClientRect();
    return window.scrollY > 0 && r.top >= 0 && r.top < window.innerHeight - 40;
  }, last), 'the page scrolled down to the last question');
  await ctx.close();
});

test('a video loads nothing from YouTube until the shopper clicks play', T, async () => {
  const ctx = await env.context(DESKTOP);
  const page = await ctx.newPage();
  const youtube = (url) => /(^|\.)youtube(-nocookie)?\.com$/.test(new URL(url).hostname);
  const requested = [];
  page.on('request', (r) => requested.push(r.url()));

  await page.goto('/returns/pack-a-parcel-for-return/', { waitUntil: 'networkidle' });
  assert.deepEqual(requested.filter(youtube), [], 'no request to YouTube on load');
  assert.deepEqual(ctx.blocked, [], 'the page reaches nothing outside the site on load');
  const link = page.locator('.video-link');
  assert.ok(await link.isVisible(), 'the play button is shown');
  assert.equal(await page.locator('iframe').count(), 0, 'no iframe before the click');

  const embedRequest = page.waitForRequest((r) => new URL(r.url()).hostname === 'www.youtube-nocookie.com');
  await link.click();
  const req = await embedRequest;
  assert.match(req.url(), /^https:\/\/www\.youtube-nocookie\.com\/embed\//);

  const frame = page.locator('.video iframe');
  await frame.waitFor({ state: 'visible' });
  assert.match(await frame.getAttribute('src'), /^https:\/\/www\.youtube-nocookie\.com\/embed\//);
  assert.ok((await frame.getAttribute('title'))?.trim(), 'the video frame has a title for screen readers');
  assert.equal(await page.locator('.video-link').count(), 0, 'the play button was replaced');
  const box = await frame.boundingBox();
  assert.ok(box.width > 200 && box.height > 100, `the player is big enough (${box.width}x${box.height})`);
  // Our route blocked it: the only outside host ever tried is the no-cookie player, after the click.
  assert.deepEqual([...new Set(ctx.blocked.map((b) => b.host))], ['www.youtube-nocookie.com']);
  await ctx.close();
});

test('without JavaScript a FAQ page still shows every question and answer, and search is a plain form', T, async () => {
  const ctx = await env.context({ ...DESKTOP, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await open(page, FAQ);
  // app.js did not run: it would have added heading anchors.
  assert.equal(await page.locator('.heading-anchor').count(), 0, 'JavaScript is really off');

  const items = page.locator('details.faq-item');
  const n = await items.count();
  assert.ok(n >= 5, `expected the FAQ's questions, found ${n}`);
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    const summary = item.locator('summary');
    assert.ok(await summary.isVisible(), `question ${i + 1} is visible`);
    assert.ok((await summary.innerText()).trim().length > 5, `question ${i + 1} has text`);
    const answer = item.locator('.faq-a');
    assert.equal(await answer.isVisible(), false, `answer ${i + 1} starts closed`);
    await summary.click();
    await answer.waitFor({ state: 'visible' });
    assert.ok((await answer.innerText()).trim().length > 10, `answer ${i + 1} has text`);
  }

  const form = await page.locator('form[role=search]').evaluate((f) => ({
    method: f.getAttribute('method')?.toLowerCase(),
    action: new URL(f.getAttribute('action'), location.href).pathname,
    inputs: [...f.querySelectorAll('input')].map((i) => i.name),
  }));
  assert.deepEqual(form, { method: 'get', action: '/search/', inputs: ['q'] });
  // Typing a question and pressing Enter goes to the search page.
  await page.getByRole('searchbox').fill('refund');
  const [res] = await Promise.all([page.waitForNavigation(), page.getByRole('searchbox').press('Enter')]);
  assert.equal(res.status(), 200);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/search/');
  assert.equal(url.searchParams.get('q'), 'refund');
  assert.equal(await page.locator('h1').innerText(), EN.search_results);
  await ctx.close();
});

test('the language switcher goes to the same article in Russian', T, async () => {
  const ctx = await env.context(DESKTOP);
  const page = await ctx.newPage();
  await open(page, '/returns/how-to-return-an-item/');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const enTitle = await page.locator('h1').innerText();

  const ru = page.getByRole('link', { name: 'Русский', exact: true });
  assert.ok(await ru.isVisible(), 'the "Русский" link is shown');
  const [res] = await Promise.all([page.waitForNavigation(), ru.click()]);
  assert.equal(res.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/ru/returns/how-to-return-an-item/');
  assert.equal(await page.getAttribute('html', 'lang'), 'ru');
  const ruTitle = await page.locator('h1').innerText();
  assert.notEqual(ruTitle, enTitle);
  assert.match(ruTitle, /[А-Яа-яЁё]/, 'the title is in Russian');
  assert.equal(
    await page.getByRole('link', { name: 'Русский', exact: true }).getAttribute('aria-current'),
    'true',
    'Russian is marked as the current language',
  );
  await ctx.close();
});

for (const url of ['/', FAQ, '/returns/pack-a-parcel-for-return/']) {
  test(`accessibility basics on ${url}`, T, async () => {
    const ctx = await env.context(DESKTOP);
    const page = await ctx.newPage();
    await open(page, url);

    assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
    assert.equal(await page.getByRole('main').count(), 1, 'one main landmark');
    assert.equal(await page.locator('main#main').count(), 1, 'the main landmark is #main');
    const noAlt = await page.$$eval('img', (imgs) => imgs.filter((i) => !i.hasAttribute('alt')).map((i) => i.src));
    assert.deepEqual(noAlt, [], 'every image has alt text');
    // Every form field has a name a screen reader reads out.
    const unlabelled = await page.$$eval('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea', (els) =>
      els.filter((el) => {
        const byLabel = [...(el.labels || [])].some((l) => l.textContent.trim());
        const byAria = (el.getAttribute('aria-label') || '').trim();
        const byRef = (el.getAttribute('aria-labelledby') || '').split(/\s+/)
          .some((id) => id && document.getElementById(id)?.textContent.trim());
        return !(byLabel || byAria || byRef || (el.getAttribute('title') || '').trim());
      }).map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(unlabelled, [], 'form fields without a label');
    const combobox = page.getByRole('combobox', { name: EN.search_label, exact: true });
    assert.equal(await combobox.count(), 1, `the search box is announced as "${EN.search_label}"`);
    assert.equal(await combobox.getAttribute('aria-expanded'), 'false', 'the instant results start closed');
    assert.equal(await combobox.getAttribute('aria-controls'), 'search-listbox', 'the combobox names its listbox');

    // The first Tab reaches the skip link, which shows up; Enter moves focus to the content.
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { cls: a.className, text: a.textContent.trim(), href: a.getAttribute('href'), top: r.top, bottom: r.bottom };
    });
    assert.equal(skip.cls, 'skip-link', 'the first Tab focuses the skip link');
    assert.equal(skip.text, EN.skip_link);
    assert.ok(skip.top >= 0 && skip.bottom > skip.top, `the focused skip link is on screen (top ${skip.top})`);
    await page.keyboard.press('Enter');
    assert.ok(await until(page, () => document.activeElement?.id === 'main'),
      `Enter on the skip link moves focus to #main (focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 60))})`);
    assert.equal(new URL(page.url()).hash, '#main');

    // The next Tab goes into the content, and the focused link is visibly marked.
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return {
        tag: a.tagName, inMain: !!a.closest('main'), text: a.textContent.trim().slice(0, 40),
        outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), boxShadow: s.boxShadow,
      };
    });
    assert.equal(focus.tag, 'A', `Tab after the skip link focuses a link (got ${focus.tag})`);
    assert.ok(focus.inMain, `the link focused after skipping is in the content ("${focus.text}")`);
    const outlined = focus.outlineStyle !== 'none' && focus.outlineWidth > 0;
    assert.ok(outlined || focus.boxShadow !== 'none',
      `the focused link "${focus.text}" shows no focus ring (outline ${focus.outlineStyle} ${focus.outlineWidth}px, box-shadow ${focus.boxShadow})`);
    assert.deepEqual(ctx.blocked.map((b) => b.url), [], 'the page loads nothing from other sites');
    await ctx.close();
  });
}

test('in dark mode the page is dark with light text', T, async () => {
  const colors = async (scheme, url) => {
    const ctx = await env.context({ ...DESKTOP, colorScheme: scheme });
    const page = await ctx.newPage();
    await open(page, url);
    const c = await page.evaluate(() => {
      const s = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
      return {
        bg: s('body', 'backgroundColor'),
        text: s('body', 'color'),
        para: document.querySelector('main .content p, main .lead')
          ? getComputedStyle(document.querySelector('main .content p, main .lead')).color : null,
      };
    });
    await ctx.close();
    return c;
  };
  for (const url of ['/', '/returns/how-to-return-an-item/']) {
    const dark = await colors('dark', url);
    const bg = luminance(parseColor(dark.bg));
    const text = luminance(parseColor(dark.text));
    assert.ok(bg < 0.2, `${url}: dark background expected, got ${dark.bg} (luminance ${bg.toFixed(2)})`);
    assert.ok(text > 0.5, `${url}: light text expected, got ${dark.text} (luminance ${text.toFixed(2)})`);
    assert.ok(contrast(bg, text) >= 7, `${url}: body text contrast ${contrast(bg, text).toFixed(1)}:1`);
    if (dark.para) {
      const para = luminance(parseColor(dark.para));
      assert.ok(contrast(bg, para) >= 4.5, `${url}: paragraph ${dark.para} on ${dark.bg} is hard to read`);
    }
    // And the same page in light mode is light: the switch really follows the system setting.
    const light = await colors('light', url);
    assert.ok(luminance(parseColor(light.bg)) > 0.8, `${url}: light mode background ${light.bg}`);
  }
});

test('a missing page answers 404 with the not-found page and a way home', T, async () => {
  const ctx = await env.context(DESKTOP);
  const page = await ctx.newPage();
  const res = await page.goto('/no-such-page/');
  assert.equal(res.status(), 404);
  assert.equal(await page.locator('h1').count(), 1, 'the not-found page has a heading');
  assert.equal(await page.locator('h1').innerText(), EN.not_found_title);
  assert.match(await page.title(), new RegExp(EN.not_found_title));
  assert.ok(await page.getByText(EN.not_found_text).isVisible(), 'the explanation is shown');
  const home = page.locator('main').getByRole('link', { name: EN.back_home, exact: true });
  assert.ok(await home.isVisible(), `a "${EN.back_home}" link is shown`);
  assert.ok(await page.getByRole('combobox').isVisible(), 'the search box is there to try again');
  const [back] = await Promise.all([page.waitForNavigation(), home.click()]);
  assert.equal(back.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal(await page.locator('h1').innerText(), EN.hero_title);
  await ctx.close();
});
