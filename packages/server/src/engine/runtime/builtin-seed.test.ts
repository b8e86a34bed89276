import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, type DatabaseHandle } from '../../db/database.ts';
import { openTestDatabase } from '../../testing/databases.ts';
import { BUILTIN_DEFINITIONS } from '../definitions/index.ts';
import { ensureBuiltinProcesses } from './definition-store.ts';

// Two nodes started at the same moment on one PostgreSQL database both seed the built-in
// processes: neither may fail, and each process gets exactly one version.
describe('seeding the built-in processes from two nodes at once (postgres)', () => {
  let h: DatabaseHandle | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('seeds each built-in once, and neither start fails', async () => {
    h = await openTestDatabase('postgres');
    await migrateToLatest(h.db);
    const at = '2026-12-07T08:00:00.000Z';
    const added = await Promise.all([ensureBuiltinProcesses(h.db, at), ensureBuiltinProcesses(h.db, at), ensureBuiltinProcesses(h.db, at)]);
    const keys = Object.keys(BUILTIN_DEFINITIONS);
    expect(added.reduce((a, b) => a + b, 0)).toBe(keys.length);
    const versions = await h.db.selectFrom('process_versions').select(['key', 'version']).execute();
    expect(versions.map((v) => v.key).sort()).toEqual([...keys].sort());
  });
});
