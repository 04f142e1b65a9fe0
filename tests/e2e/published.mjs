// The published sweeps as plain figures, computed here from the raw data files —
// independently of the Rust code — so the end-to-end tests compare the page with
// what the data says.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SWEEPS = [
  ['baseten_sweep.json', 'Baseten'],
  ['fireworks_sweep_v2.json', 'Fireworks'],
];
// The rate Fireworks models without a published price are proxied at (the
// original's documented proxy: Kimi K2.6 on Fireworks).
const FIREWORKS_PROXY = { input: 0.95, output: 4.0 };

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** One entry per model, in load order (Baseten first). */
export function publishedModels(dist) {
  const out = [];
  for (const [file, platform] of SWEEPS) {
    const data = JSON.parse(readFileSync(path.join(dist, 'data', file), 'utf8'));
    for (const r of data.reports) {
      const t = r.traces;
      const correct = t.filter((x) => x.correct).length;
      const pt = mean(t.map((x) => x.prompt_tokens ?? 0));
      const ct = mean(t.map((x) => x.completion_tokens ?? 0));
      const rates = r.pricing ?? (platform === 'Fireworks' ? FIREWORKS_PROXY : null);
      const cpq = rates && pt > 0 && ct > 0 ? (pt * rates.input + ct * rates.output) / 1e6 : null;
      const lat = t.map((x) => x.latency_ms).filter((x) => x > 0);
      const ttft = t.map((x) => x.ttft_ms).filter((x) => x !== null && x !== undefined);
      out.push({
        model: r.model,
        label: r.model.split('/').pop(),
        platform,
        n: t.length,
        correct,
        accuracy: correct / t.length,
        fatal: t.length > 0 && t.every((x) => x.error),
        pt,
        ct,
        cpq,
        estimate: !r.pricing && cpq !== null,
        latencyP50: lat.length ? median(lat) : null,
        ttftP50: ttft.length ? median(ttft) : null,
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
    const data = JSON.parse(readFileSync(path.join(dist, 'data', file), 'utf8'));
    for (const p of data.probed_unavailable ?? []) out.push({ model: p.model, platform, error: p.error });
  }
  return out;
}

export const pct = (x) => `${Math.round(x * 100)}%`;
export const usd6 = (x) => `$${x.toFixed(6)}`;
export const thousands = (n) => Math.round(n).toLocaleString('en-US');
