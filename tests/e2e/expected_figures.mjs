// Expected figures for the browser tests, computed here in plain JavaScript from the
// raw data files the site serves — independently of the Rust code under test — with
// the definitions the views document (Wilson interval, linearly interpolated
// percentiles, a year of 365 days and a month of 365/12). The one place the tests
// read the data files and derive what the views should show from them.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const DAYS_PER_YEAR = 365;
export const DAYS_PER_MONTH = 365 / 12;

/** The published sweep files, in load order (Baseten first), with their platforms. */
export const SWEEPS = [
  ['baseten_sweep.json', 'Baseten'],
  ['fireworks_sweep_v2.json', 'Fireworks'],
];

/** A data file's bytes, as the built site serves them. */
export function readData(dist, file) {
  return readFileSync(path.join(dist, 'data', file));
}

/** A data file, parsed as JSON. */
export function readJson(dist, file) {
  return JSON.parse(readData(dist, file).toString('utf8'));
}

export const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Linear interpolation between order statistics (numpy's default). */
export function quantile(xs, p) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** The median (linear interpolation, so the mean of the middle two of an even count). */
export const median = (xs) => quantile(xs, 0.5);

/** The original dashboard's percentile: lower nearest rank. */
export function lowerNearestRank(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))];
}

/** 95 % Wilson score interval. */
export function wilson(k, n) {
  const z = 1.959963984540054;
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const center = (p + (z * z) / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lo: k === 0 ? 0 : Math.max(0, center - half), hi: k === n ? 1 : Math.min(1, center + half), p };
}

// Text forms, as the views print them (en-US separators, half away from zero).
export const round = (x) => Math.sign(x) * Math.round(Math.abs(x));
export const thousands = (n) => round(n).toLocaleString('en-US');
export const pct = (x) => `${round(x * 100)}%`;
export const pctInterval = (k, n) => {
  const w = wilson(k, n);
  return `${pct(w.p)} (${round(w.lo * 100)}–${round(w.hi * 100)}%)`;
};
export const usdPerQuery = (x) => `$${x.toFixed(6)}`;
export const usd = (x) => `$${thousands(x)}`;
export const usdCents = (x) => `$${x.toFixed(2)}`;
export const ms = (x) => `${thousands(x)} ms`;
/** "c/t" */
export const fraction = (c, t) => `${c}/${t}`;

/**
 * Every model of the published sweeps, in load order: accuracy from the traces, cost
 * per query from the mean tokens of all traces × the report's rates, or, for a
 * Fireworks model without rates, the rate of the Fireworks model that has one (a
 * proxy, so an estimate); medians of latency and time to first token.
 */
export function publishedModels(dist) {
  const out = [];
  for (const [file, platform] of SWEEPS) {
    const data = readJson(dist, file);
    const published = data.reports.find((r) => r.pricing);
    for (const r of data.reports) {
      const t = r.traces;
      const pt = mean(t.map((x) => x.prompt_tokens ?? 0));
      const ct = mean(t.map((x) => x.completion_tokens ?? 0));
      const proxy = !r.pricing && platform === 'Fireworks';
      const rates = r.pricing ?? (proxy ? published.pricing : null);
      const cpq = rates && pt > 0 && ct > 0 ? (pt * rates.input + ct * rates.output) / 1e6 : null;
      const correct = t.filter((x) => x.correct).length;
      out.push({
        file,
        model: r.model,
        label: r.model.split('/').pop(),
        platform,
        fatal: t.length > 0 && t.every((x) => x.error),
        traces: t.length,
        n: t.length,
        correct,
        accuracy: correct / t.length,
        pt,
        ct,
        cpq,
        estimate: proxy,
        jsonOk: t.filter((x) => x.json_parsed_ok).length / t.length,
        latencyP50: median(t.map((x) => x.latency_ms).filter((x) => x > 0)),
        ttftP50: median(t.map((x) => x.ttft_ms).filter((x) => x != null)),
        results: new Map(t.map((x) => [x.qid, x.correct])),
      });
    }
  }
  return out;
}

/** Models a sweep probed and found unavailable, from the files. */
export function probedUnavailable(dist) {
  const out = [];
  for (const [file, platform] of SWEEPS) {
    for (const p of readJson(dist, file).probed_unavailable ?? []) out.push({ model: p.model, platform, error: p.error });
  }
  return out;
}

/** The models the cost matrix prices, cheapest first (ties keep load order). */
export function pricedModels(dist) {
  return publishedModels(dist)
    .filter((m) => !m.fatal && m.cpq != null && m.cpq > 0)
    .map((m, i) => ({ ...m, i }))
    .sort((a, b) => a.cpq - b.cpq || a.i - b.i);
}

/** GPT-5.4 cost of a query with this token profile at the default list price. */
export const gptPerQuery = (pt, ct, input = 2.5, output = 15) => (pt * input + ct * output) / 1e6;

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
