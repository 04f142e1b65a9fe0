// The live demo's protocol cases against an independent OpenAI-compatible server,
// @copilotkit/aimock (pinned in tools/aimock, fixtures in tests/fixtures/aimock), so
// our browser client is not only ever checked against our own fixture. aimock sends
// OpenAI-style streams (separate usage chunk), its own error bodies, a Retry-After
// the browser cannot read (not exposed), truncated and dropped streams.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startServer } from './server.mjs';
import { launch, openPage, distDir, ROOT } from './browser.mjs';
import { openLive, setSide, runBoth, side, activity, newActivity } from './live.mjs';

const KEY = 'sk-aimock-browser-5d1e0b';
const CLI = path.join(ROOT, 'tools', 'aimock', 'node_modules', '@copilotkit', 'aimock', 'dist', 'cli.js');
const QUESTION = 'How many tracks are in the catalogue?';
let dist, site, aimock, base, browser;

async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function startAimock() {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: run scripts/setup (it installs tools/aimock with npm ci)`);
  }
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, [CLI, '--host', '127.0.0.1', '--port', String(port),
    '--fixtures', path.join(ROOT, 'tests', 'fixtures', 'aimock'), '--validate-on-load'], {
    env: { ...process.env, AIMOCK_API_KEYS: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/health`)).ok) return { child, base: `${url}/v1` };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`aimock did not start on ${url}: ${log}`);
}

before(async () => {
  dist = distDir();
  site = await startServer(dist);
  ({ child: aimock, base } = await startAimock());
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await site?.close();
  if (aimock && aimock.exitCode === null) {
    aimock.kill('SIGTERM');
    await new Promise((r) => aimock.once('exit', r));
  }
});

async function page(key = KEY) {
  const { page: p, problems } = await openPage(browser);
  await openLive(p, site.url, { base, key, a: 'aimock-ok', as: 'agent', b: 'aimock-ok', bs: 'agent' });
  await p.fill('[data-testid=free-text]', QUESTION);
  return { p, problems };
}

/// Runs `a` and `b` (agent strategy) and checks outcome and HTTP attempts per side.
async function pair(p, [a, wantA], [b, wantB]) {
  await setSide(p, 'a', { model: a });
  await setSide(p, 'b', { model: b });
  const before = await activity(p);
  await runBoth(p);
  const added = await newActivity(p, before);
  const out = {};
  for (const [s, model, want] of [['a', a, wantA], ['b', b, wantB]]) {
    const got = await side(p, s);
    const ctx = `${model}: ${got.status} | ${got.advice}`;
    assert.equal(got.outcome, want.outcome, ctx);
    const mine = added.filter((e) => e.origin === s.toUpperCase()).reverse();
    assert.deepEqual(mine.map((e) => e.status), want.log, `${model}: HTTP statuses`);
    if (want.status) assert.match(got.status, want.status, ctx);
    if (want.advice) assert.match(got.advice ?? '', want.advice, ctx);
    out[s] = got;
  }
  return out;
}

test('aimock: answers stream with usage and reasoning, run on Chinook', async () => {
  const { p, problems } = await page();
  const { a, b } = await pair(p,
    ['aimock-ok', { outcome: 'answered', log: ['200'], status: /SQL ran · 1 row/ }],
    ['aimock-reasoning', { outcome: 'answered', log: ['200'] }]);
  assert.match(a.sql, /SELECT COUNT\(\*\) FROM Track/);
  assert.match(a.text, /3503/, 'the count ran on Chinook');
  assert.match(a.tokens, /^\d+ in \/ \d+ out$/, 'usage from the separate usage chunk');
  assert.ok(b.reasoning && b.reasoning.length > 0, 'reasoning deltas shown apart from the answer');
  const { a: slow } = await pair(p,
    ['aimock-slow', { outcome: 'answered', log: ['200'] }],
    ['aimock-ok', { outcome: 'answered', log: ['200'] }]);
  const ttft = Number(slow.ttft.replace(/[^\d]/g, ''));
  assert.ok(ttft >= 300, `TTFT ${slow.ttft} is at least aimock's 300 ms`);
  assert.deepEqual(problems, []);
  await p.close();
});

test('aimock: 429 (Retry-After not exposed), 404, 503, truncated and dropped streams', async () => {
  const { p } = await page();
  await pair(p,
    ['aimock-limited', { outcome: 'rate_limited', log: ['429', '429', '429'], advice: /could not read a Retry-After/ }],
    ['aimock-missing', { outcome: 'not_found', log: ['404'], status: /has no model aimock-missing \(HTTP 404\)/ }]);
  await pair(p,
    ['aimock-unavailable', { outcome: 'server_error', log: ['503', '503', '503'], status: /server error \(HTTP 503\)/ }],
    ['aimock-cut', { outcome: 'cut_stream', log: ['200'], advice: /without \[DONE\]/ }]);
  await pair(p,
    ['aimock-drop', { outcome: 'cut_stream', log: ['200'] }],
    ['aimock-retry', { outcome: 'answered', log: ['429', '200'] }]);
  await p.close();
});

test('aimock: a wrong key is refused with its own 401 body', async () => {
  const { p } = await page('sk-not-the-aimock-key');
  await pair(p,
    ['aimock-ok', { outcome: 'unauthorized', log: ['401'], status: /refused the key \(HTTP 401\)/ }],
    ['aimock-ok', { outcome: 'unauthorized', log: ['401'] }]);
  await p.close();
});
