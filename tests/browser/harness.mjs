// Shared set-up for the browser journeys: Debian's Chromium through playwright-core, the built
// demo served on 127.0.0.1, and browser contexts that can reach nothing but 127.0.0.1.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const SITE = process.env.HELPBOOK_SITE || path.join(REPO, 'build', 'site');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The theme's UI words of one language (flat `key = "value"` lines of strings/<lang>.toml). */
export function strings(lang = 'en') {
  const file = path.join(REPO, 'themes', 'default', 'strings', `${lang}.toml`);
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([a-z_]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(line);
    if (m) out[m[1]] = JSON.parse(`"${m[2]}"`);
  }
  return out;
}

/**
 * Starts the site server and the browser; `close()` stops both. With `server` given (an
 * object with `url` and `close()`, such as a running `helpbook serve`), uses that instead.
 */
export async function start(server) {
  server = server || await serve(SITE);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 30_000,
  });
  return {
    server,
    browser,
    /**
     * A fresh browser context on the site. Every request whose host is not 127.0.0.1 is aborted
     * and recorded in `blocked` (in order, with the number of requests seen before it), so a test
     * can assert what the page tried to reach. Uncaught page errors go to `errors`.
     */
    async context(options = {}) {
      const context = await browser.newContext({ baseURL: server.url, ...options });
      context.setDefaultTimeout(10_000);
      context.setDefaultNavigationTimeout(20_000);
      const blocked = [];
      const errors = [];
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        let host = '';
        try { host = new URL(url).hostname; } catch { /* not a URL: block it */ }
        try {
          if (host === '127.0.0.1') await route.continue();
          else {
            blocked.push({ url, host });
            await route.abort('blockedbyclient');
          }
        } catch { /* the page went away meanwhile */ }
      });
      context.on('page', (page) => page.on('pageerror', (err) => errors.push(err)));
      return {
        context,
        blocked,
        errors,
        async newPage() { return context.newPage(); },
        /** Closes the context; fails when a page threw an uncaught error. */
        async close() {
          await context.close();
          if (errors.length) {
            throw new Error(`uncaught errors in the page:\n${errors.map((e) => e.stack || e).join('\n')}`);
          }
        },
      };
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close();
    },
  };
}

/** `rgb(…)`/`rgba(…)` from getComputedStyle -> [r, g, b, a] in 0..255 (a in 0..1). */
export function parseColor(css) {
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(css);
  if (!m) throw new Error(`cannot read the colour ${JSON.stringify(css)}`);
  let a = m[4] === undefined ? 1 : parseFloat(m[4]);
  if (m[4] && m[4].endsWith('%')) a /= 100;
  return [Number(m[1]), Number(m[2]), Number(m[3]), a];
}

/** WCAG relative luminance of an sRGB colour, 0 (black) .. 1 (white). */
export function luminance([r, g, b]) {
  const lin = (c) => {
    c /= 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two luminances. */
export function contrast(l1, l2) {
  const [hi, lo] = l1 > l2 ? [l1, l2] : [l2, l1];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Starts the real `helpbook serve` (the binary run.sh built) on the demo's build, on a
 * free port of 127.0.0.1; resolves once it prints its address. `close()` stops it.
 */
export async function helpbookServe() {
  return helpbook('serve', REPO);
}

/**
 * Starts the real `helpbook <command>` (`serve`, `preview`) on the help center at `root`, on
 * a free port of 127.0.0.1; resolves once it prints its address. `close()` stops it.
 */
export async function helpbook(command, root) {
  const { spawn } = await import('node:child_process');
  const bin = path.join(REPO, 'target', 'debug', 'helpbook');
  const child = spawn(bin, [command, '--root', root, '--bind', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`helpbook ${command} printed no address:\n${seen}`)), 60_000);
    const read = (chunk) => {
      seen += chunk;
      const m = seen.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`helpbook ${command} exited ${code}:\n${seen}`)); });
  });
  return {
    url,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
