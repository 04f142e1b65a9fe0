// Import and export end to end: files picked or dropped join every view (or are
// refused with a message naming the file, leaving the loaded data intact), the
// JSON export of #/sweep re-imports to the same figures, and CSV downloads hold
// exactly the rows shown, with spreadsheet formulas defused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage } from './browser.mjs';
import { publishedModels, readData, readJson } from './expected_figures.mjs';
import { parseCsv, download } from './page_helpers.mjs';
import { useSite } from './site.mjs';

const site = useSite();

const ROWS = '[data-testid=sweep-matrix] tbody tr[data-model]';

async function matrix(page) {
  return page.$$eval(ROWS, (trs) =>
    trs.map((tr) => ({
      model: tr.dataset.model,
      accuracy: tr.querySelector('[data-testid=accuracy]')?.textContent ?? null,
      reproduced: tr.querySelector('[data-testid=reproduced]')?.textContent ?? null,
    })));
}

async function openSweep(hash = '#/sweep') {
  const { page, problems } = await openPage(site.browser);
  await page.goto(`${site.server.url}${hash}`);
  await page.waitForSelector(ROWS);
  return { page, problems };
}

/** Picks files with the panel's file input. */
async function pick(page, files) {
  await page.setInputFiles('[data-testid=import-input]', files.map(([name, body]) => ({ name, mimeType: 'application/json', buffer: Buffer.from(body) })));
}

/** Drops a file on the page the way a browser does (dragover, then drop). */
async function drop(page, name, body) {
  await page.evaluate(([name, body]) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], name, { type: 'application/json' }));
    for (const type of ['dragover', 'drop']) {
      document.querySelector('main').dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, [name, body]);
}

const accuracyText = (m) => `${Math.round((100 * m.correct) / m.traces)}% (${m.correct}/${m.traces})`;

test('a bad file is refused with a message naming it and the problem; the loaded sweeps stay', async () => {
  const published = publishedModels(site.dist);
  const { page, problems } = await openSweep();
  // Models and accuracies only: the reproduction column fills in meanwhile.
  const figures = async () => (await matrix(page)).map(({ model, accuracy }) => ({ model, accuracy }));
  const before = await figures();
  assert.equal(before.length, published.length);
  const summary = await page.textContent('[data-testid=library-summary]');
  assert.equal(summary, `2 sweeps loaded (${published.length} models)`);

  const cases = [
    ['broken.json', '{"reports": [', /Could not import broken\.json: not valid JSON.*The loaded sweeps are unchanged\./],
    ['empty.json', '', /Could not import empty\.json: the file is empty \(0 bytes\)/],
    ['agent_eval.json', readData(site.dist, 'agent_eval.json'), /Could not import agent_eval\.json: not a sweep file: expected "schema": "sqlsweep\.sweep".*found keys "model"/],
    ['Chinook.db', readData(site.dist, 'Chinook.db'), /Could not import Chinook\.db: this is a SQLite database, not a sweep file/],
    ['shape.json', '{"platform": "baseten", "reports": 5}', /Could not import shape\.json: at \$\.reports: invalid type: integer `5`, expected a sequence/],
  ];
  for (const [name, body, want] of cases) {
    await pick(page, [[name, body]]);
    await page.waitForFunction((n) => document.querySelector('[data-testid=import-error]')?.textContent.includes(n), name);
    const error = page.locator('[data-testid=import-error]');
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.match(await error.textContent(), want);
    assert.deepEqual(await figures(), before, `the matrix is unchanged after ${name}`);
    assert.equal(await page.textContent('[data-testid=library-summary]'), summary);
  }

  // A huge file is refused before it is read (dropped, like a user would).
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(64 * 1024 * 1024 + 1)], 'huge.json'));
    document.querySelector('main').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=import-error]')?.textContent.includes('huge.json'));
  assert.match(await page.textContent('[data-testid=import-error]'), /huge\.json: the file is 64\.0 MB; sweep files over 64\.0 MB are not imported/);
  assert.deepEqual(await figures(), before);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a dropped sweep joins #/sweep, #/quality and the reproduction; removing it takes it out', async () => {
  const published = publishedModels(site.dist);
  // The Fireworks sweep in the original format, under new model ids and another name.
  const fw = readJson(site.dist, 'fireworks_sweep_v2.json');
  for (const r of fw.reports) r.model = `rerun/${r.model.split('/').pop()}`;
  const added = fw.reports.map((r) => ({
    model: r.model,
    traces: r.traces.length,
    correct: r.traces.filter((t) => t.correct).length,
  }));
  const { page, problems } = await openSweep();
  await drop(page, 'fw_rerun.json', JSON.stringify(fw));
  await page.waitForSelector('[data-testid=import-ok]');
  assert.match(await page.textContent('[data-testid=import-ok]'), /Imported fw_rerun\.json: 5 models added as “fw_rerun\.json \(imported\)”/);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=sweep-matrix] tbody tr[data-model]').length === n, published.length + added.length);
  const rows = await matrix(page);
  for (const m of added) {
    assert.equal(rows.find((r) => r.model === m.model)?.accuracy, accuracyText(m), `accuracy of imported ${m.model}`);
  }
  assert.equal(await page.textContent('[data-testid=library-summary]'), `3 sweeps loaded (${published.length + added.length} models, 1 added by you)`);
  assert.equal(await page.locator('[data-testid=library-entry][data-source=imported]').count(), 1);

  // The imported traces are re-executed and re-scored in the browser too.
  await page.waitForSelector('[data-testid=reproduce-status][data-state=done]', { timeout: 240_000 });
  const status = page.locator('[data-testid=reproduce-status]');
  const total = [...published, ...added].reduce((n, m) => n + m.traces, 0);
  assert.equal(Number(await status.getAttribute('data-traces')), total);
  assert.equal(Number(await status.getAttribute('data-agree')), total);
  for (const m of added) {
    assert.equal((await matrix(page)).find((r) => r.model === m.model).reproduced, `${m.traces}/${m.traces} ✓`);
  }

  // It joins the other views: the failure taxonomy has its rows.
  await page.click('nav a[href="#/quality"]');
  await page.waitForSelector('[data-testid=quality-view][aria-busy=false]');
  const taxonomyModels = await page.$$eval('[data-testid=table-quality-taxonomy-model] tbody th', (ths) => ths.map((th) => th.textContent));
  for (const m of added) assert.ok(taxonomyModels.includes(m.model), `${m.model} in the taxonomy`);
  assert.match(await page.textContent('[data-testid=taxonomy-scope]'), /fw_rerun\.json \(imported\)/);

  // Removing the import takes it out of every view.
  await page.click('[data-testid=library-panel] summary');
  await page.click('[data-testid=library-entry][data-source=imported] [data-testid=remove-entry]');
  assert.equal(await page.locator('[data-testid=library-entry]').count(), 2);
  assert.equal(await page.locator('[data-testid=table-quality-taxonomy-model] tbody tr').count(), published.length);
  await page.click('nav a[href="#/sweep"]');
  await page.waitForSelector(ROWS);
  assert.equal((await matrix(page)).length, published.length);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the JSON export of #/sweep is a sweep file that re-imports to the same figures', async () => {
  const { page, problems } = await openSweep('#/sweep?platform=fireworks');
  const shown = await matrix(page);
  assert.equal(shown.length, 5);
  const { name, text } = await download(page, '[data-testid=export-json-sweep-models]');
  assert.equal(name, 'sqlsweep-sweep-models.json');
  const sweep = JSON.parse(text);
  assert.equal(sweep.schema, 'sqlsweep.sweep');
  assert.deepEqual(sweep.models.map((m) => m.model).sort(), shown.map((r) => r.model).sort(), 'the models shown');
  assert.ok(sweep.models.every((m) => m.platform === 'fireworks'));

  await page.selectOption('[data-testid=platform-filter]', 'all');
  await pick(page, [[name, text]]);
  await page.waitForSelector('[data-testid=import-ok]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=sweep-matrix] tbody tr[data-model]').length === 20);
  const rows = await matrix(page);
  for (const r of shown) {
    const both = rows.filter((x) => x.model === r.model);
    assert.equal(both.length, 2, `${r.model} shown twice (published and re-imported)`);
    assert.equal(both[0].accuracy, both[1].accuracy, `same accuracy for ${r.model}`);
  }
  // Each loaded sweep also exports alone, in our schema.
  await page.click('[data-testid=library-panel] summary');
  const one = await download(page, '[data-testid=library-entry][data-file="baseten_sweep.json"] [data-testid=export-json-sweep-baseten_sweep]');
  const parsed = JSON.parse(one.text);
  assert.equal(parsed.schema, 'sqlsweep.sweep');
  assert.equal(parsed.models.length, 10);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the CSV of #/sweep holds the rows shown, and formulas from imported data are defused', async () => {
  const published = publishedModels(site.dist);
  const { page, problems } = await openSweep();
  const evil = {
    platform: 'baseten',
    reports: [{ model: '=HYPERLINK("http://evil.example","x")', traces: [{ qid: 'q_001', sql: 'SELECT 1', rows: [{ x: 1 }], correct: false, latency_ms: 5 }] }],
  };
  await pick(page, [['evil.json', JSON.stringify(evil)]]);
  await page.waitForSelector('[data-testid=import-ok]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=sweep-matrix] tbody tr[data-model]').length === n, published.length + 1);

  const { name, text } = await download(page, '[data-testid=export-csv-sweep-matrix]');
  assert.equal(name, 'sqlsweep-sweep-matrix.csv');
  assert.ok(text.includes('\r\n'), 'CRLF line ends');
  const csv = parseCsv(text);
  const [head, ...rows] = csv;
  assert.deepEqual(head.slice(0, 6), ['model', 'platform', 'sweep', 'questions', 'correct', 'accuracy']);
  assert.equal(rows.length, published.length + 1);
  // Rows in the order shown.
  assert.deepEqual(rows.map((r) => r[0]).filter((m) => !m.startsWith("'")), (await matrix(page)).map((r) => r.model).filter((m) => !m.startsWith('=')));
  for (const m of published) {
    const row = rows.find((r) => r[0] === m.model);
    assert.equal(row[3], String(m.traces), m.model);
    if (m.fatal) {
      assert.equal(row[5], '', `${m.model} never ran: no accuracy`);
    } else {
      assert.equal(row[4], String(m.correct), m.model);
      assert.equal(Number(row[5]), m.correct / m.traces, m.model);
    }
  }
  const defused = rows.find((r) => r[0].includes('HYPERLINK'));
  assert.equal(defused[0], `'${evil.reports[0].model}`, 'the formula is prefixed with a quote');
  // On screen the model id is text, not a link or markup.
  const evilRow = await page.$$eval(ROWS, (trs, id) => trs.filter((tr) => tr.dataset.model === id).map((tr) => ({
    links: tr.querySelectorAll('a').length,
    text: tr.querySelector('.col-model .id').textContent,
  })), evil.reports[0].model);
  assert.deepEqual(evilRow, [{ links: 0, text: evil.reports[0].model }]);
  assert.deepEqual(problems, []);
  await page.close();
});
