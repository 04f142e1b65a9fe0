// End to end: the built site, served on 127.0.0.1, in headless Chromium. The expected
// figures are computed here from the raw data files, independently of the Rust code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './server.mjs';
import { openPage } from './browser.mjs';
import { useSite } from './site.mjs';

const SWEEPS = ['baseten_sweep.json', 'fireworks_sweep_v2.json'];
const site = useSite();

/** model id → expected accuracy text, or null for a model whose every call failed. */
function expectedModels() {
  const out = new Map();
  for (const file of SWEEPS) {
    const data = JSON.parse(readFileSync(path.join(site.dist, 'data', file), 'utf8'));
    for (const report of data.reports) {
      const traces = report.traces;
      const correct = traces.filter((t) => t.correct).length;
      const fatal = traces.length > 0 && traces.every((t) => t.error);
      out.set(report.model, {
        traces: traces.length,
        accuracy: fatal ? null : `${Math.round((100 * correct) / traces.length)}% (${correct}/${traces.length})`,
      });
    }
  }
  return out;
}

async function matrixRows(page) {
  return page.$$eval('[data-testid=sweep-matrix] tbody tr[data-model]', (trs) =>
    trs.map((tr) => ({
      model: tr.dataset.model,
      accuracy: tr.querySelector('[data-testid=accuracy]')?.textContent ?? null,
      fatal: tr.querySelector('[data-testid=fatal]')?.textContent ?? null,
      reproduced: tr.querySelector('[data-testid=reproduced]')?.textContent ?? null,
      best: tr.classList.contains('best'),
    })),
  );
}

test('#/sweep shows every model with its accuracy, and reproduces every trace', async () => {
  const expected = expectedModels();
  assert.equal(expected.size, 15, 'the published sweeps hold 15 models');
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]');
  const rows = await matrixRows(page);
  assert.deepEqual(rows.map((r) => r.model).sort(), [...expected.keys()].sort());
  for (const row of rows) {
    const want = expected.get(row.model);
    if (want.accuracy === null) {
      assert.match(row.fatal ?? '', /Every call failed/, `${row.model} is shown as failed`);
      assert.equal(row.accuracy, null, `${row.model} shows no accuracy`);
    } else {
      assert.equal(row.accuracy, want.accuracy, `accuracy of ${row.model}`);
    }
  }
  assert.equal(rows.filter((r) => r.best).length, 1, 'exactly one best model');

  // The worker re-verifies all traces in the background.
  const status = page.locator('[data-testid=reproduce-status]');
  await page.waitForSelector('[data-testid=reproduce-status][data-state=done]', { timeout: 180_000 });
  const total = [...expected.values()].reduce((n, m) => n + m.traces, 0);
  assert.equal(Number(await status.getAttribute('data-traces')), total);
  assert.equal(Number(await status.getAttribute('data-agree')), total);
  assert.equal(await status.getAttribute('data-rows-checked'), await status.getAttribute('data-rows-reproduced'));
  for (const row of await matrixRows(page)) {
    const n = expected.get(row.model).traces;
    assert.match(row.reproduced, new RegExp(`^${n}/${n} ✓$`), `reproduction of ${row.model}`);
  }
  assert.deepEqual(problems, [], 'no console errors');
  await page.close();
});

test('routes, sorting and filtering live in the URL', async () => {
  const { page, problems } = await openPage(site.browser);
  // The original dashboard's tab hash still leads here, rewritten to our path.
  await page.goto(`${site.server.url}#modelsweep`);
  await page.waitForFunction(() => location.hash === '#/sweep');
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]');

  await page.click('th button[data-sort=cost_per_query]');
  await page.waitForFunction(() => location.hash === '#/sweep?sort=cost_per_query');
  assert.match(await page.textContent('th[aria-sort=ascending]'), /\$\/query ▲/);
  await page.click('th button[data-sort=cost_per_query]');
  await page.waitForFunction(() => location.hash === '#/sweep?sort=cost_per_query:desc');
  assert.match(await page.textContent('th[aria-sort=descending]'), /\$\/query ▼/);
  await page.click('th button[data-sort=reproduced]');
  await page.waitForFunction(() => location.hash === '#/sweep?sort=reproduced');

  await page.selectOption('[data-testid=platform-filter]', 'fireworks');
  await page.waitForFunction(() => location.hash.includes('platform=fireworks'));
  assert.equal((await matrixRows(page)).length, 5);

  // A shared link restores the state.
  await page.goto(`${site.server.url}#/sweep?platform=baseten&sort=latency_p50`);
  await page.reload();
  await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]');
  assert.equal((await matrixRows(page)).length, 10);
  assert.match(await page.textContent('th[aria-sort=ascending]'), /Latency p50/);

  // A hand-edited URL with an unknown value says what it ignored.
  await page.goto(`${site.server.url}#/sweep?platform=nowhere`);
  await page.reload();
  const problem = await page.waitForSelector('[data-testid=url-problem]');
  assert.match(await problem.textContent(), /unknown platform filter "nowhere"/);
  assert.equal((await matrixRows(page)).length, 15);
  await page.goto(`${site.server.url}#/sweep?sort=speed`);
  await page.waitForFunction(() => document.querySelector('[data-testid=url-problem]')?.textContent.includes('speed'));

  await page.goto(`${site.server.url}#/no-such-view`);
  await page.waitForSelector('[data-testid=not-found]');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a missing data file is named, and the other file still shows', async () => {
  const broken = await startServer(site.dist, { missing: ['data/fireworks_sweep_v2.json'] });
  try {
    const { page } = await openPage(site.browser);
    await page.goto(`${broken.url}#/sweep`);
    const error = await page.waitForSelector('[data-testid=load-error]');
    assert.match(await error.textContent(), /fireworks_sweep_v2\.json: HTTP 404/);
    await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]');
    assert.equal((await matrixRows(page)).length, 10);
    await page.close();
  } finally {
    await broken.close();
  }
});

test('a corrupt sweep file and a missing database are named', async () => {
  const broken = await startServer(site.dist, {
    replace: { 'data/baseten_sweep.json': '{"platform": "baseten", "reports": 5}' },
    missing: ['data/Chinook.db'],
  });
  try {
    const { page } = await openPage(site.browser);
    await page.goto(`${broken.url}#/sweep`);
    const error = await page.waitForSelector('[data-testid=load-error]');
    assert.match(await error.textContent(), /baseten_sweep\.json: .*reports/);
    await page.waitForSelector('[data-testid=sweep-matrix] tbody tr[data-model]');
    assert.equal((await matrixRows(page)).length, 5, 'the Fireworks file still shows');
    await page.waitForSelector('[data-testid=reproduce-status][data-state=failed]');
    assert.match(await page.textContent('[data-testid=reproduce-status]'), /Chinook\.db: HTTP 404/);
    await page.close();
  } finally {
    await broken.close();
  }
});
