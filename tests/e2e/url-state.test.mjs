// Shareable state, audited on every view the nav lists (including views added
// later): a view's URL survives loading it (URL → state → URL is the identity),
// every control that holds view state — selects, sliders, number fields,
// checkboxes, sortable column headers — writes its state into the URL when
// changed, and reloading that URL restores the control and keeps the URL.
//
// A view may write its defaults into the URL when it loads (canonical form); loading
// that canonical URL must then keep it unchanged.
//
// A control whose state deliberately stays out of the URL (an API key, a file
// picker, free text) carries `data-no-url`; password, file and text inputs are
// skipped anyway.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './browser.mjs';
import { useSite } from './site.mjs';

const site = useSite();

/** The controls of the current view that hold state, in document order. */
const CONTROLS = [
  'main select',
  'main input[type=range]',
  'main input[type=number]',
  'main input[type=checkbox]',
  'main input[type=radio]',
  'main th button[data-sort]',
].map((s) => `${s}:not([data-no-url]):not([disabled])`).join(', ');

/** Waits until nothing in the view is loading. */
async function settle(page) {
  await page.waitForFunction(() => document.querySelector('main')?.children.length > 0);
  await page.waitForFunction(() => !document.querySelector('main [aria-busy=true]'), null, { timeout: 60_000 });
  await page.waitForTimeout(200);
}

/** Every control's state, for comparison before and after a reload. */
async function snapshot(page) {
  return page.$$eval(CONTROLS, (els) =>
    els.map((el) => {
      if (el.tagName === 'BUTTON') return `sort:${el.closest('th')?.getAttribute('aria-sort')}`;
      if (el.type === 'checkbox' || el.type === 'radio') return `checked:${el.checked}`;
      return `value:${el.value}`;
    }));
}

/** Changes control `i` to another state; returns a description, or null if it cannot change. */
async function change(page, i) {
  return page.$$eval(CONTROLS, (els, i) => {
    const el = els[i];
    const name = `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : el.dataset.sort ? `[sort=${el.dataset.sort}]` : el.name ? `[${el.name}]` : ''}`;
    const fire = () => {
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    };
    if (el.tagName === 'BUTTON' || el.type === 'checkbox' || el.type === 'radio') {
      if (el.type === 'radio' && el.checked) return null;
      el.click();
      return name;
    }
    if (el.tagName === 'SELECT') {
      const other = [...el.options].find((o) => !o.disabled && o.value !== el.value);
      if (!other) return null;
      el.value = other.value;
      fire();
      return `${name}=${other.value}`;
    }
    // Sliders and number fields: move one step, towards the middle of the range.
    const step = Number(el.step) > 0 ? Number(el.step) : 1;
    const v = Number(el.value);
    const max = el.max === '' ? Infinity : Number(el.max);
    const next = v + step <= max ? v + step : v - step;
    el.value = String(next);
    fire();
    return `${name}=${next}`;
  }, i);
}

/** The nav's routes (`#/sweep`, …). */
async function routes(page) {
  await page.goto(site.server.url);
  await page.waitForSelector('nav a');
  return page.$$eval('nav[aria-label=Views] a', (as) => as.map((a) => a.getAttribute('href')));
}

test('URL state round-trips on every view', async (t) => {
  const { page, problems } = await openPage(site.browser);
  const hrefs = await routes(page);
  assert.ok(hrefs.length >= 3, `nav lists the views: ${hrefs}`);
  for (const href of hrefs) {
    await t.test(href, async () => {
      await page.goto(`${site.server.url}${href}`);
      await settle(page);
      const canonical = await page.evaluate(() => location.hash);
      assert.ok(canonical.startsWith(href), `${href} stays on its view (${canonical})`);
      if (canonical !== href) {
        await page.reload();
        await settle(page);
        assert.equal(await page.evaluate(() => location.hash), canonical, `${href}: the canonical URL ${canonical} is stable`);
      }
      const n = await page.locator(CONTROLS).count();
      for (let i = 0; i < n; i++) {
        const before = await page.evaluate(() => location.hash);
        const what = await change(page, i);
        if (what === null) continue;
        await page.waitForFunction((h) => location.hash !== h, before, { timeout: 5_000 }).catch(() => {
          throw new Error(`${href}: changing ${what} did not change the URL (${before}); view state must live in the URL, or mark the control data-no-url`);
        });
        await settle(page);
        const url = await page.evaluate(() => location.hash);
        const state = await snapshot(page);
        await page.reload();
        await settle(page);
        assert.equal(await page.evaluate(() => location.hash), url, `${href}: the URL after ${what} survives a reload`);
        assert.deepEqual(await snapshot(page), state, `${href}: ${what} is restored from the URL ${url}`);
      }
    });
  }
  assert.deepEqual(problems, []);
  await page.close();
});

/** Hand-written shared links: each opens with its state and keeps its URL. */
const LINKS = [
  ['#/sweep?platform=baseten&sort=latency_p50:desc', async (page) => {
    assert.equal(await page.inputValue('[data-testid=platform-filter]'), 'baseten');
    assert.match(await page.textContent('th[aria-sort=descending]'), /Latency p50/);
  }],
  ['#/quality?by=platform', async (page) => {
    assert.equal(await page.inputValue('[data-testid=taxonomy-grouping]'), 'platform');
    assert.equal(await page.locator('[data-testid=table-quality-taxonomy-platform] tbody tr').count(), 2);
  }],
  ['#/roadmap?target_ms=2500', async (page) => {
    assert.equal(await page.textContent('[data-testid=latency-target]'), '2,500 ms');
  }],
];

test('shared links open with their state and keep their URL', async (t) => {
  const { page, problems } = await openPage(site.browser);
  const hrefs = await routes(page);
  for (const [link, check] of LINKS) {
    const route = link.split('?')[0];
    await t.test(link, { skip: !hrefs.includes(route) && `${route} is not in this build` }, async () => {
      await page.goto(`${site.server.url}${link}`);
      await settle(page);
      await check(page);
      assert.equal(await page.evaluate(() => location.hash), link);
    });
  }
  assert.deepEqual(problems, []);
  await page.close();
});
