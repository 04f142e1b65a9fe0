// The page is split into wasm modules (src/bundles): the shell shows #/ and #/sweep
// without fetching any bundle; a bundle is fetched once, the first time one of its
// views is shown (or a nav link to one is pointed at), and its views then switch
// without fetching again; a bundle that fails to load says so and can be retried
// without losing what the page holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './browser.mjs';
import { useSite } from './site.mjs';

const site = useSite();
const LOAD = { timeout: 60_000 };
const BUNDLES = /sqlsweep-(dashboard|interactive)(\.js|_bg\.wasm)$/;

/** Records the bundle files the page requests, in order. */
function bundleRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const file = new URL(r.url()).pathname.split('/').pop();
    if (BUNDLES.test(file)) seen.push(file);
  });
  return seen;
}

test('#/ and #/sweep fetch no bundle; each bundle is fetched once, when its views are first shown', async () => {
  const { page, problems } = await openPage(site.browser);
  const seen = bundleRequests(page);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]', LOAD);
  await page.goto(`${site.server.url}#/`);
  await page.waitForSelector('[data-testid=tile-models] .value', LOAD);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(seen, [], 'the first screen needs no bundle');

  // Navigating (not reloading) keeps the page, so each bundle is fetched once.
  await page.evaluate(() => { location.hash = '#/cost'; });
  await page.waitForSelector('[data-testid=cost-matrix] tbody tr[data-model]', LOAD);
  assert.deepEqual(seen, ['sqlsweep-dashboard.js', 'sqlsweep-dashboard_bg.wasm']);
  for (const hash of ['#/insights', '#/latency', '#/cost']) {
    await page.evaluate((h) => { location.hash = h; }, hash);
    await page.waitForFunction(() => !document.querySelector('main [aria-busy=true]') && document.querySelector('.bundled-view')?.children.length > 0, null, LOAD);
  }
  assert.equal(seen.length, 2, `views of a loaded bundle fetch nothing more: ${seen}`);
  // Back to the shell and into the other bundle.
  await page.evaluate(() => { location.hash = '#/sweep'; });
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]', LOAD);
  await page.evaluate(() => { location.hash = '#/live'; });
  await page.waitForSelector('[data-testid=live-view] [data-testid=question]', LOAD);
  assert.deepEqual(seen.slice(2), ['sqlsweep-interactive.js', 'sqlsweep-interactive_bg.wasm']);
  // Only one view is ever mounted in <main>.
  assert.equal(await page.locator('main .bundled-view').count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('pointing at a nav link starts fetching its view\'s bundle', async () => {
  const { page, problems } = await openPage(site.browser);
  const seen = bundleRequests(page);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]', LOAD);
  await page.hover('nav[aria-label=Views] a[href="#/quality"]');
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('sqlsweep-dashboard_bg.wasm')), null, LOAD);
  assert.deepEqual(seen, ['sqlsweep-dashboard.js', 'sqlsweep-dashboard_bg.wasm']);
  await page.click('nav[aria-label=Views] a[href="#/quality"]');
  await page.waitForSelector('[data-testid=quality-heading]', LOAD);
  assert.equal(seen.length, 2, 'the prefetched module is the one mounted');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bundle that cannot be fetched is named with a retry; the page keeps what it holds', async () => {
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]', LOAD);
  const rows = await page.locator('[data-testid=sweep-matrix] tbody tr[data-model]').count();
  // The dashboard bundle's wasm is refused once.
  let refuse = true;
  await page.route('**/sqlsweep-dashboard_bg.wasm', (route) => (refuse ? route.abort('connectionrefused') : route.continue()));
  await page.evaluate(() => { location.hash = '#/cost'; });
  const error = page.locator('[data-testid=bundle-error]');
  await error.waitFor(LOAD);
  assert.match(await error.textContent(), /^The code of this view \(Cost\) could not be loaded: .+\. Try again$/);
  assert.equal(await page.getAttribute('.bundle-frame', 'aria-busy'), 'false');
  refuse = false;
  await error.locator('button').click();
  await page.waitForSelector('[data-testid=cost-matrix] tbody tr[data-model]', LOAD);
  assert.equal(await error.count(), 0, 'the error is gone once the view shows');
  // The shell's view and its data are intact.
  await page.evaluate(() => { location.hash = '#/sweep'; });
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]', LOAD);
  assert.equal(await page.locator('[data-testid=sweep-matrix] tbody tr[data-model]').count(), rows);
  // The refused fetch is the only problem the console saw.
  assert.ok(problems.every((p) => /sqlsweep-dashboard|Failed to load resource|net::ERR/.test(p)), problems.join('\n'));
  await page.close();
});

test('leaving a bundled view while its code loads neither mounts it nor errs', async () => {
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]', LOAD);
  // The bundle's wasm is held back, so the route changes while it loads.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/sqlsweep-dashboard_bg.wasm', async (route) => { await held; await route.continue(); });
  await page.evaluate(() => { location.hash = '#/cost'; });
  await page.waitForSelector('.bundle-frame[aria-busy=true]', LOAD);
  await page.evaluate(() => { location.hash = '#/sweep'; });
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]', LOAD);
  release();
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('sqlsweep-dashboard_bg.wasm')), null, LOAD);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('main .bundled-view').count(), 0, 'nothing mounted into the shell\'s view');
  assert.equal(await page.locator('[data-testid=cost-matrix]').count(), 0);
  // The loaded module serves the next visit.
  await page.evaluate(() => { location.hash = '#/cost'; });
  await page.waitForSelector('[data-testid=cost-matrix] tbody tr[data-model]', LOAD);
  assert.deepEqual(problems, []);
  await page.close();
});
