// Headless Debian Chromium driven by playwright-core (which downloads no browser).
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/// The built site: $SQLSWEEP_DIST when given (scripts/test builds it first), else a
/// fresh release build of this checkout.
export function distDir() {
  if (process.env.SQLSWEEP_DIST) {
    const dir = path.resolve(process.env.SQLSWEEP_DIST);
    if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`${dir}/index.html not found: build the site first`);
    return dir;
  }
  const r = spawnSync('trunk', ['build', '--release', '--offline'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('trunk build --release --offline failed');
  return path.join(ROOT, 'dist');
}

/// Opens a page that records console errors and uncaught exceptions.
export async function openPage(browser) {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { page, problems };
}
