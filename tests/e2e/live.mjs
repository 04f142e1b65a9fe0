// Helpers for driving #/live in headless Chromium: open it against an endpoint,
// configure the sides, run both, and read what each side and the activity log show.
import assert from 'node:assert/strict';

/// Opens #/live for a custom endpoint, waits for Chinook, and types the key.
export async function openLive(page, siteUrl, { base, key, a = 'ok', as = 'agent', b = 'ok', bs = 'baseline', q = 'q_001' }) {
  const params = new URLSearchParams({ provider: 'custom', base, a, as, b, bs, q });
  await page.goto(`${siteUrl}#/live?${params}`);
  await page.waitForSelector('[data-testid=db-status][data-state=ready]', { timeout: 120_000 });
  await page.waitForSelector('[data-testid=question] option[value=q_001]', { state: 'attached' });
  if (key !== undefined) await page.fill('[data-testid=api-key]', key);
}

/// Sets a side's model (custom endpoint: a text field) and strategy.
export async function setSide(page, side, { model, strategy }) {
  const config = page.locator(`[data-testid=config-${side}]`);
  if (model !== undefined) await config.locator('[data-testid=model]').fill(model);
  if (strategy !== undefined) await config.locator(`button[data-strategy=${strategy}]`).click();
}

/// Clicks "Run both" (unless `click` is false) and waits until both sides are done.
export async function runBoth(page, { timeout = 60_000, click = true } = {}) {
  if (click) await page.click('[data-testid=run-both]');
  const error = page.locator('[data-testid=run-error]');
  for (const s of ['a', 'b']) {
    await page.waitForFunction(
      (sel) => {
        const el = document.querySelector(sel);
        return el && (el.dataset.state === 'done' || el.dataset.state === 'broken');
      },
      `[data-testid=side-${s}]`,
      { timeout },
    ).catch(async (e) => {
      const why = (await error.count()) ? await error.textContent() : 'no run error shown';
      throw new Error(`side ${s} did not finish: ${e.message} (${why})`);
    });
  }
}

/// What a side shows once done.
export async function side(page, s) {
  return page.$eval(`[data-testid=side-${s}]`, (el) => {
    const t = (id) => el.querySelector(`[data-testid=${id}]`)?.textContent ?? null;
    const d = (id, k) => el.querySelector(`[data-testid=${id}]`)?.dataset[k] ?? null;
    return {
      state: el.dataset.state,
      outcome: d('status', 'outcome'),
      status: t('status'),
      advice: t('advice'),
      stream: t('stream'),
      reasoning: t('reasoning'),
      sql: t('sql'),
      ttft: t('ttft'),
      latency: t('latency'),
      tokens: t('tokens'),
      cost: t('cost'),
      costEstimate: d('cost', 'estimate'),
      verdict: d('verdict', 'match'),
      repairs: Number(d('calls', 'repairs')),
      attempts: Number(d('calls', 'attempts')),
      rowsTotal: d('rows', 'total'),
      text: el.textContent,
    };
  });
}

/// Activity log entries, newest first.
export async function activity(page) {
  return page.$$eval('[data-testid=activity] li[data-id]', (lis) =>
    lis.map((li) => ({
      id: Number(li.dataset.id),
      origin: li.dataset.origin,
      outcome: li.dataset.outcome,
      status: li.dataset.status,
      attempt: Number(li.dataset.attempt),
      text: li.textContent,
    })),
  );
}

/// Entries added since `before` (a list from `activity`).
export async function newActivity(page, before) {
  const seen = new Set(before.map((e) => e.id));
  return (await activity(page)).filter((e) => !seen.has(e.id));
}

/// Everything a page holds that a key could leak into: storage, URL, markup, text.
export async function pageSurfaces(page) {
  return page.evaluate(() => {
    const dump = (s) => JSON.stringify(Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)])));
    return {
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      url: location.href,
      html: document.documentElement.outerHTML,
      text: document.body.innerText,
      title: document.title,
      cookies: document.cookie,
    };
  });
}

export function assertNoKey(surfaces, key, what) {
  for (const [name, value] of Object.entries(surfaces)) {
    assert.ok(!String(value).includes(key), `${what}: the key appears in ${name}`);
  }
}
