import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/**
 * Starts a TypeScript entry in a child process and resolves when `url` answers. `nodeArgs`
 * (e.g. `--cpu-prof`) run it as `node <nodeArgs> --import tsx <entry>`.
 */
export async function startChild(entry: string, args: string[], env: Record<string, string>, readyUrl: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  const [cmd, argv] = nodeArgs.length ? [process.execPath, [...nodeArgs, '--import', 'tsx', entry, ...args]] : [TSX, [entry, ...args]];
  const child = spawn(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    try {
      const r = await fetch(readyUrl);
      if (r.status < 500) return child;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${entry} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Arguments of `liandong serve` as the benchmarks run it: on `file`, on 127.0.0.1:`port`, warnings only, no MQTT broker; then `extra`. */
export function serveArgs(file: string, port: number, extra: string[] = []): string[] {
  return ['serve', '--db', file, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn', '--mqtt-port', '0', ...extra];
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
