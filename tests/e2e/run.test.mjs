// End to end: #/run in headless Chromium against the fixture provider on 127.0.0.1 —
// a sweep of the 25 gold questions × 2 fixture models with progress and harness
// calibration; the same traces scored by the CLI (`sqlsweep verify`, and a CLI sweep
// of the same models) with identical results; export → import round trip; the run
// in #/sweep labelled as yours; a reload mid-run that resumes without redoing or
// duplicating finished traces; a load test flagged browser-limited above six
// connections; and the key nowhere in storage, URL, DOM, console or exports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer } from './server.mjs';
import { launch, openPage, distDir, ROOT } from './browser.mjs';
import { startFixture } from './fixture.mjs';
import {
  openRun, progress, waitForEnd, results, download, storageDump, scratch, answersOverride,
  cli, scoredTraces, runState,
} from './run.mjs';

const KEY = 'sk-fixture-run-e2e-5c1d8e0b7a93';
const DATA = path.join(ROOT, 'data', 'cache');
const MODEL_A = 'ttft-40+gap-3';
// B's responses carry Timing-Allow-Origin, so the page can read their HTTP protocol.
const MODEL_B = 'ttft-60+chunk-20+usage-fireworks+timing-allow';
let dist, site, fixture, browser, dir, wrong;
const consoleLines = [];
const exported = [];
let sweepFile; // the first test's export, for the later tests

before(async () => {
  dist = distDir();
  site = await startServer(dist);
  dir = scratch();
  const answers = answersOverride(dir, DATA);
  wrong = answers.wrong;
  fixture = await startFixture([
    '--key', KEY,
    '--gold', path.join(DATA, 'dev_questions_with_answers.json'), path.join(DATA, 'synthetic_questions.json'),
    '--answers', answers.file,
  ]);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await fixture?.stop();
});

/// A fresh browser context (its own storage) with a page that keeps its console.
async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    consoleLines.push(m.text());
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    consoleLines.push(e.message);
    problems.push(`page error: ${e.message}`);
  });
  return { context, page, problems };
}

async function assertKeyNowhere(page, where) {
  assert.ok(!page.url().includes(KEY), `${where}: key in the URL`);
  const html = await page.evaluate(() => document.documentElement.outerHTML);
  assert.ok(!html.includes(KEY), `${where}: key in the DOM`);
  const field = await page.$$eval('[data-testid=api-key]', (els) => els.map((el) => el.getAttribute('value')));
  assert.ok(field.every((v) => v === null), `${where}: the key field has no value attribute`);
  for (const item of await storageDump(page)) assert.ok(!item.includes(KEY), `${where}: key in storage: ${item.slice(0, 80)}`);
}

test('a sweep of 25 questions × 2 models: progress, calibration, results, CLI agreement, export/import, #/sweep', async () => {
  const { context, page, problems } = await freshPage();
  await openRun(page, site.url, {
    base: fixture.base,
    models: `${MODEL_A},${MODEL_B}`,
    calibrate: '1',
    cal_calls: '12',
  }, { key: KEY });
  await page.fill('[data-testid=rate-in]', '0.5');
  await page.press('[data-testid=rate-in]', 'Tab');
  await page.fill('[data-testid=rate-out]', '1.5');
  await page.press('[data-testid=rate-out]', 'Tab');
  await page.click('[data-testid=start]');

  // Calibration first, then the run, whose progress grows while it runs.
  await page.waitForSelector('[data-testid=progress-card][data-state=running]', { timeout: 120_000 });
  const seen = new Set();
  let midway = null;
  for (let i = 0; i < 400 && (await runState(page)) === 'running'; i++) {
    const p = await progress(page);
    if (p) {
      seen.add(p.done);
      if (!midway && p.done >= 10 && p.done < 50) midway = p;
    }
    await page.waitForTimeout(50);
  }
  assert.equal(await waitForEnd(page), 'finished');
  assert.ok(seen.size >= 5, `progress was seen growing (${[...seen].sort((a, b) => a - b).join(', ')})`);
  assert.ok(midway, 'progress seen mid-run');
  assert.equal(midway.total, 50);
  assert.match(midway.line, /^\d+\/50 \(\d+%\)/);
  assert.ok(midway.eta !== null, 'an ETA once traces finish');
  assert.equal(midway.models.length, 2);
  assert.ok(midway.models.some((m) => /% correct/.test(m.text)), 'live per-model accuracy');
  const end = await progress(page);
  assert.equal(end.done, 50);

  const r = await results(page);
  assert.match(r.label, /^your run · one-shot on 127\.0\.0\.1:\d+ · \d\d:\d\d:\d\d$/);
  assert.deepEqual(r.summary.map((s) => [s.model, s.correct, s.n]), [[MODEL_A, 23, 25], [MODEL_B, 23, 25]]);
  assert.match(r.summary[0].accuracy, /^92% \(\d+–\d+%\)$/, 'accuracy with its interval');
  assert.match(r.summary[0].cost, /^\$0\.\d{6}$/, 'priced at the typed rate');
  // Calibration: the 200 ms fixture delay measured a little late, never early by much.
  const p50 = Number(r.calibration.p50);
  assert.ok(p50 > -5 && p50 < 200, `calibration p50 ${p50}`);
  assert.match(r.calibration.text, /200 ms after the request/);
  assert.ok(Number(r.harness) > 0, 'harness CPU per call shown');
  // One level (sequential = concurrency 1), 25 calls: indicative, never browser-limited.
  assert.deepEqual(r.load.map((l) => [l.model, l.concurrency, l.indicative, l.browserLimited]), [[MODEL_A, 1, true, false], [MODEL_B, 1, true, false]]);
  assert.match(r.load[0].errors, /1× SQL error/);

  // Export: our schema, every trace, the calibration, no key.
  const file = await download(page, '[data-testid=export-shown]');
  exported.push(file.text);
  assert.match(file.name, /^sqlsweep-your-run-one-shot-on-127-0-0-1-\d+-\d\d-\d\d-\d\d\.json$/);
  const sweep = JSON.parse(file.text);
  sweepFile = path.join(dir, 'browser.json');
  writeFileSync(sweepFile, file.text);
  assert.equal(sweep.schema, 'sqlsweep.sweep');
  assert.deepEqual(sweep.run.source, { kind: 'own' });
  assert.equal(sweep.run.calibration.configured_ttft_ms, 200);
  assert.ok(sweep.run.calibration.samples >= 12);
  assert.match(sweep.run.user_agent, /Mozilla\/5\.0/);
  assert.equal(sweep.run.http_protocol, 'http/1.1', 'nextHopProtocol, once a response allowed it');
  assert.equal(sweep.models.reduce((n, m) => n + m.traces.length, 0), 50);
  for (const m of sweep.models) {
    for (const id of wrong) assert.equal(m.traces.find((t) => t.qid === id).correct, false, `${m.model} ${id}`);
  }

  // `sqlsweep verify` re-executes and re-scores the browser's traces natively: all agree.
  const v = cli(['verify', '--json', sweepFile]);
  assert.equal(v.status, 0, v.stderr || v.stdout);
  const report = JSON.parse(v.stdout.trim().split('\n')[0]);
  assert.equal(report.traces, 50);
  assert.equal(report.scores_agree, 50);
  assert.equal(report.rows_reproduced, report.rows_checked);
  assert.equal(report.errors_reproduced, report.errors_checked);
  assert.ok(report.errors_checked >= 2, 'the failing SQL was recorded and re-checked');
  assert.deepEqual(report.disagreements, []);
  // Per model: the CLI re-scores to exactly the verdicts the browser recorded, and its
  // totals are the browser's summary (correct of n, as shown on the page).
  const perModel = (rows) => rows.slice().sort((x, y) => x[0].localeCompare(y[0]));
  assert.deepEqual(
    perModel(report.models.map((m) => [m.model, m.traces, m.correct_recorded, m.correct_recomputed])),
    perModel(r.summary.map((s) => [s.model, s.n, s.correct, s.correct])),
    'sqlsweep verify and the browser summary agree per model',
  );

  // The CLI's own sweep of the same models on the same fixture scores every trace the same.
  const cliOut = path.join(dir, 'cli.json');
  const c = cli(['sweep', '--base-url', fixture.base, '--model', MODEL_A, '--model', MODEL_B, '--out', cliOut], { env: { SQLSWEEP_API_KEY: KEY } });
  assert.equal(c.status, 0, c.stderr);
  const cliSweep = JSON.parse((await import('node:fs')).readFileSync(cliOut, 'utf8'));
  const a = scoredTraces(sweep);
  const b = scoredTraces(cliSweep);
  assert.equal(a.size, 50);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [k, t] of a) assert.deepEqual(t, b.get(k), `browser and CLI differ on ${k}`);

  // Import the exported file: it joins the library and exports again byte for byte.
  await page.setInputFiles('[data-testid=import-input]', sweepFile);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=own-run]').length === 2);
  await page.click('[data-testid=own-run][data-kind=imported] [data-testid=show]');
  await page.waitForFunction(() => document.querySelector('[data-testid=own-run][data-kind=imported]')?.dataset.entry
    === document.querySelector('[data-testid=results-card]')?.dataset.entry);
  const imported = await page.$eval('[data-testid=results-card]', (el) => el.dataset.entry);
  const stored = await page.$$eval('[data-testid=own-run]', (lis) => lis.map((li) => [li.dataset.entry, li.dataset.kind, li.dataset.traces]));
  assert.deepEqual(stored.map((s) => s[1]).sort(), ['imported', 'stored']);
  assert.ok(stored.find((s) => s[1] === 'imported' && s[0] === imported), 'the import is shown');
  assert.equal(stored.find((s) => s[1] === 'imported')[2], '50');
  const again = await download(page, '[data-testid=export-shown]');
  exported.push(again.text);
  assert.equal(again.text, file.text, 'export → import → export is lossless');

  // A malformed import is refused with its name; nothing is lost.
  const bad = path.join(dir, 'broken.json');
  writeFileSync(bad, '{"schema": "sqlsweep.sweep", "version": 1, "run": ');
  await page.setInputFiles('[data-testid=import-input]', bad);
  await page.waitForSelector('[data-testid=import-error]');
  assert.match(await page.textContent('[data-testid=import-error]'), /broken\.json/);
  assert.equal(await page.$$eval('[data-testid=own-run]', (l) => l.length), 2);

  // #/sweep shows the run's models beside the published ones, labelled as yours.
  await page.click('[data-testid=to-sweep]');
  await page.waitForSelector(`[data-testid=sweep-matrix] tr[data-model="${MODEL_A}"]`);
  const row = await page.$eval(`[data-testid=sweep-matrix] tr[data-model="${MODEL_A}"]`, (tr) => ({
    source: tr.querySelector('[data-testid=source]')?.textContent,
    accuracy: tr.querySelector('[data-testid=accuracy]')?.textContent,
  }));
  assert.match(row.source, /^your run · one-shot/);
  assert.equal(row.accuracy, '92% (23/25)');
  assert.ok((await page.$$('[data-testid=sweep-matrix] tbody tr')).length >= 15 + 2, 'published models stay');

  // Reloading keeps the finished run in every view (from browser storage).
  await page.reload();
  await page.waitForSelector(`[data-testid=sweep-matrix] tr[data-model="${MODEL_B}"] [data-testid=source]`);

  await assertKeyNowhere(page, 'after the sweep');
  for (const text of exported) assert.ok(!text.includes(KEY), 'key in an export');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a reload mid-run resumes without redoing or duplicating finished traces', async () => {
  const { context, page, problems } = await freshPage();
  const params = { base: fixture.base, models: 'ttft-150+gap-2,ttft-120', label: 'resume check' };
  await openRun(page, site.url, params, { key: KEY });
  await page.fill('[data-testid=rate-in]', '0.9');
  await page.press('[data-testid=rate-in]', 'Tab');
  await page.fill('[data-testid=rate-out]', '0.9');
  await page.press('[data-testid=rate-out]', 'Tab');
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress]')?.dataset.done) >= 12, null, { timeout: 120_000 });
  await page.reload();
  // Whatever was in flight when the page went away is lost; what finished is saved.
  await fixture.reset();
  await page.waitForSelector('[data-testid=interrupted]');
  const saved = Number(await page.getAttribute('[data-testid=interrupted]', 'data-traces'));
  assert.ok(saved >= 12 && saved < 50, `${saved} traces saved before the reload`);
  assert.match(await page.textContent('[data-testid=interrupted]'), /A run was interrupted/);
  const savedKeys = new Set(await page.evaluate(() => {
    const out = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k.includes('.line.')) {
        const line = JSON.parse(localStorage.getItem(k));
        if (line.trace) out.push(`${line.model} ${line.trace.qid}`);
      }
    }
    return out;
  }));
  assert.equal(savedKeys.size, saved);
  // The key is never stored: paste it again, then resume.
  await page.fill('[data-testid=api-key]', KEY);
  await page.click('[data-testid=resume-interrupted]');
  assert.equal(await waitForEnd(page), 'finished');
  const p = await progress(page);
  assert.deepEqual([p.done, p.total, p.resumed], [50, 50, saved]);

  // The fixture saw exactly the unfinished questions, each once.
  const journal = await fixture.journal();
  const norm = (s) => s.split(/\s+/).filter(Boolean).join(' ').toLowerCase();
  const gold = new Map();
  for (const f of ['dev_questions_with_answers.json', 'synthetic_questions.json']) {
    for (const q of JSON.parse((await import('node:fs')).readFileSync(path.join(DATA, f), 'utf8'))) gold.set(norm(q.question), q.id);
  }
  const asked = journal.map((e) => `${e.model} ${gold.get(norm(e.question ?? ''))}`);
  assert.equal(asked.length, 50 - saved, 'only the remaining traces were requested');
  assert.equal(new Set(asked).size, asked.length, 'no question asked twice');
  for (const k of asked) assert.ok(!savedKeys.has(k), `${k} was finished before the reload and asked again`);

  const file = await download(page, '[data-testid=export-shown]');
  const sweep = JSON.parse(file.text);
  const keys = sweep.models.flatMap((m) => m.traces.map((t) => `${m.model} ${t.qid}`));
  assert.equal(keys.length, 50);
  assert.equal(new Set(keys).size, 50, 'no duplicated trace');
  assert.equal(sweep.run.label, 'resume check');
  // Traces from both pages are priced at the rates the run started with.
  const unpriced = sweep.models.flatMap((m) => m.traces).filter((t) => typeof t.cost_usd !== 'number');
  assert.equal(unpriced.length, 0, 'every trace has its cost');
  const list = await page.$$eval('[data-testid=own-run]', (lis) => lis.map((li) => [li.dataset.kind, li.dataset.state, li.dataset.traces]));
  assert.deepEqual(list, [['stored', 'finished', '50']]);
  await assertKeyNowhere(page, 'after the resume');
  assert.ok(!file.text.includes(KEY));
  assert.deepEqual(problems, []);
  await context.close();
});

test('cancel keeps finished traces; the stopped run resumes from the list; discard forgets it', async () => {
  const { context, page, problems } = await freshPage();
  await openRun(page, site.url, { base: fixture.base, models: 'ttft-100', questions: 'q_001..s_005' }, { key: KEY });
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress]')?.dataset.done) >= 3, null, { timeout: 60_000 });
  await page.click('[data-testid=cancel]');
  assert.equal(await waitForEnd(page), 'stopped');
  const stopped = await progress(page);
  assert.ok(stopped.done >= 3 && stopped.done < 15, `stopped at ${stopped.done}`);
  await page.waitForSelector('[data-testid=own-run][data-state=stopped] [data-testid=resume]');
  await page.click('[data-testid=own-run][data-state=stopped] [data-testid=resume]');
  assert.equal(await waitForEnd(page), 'finished');
  const p = await progress(page);
  assert.deepEqual([p.done, p.total], [15, 15]);
  assert.ok(p.resumed >= stopped.done);
  await page.click('[data-testid=own-run] [data-testid=remove]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=own-run]').length === 0);
  assert.deepEqual((await storageDump(page)).filter((i) => i.startsWith('sqlsweep.run.')), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a load test at 2 and 8: percentiles flagged indicative, 8 flagged browser-limited', async () => {
  const { context, page, problems } = await freshPage();
  await openRun(page, site.url, {
    base: fixture.base, models: 'ttft-300', questions: 'q_001..s_006', schedule: 'load', levels: '2,8', rounds: '1',
  }, { key: KEY });
  await page.waitForSelector('[data-testid=over-limit]');
  await page.click('[data-testid=start]');
  assert.equal(await waitForEnd(page), 'finished');
  const r = await results(page);
  assert.deepEqual(r.load.map((l) => [l.concurrency, l.indicative, l.browserLimited]), [[2, true, false], [8, true, true]]);
  assert.match(r.load[1].connections, /browser-limited.*waited for a connection/);
  assert.match(r.limitedNote, /sqlsweep load/);
  assert.match(r.load[0].calls, /^16/);
  const file = await download(page, '[data-testid=export-shown]');
  const sweep = JSON.parse(file.text);
  assert.deepEqual(sweep.run.schedule, { kind: 'load', steps: [{ concurrency: 2, rounds: 1 }, { concurrency: 8, rounds: 1 }], warmup: 0 });
  // The browser held at most six streams to the fixture at once.
  const journal = (await fixture.journal()).filter((e) => e.model === 'ttft-300');
  const events = journal.flatMap((e) => [[e.received_ms, 1], [e.end_ms ?? e.received_ms, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0, peak = 0;
  for (const [, d] of events) { open += d; peak = Math.max(peak, open); }
  assert.ok(peak <= 6, `peak ${peak} concurrent requests at the server`);
  await assertKeyNowhere(page, 'after the load test');
  assert.deepEqual(problems, []);
  await context.close();
});

test('agent protocol: retries with back-off, pacing between calls, a refused key named with advice', async () => {
  const { context, page, problems } = await freshPage();
  const flaky = 'fail-first-2+status-503+ttft-20';
  await openRun(page, site.url, {
    base: fixture.base, models: `${flaky},unauthorized`, protocol: 'agent', questions: 'q_004..q_006', pace: '300',
  }, { key: KEY });
  await page.click('[data-testid=start]');
  assert.equal(await waitForEnd(page), 'finished');
  const r = await results(page);
  assert.deepEqual(r.summary.map((x) => [x.model, x.correct, x.n]), [[flaky, 3, 3], ['unauthorized', 0, 3]]);
  assert.match(r.load[1].errors, /3× key refused \(401\/403\)/);
  const failure = await page.$eval('[data-testid=last-failure]', (el) => ({ outcome: el.dataset.outcome, text: el.textContent }));
  assert.equal(failure.outcome, 'unauthorized');
  assert.match(failure.text, /refused the key \(HTTP 401\)/);
  const file = await download(page, '[data-testid=export-shown]');
  const sweep = JSON.parse(file.text);
  assert.equal(sweep.run.protocol, 'agent');
  const first = sweep.models[0].traces.find((t) => t.qid === 'q_004');
  assert.deepEqual(first.attempts.map((a) => a.status), [503, 503, 200], 'two retries, then the answer');
  assert.ok(first.attempts[1].waited_ms >= 250 && first.attempts[2].waited_ms > first.attempts[1].waited_ms, 'exponential back-off');
  // Pacing: the fixture saw at least 300 ms between the end of one question's call and the next request.
  const journal = (await fixture.journal()).filter((e) => e.model === flaky && e.status === 200);
  assert.equal(journal.length, 3);
  for (let i = 1; i < journal.length; i++) {
    const gap = journal[i].received_ms - journal[i - 1].end_ms;
    assert.ok(gap >= 290, `gap ${gap} ms between paced calls`);
  }
  assert.ok(!file.text.includes(KEY));
  // The browser itself logs every non-2xx response; nothing else may appear.
  assert.deepEqual(problems.filter((p) => !/status of (401|503)/.test(p)), []);
  await context.close();
});

test('a model whose key is refused is stopped after the chosen number of calls; its other questions are skipped, not wrong', async () => {
  const { context, page, problems } = await freshPage();
  const ok = 'ttft-20';
  await openRun(page, site.url, { base: fixture.base, models: `unauthorized,${ok}`, questions: 'q_001..q_006', stop: '2' }, { key: KEY });
  assert.equal(await page.inputValue('[data-testid=stop-after]'), '2', 'the limit comes from the URL');
  const refused = async () => (await fixture.journal()).filter((e) => e.model === 'unauthorized').length;
  const before = await refused();
  await page.click('[data-testid=start]');
  assert.equal(await waitForEnd(page), 'finished');
  const r = await results(page);
  assert.deepEqual(r.summary.map((x) => [x.model, x.n]), [['unauthorized', 2], [ok, 6]], 'two refused calls, then no more');
  const stopped = await page.$$eval('[data-testid=stopped-model]', (ps) => ps.map((p) => [p.dataset.model, p.textContent]));
  assert.equal(stopped.length, 1);
  assert.equal(stopped[0][0], 'unauthorized');
  assert.match(stopped[0][1], /stopped unauthorized after 2 consecutive failures .*skipped 4 calls \(q_003, q_004, q_005, …\), not counted as answers/);
  const sweep = JSON.parse((await download(page, '[data-testid=export-shown]')).text);
  assert.deepEqual(sweep.run.stopped_models.map((m) => [m.model, m.failures, m.skipped]), [['unauthorized', 2, ['q_003', 'q_004', 'q_005', 'q_006']]]);
  assert.equal(await refused(), before + 2, 'the provider saw two calls for the refused model');
  // #/sweep says so beside the model, with the reason on hover.
  await page.click('[data-testid=to-sweep]');
  const note = page.locator('[data-testid=sweep-matrix] tr[data-model=unauthorized] [data-testid=stopped]');
  await note.waitFor();
  assert.equal(await note.textContent(), 'stopped early: 2 question(s) asked');
  assert.match(await note.getAttribute('title'), /skipped 4 calls/);
  assert.equal(await page.locator('[data-testid=sweep-matrix] [data-testid=stopped]').count(), 1, 'only the stopped model is marked');
  // #/roadmap lists it among the limitations of the loaded data.
  await page.goto(`${site.url}#/roadmap`);
  const limitation = page.locator('[data-testid=limitation][data-kind=StoppedModels]');
  await limitation.waitFor();
  assert.match(await limitation.textContent(), /unauthorized was stopped early after refused calls in a row: its figures cover only the 2 questions it was asked/);
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  await context.close();
});

test('the key never reached the console', () => {
  assert.ok(consoleLines.length >= 0);
  for (const line of consoleLines) assert.ok(!line.includes(KEY), `key in the console: ${line}`);
});
