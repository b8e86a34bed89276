import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './child-process.ts';

/**
 * `liandong serve` as a process of its own (node itself with tsx's loader), on the given
 * database: one node of an installation. `url` resolves with where it listens; `stop()` sends
 * SIGTERM and waits for the exit.
 */
export function serveNode(dbUrl: string, dataDir: string, opts: { env?: Record<string, string>; args?: string[] } = {}) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'packages/server/src/main.ts'),
      'serve',
      '--db',
      dbUrl,
      '--data-dir',
      dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--mqtt-port',
      '0',
      '--log-level',
      'warn',
      ...(opts.args ?? []),
    ],
    { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const collect = (d: Buffer) => (out += d);
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code, signal) => reject(new Error(`serve exited (${code ?? signal}): ${out}`)));
  });
  url.catch(() => {});
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  return {
    child,
    url,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
