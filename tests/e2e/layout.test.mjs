// Layout and keyboard, on every view the nav lists: no layout shift while the data
// loads (held back by the server, so the page is seen loading), no sideways
// scrolling at phone width (tables scroll inside their frames), a skip link, and
// visible keyboard focus. Screenshots at 390 and 1280 px are written to
// $SQLSWEEP_SCREENSHOTS (default: a temp directory) for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from './server.mjs';
import { openPage } from './browser.mjs';
import { useSite } from './site.mjs';
import { trackLayoutShift, layoutShift } from './page_helpers.mjs';

/** "Good" cumulative layout shift, as Core Web Vitals define it. */
const CLS_GOOD = 0.1;
const WIDTHS = [390, 1280];
const SHOTS = process.env.SQLSWEEP_SCREENSHOTS ?? path.join(os.tmpdir(), 'sqlsweep-screenshots');

const site = useSite();
/** The same site with every response held back 800 ms, so the page is seen loading. */
let slow;

before(async () => {
  slow = await startServer(site.dist, { delayMs: 800 });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await slow?.close();
});

async function settle(page) {
  await page.waitForFunction(() => document.querySelector('main')?.children.length > 0);
  await page.waitForFunction(() => !document.querySelector('main [aria-busy=true]'), null, { timeout: 60_000 });
  await page.waitForTimeout(300);
}

async function navRoutes() {
  const { page } = await openPage(site.browser);
  await page.goto(site.server.url);
  await page.waitForSelector('nav a');
  const hrefs = await page.$$eval('nav[aria-label=Views] a', (as) => as.map((a) => a.getAttribute('href')));
  await page.close();
  return hrefs;
}

test('every view: no layout shift while data loads, no sideways scrolling at phone width', async (t) => {
  for (const href of await navRoutes()) {
    for (const width of WIDTHS) {
      await t.test(`${href} at ${width}px`, async () => {
        const { page, problems } = await openPage(site.browser);
        await page.setViewportSize({ width, height: 900 });
        await trackLayoutShift(page);
        await page.goto(`${slow.url}${href}`);
        await settle(page);
        const cls = await layoutShift(page);
        assert.ok(cls < CLS_GOOD, `${href} at ${width}px: cumulative layout shift ${cls.toFixed(3)} (good is < ${CLS_GOOD})`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${href} at ${width}px: the page is ${overflow}px wider than the window`);
        const name = `${href.replace(/[^a-z0-9]+/gi, '_').replace(/^_+|_+$/g, '')}-${width}.png`;
        await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
        assert.deepEqual(problems, []);
        await page.close();
      });
    }
  }
});

test('keyboard: skip link first, focus visible, views reachable from the nav', async () => {
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}#/quality`);
  await settle(page);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  assert.ok(await page.evaluate(() => document.activeElement.getBoundingClientRect().top >= 0), 'the skip link shows when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main', 'focus moves to the content');
  assert.equal(await page.evaluate(() => location.hash), '#/quality', 'the skip link leaves the route alone');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.querySelector('main').contains(document.activeElement)), 'next stop is inside the content');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'keyboard focus is visible');

  // From the top, Tab reaches every nav link in order; Enter opens the view.
  // A fresh document, so the sequential-focus starting point is the top of the page
  // (a same-document hash change would keep it inside the previous view's content).
  await page.goto('about:blank');
  await page.goto(`${site.server.url}#/sweep`);
  await settle(page);
  const nav = await page.$$eval('nav[aria-label=Views] a', (as) => as.map((a) => a.getAttribute('href')));
  const last = nav[nav.length - 1];
  const reached = [];
  for (let i = 0; i < nav.length + 10 && !reached.includes(last); i++) {
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement.closest('nav') && document.activeElement.getAttribute('href'));
    if (href) reached.push(href);
  }
  assert.deepEqual(reached, nav, 'every view is reachable by Tab, in nav order');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
  await page.keyboard.press('Enter');
  await page.waitForFunction((h) => location.hash.startsWith(h), last);

  // Question cards are links: reachable by Tab, opened with Enter.
  await page.goto(`${site.server.url}#/quality`);
  await settle(page);
  await page.focus('[data-testid=question-card][data-qid=q_002]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash.startsWith('#/live?') && new URLSearchParams(location.hash.split('?')[1]).get('q') === 'q_002');
  assert.deepEqual(problems, []);
  await page.close();
});
