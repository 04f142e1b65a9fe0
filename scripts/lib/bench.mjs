// Measures, in headless Chromium against dist/ served on 127.0.0.1:
// - the bytes fetched before the #/sweep matrix first shows rows (the first load),
//   then the bytes fetched after it (the SQLite worker, Chinook, gold set);
// - the time to re-verify every trace in the browser (from the page's status line).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const [dist, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const ORIGINAL = { raw: 2.65e6, gzip: 913e3 };

function sizes(file) {
  const body = readFileSync(file);
  return {
    raw: body.length,
    gzip: zlib.gzipSync(body, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }).length,
  };
}

const kind = (p) =>
  p.endsWith('.wasm') ? 'WASM' : p.endsWith('.js') ? 'JS' : p.endsWith('.css') ? 'CSS' : p.endsWith('.html') || p === '' ? 'HTML' : 'data';
const kb = (n) => `${(n / 1000).toFixed(1)} KB`.padStart(10);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function table(title, files) {
  console.log(`\n${title}`);
  console.log(`  ${'file'.padEnd(44)}${'kind'.padEnd(6)}${'raw'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`);
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) {
    const s = sizes(path.join(dist, f || 'index.html'));
    for (const k of Object.keys(total)) total[k] += s[k];
    console.log(`  ${(f || 'index.html').padEnd(44)}${kind(f).padEnd(6)}${kb(s.raw)}${kb(s.gzip)}${kb(s.brotli)}`);
  }
  console.log(`  ${'total'.padEnd(50)}${kb(total.raw)}${kb(total.gzip)}${kb(total.brotli)}`);
  return total;
}

const server = await startServer(dist);
const browser = await launch();
const walls = [], verifies = [], firstRows = [];
let first = [], later = [];
try {
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname.replace(/^\//, '')));
    // The moment the matrix first shows rows, taken in the page.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid=sweep-matrix] tbody tr[data-model]')) {
          window.__rowsAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true });
    });
    await page.goto(`${server.url}#/sweep`);
    await page.waitForFunction(() => window.__rowsAt !== undefined);
    const rowsAt = await page.evaluate(() => window.__rowsAt);
    firstRows.push(rowsAt);
    // Resources the page itself started before that moment (the worker's own fetches come
    // later by construction: the worker starts after the first render).
    const early = await page.evaluate(
      (t) => performance.getEntriesByType('resource').filter((e) => e.startTime <= t).map((e) => new URL(e.name).pathname.replace(/^\//, '')),
      rowsAt,
    );
    await page.waitForSelector('[data-testid=reproduce-status][data-state=done]', { timeout: 300_000 });
    const status = page.locator('[data-testid=reproduce-status]');
    walls.push(Number(await status.getAttribute('data-wall-ms')));
    verifies.push(Number(await status.getAttribute('data-verify-ms')));
    if (i === 0) {
      const onDisk = (f) => f === '' || statSync(path.join(dist, f), { throwIfNoEntry: false })?.isFile();
      const all = [...new Set(requests)].filter(onDisk);
      first = all.filter((f) => f === '' || early.includes(f));
      later = all.filter((f) => !first.includes(f));
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const total = table('First load of #/sweep (everything fetched before the matrix shows its rows):', first);
table('Fetched after the first view, in the background (SQLite worker, database, gold set):', later);
console.log(
  `\nFirst load: ${kb(total.raw).trim()} raw / ${kb(total.gzip).trim()} gzip` +
    ` (original dashboard: ${kb(ORIGINAL.raw).trim()} raw / ${kb(ORIGINAL.gzip).trim()} gzip;` +
    ` ${((100 * total.gzip) / ORIGINAL.gzip).toFixed(0)}% of its gzip bytes).`,
);
console.log(`Matrix rows visible after (ms since navigation, loopback): ${firstRows.map((t) => t.toFixed(0)).join(', ')}; median ${median(firstRows).toFixed(0)} ms`);
console.log('\nIn-browser re-verification of every published trace (SQLite in a Web Worker):');
console.log(`  wall, first request to last reply, incl. worker start and loading Chinook (ms): ${walls.join(', ')}; median ${median(walls)} ms`);
console.log(`  of which verifying, as measured inside the worker (ms): ${verifies.join(', ')}; median ${median(verifies)} ms`);
