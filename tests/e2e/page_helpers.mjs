// Helpers the browser tests use on the page itself: download a file the page offers
// and read its CSV, and measure layout shift. Expected figures live in
// expected_figures.mjs.

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
