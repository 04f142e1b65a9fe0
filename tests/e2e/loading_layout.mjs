// Layout stability while data loads: the data files are held back for a while, and the
// view must already reserve (roughly) the space its figures will take.
import assert from 'node:assert/strict';
import { openPage } from './browser.mjs';

const DELAY_MS = 3000;

/**
 * Cumulative layout shift (visible viewport) caused inside the view: shifts whose
 * moved elements lie in `main section`. (The shell's own shifts — the header — are
 * the layout audit's business, not this view's.)
 */
const cls = (page) =>
  page.evaluate(() => new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const inView = (e.sources ?? []).some((s) => s.node?.closest?.('main section'));
        if (!e.hadRecentInput && inView) total += e.value;
      }
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(total), 300);
  }));

/** Section headings, by their offset from the top of the view. */
const headings = (page) =>
  page.$$eval('main section h2', (hs) => {
    const top = document.querySelector('main section').getBoundingClientRect().top;
    return hs.map((h) => [h.textContent, Math.round(h.getBoundingClientRect().top - top)]);
  });

/**
 * Opens `url` with every data file delayed, waits for `ready` (a selector true once the
 * data is in), and asserts that the visible page did not shift and that no section
 * heading moved by more than `tolerance` of its position.
 */
export async function assertStableWhileLoading(browser, url, ready, { width = 1280, tolerance = 0.12 } = {}) {
  const { page } = await openPage(browser);
  await page.setViewportSize({ width, height: 900 });
  await page.route('**/data/*.json', async (route) => {
    await new Promise((r) => setTimeout(r, DELAY_MS));
    await route.continue();
  });
  await page.goto(url);
  await page.waitForSelector('main section h1', { timeout: 120_000 });
  const before = await headings(page);
  await page.waitForSelector(ready, { timeout: 120_000 });
  await page.waitForTimeout(500);
  const after = await headings(page);
  assert.deepEqual(after.map((h) => h[0]), before.map((h) => h[0]), 'the same sections while loading and loaded');
  for (const [[name, y0], [, y1]] of before.map((b, i) => [b, after[i]])) {
    assert.ok(Math.abs(y1 - y0) <= tolerance * y0, `“${name}” moved from ${y0}px to ${y1}px at ${width}px wide`);
  }
  const shift = await cls(page);
  assert.ok(shift < 0.05, `cumulative layout shift ${shift.toFixed(3)} at ${width}px wide`);
  await page.close();
}
