import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository's root, where child processes run. */
export const ROOT = join(import.meta.dirname, '../../../..');

/**
 * Starts `packages/server/src/testing/<script>` as a process of its own — node itself with tsx's
 * loader, so that a SIGKILL hits the worker and not a wrapper. `ready` resolves when it prints
 * "ready" and rejects if it exits first.
 */
export function startChild(script: string, args: string[]): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'packages/server/src/testing', script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited early (${code})`)));
  });
  ready.catch(() => {});
  return { child, ready };
}

/** Waits (polling every 10 ms) until `cond` holds; throws naming `what` after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
