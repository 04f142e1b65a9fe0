// The published data files as the tests read them (from the built site's data/),
// and figures computed here in JavaScript, independently of the Rust code, for the
// views' tests to compare against.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SWEEPS = ['baseten_sweep.json', 'fireworks_sweep_v2.json'];

export function readData(dist, file) {
  return readFileSync(path.join(dist, 'data', file));
}

export function readJson(dist, file) {
  return JSON.parse(readData(dist, file).toString('utf8'));
}

/** "c/t" */
export const fraction = (c, t) => `${c}/${t}`;

/** Every published model: { file, model, label, traces, correct, fatal }. */
export function publishedModels(dist) {
  const out = [];
  for (const file of SWEEPS) {
    for (const r of readJson(dist, file).reports) {
      out.push({
        file,
        model: r.model,
        label: r.model.split('/').pop(),
        traces: r.traces.length,
        correct: r.traces.filter((t) => t.correct).length,
        fatal: r.traces.length > 0 && r.traces.every((t) => t.error),
      });
    }
  }
  return out;
}

/** The agent run: per question verdicts, per-set and combined tallies. */
export function agentRun(dist) {
  const e = readJson(dist, 'agent_eval.json');
  const count = (rs) => fraction(rs.filter((r) => r.correct).length, rs.length);
  return {
    model: e.model,
    verdicts: new Map(e.results.map((r) => [r.qid, r.correct])),
    dev: count(e.results.filter((r) => r.set === 'dev')),
    synth: count(e.results.filter((r) => r.set === 'synth')),
    combined: count(e.results),
    misses: e.results.filter((r) => !r.correct).map((r) => r.qid),
  };
}

/** The baseline run recounted from its per-question entries. */
export function baselineRun(dist) {
  const b = readJson(dist, 'baseline_results.json');
  const entries = Object.entries(b).filter(([k]) => !k.startsWith('_')).map(([, v]) => v);
  return fraction(entries.filter((e) => e.correct).length, entries.length);
}

/** Agent vs baseline on the questions both ran: [paired, only agent right, only baseline right]. */
export function pairedCounts(dist) {
  const agent = agentRun(dist).verdicts;
  const b = readJson(dist, 'baseline_results.json');
  const both = Object.entries(b).filter(([k]) => !k.startsWith('_') && agent.has(k));
  return [
    both.length,
    both.filter(([k, v]) => agent.get(k) && !v.correct).length,
    both.filter(([k, v]) => !agent.get(k) && v.correct).length,
  ];
}

/** The gold questions, dev then synthetic. */
export function goldQuestions(dist) {
  return [
    ...readJson(dist, 'dev_questions_with_answers.json').map((q) => ({ ...q, set: 'dev' })),
    ...readJson(dist, 'synthetic_questions.json').map((q) => ({ ...q, set: 'synth' })),
  ];
}

/** A minimal RFC 4180 reader (CRLF records, quoted fields), BOM stripped. */
export function parseCsv(text) {
  const s = text.replace(/^\uFEFF/, '');
  const records = [];
  let record = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; }
    else if (c === '\r' && s[i + 1] === '\n') { record.push(field); records.push(record); record = []; field = ''; i++; }
    else field += c;
  }
  if (field !== '' || record.length) { record.push(field); records.push(record); }
  return records;
}

/** Clicks `selector` and returns the downloaded file's name and text. */
export async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const stream = await dl.createReadStream();
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return { name: dl.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}

/** Cumulative layout shift observed since the page started (needs `trackLayoutShift` first). */
export async function layoutShift(page) {
  return page.evaluate(() => window.__cls ?? 0);
}

/** Installs a layout-shift observer before any page script runs. */
export async function trackLayoutShift(page) {
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
}
