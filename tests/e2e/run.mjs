// Helpers for driving #/run in headless Chromium: open it against an endpoint with
// the form in the URL, start, follow the progress, read the results, export and
// import sweep files, and run the CLI on the same fixture for comparison.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './browser.mjs';
import { cargoBinary } from './fixture.mjs';

/// Opens #/run with `params` (form fields and provider, see src/views/run/form.rs),
/// waits for the form and types the key when given.
export async function openRun(page, siteUrl, params, { key } = {}) {
  const q = new URLSearchParams({ provider: 'custom', ...params });
  await page.goto(`${siteUrl}#/run?${q}`);
  await page.waitForSelector('[data-testid=run-form]');
  if (key !== undefined) await page.fill('[data-testid=api-key]', key);
}

/// The progress element's counts, or null before a run.
export async function progress(page) {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid=progress]');
    if (!el) return null;
    return {
      done: Number(el.dataset.done),
      total: Number(el.dataset.total),
      resumed: Number(el.dataset.resumed),
      eta: el.dataset.eta ?? null,
      line: el.querySelector('[data-testid=progress-line]')?.textContent ?? '',
      models: [...el.querySelectorAll('[data-testid=model-progress]')].map((li) => ({
        model: li.dataset.model,
        done: Number(li.dataset.done),
        measured: Number(li.dataset.measured),
        correct: Number(li.dataset.correct),
        text: li.textContent,
      })),
    };
  });
}

/// The run's state (`idle`, `preparing`, `calibrating`, `running`, `finished`, `stopped`, `failed`).
export async function runState(page) {
  return page.getAttribute('[data-testid=progress-card]', 'data-state');
}

/// Waits until the run leaves the busy states; fails with the page's error text.
export async function waitForEnd(page, { timeout = 120_000 } = {}) {
  await page.waitForFunction(
    () => ['finished', 'stopped', 'failed'].includes(document.querySelector('[data-testid=progress-card]')?.dataset.state),
    null,
    { timeout },
  );
  const state = await runState(page);
  if (state === 'failed') {
    throw new Error(`the run failed: ${await page.textContent('[data-testid=run-error]')}`);
  }
  return state;
}

/// Rows of the results' summary and load tables.
export async function results(page) {
  return page.$eval('[data-testid=results-card]', (card) => ({
    label: card.querySelector('[data-testid=results-label]')?.textContent,
    calibration: (() => {
      const c = card.querySelector('[data-testid=calibration]');
      return { text: c?.textContent, p50: c?.dataset.p50 ?? null, p99: c?.dataset.p99 ?? null };
    })(),
    harness: card.querySelector('[data-testid=harness-cpu]')?.dataset.msPerCall ?? null,
    summary: [...card.querySelectorAll('[data-testid=summary-row]')].map((tr) => ({
      model: tr.dataset.model,
      correct: Number(tr.dataset.correct),
      n: Number(tr.dataset.n),
      accuracy: tr.querySelector('[data-testid=accuracy]').textContent,
      cost: tr.querySelector('[data-testid=cost]').textContent,
    })),
    load: [...card.querySelectorAll('[data-testid=load-row]')].map((tr) => ({
      model: tr.dataset.model,
      concurrency: Number(tr.dataset.concurrency),
      indicative: tr.dataset.indicative === 'true',
      browserLimited: tr.dataset.browserLimited === 'true',
      calls: tr.querySelector('[data-testid=calls]').textContent,
      p99: tr.querySelector('[data-testid=p99]').textContent,
      errors: tr.querySelector('[data-testid=errors]').textContent,
      connections: tr.querySelector('[data-testid=connections]').textContent,
    })),
    limitedNote: card.querySelector('[data-testid=browser-limited-note]')?.textContent ?? null,
  }));
}

/// Clicks `selector` and returns the downloaded file's name and text.
export async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), text: readFileSync(file, 'utf8') };
}

/// Every item of both storages, as one string per item.
export async function storageDump(page) {
  return page.evaluate(() => {
    const all = [];
    for (const s of [localStorage, sessionStorage]) {
      for (let i = 0; i < s.length; i++) {
        const k = s.key(i);
        all.push(`${k}=${s.getItem(k)}`);
      }
    }
    return all;
  });
}

/// A scratch directory for this test run.
export function scratch() {
  return mkdtempSync(path.join(os.tmpdir(), 'sqlsweep-run-e2e-'));
}

/// An answers file for the fixture that answers two gold questions wrongly (one
/// with wrong rows, one with SQL that fails), so scores are not all perfect. The
/// question texts are read from the fetched gold files at test time, never copied.
export function answersOverride(dir, dataDir) {
  const gold = [
    ...JSON.parse(readFileSync(path.join(dataDir, 'dev_questions_with_answers.json'), 'utf8')),
    ...JSON.parse(readFileSync(path.join(dataDir, 'synthetic_questions.json'), 'utf8')),
  ];
  const text = (id) => gold.find((q) => q.id === id).question;
  const file = path.join(dir, 'answers.json');
  writeFileSync(file, JSON.stringify({
    [text('q_003')]: [{ sql: 'SELECT 1 AS wrong', rationale: 'e2e: a wrong answer' }],
    [text('s_002')]: [{ sql: 'SELECT * FROM NoSuchTable', rationale: 'e2e: SQL that fails' }],
  }));
  return { file, wrong: ['q_003', 's_002'] };
}

/// The CLI binary: $SQLSWEEP_CLI_BIN, else a debug build of this checkout.
export function cliBinary() {
  return process.env.SQLSWEEP_CLI_BIN || cargoBinary('sqlsweep-cli', 'sqlsweep');
}

/// Runs the CLI with `args`; returns { status, stdout, stderr }.
export function cli(args, { env = {}, timeout = 300_000 } = {}) {
  const r = spawnSync(cliBinary(), args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/// (model, qid) → the fields both scorers must agree on.
export function scoredTraces(sweep) {
  const out = new Map();
  for (const m of sweep.models) {
    for (const t of m.traces) {
      const key = `${m.model} ${t.qid}${t.load ? ` c${t.load.concurrency} r${t.load.round}` : ''}`;
      out.set(key, {
        correct: t.correct,
        outcome: t.outcome ?? null,
        json_ok: t.json_ok ?? null,
        sql: t.sql ?? null,
        result: t.result ?? null,
      });
    }
  }
  return out;
}
