import type { Db } from '../../db/database.ts';

/** Every process key with its active version row (name, time of activation) and latest version number. */
export async function findProcessRows(db: Db, key?: string) {
  let q = db
    .selectFrom('processes as p')
    .innerJoin('process_versions as v', (j) => j.onRef('v.key', '=', 'p.key').onRef('v.version', '=', 'p.active_version'))
    .select((eb) => [
      'p.key',
      'p.active_version',
      'p.updated_at',
      'v.name_zh',
      'v.name_en',
      eb
        .selectFrom('process_versions as l')
        .select((e) => e.fn.max('l.version').as('m'))
        .whereRef('l.key', '=', 'p.key')
        .as('latest_version'),
    ]);
  if (key !== undefined) q = q.where('p.key', '=', key);
  return q.orderBy('p.key').execute();
}

export async function findCategoriesByProcess(db: Db, keys: string[]) {
  if (keys.length === 0) return [];
  return db
    .selectFrom('categories')
    .select(['code', 'name_zh', 'name_en', 'process_key'])
    .where('process_key', 'in', keys)
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
}

/** Running instances per key and version. */
export async function countRunningInstances(db: Db, keys: string[]) {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom('process_instances')
    .select((eb) => ['process_key', 'version', eb.fn.countAll().as('n')])
    .where('status', '=', 'running')
    .where('process_key', 'in', keys)
    .groupBy(['process_key', 'version'])
    .execute();
  return rows.map((r) => ({ key: r.process_key, version: r.version, n: Number(r.n) }));
}

/** The versions of a key, newest first, with the author's username. */
export async function findVersionRows(db: Db, key: string, version?: number) {
  let q = db
    .selectFrom('process_versions as v')
    .leftJoin('users as u', 'u.id', 'v.created_by')
    .select(['v.key', 'v.version', 'v.name_zh', 'v.name_en', 'v.note', 'v.created_at', 'v.created_by', 'u.username'])
    .where('v.key', '=', key);
  if (version !== undefined) q = q.where('v.version', '=', version);
  return q.orderBy('v.version', 'desc').execute();
}

export type ProcessRow = Awaited<ReturnType<typeof findProcessRows>>[number];
export type VersionRow = Awaited<ReturnType<typeof findVersionRows>>[number];
