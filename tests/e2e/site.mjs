// The set-up most e2e files share: the built site served on 127.0.0.1 and one
// headless Chromium, started before the file's tests and stopped after them.
import { before, after } from 'node:test';
import { launch, distDir } from './browser.mjs';
import { startServer } from './server.mjs';

/// Registers the file's before/after hooks; the returned object's `dist` (the built
/// site's directory), `server` ({ url, close }) and `browser` are set once `before`
/// has run.
export function useSite() {
  const site = { dist: null, server: null, browser: null };
  before(async () => {
    site.dist = distDir();
    site.server = await startServer(site.dist);
    site.browser = await launch();
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}
