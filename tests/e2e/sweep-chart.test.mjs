// End to end: the cost-vs-accuracy chart and the paired test on #/sweep, in
// headless Chromium against the built site. Expected figures come from the raw
// data files (expected_figures.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './browser.mjs';
import { publishedModels } from './expected_figures.mjs';
import { useSite } from './site.mjs';

const site = useSite();

/** Counts non-white pixels and pixels of one colour on the chart's canvas. */
function inkOf(page, rgb) {
  return page.$eval(
    '[data-testid=chart-canvas]',
    (c, rgb) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let ink = 0, colour = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] < 250 || d[i + 1] < 250 || d[i + 2] < 250) ink++;
        if (d[i + 3] === 255 && Math.abs(d[i] - rgb[0]) <= 6 && Math.abs(d[i + 1] - rgb[1]) <= 6 && Math.abs(d[i + 2] - rgb[2]) <= 6) colour++;
      }
      return { ink, colour };
    },
    rgb,
  );
}

const TEAL = [13, 148, 136];
const PURPLE = [147, 51, 234];

async function pointRows(page) {
  return page.$$eval('[data-testid=chart-points] tbody tr', (trs) =>
    trs.map((tr) => ({ key: tr.dataset.key, label: tr.querySelector('th').textContent, x: Number(tr.dataset.x), y: Number(tr.dataset.y), frontier: tr.dataset.frontier === 'true' })),
  );
}

test('the chart draws every placeable model, hovers, and follows the platform filter', async () => {
  const models = publishedModels(site.dist);
  // Placeable: ran (not every call failed) and priced above $0.
  const placeable = models.filter((m) => !m.fatal && m.cpq > 0);
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForFunction((n) => document.querySelector('[data-testid=chart-canvas]')?.dataset.drawn === String(n), placeable.length);

  const all = await inkOf(page, TEAL);
  assert.ok(all.ink > 10_000, `the canvas is drawn (${all.ink} non-white pixels)`);
  assert.ok(all.colour > 50, 'Baseten points in teal');
  assert.ok((await inkOf(page, PURPLE)).colour > 50, 'Fireworks points in purple');

  const rows = await pointRows(page);
  assert.deepEqual(rows.map((r) => r.label).sort(), placeable.map((m) => m.label).sort());
  // The frontier: the models no other placed model beats on both cost and accuracy.
  const frontier = placeable.filter((p) => !placeable.some((q) => q !== p && q.cpq <= p.cpq && q.accuracy >= p.accuracy && (q.cpq < p.cpq || q.accuracy > p.accuracy)));
  assert.deepEqual(rows.filter((r) => r.frontier).map((r) => r.label).sort(), frontier.map((m) => m.label).sort());
  const excluded = await page.textContent('[data-testid=chart-excluded]');
  for (const m of models.filter((m) => !placeable.includes(m))) assert.match(excluded, new RegExp(m.label.replace('.', '\\.')));

  // Hovering a point shows its model.
  const canvas = await page.$('[data-testid=chart-canvas]');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  const target = rows.find((r) => r.label === 'DeepSeek-V3.1');
  await page.mouse.move(box.x + target.x, box.y + target.y);
  const tip = await page.waitForSelector('[data-testid=chart-tooltip]');
  assert.equal(await tip.getAttribute('data-key'), target.key);
  assert.match(await tip.textContent(), /DeepSeek-V3\.1.*Baseten.*Accuracy 92% \(75–98%\) · 23\/25/);
  await page.mouse.move(box.x + 2, box.y + 2);
  await page.waitForSelector('[data-testid=chart-tooltip]', { state: 'detached' });

  // Fireworks only: only its models, no teal left on the canvas.
  await page.selectOption('[data-testid=platform-filter]', 'fireworks');
  const fw = placeable.filter((m) => m.platform === 'Fireworks');
  await page.waitForFunction((n) => document.querySelector('[data-testid=chart-canvas]').dataset.drawn === String(n), fw.length);
  assert.deepEqual((await pointRows(page)).map((r) => r.label).sort(), fw.map((m) => m.label).sort());
  assert.equal((await inkOf(page, TEAL)).colour, 0, 'no Baseten point after filtering');
  assert.ok((await inkOf(page, PURPLE)).colour > 50);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the paired test compares the two models the URL names', async () => {
  const models = publishedModels(site.dist);
  const split = (a, b) => ({
    onlyA: [...a.results].filter(([q, c]) => c && b.results.get(q) === false).length,
    onlyB: [...b.results].filter(([q, c]) => c && a.results.get(q) === false).length,
  });
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForSelector('[data-testid=paired-result]');
  // By default: the winner against the runner-up.
  const best = models.find((m) => m.label === 'gpt-oss-120b');
  const next = models.find((m) => m.label === 'DeepSeek-V3.1');
  let s = split(best, next);
  assert.equal(await page.textContent('[data-testid=only-a]'), String(s.onlyA));
  assert.equal(await page.textContent('[data-testid=only-b]'), String(s.onlyB));
  assert.match(await page.textContent('[data-testid=paired-verdict]'), /^Not a real difference at 25 questions/);

  // gpt-oss-120b vs Nemotron (96 % vs 44 %): a real difference.
  const nemotron = models.find((m) => m.label === 'Nemotron-120B-A12B');
  await page.selectOption('[data-testid=pick-b]', `baseten/${nemotron.model}`);
  await page.waitForFunction(() => decodeURIComponent(location.hash).includes('b=baseten/nvidia/Nemotron-120B-A12B'));
  assert.match(decodeURIComponent(await page.evaluate(() => location.hash)), /a=baseten\/openai\/gpt-oss-120b/);
  s = split(best, nemotron);
  await page.waitForFunction((n) => document.querySelector('[data-testid=only-a]').textContent === n, String(s.onlyA));
  assert.match(await page.textContent('[data-testid=paired-verdict]'), /^A real difference at 25 questions: A alone was right on/);
  // The link restores the pair.
  await page.reload();
  await page.waitForSelector('[data-testid=paired-result]');
  assert.equal(await page.$eval('[data-testid=pick-b]', (s) => s.value), `baseten/${nemotron.model}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at phone width the chart still draws and the page does not scroll sideways', async () => {
  const page = await site.browser.newPage({ viewport: { width: 380, height: 800 } });
  await page.goto(`${site.server.url}#/sweep`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart-canvas]')?.dataset.drawn) > 0);
  const { width } = await (await page.$('[data-testid=chart-canvas]')).boundingBox();
  assert.ok(width > 300 && width <= 380, `the chart fits the screen (${width}px)`);
  assert.ok((await inkOf(page, TEAL)).colour > 20);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal page scroll at 380 px (overflow ${overflow}px)`);
  await page.close();
});
