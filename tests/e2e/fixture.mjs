// Starts the project's fixture provider (crates/fixture) on 127.0.0.1, port 0, and
// reads the chosen port from its first stdout line; `stop()` sends SIGTERM and waits.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ROOT } from './browser.mjs';

/// A debug build of one of this checkout's binaries, in $CARGO_TARGET_DIR when set (as CI
/// sets it), else in target/; built first (a no-op when it is fresh).
export function cargoBinary(pkg, name) {
  const r = spawnSync('cargo', ['build', '--quiet', '-p', pkg], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`cargo build -p ${pkg} failed`);
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
  const bin = path.join(targetDir, 'debug', name);
  if (!existsSync(bin)) throw new Error(`${bin} not found after the build`);
  return bin;
}

/// The fixture binary: $SQLSWEEP_FIXTURE_BIN, else a debug build of this checkout.
export function fixtureBinary() {
  return process.env.SQLSWEEP_FIXTURE_BIN || cargoBinary('sqlsweep-fixture', 'sqlsweep-fixture');
}

/// Starts the fixture with `args` (e.g. ['--key', K, '--gold', …]). Resolves to
/// { url: 'http://127.0.0.1:PORT', base: '…/v1', journal(), reset(), stop() }.
export async function startFixture(args = [], { bin = fixtureBinary(), lifetimeS = 900 } = {}) {
  const child = spawn(bin, ['--port', '0', '--max-lifetime-s', String(lifetimeS), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = readline.createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise((resolve) => lines.once('line', resolve)),
    exited.then(({ code }) => { throw new Error(`the fixture exited (${code}) before listening: ${stderr}`); }),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`the fixture printed nothing in 20 s: ${stderr}`)), 20_000)),
  ]);
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first.trim());
  if (!m) {
    child.kill('SIGTERM');
    throw new Error(`unexpected first line from the fixture: ${JSON.stringify(first)}`);
  }
  const url = m[1];
  return {
    url,
    base: `${url}/v1`,
    async journal() {
      const r = await fetch(`${url}/__fixture/journal`);
      return (await r.json()).entries;
    },
    async reset() {
      await fetch(`${url}/__fixture/reset`, { method: 'POST' });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const how = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 5000))]);
      if (how === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
