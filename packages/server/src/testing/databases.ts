import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle, type Dialect } from '../db/database.ts';

/** Every database test runs on both engines. */
export const TEST_DIALECTS: Dialect[] = ['sqlite', 'postgres'];

/**
 * A fresh, empty database of the given engine. PostgreSQL tests get their own database on the
 * server the test run provides (pg-global-setup.ts), dropped on close.
 */
export async function openTestDatabase(dialect: Dialect): Promise<DatabaseHandle & { url: string }> {
  if (dialect === 'sqlite') return { ...openDatabase(':memory:'), url: ':memory:' };
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) throw new Error('No PostgreSQL server was provided: the test server did not start');
  const name = `liandong_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase(url.toString(), { poolSize: 5 });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
