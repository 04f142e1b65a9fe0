// End to end: #/cost on the built site in headless Chromium. Expected figures are
// computed in expected_figures.mjs from the raw data files, or are the spec's pinned
// "[now]" values where noted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { openPage } from './browser.mjs';
import { assertStableWhileLoading } from './loading_layout.mjs';
import {
  DAYS_PER_MONTH, DAYS_PER_YEAR, gptPerQuery, pctInterval, pricedModels, publishedModels,
  usd, usdCents, usdPerQuery,
} from './expected_figures.mjs';
import { useSite } from './site.mjs';

const site = useSite();
const LOAD = { timeout: 120_000 };

async function open(hash, width = 1280) {
  const { page, problems } = await openPage(site.browser);
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${site.server.url}${hash}`);
  await page.waitForSelector('[data-testid=cost-matrix][aria-busy=false] tbody tr[data-model]', LOAD);
  return { page, problems };
}

const matrixRows = (page) =>
  page.$$eval('[data-testid=cost-matrix] tbody tr[data-model]', (trs) =>
    trs.map((tr) => {
      const cell = (id) => tr.querySelector(`[data-testid=${id}]`)?.textContent ?? null;
      return {
        model: tr.dataset.model,
        best: tr.classList.contains('best'),
        estimate: tr.dataset.estimate === 'true',
        badge: tr.querySelector('[data-testid=per-query] .estimate') !== null,
        accuracy: cell('accuracy'),
        perQuery: cell('per-query').replace('est.', ''),
        perDay: cell('per-day'),
        perMonth: cell('per-month'),
        perYear: cell('per-year'),
        vsGpt: cell('vs-gpt'),
        perCorrect: cell('per-correct'),
      };
    }),
  );

const option = (page, key, field) =>
  page.locator(`[data-option=${key}] [data-testid=${field}]`).evaluate((e) => e.firstChild.textContent);

/** What one row must show at a volume, from the data. */
function expectedRow(m, volume) {
  const day = m.cpq * volume;
  const gpt = gptPerQuery(m.pt, m.ct);
  const vs = Math.round((m.cpq / gpt - 1) * 100);
  return {
    model: m.model,
    accuracy: pctInterval(m.correct, m.n),
    perQuery: usdPerQuery(m.cpq),
    perDay: usdCents(day),
    perMonth: usd(day * DAYS_PER_MONTH),
    perYear: usd(day * DAYS_PER_YEAR),
    vsGpt: vs < 0 ? `−${-vs}%` : `+${vs}%`,
    perCorrect: usdPerQuery(m.cpq / m.accuracy),
    estimate: m.estimate,
  };
}

function assertMatrix(rows, volume) {
  const want = pricedModels(site.dist);
  assert.deepEqual(rows.map((r) => r.model), want.map((m) => m.model), 'priced models, cheapest first');
  for (const [row, m] of rows.map((r, i) => [r, want[i]])) {
    const e = expectedRow(m, volume);
    const { best, badge, ...got } = row;
    assert.deepEqual(got, e, `row of ${m.model} at ${volume}/day`);
    assert.equal(badge, m.estimate, `estimate badge of ${m.model}`);
  }
  // ★: the most accurate priced model, cheapest among equals.
  const top = Math.max(...want.map((m) => m.accuracy));
  assert.deepEqual(rows.filter((r) => r.best).map((r) => r.model), [want.find((m) => m.accuracy === top).model]);
}

test('#/cost renders the cost matrix and build vs buy from the published data', async () => {
  const { page, problems } = await open('#/cost');
  assert.equal(await page.locator('[data-testid=volume-label]').textContent(), '30,000 queries/day');
  assertMatrix(await matrixRows(page), 30_000);
  // The spec's [now] figures at 30k/day (which the golden tests pin): gpt-oss-120b ★ at $5.62/day, $2,051/year.
  const rows = await matrixRows(page);
  const oss = rows.find((r) => r.model === 'openai/gpt-oss-120b');
  assert.deepEqual([oss.best, oss.perDay, oss.perYear], [true, '$5.62', '$2,051']);
  // Left out, with the reason: the two models that never answered and the $0 one.
  const excluded = await page.$$eval('[data-testid=excluded] li', (lis) => lis.map((li) => [li.dataset.model, li.textContent]));
  const fatal = publishedModels(site.dist).filter((m) => m.fatal || m.cpq === 0).map((m) => m.model);
  assert.deepEqual(excluded.map((e) => e[0]).sort(), fatal.sort());
  assert.match(excluded.find((e) => e[0] === 'zai-org/GLM-5')[1], /503 Service Temporarily Unavailable/);
  assert.match(await page.locator('[data-testid=estimate-legend]').textContent(), /proxy/);
  assert.match(await page.locator('[data-testid=interval-note]').textContent(), /95 % Wilson interval.*25 questions/);

  // Build vs buy at 30k/day with the Fireworks Kimi K2.6 profile (spec [now], 365-day years).
  const kimi = publishedModels(site.dist).find((m) => m.model === 'accounts/fireworks/models/kimi-k2p6');
  assert.equal(await option(page, 'gpt54', 'per-query'), usdPerQuery(gptPerQuery(kimi.pt, kimi.ct)));
  assert.equal(await option(page, 'gpt54', 'per-query'), '$0.002870');
  assert.equal(await option(page, 'managed', 'per-year'), usd(kimi.cpq * 30_000 * DAYS_PER_YEAR));
  assert.equal(await option(page, 'managed', 'per-year'), '$10,529');
  assert.equal(await option(page, 'direct_api', 'per-year'), '$7,370');
  // Self-host: one GPU at $2.50/h for 365 days + 0.5 × $12,500 × 12.
  assert.equal(await option(page, 'self_host', 'per-year'), usd(2.5 * 24 * DAYS_PER_YEAR + 6_250 * 12));
  assert.match(await page.locator('[data-testid=token-profile]').textContent(), /692 input \+ 76 output.*kimi-k2p6 on Fireworks/);
  assert.match(await page.locator('[data-testid=ranking]').textContent(),
    /30,000 queries\/day: 1\. Direct model APIs · 2\. Managed platform · 3\. GPT-5\.4 \(current\) · 4\. Self-host/);
  // Only the managed option rests on a measured price.
  for (const key of ['gpt54', 'direct_api', 'self_host']) {
    assert.equal(await page.locator(`[data-option=${key}] [data-testid=per-query] .estimate`).count(), 1, key);
  }
  assert.equal(await page.locator('[data-option=managed] [data-testid=per-query] .estimate').count(), 0);
  assert.match(await page.locator('.volume-control').textContent(), /a year is 365 days and a month is a twelfth of it \(30\.42 days\)/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the volume slider moves every cost figure live, and the URL when released', async () => {
  const { page, problems } = await open('#/cost');
  const slider = page.locator('[data-testid=volume-slider]');
  // While dragging (input events only) the figures follow; the URL does not move yet.
  await slider.evaluate((el) => {
    el.value = '120000';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.equal(await page.locator('[data-testid=volume-label]').textContent(), '120,000 queries/day');
  assertMatrix(await matrixRows(page), 120_000);
  assert.equal(new URL(page.url()).hash, '#/cost');
  // Released at 300k: the URL carries it, GPUs step to 5 and self-hosting overtakes GPT-5.4.
  await slider.fill('300000');
  await page.waitForFunction(() => location.hash.includes('volume=300000'));
  assertMatrix(await matrixRows(page), 300_000);
  const ranks = await page.$$eval('[data-option]', (els) => els.map((e) => [e.dataset.option, e.dataset.rank]));
  assert.deepEqual(Object.fromEntries(ranks), { direct_api: '1', managed: '2', self_host: '3', gpt54: '4' });
  assert.equal(await option(page, 'self_host', 'per-year'), usd(5 * 2.5 * 24 * DAYS_PER_YEAR + 6_250 * 12));
  // Keyboard: one step left is 1,000 fewer queries.
  await slider.focus();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => location.hash.includes('volume=299000'));
  assert.equal(await page.locator('[data-testid=volume-label]').textContent(), '299,000 queries/day');
  assert.deepEqual(problems, []);
  await page.close();
});

test('editing an assumption changes the figures and the URL; a reload restores it; invalid input is refused', async () => {
  const { page, problems } = await open('#/cost');
  const gpu = page.locator('#assumption-gpu_hour');
  await gpu.fill('5');
  await page.waitForFunction(() => location.hash.includes('gpu_hour=5'));
  const selfHost = usd(5 * 24 * DAYS_PER_YEAR + 6_250 * 12);
  assert.equal(await option(page, 'self_host', 'per-year'), selfHost);
  const gptIn = page.locator('#assumption-gpt_in');
  await gptIn.fill('5');
  await page.waitForFunction(() => location.hash.includes('gpt_in=5'));
  const m = pricedModels(site.dist)[0];
  const vs = Math.round((m.cpq / gptPerQuery(m.pt, m.ct, 5, 15) - 1) * 100);
  assert.equal((await matrixRows(page))[0].vsGpt, `−${-vs}%`);

  // Reload: the URL restores both values, in the inputs and in the figures.
  const url = page.url();
  await page.reload();
  await page.waitForSelector('[data-testid=cost-matrix][aria-busy=false] tbody tr[data-model]', LOAD);
  assert.equal(page.url(), url);
  assert.equal(await gpu.inputValue(), '5');
  assert.equal(await option(page, 'self_host', 'per-year'), selfHost);
  assert.equal((await matrixRows(page))[0].vsGpt, `−${-vs}%`);

  // Invalid: a message names the problem, the figures and the URL keep the last valid value.
  await gpu.fill('-1');
  const message = page.locator('#assumption-gpu_hour-message');
  await page.waitForFunction(() => document.querySelector('#assumption-gpu_hour-message')?.textContent.length > 0);
  assert.match(await message.textContent(), /gpu_hour.*must be a finite number ≥ 0/);
  assert.equal(await gpu.getAttribute('aria-invalid'), 'true');
  assert.equal(await option(page, 'self_host', 'per-year'), selfHost);
  assert.equal(page.url(), url);
  // Fixing it clears the message.
  await gpu.fill('3');
  await page.waitForFunction(() => location.hash.includes('gpu_hour=3'));
  assert.equal(await message.textContent(), '');
  assert.equal(await option(page, 'self_host', 'per-year'), usd(3 * 24 * DAYS_PER_YEAR + 6_250 * 12));
  // Reset brings back the defaults and an address without assumptions.
  await page.locator('[data-testid=reset-assumptions]').click();
  await page.waitForFunction(() => location.hash === '#/cost');
  assert.equal(await gpu.inputValue(), '2.5');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bad value in the address is reported and the rest still applies; links carry the assumptions to other views', async () => {
  const { page } = await open('#/cost?gpu_hour=abc&volume=60000&platform=fireworks');
  assert.match(await page.locator('[data-testid=url-problem]').textContent(), /gpu_hour.*not a number/);
  assert.equal(await page.locator('[data-testid=volume-label]').textContent(), '60,000 queries/day');
  // The platform filter keeps Fireworks models only.
  const models = (await matrixRows(page)).map((r) => r.model);
  const fw = pricedModels(site.dist).filter((m) => m.platform === 'Fireworks').map((m) => m.model);
  assert.deepEqual(models, fw);
  // The panel links to the other views with the same assumptions (the URL is their only home).
  await page.locator('[data-testid=with-assumptions-insights]').click();
  await page.waitForFunction(() => location.hash === '#/insights?volume=60000');
  await page.waitForSelector('[data-card=Q2]', LOAD);
  const ships = publishedModels(site.dist).filter((m) => !m.fatal && m.accuracy >= 0.9 && m.cpq > 0).reduce((a, b) => (b.cpq < a.cpq ? b : a));
  assert.match(await page.locator('[data-card=Q2]').textContent(), new RegExp(`At 60,000 queries/day that is \\${usd(ships.cpq * 60_000 * DAYS_PER_MONTH)} a month`));
  await page.close();
});

test('#/cost fits a phone screen', async () => {
  const { page, problems } = await open('#/cost', 380);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  // Nothing in the view sticks out (wide tables scroll inside their frames).
  const outside = await page.evaluate(() => [...document.querySelectorAll('main section *')]
    .filter((e) => !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)
    .map((e) => `${e.tagName}.${e.className}`));
  assert.deepEqual(outside, []);
  // The wide table scrolls inside its own focusable region.
  assert.equal(await page.locator('.table-wrap[role=region]').first().getAttribute('tabindex'), '0');
  assert.deepEqual(problems, []);
  await page.close();
});

test('#/cost names a sweep file that failed to load and still prices the other', async () => {
  const broken = await startServer(site.dist, { replace: { 'data/fireworks_sweep_v2.json': '{"reports": [' } });
  const { page } = await openPage(site.browser);
  await page.goto(`${broken.url}#/cost`);
  await page.waitForSelector('[data-testid=cost-matrix][aria-busy=false] tbody tr[data-model]', LOAD);
  assert.match(await page.locator('[data-testid=load-error]').first().textContent(), /fireworks_sweep_v2\.json/);
  const models = (await matrixRows(page)).map((r) => r.model);
  assert.deepEqual(models, pricedModels(site.dist).filter((m) => m.platform === 'Baseten').map((m) => m.model));
  await page.close();
  await broken.close();
});


test('#/cost reserves the space of its figures while the data loads', async () => {
  for (const width of [1280, 380]) {
    await assertStableWhileLoading(site.browser, `${site.server.url}#/cost`, '[data-testid=cost-matrix][aria-busy=false] tbody tr[data-model]', { width });
  }
});
