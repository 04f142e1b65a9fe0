// End to end: #/platforms on the built site in headless Chromium. The card figures
// are recomputed here from the raw data files (expected_figures.mjs) with the spec's
// rules, not read from the Rust code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './browser.mjs';
import { publishedModels, probedUnavailable, median, pct, usdPerQuery, thousands } from './expected_figures.mjs';
import { useSite } from './site.mjs';

const site = useSite();

const text = (page, sel) => page.textContent(sel).then((t) => t.replace(/\s+/g, ' ').trim());

/** A platform card by the spec's rules, over `models` of that platform. */
function card(models) {
  const best = models.reduce((b, m) =>
    m.accuracy > b.accuracy || (m.accuracy === b.accuracy && (m.cpq ?? Infinity) < (b.cpq ?? Infinity)) ? m : b,
  );
  const priced = models.filter((m) => m.cpq > 0);
  return {
    models: models.length,
    best: pct(Math.max(...models.map((m) => m.accuracy))),
    median: pct(median(models.map((m) => m.accuracy))),
    latency: `${thousands(median(models.map((m) => m.latencyP50).filter((x) => x > 0)))} ms`,
    ttft: `${thousands(median(models.map((m) => m.ttftP50).filter((x) => x !== null)))} ms`,
    cheapest: usdPerQuery(Math.min(...priced.map((m) => m.cpq))),
    bestLabel: best.label,
  };
}

async function shown(page, platform) {
  const sel = `[data-testid=card-${platform}]`;
  const stat = (name) => text(page, `${sel} [data-stat=${name}]`);
  return {
    meta: await text(page, `${sel} .meta`),
    best: await stat('best-accuracy'),
    median: await stat('median-accuracy'),
    latency: await stat('median-latency'),
    ttft: await stat('median-ttft'),
    cheapest: await stat('cheapest'),
    bestLine: await text(page, `${sel} [data-testid=platform-best]`),
  };
}

test('#/platforms: the two cards, as the original computed them and without failed models', async () => {
  const models = publishedModels(site.dist);
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#/platforms`);
  await page.waitForSelector('[data-testid=card-baseten] [data-stat=best-accuracy]');

  for (const [platform, name] of [['fireworks', 'Fireworks'], ['baseten', 'Baseten']]) {
    const want = card(models.filter((m) => m.platform === name));
    const got = await shown(page, platform);
    assert.match(got.meta, new RegExp(`^${want.models} models · 25-question gold set`), platform);
    assert.equal(got.best, want.best, `${platform} best`);
    assert.equal(got.median, want.median, `${platform} median`);
    assert.equal(got.latency, want.latency, `${platform} latency`);
    assert.equal(got.ttft, want.ttft, `${platform} TTFT`);
    assert.ok(got.cheapest.startsWith(want.cheapest), `${platform} cheapest: ${got.cheapest}`);
    assert.match(got.bestLine, new RegExp(`★ Best: ${want.bestLabel} `), platform);
  }
  // The spec's [now] figures, as a cross-check of the JS above.
  assert.equal((await shown(page, 'baseten')).median, '82%');
  assert.equal((await shown(page, 'fireworks')).best, '92%');
  // Fireworks' best wins a 92 % tie only on a proxied cost: said so.
  await page.waitForSelector('[data-testid=card-fireworks] [data-testid=best-by-estimate]');

  // The honest variant: failed models left out; the URL carries it.
  await page.click('[data-testid=exclude-fatal]');
  await page.waitForFunction(() => location.hash === '#/platforms?fatal=exclude');
  const honest = card(models.filter((m) => m.platform === 'Baseten' && !m.fatal));
  await page.waitForFunction((n) => document.querySelector('[data-testid=card-baseten] .meta').textContent.startsWith(`${n} models`), honest.models);
  const bt = await shown(page, 'baseten');
  assert.equal(bt.median, honest.median);
  assert.equal(bt.median, '86%');
  assert.equal(bt.ttft, honest.ttft);
  await page.reload();
  await page.waitForSelector('[data-testid=card-baseten] [data-stat=median-accuracy]');
  assert.equal(await page.isChecked('[data-testid=exclude-fatal]'), true);
  assert.equal((await shown(page, 'baseten')).median, '86%');
  assert.deepEqual(problems, []);
  await page.close();
});

test('#/platforms: best vs best, the paired test, provenance and probed-unavailable models', async () => {
  const models = publishedModels(site.dist);
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#platform`);
  await page.waitForFunction(() => location.hash === '#/platforms');
  await page.waitForSelector('[data-testid=best-vs-best] tbody tr');
  const fw = card(models.filter((m) => m.platform === 'Fireworks')).bestLabel;
  const bt = card(models.filter((m) => m.platform === 'Baseten')).bestLabel;
  assert.equal(await text(page, '[data-testid=bvb-left]'), `Fireworks · ${fw}`);
  assert.equal(await text(page, '[data-testid=bvb-right]'), `Baseten · ${bt}`);
  const rows = await page.$$eval('[data-testid=best-vs-best] tbody tr', (trs) =>
    trs.map((tr) => [tr.dataset.metric, [...tr.querySelectorAll('td')].map((td) => td.dataset.win)]),
  );
  assert.equal(rows.length, 8);
  const winner = Object.fromEntries(rows.map(([m, w]) => [m, w[0] === 'true' ? 'left' : w[1] === 'true' ? 'right' : null]));
  assert.equal(winner['Accuracy'], 'right');
  assert.equal(winner['JSON OK rate'], null, 'equal values: no winner');
  assert.equal(winner['$ per query'], 'right');
  assert.equal(winner['In tokens (mean)'], 'left');
  assert.match(await text(page, '[data-testid=best-vs-best] tr[data-metric="$ per query"]'), /est\./);
  // 92 % vs 96 % on 25 questions: not a real difference.
  const a = models.find((m) => m.label === fw);
  const b = models.find((m) => m.label === bt);
  const onlyA = [...a.results].filter(([q, c]) => c && b.results.get(q) === false).length;
  const onlyB = [...b.results].filter(([q, c]) => c && a.results.get(q) === false).length;
  const paired = await text(page, '[data-testid=bvb-paired]');
  assert.match(paired, new RegExp(`Not a real difference at 25 questions: A alone was right on ${onlyA}, B alone on ${onlyB}`));
  assert.match(await text(page, '[data-testid=bvb-intervals]'), /gpt-oss-120b 96% \(80–99%\)/);

  const unavailable = probedUnavailable(site.dist);
  const listed = await page.$$eval('[data-testid=unavailable]', (lis) => lis.map((li) => [li.dataset.model, li.textContent]));
  assert.deepEqual(listed.map(([m]) => m), unavailable.map((u) => u.model));
  for (const [, t] of listed) assert.match(t, /on Fireworks: not found \(404\)/);
  assert.equal(await page.locator('[data-testid=provenance]').count(), 2);
  assert.deepEqual(problems, []);
  await page.close();
});

test('#/platforms fits a phone-width screen', async () => {
  const page = await site.browser.newPage({ viewport: { width: 380, height: 800 } });
  await page.goto(`${site.server.url}#/platforms`);
  await page.waitForSelector('[data-testid=best-vs-best] tbody tr');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal page scroll at 380 px (overflow ${overflow}px)`);
  const card = await (await page.$('[data-testid=card-baseten]')).boundingBox();
  assert.ok(card.width <= 380, `cards fit the screen (${card.width}px)`);
  await page.close();
});
