// #/quality end to end: the built site in headless Chromium. Expected figures are
// computed here from the raw data files (agent_eval.json, baseline_results.json,
// the gold files, the sweeps), except the taxonomy's per-platform counts, which are
// the values the core golden test pins (crates/core/tests/analysis_published.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.mjs';
import { openPage } from './browser.mjs';
import { agentRun, baselineRun, goldQuestions, pairedCounts, publishedModels } from './expected_figures.mjs';
import { parseCsv, download } from './page_helpers.mjs';
import { useSite } from './site.mjs';

const site = useSite();

async function openQuality(url) {
  const { page, problems } = await openPage(site.browser);
  await page.goto(url);
  await page.waitForSelector('[data-testid=quality-view][aria-busy=false]');
  return { page, problems };
}

test('#/quality: 25 question cards with the agent verdicts, the scores read from the files', async () => {
  const gold = goldQuestions(site.dist);
  const agent = agentRun(site.dist);
  const baseline = baselineRun(site.dist);
  assert.equal(gold.length, 25);
  const { page, problems } = await openQuality(`${site.server.url}#/quality`);

  const cards = await page.$$eval('[data-testid=question-card]', (as) =>
    as.map((a) => ({ qid: a.dataset.qid, verdict: a.dataset.verdict, href: a.getAttribute('href'), text: a.textContent })));
  assert.deepEqual(cards.map((c) => c.qid), gold.map((q) => q.id), 'one card per gold question, in gold order');
  assert.equal(await page.locator('[data-testid=qcards-dev] [data-testid=question-card]').count(), gold.filter((q) => q.set === 'dev').length);
  assert.equal(await page.locator('[data-testid=qcards-synth] [data-testid=question-card]').count(), gold.filter((q) => q.set === 'synth').length);
  for (const [i, c] of cards.entries()) {
    const want = agent.verdicts.get(c.qid) ? 'correct' : 'wrong';
    assert.equal(c.verdict, want, `verdict of ${c.qid}`);
    assert.equal(c.href, `#/live?q=${c.qid}`);
    assert.ok(c.text.includes(gold[i].question), `question text of ${c.qid} (as text)`);
    assert.ok(c.text.includes(`tier ${gold[i].tier}`));
    if (gold[i].pattern) assert.ok(c.text.includes(gold[i].pattern.replaceAll('_', ' ')), `pattern of ${c.qid}`);
  }

  // Title and tiles from the files (the original typed the baseline's "2/10").
  assert.equal(await page.textContent('[data-testid=quality-heading]'), `Quality: ${baseline} → ${agent.combined}`);
  assert.match(await page.textContent('[data-testid=tile-dev]'), new RegExp(`Dev set${agent.dev}`));
  assert.match(await page.textContent('[data-testid=tile-synth]'), new RegExp(`missed: ${agent.misses.join(', ')}`));
  assert.match(await page.textContent('[data-testid=tile-combined]'), /24\/25.*96% \(80–99%\) · 95% interval/);
  assert.match(await page.textContent('[data-testid=tile-baseline]'), new RegExp(`${baseline}.*recount agrees`));
  assert.match(await page.textContent('[data-testid=interval-note]'), /25 questions give wide intervals/);
  const [paired, onlyAgent, onlyBaseline] = pairedCounts(site.dist);
  assert.match(await page.textContent('[data-testid=tile-paired]'), new RegExp(`${paired} paired questions: ${onlyAgent} vs ${onlyBaseline}, exact McNemar p = `));
  assert.match(await page.textContent('[data-testid=paired-text]'), /\S/);

  // The log and one failure-analysis card per miss.
  const log = await page.textContent('[data-testid=evaluation-log]');
  assert.ok(log.startsWith('$ python scripts/agent_eval.py'), log.slice(0, 80));
  assert.ok(log.includes(`combined ${agent.combined}`));
  assert.deepEqual(await page.$$eval('[data-testid=miss]', (ms) => ms.map((m) => m.dataset.qid)), agent.misses);

  // A card is a link into the live demo, which opens on that question.
  await page.click('[data-testid=question-card][data-qid=s_014]');
  await page.waitForFunction(() => location.hash.startsWith('#/live?') && new URLSearchParams(location.hash.split('?')[1]).get('q') === 's_014');
  // The live demo's question picker fills in once its gold set loads.
  await page.waitForFunction(() => document.querySelector('main [data-testid=question]')?.value === 's_014');
  assert.deepEqual(problems, []);
  await page.close();
});

test('#/quality: the failure taxonomy per model and per platform, grouping in the URL, CSV export', async () => {
  const models = publishedModels(site.dist);
  const { page, problems } = await openQuality(`${site.server.url}#/quality`);
  const table = async () =>
    page.$$eval('[data-testid^=table-quality-taxonomy] tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));

  const byModel = await table();
  const head = byModel[0];
  assert.deepEqual(head.slice(0, 4), ['Model', 'Platform', 'Sweep', 'Questions']);
  assert.equal(byModel.length - 1, models.length, 'one row per model');
  const correctCol = head.indexOf('correct');
  for (const m of models) {
    const row = byModel.find((r) => r[0] === m.model);
    assert.ok(row, `row for ${m.model}`);
    assert.equal(Number(row[3]), m.traces, `questions of ${m.model}`);
    assert.equal(Number(row[correctCol]), m.correct, `correct of ${m.model}`);
  }

  await page.selectOption('[data-testid=taxonomy-grouping]', 'platform');
  await page.waitForFunction(() => location.hash === '#/quality?by=platform');
  const byPlatform = await table();
  // [now]: the counts the core golden test pins.
  assert.deepEqual(byPlatform, [
    ['Platform', 'Questions', 'no SQL', 'invalid JSON', 'SQL error', 'wrong shape', 'wrong rows', 'rate limited (429)', 'server error (5xx)', 'correct', 'Failed', 'Failed share'],
    ['Baseten', '250', '27', '11', '3', '20', '1', '19', '9', '160', '90', '36%'],
    ['Fireworks', '125', '3', '0', '2', '11', '0', '0', '0', '109', '16', '13%'],
  ]);

  // The CSV holds exactly what the table shows.
  const { name, text } = await download(page, '[data-testid=export-csv-quality-taxonomy-platform]');
  assert.equal(name, 'sqlsweep-quality-taxonomy-platform.csv');
  assert.ok(text.startsWith('\uFEFF'), 'BOM for spreadsheets');
  assert.deepEqual(parseCsv(text), byPlatform);

  // Reloading the URL restores the grouping; the URL stays as it was.
  await page.reload();
  await page.waitForSelector('[data-testid=quality-view][aria-busy=false]');
  assert.equal(await page.inputValue('[data-testid=taxonomy-grouping]'), 'platform');
  assert.equal(await page.evaluate(() => location.hash), '#/quality?by=platform');
  await page.selectOption('[data-testid=taxonomy-grouping]', 'model');
  await page.waitForFunction(() => location.hash === '#/quality');
  assert.deepEqual(problems, []);
  await page.close();
});

test('#/quality: a missing agent run is named, and the rest still renders', async () => {
  const broken = await startServer(site.dist, { missing: ['data/agent_eval.json'] });
  try {
    const { page } = await openQuality(`${broken.url}#/quality`);
    assert.match(await page.textContent('[data-testid=load-error]'), /agent_eval\.json: HTTP 404/);
    assert.equal(await page.locator('[data-testid=question-card]').count(), 25, 'cards from the gold set');
    assert.equal(await page.locator('[data-testid=question-card][data-verdict=none]').count(), 25, 'no verdicts without the run');
    assert.equal(await page.textContent('[data-testid=quality-heading]'), 'Quality');
    assert.ok((await page.locator('[data-testid^=table-quality-taxonomy] tbody tr').count()) > 0, 'taxonomy still shown');
    await page.close();
  } finally {
    await broken.close();
  }
});

test('#/quality: a corrupt baseline file is named with where it is wrong', async () => {
  const broken = await startServer(site.dist, { replace: { 'data/baseline_results.json': '{"q_001": {"tier": 1, "correct": "yes"}}' } });
  try {
    const { page } = await openQuality(`${broken.url}#/quality`);
    assert.match(await page.textContent('[data-testid=load-error]'), /baseline_results\.json: at \$\.q_001\.correct: invalid type/);
    assert.equal(await page.textContent('[data-testid=quality-heading]'), `Quality: ${agentRun(site.dist).combined}`);
    await page.close();
  } finally {
    await broken.close();
  }
});
