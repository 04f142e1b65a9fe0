// Expected figures for the browser tests, computed here in plain JavaScript from the
// raw data files the site serves — independently of the Rust code under test — with
// the definitions the views document (Wilson interval, linearly interpolated
// percentiles, a year of 365 days and a month of 365/12).
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const DAYS_PER_YEAR = 365;
export const DAYS_PER_MONTH = 365 / 12;

export function readData(dist, file) {
  return JSON.parse(readFileSync(path.join(dist, 'data', file), 'utf8'));
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

/**
 * Every model of the published sweeps as the cost views see it: accuracy from the
 * traces, cost per query from the mean tokens of all traces × the report's rates, or,
 * for a Fireworks model without rates, the rate of the Fireworks model that has one
 * (a proxy, so an estimate).
 */
export function publishedModels(dist) {
  const out = [];
  for (const file of ['baseten_sweep.json', 'fireworks_sweep_v2.json']) {
    const data = readData(dist, file);
    const published = data.reports.find((r) => r.pricing);
    for (const r of data.reports) {
      const t = r.traces;
      const fatal = t.length > 0 && t.every((x) => x.error);
      const pt = mean(t.map((x) => x.prompt_tokens ?? 0));
      const ct = mean(t.map((x) => x.completion_tokens ?? 0));
      const proxy = !r.pricing && file.startsWith('fireworks');
      const rates = r.pricing ?? (proxy ? published.pricing : null);
      const cpq = rates && pt > 0 && ct > 0 ? (pt * rates.input + ct * rates.output) / 1e6 : null;
      const correct = t.filter((x) => x.correct).length;
      out.push({
        model: r.model,
        label: r.model.split('/').pop(),
        platform: file.startsWith('fireworks') ? 'Fireworks' : 'Baseten',
        fatal,
        correct,
        n: t.length,
        accuracy: correct / t.length,
        pt,
        ct,
        cpq,
        estimate: proxy,
        jsonOk: t.filter((x) => x.json_parsed_ok).length / t.length,
        ttft: quantile(t.map((x) => x.ttft_ms).filter((v) => v != null), 0.5),
      });
    }
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
