// End to end: #/insights on the built site in headless Chromium. Expected figures are
// computed in expected_figures.mjs from the raw data files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { openPage } from './browser.mjs';
import { assertStableWhileLoading } from './loading_layout.mjs';
import { DAYS_PER_MONTH, ms, pctInterval, publishedModels, readJson, round, usd, usdPerQuery, pct } from './expected_figures.mjs';
import { useSite } from './site.mjs';

const site = useSite();
const LOAD = { timeout: 120_000 };

async function open(url) {
  const { page, problems } = await openPage(site.browser);
  await page.goto(url);
  await page.waitForSelector('[data-testid=insight-cards][aria-busy=false] [data-card]', LOAD);
  return { page, problems };
}

const cards = (page) => page.$$eval('[data-card]', (els) => els.map((e) => e.dataset.card));
const text = (page, id) => page.locator(`[data-testid=${id}]`).textContent();

test('#/insights answers Q1–Q7 from the published sweeps', async () => {
  const { page, problems } = await open(`${site.server.url}#/insights`);
  const models = publishedModels(site.dist);
  const ran = models.filter((m) => !m.fatal);
  assert.deepEqual(await cards(page), ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7'], 'with the published data every card shows');

  // Q1: the most accurate model that ran (first in load order among equals), with its interval.
  const best = ran.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
  const q1 = await text(page, 'q1');
  assert.ok(q1.includes(best.label) && q1.includes(pctInterval(best.correct, best.n)), q1);

  // Q2: the cheapest priced model at ≥ 90 %, and its month at 30,000/day (a month = 365/12 days).
  const ships = ran.filter((m) => m.accuracy >= 0.9 && m.cpq > 0).reduce((a, b) => (b.cpq < a.cpq ? b : a));
  const q2 = await text(page, 'q2');
  assert.ok(q2.includes(ships.label) && q2.includes(usdPerQuery(ships.cpq)), q2);
  assert.match(await page.locator('[data-card=Q2]').textContent(), new RegExp(`\\${usd(ships.cpq * 30_000 * DAYS_PER_MONTH)} a month`));

  // Q3: the lowest median time to first token.
  const fastest = ran.filter((m) => m.ttftP50 != null).reduce((a, b) => (b.ttftP50 < a.ttftP50 ? b : a));
  const q3 = await text(page, 'q3');
  assert.ok(q3.includes(fastest.label) && q3.includes(ms(fastest.ttftP50)), q3);

  // Q5: every model that ran and dropped at least one JSON output, with its rate.
  const drops = ran.filter((m) => m.jsonOk < 1);
  const items = await page.$$eval('[data-card=Q5] li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(items, drops.map((m) => `${m.label} — ${pct(m.jsonOk)} valid JSON`));
  assert.match(await text(page, 'q5'), new RegExp(`${drops.length} models`));

  // Q6: best minus worst accuracy, in points.
  const worst = ran.reduce((a, b) => (b.accuracy < a.accuracy ? b : a));
  assert.match(await text(page, 'q6'), new RegExp(`^${round((best.accuracy - worst.accuracy) * 100)} points`));

  // Q7: the models whose every call failed.
  const failed = await page.$$eval('[data-card=Q7] li', (lis) => lis.map((li) => li.dataset.model));
  assert.deepEqual(failed, models.filter((m) => m.fatal).map((m) => m.model));
  assert.match(await page.locator('[data-card=Q7]').textContent(), /503 Service Temporarily Unavailable/);

  // Quantization from the metadata file: counts per format.
  const meta = Object.values(readJson(site.dist, 'baseten_models_meta.json'));
  const fp4 = meta.filter((m) => m.quantization === 'fp4').length;
  const fp8 = meta.filter((m) => m.quantization === 'fp8').length;
  assert.match(await text(page, 'quant-counts'), new RegExp(`${fp4} of ${meta.length} in FP4, ${fp8} of ${meta.length} in FP8`));
  assert.equal(await page.locator('[data-testid=quant-table] tbody tr').count(), meta.length);

  // Fine-tune or pay more: the most accurate priced model against the cheapest.
  const priced = ran.filter((m) => m.cpq > 0);
  const cheapest = priced.reduce((a, b) => (b.cpq < a.cpq ? b : a));
  const gap = await text(page, 'ft-gap');
  assert.ok(gap.includes(best.label) && gap.includes(cheapest.label), gap);
  assert.match(await text(page, 'ft-cost'), new RegExp(`extra\\${usdPerQuery(best.cpq - cheapest.cpq)} per query`));
  assert.match(await text(page, 'interval-note'), /Wilson interval.*25 questions per model/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('cards whose condition fails are not shown; assumptions change the answers', async () => {
  // Every JSON output valid and no model that failed outright: Q5 and Q7 have nothing to say.
  const replace = {};
  for (const file of ['baseten_sweep.json', 'fireworks_sweep_v2.json']) {
    const data = readJson(site.dist, file);
    data.reports = data.reports.filter((r) => !r.traces.every((t) => t.error));
    for (const r of data.reports) for (const t of r.traces) t.json_parsed_ok = true;
    replace[`data/${file}`] = JSON.stringify(data);
  }
  const clean = await startServer(site.dist, { replace });
  const { page, problems } = await open(`${clean.url}#/insights`);
  assert.deepEqual(await cards(page), ['Q1', 'Q2', 'Q3', 'Q4', 'Q6']);

  // Raising the accuracy bar to 100 % leaves no model that ships: Q2 (and Q4, which prices it) disappear.
  await page.locator('#assumption-ship_acc').fill('1');
  await page.waitForFunction(() => location.hash.includes('ship_acc=1'));
  assert.deepEqual(await cards(page), ['Q1', 'Q3', 'Q6']);
  // Back to 0.8 (shown as 80 %): Q2 and Q4 return.
  await page.locator('#assumption-ship_acc').fill('0.8');
  await page.waitForFunction(() => location.hash.includes('ship_acc=0.8'));
  assert.deepEqual(await cards(page), ['Q1', 'Q2', 'Q3', 'Q4', 'Q6']);
  assert.match(await page.locator('[data-card=Q2]').textContent(), /at least 80% accuracy/);
  assert.deepEqual(problems, []);
  await page.close();
  await clean.close();
});

test('#/insights names a missing metadata file and still answers Q1–Q7', async () => {
  const missing = await startServer(site.dist, { missing: ['data/baseten_models_meta.json'] });
  const { page } = await open(`${missing.url}#/insights`);
  await page.waitForSelector('[data-testid=load-error]', LOAD);
  assert.match(await page.locator('[data-testid=load-error]').textContent(), /baseten_models_meta\.json: HTTP 404/);
  assert.equal((await cards(page)).length, 7);
  assert.match(await page.locator('.quantization').textContent(), /could not be loaded/);
  await page.close();
  await missing.close();
});

test('#/insights reserves the space of its figures while the data loads', async () => {
  for (const width of [1280, 380]) {
    await assertStableWhileLoading(site.browser, `${site.server.url}#/insights`, '[data-testid=insight-cards][aria-busy=false] [data-card]', { width });
  }
});
