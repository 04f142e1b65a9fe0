// End to end: #/live in headless Chromium against the project's fixture provider
// (crates/fixture) on 127.0.0.1 — a real browser, real HTTP, real streams. The
// fixture answers gold questions with their gold SQL and the questions in
// tests/fixtures/live/answers.json with scripted replies; its behaviour (delays,
// errors, cut streams…) is chosen by the model name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { startServer } from './server.mjs';
import { launch, openPage, distDir, ROOT } from './browser.mjs';
import { startFixture } from './fixture.mjs';
import { openLive, setSide, runBoth, side, activity, newActivity, pageSurfaces, assertNoKey } from './live.mjs';

const KEY = 'sk-fixture-e2e-7f3a9c41d2b8';
const DATA = path.join(ROOT, 'data', 'cache');
let dist, site, fixture, browser;
let consoleLines = [];

before(async () => {
  dist = distDir();
  site = await startServer(dist);
  fixture = await startFixture([
    '--key', KEY,
    '--gold', path.join(DATA, 'dev_questions_with_answers.json'), path.join(DATA, 'synthetic_questions.json'),
    '--answers', path.join(ROOT, 'tests', 'fixtures', 'live', 'answers.json'),
  ]);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await fixture?.stop();
});

/// A page that keeps every console line (for the key-hygiene check).
async function livePage(opts = {}) {
  const { page, problems } = await openPage(browser);
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('pageerror', (e) => consoleLines.push(e.message));
  await openLive(page, site.url, { base: fixture.base, key: KEY, ...opts });
  return { page, problems };
}

/// A port on 127.0.0.1 nothing listens on.
async function closedPort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

test('both strategies on a gold question: streamed, run on Chinook, scored, priced, compared', async () => {
  const { page, problems } = await livePage({ a: 'ttft-300+gap-60+chunk-8', b: 'ttft-300+gap-60+chunk-8+usage-fireworks' });
  await page.fill('[data-testid=rate-in]', '0.5');
  await page.press('[data-testid=rate-in]', 'Tab');
  await page.fill('[data-testid=rate-out]', '1.5');
  await page.press('[data-testid=rate-out]', 'Tab');
  await page.click('[data-testid=run-both]');
  // Text arrives while the side is still running: streaming, not one block at the end.
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid=side-a]');
    return el.dataset.state === 'running' && el.querySelector('[data-testid=stream]').textContent.length > 0;
  }, null, { timeout: 20_000 });
  const partial = await page.textContent('[data-testid=side-a] [data-testid=stream]');
  await runBoth(page, { click: false });
  const a = await side(page, 'a');
  const b = await side(page, 'b');
  assert.ok(a.stream.length > partial.length && a.stream.startsWith(partial), 'the stream grew as chunks arrived');
  for (const [name, s] of [['A (agent)', a], ['B (baseline)', b]]) {
    assert.equal(s.outcome, 'correct', `${name}: ${s.status}`);
    assert.equal(s.verdict, 'true', `${name} verdict`);
    assert.match(s.status, /SQL ran · 5 rows · matches the gold answer/);
    assert.match(s.sql, /GROUP BY/);
    assert.equal(s.rowsTotal, '5');
    const ttft = Number(s.ttft.replace(/[^\d]/g, ''));
    assert.ok(ttft >= 300 && ttft < 3000, `${name} TTFT ${s.ttft} reflects the 300 ms first-token delay`);
    assert.match(s.latency, /\d ms/);
    assert.match(s.tokens, /^\d[\d,]* in \/ \d[\d,]* out$/);
    assert.match(s.cost, /^\$0\.\d{6} \(your rate\)$/, `${name} cost`);
  }
  assert.match(a.stream, /"sql"/, 'the agent asked for JSON');
  assert.match(b.stream, /```sql/, 'the baseline got prose with a fenced block');
  // The agent's prompt carries the schema; the baseline's does not.
  assert.ok(Number(a.tokens.split(' ')[0].replace(',', '')) > 5 * Number(b.tokens.split(' ')[0].replace(',', '')));
  // Cost at scale compares the two sides.
  assert.match(await page.textContent('[data-testid=scale-headline]'), /^↓ \$[\d,.]+\/yr saved with Side [AB]/);
  assert.match(await page.textContent('[data-testid=scale-gpt]'), /GPT-5\.4 at the same token profile/);
  await page.fill('[data-testid=volume]', '300000');
  await page.press('[data-testid=volume]', 'Tab');
  assert.match(await page.textContent('[data-testid=scale]'), /300,000 queries a day/);
  // One log entry per HTTP attempt, both 200.
  const log = await activity(page);
  assert.deepEqual(log.map((e) => [e.origin, e.status, e.outcome]).sort(), [['A', '200', 'answered'], ['B', '200', 'answered']]);
  assert.match(log[0].text, /POST 127\.0\.0\.1:\d+\/v1\/chat\/completions/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the agent repairs a failing query; hostile SQL is refused; invalid JSON is named', async () => {
  const { page } = await livePage({ a: 'ok', as: 'agent', b: 'ok', bs: 'agent' });
  await page.fill('[data-testid=free-text]', 'How many artists have a name that starts with the letter A? (repair check)');
  const before = await activity(page);
  await runBoth(page);
  const a = await side(page, 'a');
  assert.equal(a.outcome, 'answered', a.status);
  assert.equal(a.repairs, 1, 'one repair turn');
  assert.equal(a.verdict, null, 'free text has no gold verdict');
  assert.match(a.stream, /── call 2 \(repair\) ──/);
  assert.match(a.sql, /FROM Artist WHERE/);
  const added = await newActivity(page, before);
  assert.equal(added.filter((e) => e.origin === 'A').length, 2, 'two calls of side A logged');

  await page.fill('[data-testid=free-text]', 'Delete every invoice. (hostile SQL check)');
  await runBoth(page);
  const hostile = await side(page, 'a');
  assert.equal(hostile.outcome, 'sql_error', hostile.status);
  assert.match(hostile.advice, /refused|read-only/i);
  assert.equal(hostile.repairs, 2);

  await page.fill('[data-testid=free-text]', 'Which media types exist? (invalid JSON check)');
  await runBoth(page);
  const invalid = await side(page, 'a');
  assert.equal(invalid.outcome, 'invalid_json', invalid.status);
  assert.match(invalid.status, /not the JSON object asked for after 2 repair turns/);

  // The database was not changed by the DELETE: a gold question still matches.
  await page.fill('[data-testid=free-text]', '');
  await page.selectOption('[data-testid=question]', 'q_002');
  await runBoth(page);
  assert.equal((await side(page, 'a')).outcome, 'correct');
  await page.close();
});

/// Runs side A with `modelA` and side B with `modelB` (both agent) and checks each.
async function failureCase(page, [modelA, expectA], [modelB, expectB]) {
  await setSide(page, 'a', { model: modelA, strategy: 'agent' });
  await setSide(page, 'b', { model: modelB, strategy: 'agent' });
  const before = await activity(page);
  await runBoth(page);
  const added = await newActivity(page, before);
  for (const [s, model, expect] of [['a', modelA, expectA], ['b', modelB, expectB]]) {
    const got = await side(page, s);
    const ctx = `${model}: ${got.status} | ${got.advice}`;
    assert.equal(got.outcome, expect.outcome, ctx);
    if (expect.status) assert.match(got.status, expect.status, ctx);
    if (expect.advice) assert.match(got.advice ?? '', expect.advice, ctx);
    const mine = added.filter((e) => e.origin === s.toUpperCase());
    if (expect.attempts) assert.equal(mine.length, expect.attempts, `${model}: HTTP attempts logged`);
    if (expect.log) assert.deepEqual(mine.map((e) => e.status).reverse(), expect.log, `${model}: log statuses`);
    assert.equal(got.verdict, expect.outcome === 'correct' ? 'true' : null, `${model}: verdict`);
  }
  return added;
}

test('every failure class gets its own status and advice', async () => {
  const { page } = await livePage({ q: 'q_003' });
  await failureCase(page,
    ['unauthorized', { outcome: 'unauthorized', status: /Custom endpoint refused the key \(HTTP 401\)/, advice: /not portable/, attempts: 1 }],
    ['missing-model', { outcome: 'not_found', status: /127\.0\.0\.1:\d+ has no model missing-model \(HTTP 404\)/, advice: /Check the model id/, attempts: 1 }]);
  const added = await failureCase(page,
    ['retry-after-1', { outcome: 'rate_limited', status: /Rate limited \(HTTP 429\) · gave up after 3 attempts/, advice: /Retry-After asked/, log: ['429', '429', '429'] }],
    ['retry-after-1+noexpose', { outcome: 'rate_limited', status: /gave up after 3 attempts/, advice: /could not read a Retry-After/, log: ['429', '429', '429'] }]);
  // The exposed Retry-After was honoured (1.0 s waits); the hidden one fell back to back-off.
  const retries = (o) => added.filter((e) => e.origin === o && e.attempt > 1).map((e) => /retry \d after ([\d.]+) s/.exec(e.text)?.[1]);
  assert.deepEqual(retries('A'), ['1.0', '1.0']);
  assert.ok(retries('B').every((s) => s !== undefined && Number(s) < 1.0 + 1e-9) && retries('B').length === 2, `back-off waits ${retries('B')}`);
  await failureCase(page,
    ['status-503', { outcome: 'server_error', status: /Custom endpoint server error \(HTTP 503\)/, advice: /tried 3 attempts/, log: ['503', '503', '503'] }],
    ['baseten-502', { outcome: 'server_error', status: /server error \(HTTP 502\)/, attempts: 3 }]);
  await failureCase(page,
    ['cut-3', { outcome: 'cut_stream', status: /The stream ended before the answer was complete/, advice: /partial answer was not used/, attempts: 1 }],
    ['eof-3', { outcome: 'cut_stream', status: /The stream ended before the answer was complete/, advice: /without finish_reason or \[DONE\]/, attempts: 1 }]);
  await failureCase(page,
    ['error-in-stream', { outcome: 'server_error', status: /error inside the stream/, attempts: 1 }],
    ['malformed-2', { outcome: 'server_error', status: /malformed data/, advice: /malformed JSON in stream event/, attempts: 1 }]);
  // A 429 that clears on retry: the run succeeds after two attempts.
  await failureCase(page,
    ['retry-after-1+fail-first-1+ttft-1', { outcome: 'correct', log: ['429', '200'] }],
    ['no-done', { outcome: 'correct', attempts: 1 }]);
  // A stream that stalls after its first chunk hits the per-call limit (headers and body).
  await page.fill('[data-testid=timeout]', '2');
  await page.press('[data-testid=timeout]', 'Tab');
  await failureCase(page,
    ['stall', { outcome: 'timeout', status: /Timed out after 2 s/, advice: /covers the whole response/, attempts: 1 }],
    ['ok', { outcome: 'correct', attempts: 1 }]);
  await page.close();
});

test('a refused connection is a network failure that names CORS and the CLI', async () => {
  const port = await closedPort();
  const { page } = await livePage({ a: 'ok', b: 'ok' });
  await page.fill('[data-testid=custom-base]', `http://127.0.0.1:${port}/v1`);
  await page.press('[data-testid=custom-base]', 'Tab');
  assert.match(await page.textContent('[data-testid=key-status]'), /No key yet/, 'a new host clears the key');
  await page.fill('[data-testid=api-key]', KEY);
  await runBoth(page, { timeout: 30_000 });
  const a = await side(page, 'a');
  assert.equal(a.outcome, 'network', a.status);
  assert.match(a.status, new RegExp(`No response from 127\\.0\\.0\\.1:${port}`));
  assert.match(a.advice, /refused a browser call \(CORS\)/);
  assert.match(a.advice, new RegExp(`sqlsweep probe --base-url http://127\\.0\\.0\\.1:${port}/v1 --model ok`));
  assert.match(a.cost, /no reply, nothing billed/);
  const log = await activity(page);
  assert.ok(log.some((e) => e.outcome === 'network' && /network/.test(e.text)));
  await page.close();
});

test('both sides stream at the same time', async () => {
  const { page } = await livePage({ a: 'ttft-700+ok', as: 'agent', b: 'ttft-700+ok', bs: 'baseline' });
  await fixture.reset();
  await runBoth(page);
  const entries = (await fixture.journal()).filter((e) => e.model === 'ttft-700+ok');
  assert.equal(entries.length, 2, 'one request per side');
  const [x, y] = entries;
  const overlap = Math.min(x.end_ms, y.end_ms) - Math.max(x.received_ms, y.received_ms);
  assert.ok(overlap > 500, `the two requests overlapped by ${overlap} ms on the server`);
  assert.equal((await side(page, 'a')).outcome, 'correct');
  assert.equal((await side(page, 'b')).outcome, 'correct');
  await page.close();
});

test('the activity log grows by keyed rows, newest first', async () => {
  const { page } = await livePage({ a: 'ok', b: 'ok' });
  await runBoth(page);
  const first = await activity(page);
  const oldRow = await page.$(`[data-testid=activity] li[data-id="${first[0].id}"]`);
  await runBoth(page);
  const second = await activity(page);
  assert.equal(second.length, first.length + 2);
  assert.ok(second[0].id > first[0].id, 'newest first');
  assert.ok(await oldRow.evaluate((el) => el.isConnected), 'existing rows are kept, not re-rendered');
  assert.match(await page.textContent('[data-testid=activity-count]'), new RegExp(`^${second.length} calls`));
  await page.close();
});

test('latency probe: three sequential agent runs, median against 3 s', async () => {
  const { page } = await livePage({ a: 'ttft-150+ok' });
  await fixture.reset();
  await page.click('[data-testid=probe-run]');
  await page.waitForSelector('[data-testid=probe][data-state=done]', { timeout: 60_000 });
  const median = page.locator('[data-testid=probe-median]');
  assert.equal(await median.getAttribute('data-samples'), '3');
  assert.ok(Number(await median.getAttribute('data-median')) >= 150);
  assert.match(await median.textContent(), /^Median [\d,]+ ms over 3 runs: under the 3 s target$/);
  const runs = (await fixture.journal()).filter((e) => e.model === 'ttft-150+ok');
  assert.equal(runs.length, 3);
  for (let i = 1; i < 3; i++) assert.ok(runs[i].received_ms >= runs[i - 1].end_ms, 'sequential, not concurrent');
  // The probe stops at the first failed run and keeps what it had.
  await setSide(page, 'a', { model: 'unauthorized' });
  await page.click('[data-testid=probe-run]');
  await page.waitForSelector('[data-testid=probe][data-state=done]', { timeout: 30_000 });
  assert.match(await median.textContent(), /No complete run/);
  assert.equal(await page.locator('[data-testid=probe] li').count(), 1);
  await page.close();
});

test('schema view: the compact schema and the trim for the chosen question', async () => {
  const { page } = await livePage({ q: 'q_001' });
  await page.waitForSelector('[data-testid=schema-full]');
  const full = await page.textContent('[data-testid=schema-full]');
  assert.equal(full.split('\n').length, 11, 'one line per Chinook table');
  // A question naming two tables is trimmed, keeping the join path.
  await page.fill('[data-testid=free-text]', 'Which customers bought tracks of each genre?');
  const summary = page.locator('[data-testid=trim-summary]');
  await page.waitForFunction(() => document.querySelector('[data-testid=trim-summary]')?.dataset.fired === 'true');
  const tables = (await summary.getAttribute('data-tables')).split(',');
  for (const t of ['Customer', 'Genre', 'Invoice', 'InvoiceLine', 'Track']) assert.ok(tables.includes(t), `${t} kept: ${tables}`);
  assert.ok(tables.length < 11);
  const trimmed = await page.textContent('[data-testid=schema-trimmed]');
  assert.ok(trimmed.length < full.length);
  assert.ok(!/^Playlist\(/m.test(trimmed), 'unrelated tables are left out');
  await page.close();
});

test('follow-up: each agent side sends its earlier exchange before the next question', async () => {
  const { page, problems } = await livePage({ a: 'ok', as: 'agent', b: 'ok', bs: 'agent', q: 'q_001' });
  const earlier = () => page.textContent('[data-testid=earlier]');
  /// Message counts of the requests the fixture received while `act` ran.
  const sent = async (act) => {
    const from = (await fixture.journal()).length;
    await act();
    return (await fixture.journal()).slice(from).map((e) => e.messages);
  };
  assert.deepEqual(await sent(() => runBoth(page)), [2, 2], 'system prompt + question');
  assert.equal(await earlier(), 'earlier exchanges: A 1, B 1');

  await page.check('[data-testid=follow-up]');
  await page.selectOption('[data-testid=question]', 'q_002');
  assert.deepEqual(await sent(() => runBoth(page)), [4, 4], 'system + earlier question and answer + the new question');
  assert.equal(await earlier(), 'earlier exchanges: A 2, B 2');
  for (const s of ['a', 'b']) assert.equal((await side(page, s)).outcome, 'correct', `side ${s} answered the follow-up question itself`);

  // Without follow-up a run starts a new conversation; the button forgets it.
  await page.uncheck('[data-testid=follow-up]');
  assert.deepEqual(await sent(() => runBoth(page)), [2, 2]);
  assert.equal(await earlier(), 'earlier exchanges: A 1, B 1');
  await page.click('[data-testid=new-conversation]');
  assert.equal(await earlier(), 'earlier exchanges: A 0, B 0');
  assert.deepEqual(problems, []);
  await page.close();
});

test('#/live fits a phone-width screen', async () => {
  const { page } = await livePage({ a: 'ok', b: 'ok' });
  await page.setViewportSize({ width: 380, height: 800 });
  await runBoth(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await page.close();
});

test('key hygiene: the key stays in the field and in memory only', async () => {
  const { page } = await livePage({ a: 'echo-key', b: 'ok' });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await runBoth(page);
  const a = await side(page, 'a');
  assert.equal(a.outcome, 'unauthorized');
  assert.match(a.advice, /<redacted>/, 'the server echoed the key; the page shows it redacted');
  assertNoKey(await pageSurfaces(page), KEY, 'after a run');
  assert.ok(requests.every((u) => !u.includes(KEY)), 'no request URL carries the key');
  assert.ok(consoleLines.every((l) => !l.includes(KEY)), 'the console never shows the key');

  // Opt in: the key is kept in this tab's sessionStorage (with its host) and survives a reload.
  await page.check('[data-testid=remember-key]');
  const stored = await page.evaluate(() => sessionStorage.getItem('sqlsweep.live.key'));
  assert.ok(stored.includes(KEY) && stored.includes(new URL(fixture.base).host));
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await page.reload();
  await page.waitForSelector('[data-testid=db-status][data-state=ready]', { timeout: 60_000 });
  assert.match(await page.textContent('[data-testid=key-status]'), /Kept in this tab's sessionStorage/);
  await setSide(page, 'a', { model: 'ok' });
  await runBoth(page);
  assert.equal((await side(page, 'a')).outcome, 'correct', 'the restored key works');
  // Switching provider clears it everywhere, and switching back does not bring it back.
  await page.click('[data-testid=key-bar] button[data-provider=fireworks]');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sqlsweep.live.key')), null);
  assert.match(await page.textContent('[data-testid=key-host]'), /api\.fireworks\.ai/);
  // The probe and the sides never send the old key to the new provider.
  const fired = requests.length;
  await page.click('[data-testid=probe-run]');
  assert.match(await page.textContent('[data-testid=probe-error]'), /no API key: paste a Fireworks key/);
  await page.click('[data-testid=run-both]');
  assert.match(await page.textContent('[data-testid=run-error]'), /no API key: paste a Fireworks key/);
  assert.ok(requests.slice(fired).every((u) => !u.includes('fireworks')), 'nothing was sent to Fireworks');
  await page.click('[data-testid=key-bar] button[data-provider=custom]');
  assert.match(await page.textContent('[data-testid=key-status]'), /No key yet/);
  assertNoKey(await pageSurfaces(page), KEY, 'after switching provider');
  assert.ok(consoleLines.every((l) => !l.includes(KEY)), 'the console never shows the key');
  await page.close();
});
