// A small static file server for dist/ on 127.0.0.1 (a free port), started and
// stopped by the tests. To test error states, `missing` lists paths to answer with 404
// and `replace` maps paths to bodies served instead of the files (a sweep's lean copy
// follows its file); `delayMs` holds back
// every data file (paths under data/) that long, to watch the page while data loads.
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.db': 'application/octet-stream',
};

export async function startServer(root, { missing = [], replace = {}, delayMs = 0 } = {}) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let rel = decodeURIComponent(url.pathname);
    if (delayMs > 0 && rel.startsWith('/data/')) await new Promise((r) => setTimeout(r, delayMs));
    if (rel.endsWith('/')) rel += 'index.html';
    // A data file replaced or missing stands for its lean copy too (data/lean/, the
    // first screen's copy of a sweep), so the page sees one consistent file.
    const lean = rel.match(/^\/data\/lean\/(.+)$/);
    if (lean && (`data/${lean[1]}` in replace || missing.includes(`data/${lean[1]}`))) rel = `/data/${lean[1]}`;
    const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(root) || missing.includes(rel.replace(/^\//, ''))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const key = rel.replace(/^\//, '');
      if (!(key in replace) && !(await stat(file)).isFile()) throw new Error('not a file');
      const body = key in replace ? Buffer.from(replace[key]) : await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}
