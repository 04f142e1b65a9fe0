// Measures, in headless Chromium against dist/ served on 127.0.0.1:
// - for #/ (the overview), #/sweep and #/cost (a view of a bundle fetched on demand,
//   src/bundles): the bytes fetched before the view first shows its data (the first
//   load), and the time from navigation start to that moment (tiles filled on #/,
//   matrix rows on #/sweep and #/cost);
// - on #/sweep, the bytes fetched after it (the SQLite worker, Chinook, gold set)
//   and the time to re-verify every trace in the browser (from the status line).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { startServer } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const [dist, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const ORIGINAL = { raw: 2.65e6, gzip: 913e3 };

/** The views measured, and the element whose appearance means "rendered". */
const ROUTES = [
  { hash: '#/', name: '#/ (overview)', ready: '[data-testid=tile-models] .value', what: 'the hero tiles show their figures' },
  { hash: '#/sweep', name: '#/sweep', ready: '[data-testid=sweep-matrix] tbody tr[data-model]', what: 'the matrix shows its rows', verify: true },
  // A view of a bundle (src/bundles), opened directly: the shell, then its bundle.
  { hash: '#/cost', name: '#/cost', ready: '[data-testid=cost-matrix] tbody tr[data-model]', what: 'the cost matrix shows its rows', bundled: true },
];

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

/** Loads `route` `runs` times; returns the files of the first load, the later files and the timings. */
async function measure(browser, server, route) {
  const readyAt = [], walls = [], verifies = [];
  let first = [], later = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname.replace(/^\//, '')));
    // The moment the view first shows its data, taken in the page (ms since navigation start).
    await page.addInitScript((selector) => {
      new MutationObserver((_, observer) => {
        if (document.querySelector(selector)) {
          window.__readyAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true, characterData: true });
    }, route.ready);
    await page.goto(`${server.url}${route.hash}`);
    await page.waitForFunction(() => window.__readyAt !== undefined);
    const at = await page.evaluate(() => window.__readyAt);
    readyAt.push(at);
    // Resources the page itself started before that moment (the worker's own fetches
    // come later by construction: the worker starts after the first render).
    const early = await page.evaluate(
      (t) => performance.getEntriesByType('resource').filter((e) => e.startTime <= t).map((e) => new URL(e.name).pathname.replace(/^\//, '')),
      at,
    );
    if (route.verify) {
      await page.waitForSelector('[data-testid=reproduce-status][data-state=done]', { timeout: 300_000 });
      const status = page.locator('[data-testid=reproduce-status]');
      walls.push(Number(await status.getAttribute('data-wall-ms')));
      verifies.push(Number(await status.getAttribute('data-verify-ms')));
    } else {
      await page.waitForLoadState('networkidle');
    }
    if (i === 0) {
      const onDisk = (f) => f === '' || statSync(path.join(dist, f), { throwIfNoEntry: false })?.isFile();
      const all = [...new Set(requests)].filter(onDisk);
      first = all.filter((f) => f === '' || early.includes(f));
      later = all.filter((f) => !first.includes(f));
    }
    await page.close();
  }
  return { first, later, readyAt, walls, verifies };
}

const server = await startServer(dist);
const browser = await launch();
const results = [];
try {
  for (const route of ROUTES) results.push([route, await measure(browser, server, route)]);
} finally {
  await browser.close();
  await server.close();
}

const summary = [];
for (const [route, r] of results) {
  const total = table(`First load of ${route.name} (everything fetched before ${route.what}):`, r.first);
  if (r.later.length) table(`${route.name}: fetched after the first view, in the background:`, r.later);
  summary.push([route, total, r]);
}
console.log('\nSummary (loopback, headless Chromium; original dashboard first load: ' +
  `${kb(ORIGINAL.raw).trim()} raw / ${kb(ORIGINAL.gzip).trim()} gzip, target ≤ ${kb(ORIGINAL.gzip / 2).trim()} gzip):`);
for (const [route, total, r] of summary.filter(([route]) => !route.bundled)) {
  console.log(
    `  ${route.name.padEnd(16)} first load ${kb(total.raw).trim()} raw / ${kb(total.gzip).trim()} gzip / ${kb(total.brotli).trim()} brotli` +
      ` (${((100 * total.gzip) / ORIGINAL.gzip).toFixed(0)}% of the original's gzip bytes);` +
      ` ${route.what} after ${r.readyAt.map((t) => t.toFixed(0)).join(', ')} ms (median ${median(r.readyAt).toFixed(0)} ms)`,
  );
}
for (const [route, total, r] of summary.filter(([route]) => route.bundled)) {
  console.log(
    `  ${route.name.padEnd(16)} (a view fetched on demand, opened directly) ${kb(total.raw).trim()} raw / ${kb(total.gzip).trim()} gzip;` +
      ` ${route.what} after ${r.readyAt.map((t) => t.toFixed(0)).join(', ')} ms (median ${median(r.readyAt).toFixed(0)} ms)`,
  );
}
for (const [route, , r] of summary.filter(([route]) => route.verify)) {
  console.log(`\nIn-browser re-verification of every published trace on ${route.name} (SQLite in a Web Worker):`);
  console.log(`  wall, first request to last reply, incl. worker start and loading Chinook (ms): ${r.walls.join(', ')}; median ${median(r.walls)} ms`);
  console.log(`  of which verifying, as measured inside the worker (ms): ${r.verifies.join(', ')}; median ${median(r.verifies)} ms`);
}
