// The first screen reads the lean copies of the published sweeps (data/lean/: no
// result rows, no raw output) and fetches the full files only after the matrix shows;
// the full files then replace the lean ones without changing a figure, and what
// needs rows — re-verification, the JSON export — waits for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './browser.mjs';
import { useSite } from './site.mjs';
import { download } from './page_helpers.mjs';

const site = useSite();
const ROWS = '[data-testid=sweep-matrix] tbody tr[data-model]';
const SWEEPS = ['baseten_sweep.json', 'fireworks_sweep_v2.json'];

/** Each matrix row's model and accuracy cell. */
const figures = (page) =>
  page.$$eval(ROWS, (trs) => trs.map((tr) => [tr.dataset.model, tr.querySelector('[data-testid=accuracy]')?.textContent]));

test('#/sweep: lean copies first, the full files after the matrix shows, the same figures from both', async () => {
  const { page, problems } = await openPage(site.browser);
  await page.addInitScript((selector) => {
    new MutationObserver((_, observer) => {
      if (document.querySelector(selector)) {
        window.__shownAt = performance.now();
        window.__firstFigures = [...document.querySelectorAll(selector)].map((tr) => [
          tr.dataset.model,
          tr.querySelector('[data-testid=accuracy]')?.textContent,
        ]);
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }, ROWS);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForSelector('[data-testid=reproduce-status][data-state=done]', { timeout: 300_000 });

  const started = await page.evaluate(() =>
    Object.fromEntries(performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.startTime])));
  const shownAt = await page.evaluate(() => window.__shownAt);
  for (const file of SWEEPS) {
    assert.ok(started[`/data/lean/${file}`] < shownAt, `the lean copy of ${file} is read for the first screen`);
    assert.ok(started[`/data/${file}`] > shownAt, `the full ${file} is fetched after the matrix shows`);
  }
  // The figures first shown (from the lean copies) are those shown now (from the full files).
  assert.deepEqual(await page.evaluate(() => window.__firstFigures), await figures(page));
  assert.equal((await figures(page)).length, 15);

  // The export carries the full traces, result rows included.
  const sweep = JSON.parse((await download(page, '[data-testid=export-json-sweep-models]')).text);
  const withRows = sweep.models.flatMap((m) => m.traces).filter((t) => t.result && t.result.rows.length > 0).length;
  assert.ok(withRows > 300, `${withRows} traces with result rows in the export`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('without lean copies (an older deployment) the first screen waits for the full files', async () => {
  const { startServer } = await import('./server.mjs');
  const server = await startServer(site.dist, { missing: SWEEPS.map((f) => `data/lean/${f}`) });
  try {
    const { page, problems } = await openPage(site.browser);
    await page.goto(`${server.url}#/sweep`);
    await page.waitForSelector(ROWS, { timeout: 60_000 });
    assert.equal((await figures(page)).length, 15);
    assert.equal(await page.locator('[data-testid=load-error]').count(), 0, 'a missing lean copy is not an error');
    assert.deepEqual(problems.filter((p) => !/404/.test(p)), []);
    await page.close();
  } finally {
    await server.close();
  }
});
