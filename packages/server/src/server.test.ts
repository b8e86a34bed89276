import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'liandong-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `liandong serve` as a real process and resolves with its URL once it listens. */
function serve(args: string[]) {
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'packages/server/src/main.ts'), 'serve', ...args], {
    cwd: dir,
    env: { ...process.env, LIANDONG_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /serving at (http:\/\/[^\s]+) /.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  url.catch(() => {}); // a test that expects the process to fail never awaits the URL
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, url, exit, output: () => out };
}

describe('liandong serve (a real process)', () => {
  it('serves, then on SIGTERM finishes and closes the database cleanly with exit code 0', async () => {
    const db = join(dir, 'serve.db');
    const s = serve(['--db', db, '--host', '127.0.0.1', '--port', '0', '--mqtt-port', '0']);
    const url = await s.url;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    expect(s.output()).toContain('stopped');
    // Closed cleanly: the write-ahead log was checkpointed into the file and removed.
    expect(existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0).toBe(0);
  }, 60_000);

  it('refuses a bad setting with a readable message and exit code 2', async () => {
    const s = serve(['--port', 'not-a-port']);
    expect(await s.exit).toBe(2);
    expect(s.output()).toContain('Invalid configuration');
    expect(s.output()).toContain('http.port');
    expect(s.output()).not.toContain('    at '); // no stack trace
  }, 60_000);
});
