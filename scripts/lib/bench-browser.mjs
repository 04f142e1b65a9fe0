// The browser's harness fidelity through #/run (issue 5's "Browser at 1 and 6"):
// against the fixture provider with a known first-token delay, a load test of the
// fixture model at one concurrency per page (1, then 6), driven through the page's
// own form. Prints, per level, measured − configured TTFT (p50/p99 over the measured
// calls of the exported sweep, warm-ups excluded) and CPU per call: the page's own
// harness time (request building, stream parsing, the engine — from performance.now()
// busy time) and the main thread's total task time from the CDP Performance metrics
// (also rendering and reactive updates). A report, not a test.
//
// Usage: node scripts/lib/bench-browser.mjs DIST [CALLS [DELAY_MS [LEVELS]]]
import { readFileSync } from 'node:fs';
import { startServer } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';
import { startFixture } from '../../tests/e2e/fixture.mjs';

const [dist, callsArg, delayArg, levelsArg] = process.argv.slice(2);
const calls = Number(callsArg ?? 100);
const delay = Number(delayArg ?? 200);
const levels = (levelsArg ?? '1,6').split(',').map(Number);
const KEY = 'sk-bench-browser-4f1c7a2e9d';
const QUESTIONS = 25;

/// Linear interpolation between order statistics (core's `stats::quantile`).
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

const metric = (m, name) => m.metrics.find((x) => x.name === name)?.value ?? 0;
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '—');

// The fixture answers every question with `SELECT 1` (no gold files), so SQL in the
// worker costs next to nothing and the figures are the harness's.
const fixture = await startFixture([], { lifetimeS: 1800 });
const site = await startServer(dist);
const browser = await launch();
const rows = [];
try {
  for (const c of levels) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const rounds = Math.max(1, Math.ceil(calls / QUESTIONS));
    const q = new URLSearchParams({
      provider: 'custom', base: fixture.base, models: `ttft-${delay}`,
      schedule: 'load', levels: String(c), rounds: String(rounds), warmup: String(c),
    });
    await page.goto(`${site.url}#/run?${q}`);
    await page.waitForSelector('[data-testid=run-form]');
    await page.fill('[data-testid=api-key]', KEY);
    // Chinook loaded before the clock starts.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    const before = await cdp.send('Performance.getMetrics');
    const t0 = Date.now();
    await page.click('[data-testid=start]');
    await page.waitForFunction(
      () => ['finished', 'stopped', 'failed'].includes(document.querySelector('[data-testid=progress-card]')?.dataset.state),
      null, { timeout: 1_200_000, polling: 500 },
    );
    const wall = Date.now() - t0;
    const after = await cdp.send('Performance.getMetrics');
    const state = await page.getAttribute('[data-testid=progress-card]', 'data-state');
    if (state !== 'finished') throw new Error(`the c=${c} run ended ${state}: ${await page.textContent('[data-testid=progress-card]')}`);
    const harness = await page.$eval('[data-testid=harness-cpu]', (el) => ({ perCall: Number(el.dataset.msPerCall), calls: Number(el.dataset.calls) }));
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-shown]')]);
    const sweep = JSON.parse(readFileSync(await dl.path(), 'utf8'));
    const traces = sweep.models.flatMap((m) => m.traces);
    const measured = traces.filter((t) => !t.load?.warmup);
    const answered = measured.filter((t) => t.timing?.ttft_ms != null);
    const errors = answered.map((t) => t.timing.ttft_ms - delay);
    const attempts = traces.length;
    const taskMs = (metric(after, 'TaskDuration') - metric(before, 'TaskDuration')) * 1000;
    const scriptMs = (metric(after, 'ScriptDuration') - metric(before, 'ScriptDuration')) * 1000;
    rows.push({
      c, measured: measured.length, failed: measured.length - answered.length, warmup: traces.length - measured.length,
      p50: quantile(errors, 0.5), p99: quantile(errors, 0.99), min: Math.min(...errors), max: Math.max(...errors),
      harness: harness.perCall, task: taskMs / attempts, script: scriptMs / attempts, wall,
    });
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
  await fixture.stop();
}

console.log(`\nBrowser harness fidelity through #/run: fixture first token after ${delay} ms, headless Chromium, ${dist}`);
console.log(`  ${'c'.padStart(3)} ${'calls'.padStart(6)} ${'failed'.padStart(7)} ${'TTFT err p50'.padStart(13)} ${'p99'.padStart(8)} ${'min'.padStart(7)} ${'max'.padStart(8)} ${'harness ms/call'.padStart(16)} ${'main-thread ms/call'.padStart(20)} ${'script ms/call'.padStart(15)} ${'wall s'.padStart(7)}`);
for (const r of rows) {
  console.log(`  ${String(r.c).padStart(3)} ${String(r.measured).padStart(6)} ${String(r.failed).padStart(7)} ${f1(r.p50).padStart(13)} ${f1(r.p99).padStart(8)} ${f1(r.min).padStart(7)} ${f1(r.max).padStart(8)} ${f2(r.harness).padStart(16)} ${f2(r.task).padStart(20)} ${f2(r.script).padStart(15)} ${(r.wall / 1000).toFixed(1).padStart(7)}`);
}
console.log('  TTFT err: measured − configured first-token delay per measured call (warm-ups excluded), ms.');
console.log('  harness: the page\'s own busy time per HTTP attempt (performance.now() around request building, stream parsing, the engine).');
console.log('  main-thread / script: CDP Performance TaskDuration / ScriptDuration of the page per attempt (includes rendering and reactive updates; not the SQLite worker).');
