// End to end: #/ (the overview) on the built site in headless Chromium. Expected
// figures come from the raw data files (expected_figures.mjs), not from the Rust code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { openPage } from './browser.mjs';
import { publishedModels, probedUnavailable, pct, usdPerQuery } from './expected_figures.mjs';
import { useSite } from './site.mjs';

const site = useSite();

const text = (page, sel) => page.textContent(sel).then((t) => t.replace(/\s+/g, ' ').trim());

test('#/ is the home view: counts and the four tiles, computed from the data', async () => {
  const models = publishedModels(site.dist);
  const fireworks = models.filter((m) => m.platform === 'Fireworks').length;
  const baseten = models.filter((m) => m.platform === 'Baseten').length;
  const fatal = models.filter((m) => m.fatal).length;
  const unavailable = probedUnavailable(site.dist).length;
  const best = models.reduce((b, m) => (m.accuracy > b.accuracy ? m : b));
  const shipping = models.filter((m) => !m.fatal && m.accuracy >= 0.9 && m.cpq > 0);
  const cheapest = shipping.reduce((b, m) => (m.cpq < b.cpq ? m : b));
  const gpt = (cheapest.pt * 2.5 + cheapest.ct * 15) / 1e6;

  const { page, problems } = await openPage(site.browser);
  await page.goto(site.server.url);
  await page.waitForSelector('[data-testid=tile-models] .value');
  assert.equal(await page.evaluate(() => location.hash), '', 'no redirect away from the home view');
  assert.equal(await page.title(), 'Overview · sqlsweep');

  const counts = await text(page, '[data-testid=hero-counts]');
  assert.match(counts, new RegExp(`^${models.length} model runs from 2 sweep files`));
  assert.match(counts, new RegExp(`${baseten} on Baseten, ${fireworks} on Fireworks`));
  assert.match(counts, new RegExp(`${fatal} of them failed every call`));
  assert.match(counts, new RegExp(`${unavailable} more were probed and found unavailable`));
  assert.match(counts, /same 25 gold questions/);

  assert.equal(await text(page, '[data-testid=tile-best-accuracy] .value'), pct(best.accuracy));
  assert.match(await text(page, '[data-testid=tile-best-accuracy]'), new RegExp(`${best.label} · ${best.platform} · ${best.correct}/${best.n}`));
  assert.match(await text(page, '[data-testid=best-interval]'), /95 % interval: 96% \(80–99%\)/);
  assert.equal(await text(page, '[data-testid=tile-cheapest] .value'), usdPerQuery(cheapest.cpq));
  assert.match(await text(page, '[data-testid=tile-cheapest]'), new RegExp(cheapest.label));
  assert.match(await text(page, '[data-testid=tile-savings] .value'), new RegExp(`^${pct(1 - cheapest.cpq / gpt)}\\s*est\\.$`));
  assert.match(await text(page, '[data-testid=tile-savings]'), new RegExp(`would cost ${usdPerQuery(gpt).replace('$', '\\$')}`));
  assert.equal(await text(page, '[data-testid=tile-models] .value'), String(models.length));
  assert.match(await text(page, '[data-testid=interval-note]'), /only 25 questions per model the intervals are wide/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the architecture diagram is keyboard-driven, and its step lives in the URL', async () => {
  const models = publishedModels(site.dist);
  const calls = models.reduce((n, m) => n + m.n, 0);
  const correct = models.reduce((n, m) => n + m.correct, 0);
  const { page, problems } = await openPage(site.browser);
  await page.goto(site.server.url);
  await page.waitForSelector('[data-testid=architecture] .node');
  assert.equal(await page.locator('[data-testid=architecture] .node').count(), 7);
  // The schema step is open by default.
  assert.match(await text(page, '[data-testid=step-detail] h3'), /^02 · Schema trim$/);
  assert.equal(await page.getAttribute('.node[data-step=schema]', 'aria-pressed'), 'true');

  // Tab to the result node and open it with Enter.
  await page.focus('.node[data-step=question]');
  for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.step), 'result');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/?step=result');
  assert.match(await text(page, '[data-testid=step-detail] h3'), /^07 · Scored result$/);
  // Its evidence is counted from the traces.
  await page.waitForSelector('[data-testid=step-evidence]');
  assert.equal(await text(page, '[data-testid=step-evidence]'), `${correct} of ${calls} answers matched the gold rows.`);

  // Space opens another; a reload keeps it.
  await page.focus('.node[data-step=repair]');
  await page.keyboard.press(' ');
  await page.waitForFunction(() => location.hash === '#/?step=repair');
  await page.reload();
  await page.waitForSelector('[data-testid=step-detail] h3');
  assert.match(await text(page, '[data-testid=step-detail] h3'), /^06 · Repair$/);
  assert.match(await text(page, '[data-testid=step-detail]'), /at most 2 repairs, so 3 calls/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('#/ fits a phone-width screen and says which file failed to load', async () => {
  const broken = await startServer(site.dist, { missing: ['data/fireworks_sweep_v2.json'] });
  try {
    const page = await site.browser.newPage({ viewport: { width: 380, height: 800 } });
    await page.goto(broken.url);
    const error = await page.waitForSelector('[data-testid=load-error]');
    assert.match(await error.textContent(), /fireworks_sweep_v2\.json: HTTP 404/);
    await page.waitForSelector('[data-testid=tile-models] .value');
    assert.equal((await page.textContent('[data-testid=tile-models] .value')).trim(), '10');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal page scroll at 380 px (overflow ${overflow}px)`);
    await page.close();
  } finally {
    await broken.close();
  }
});
