// A tiny static file server for the built site, the way a static host serves it:
// `/x/` -> `/x/index.html`, `/x` -> redirect to `/x/` when that is a folder, anything missing ->
// `404.html` (of the language when the path starts with `/ru/`…) with status 404.
// Listens on 127.0.0.1 only, on a free port. Also runnable by hand:
//   node tests/browser/serve.mjs [build/site]   (prints the address, Ctrl-C stops it)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webmanifest': 'application/manifest+json',
};

export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

async function isFile(p) {
  try { return (await stat(p)).isFile(); } catch { return false; }
}
async function isDir(p) {
  try { return (await stat(p)).isDirectory(); } catch { return false; }
}

/** Starts serving `root`; resolves to `{ url, port, close() }`. */
export async function serve(root) {
  root = path.resolve(root);
  if (!(await isDir(root))) throw new Error(`serve: ${root} is not a folder (build the site first)`);

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      const url = new URL(req.url, 'http://127.0.0.1');
      let rel;
      try { rel = decodeURIComponent(url.pathname); } catch { rel = null; }
      let file = null;
      if (rel !== null && !rel.includes('\0')) {
        const abs = path.join(root, rel);
        // Never leave the site folder.
        if (abs === root || abs.startsWith(root + path.sep)) {
          if (rel.endsWith('/')) {
            if (await isFile(path.join(abs, 'index.html'))) file = path.join(abs, 'index.html');
          } else if (await isFile(abs)) {
            file = abs;
          } else if (await isFile(path.join(abs, 'index.html'))) {
            res.writeHead(301, { Location: url.pathname + '/' + url.search }).end();
            return;
          }
        }
      }
      let status = 200;
      if (!file) {
        status = 404;
        const lang = /^\/([a-z]{2,3}(?:-[A-Za-z0-9]+)?)\//.exec(url.pathname);
        const localized = lang && path.join(root, lang[1], '404.html');
        file = localized && (await isFile(localized)) ? localized : path.join(root, '404.html');
        if (!(await isFile(file))) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
          return;
        }
      }
      const body = await readFile(file);
      res.writeHead(status, {
        'Content-Type': contentType(file),
        'Content-Length': body.length,
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(String(err) + '\n');
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = process.argv[2] || path.join(here, '..', '..', 'build', 'site');
  const s = await serve(root);
  console.log(`serving ${path.resolve(root)} at ${s.url}/`);
}
