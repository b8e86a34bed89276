import type { ProcessDefinition, ProcessDefinitionInput } from '@liandong/contracts';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { DEFAULT_TEMPLATES } from '../../modules/notify/templates.ts';
import { BUILTIN_DEFINITIONS, layoutDefinition, validateDefinition } from '../definitions/index.ts';

type Q = Kysely<Database> | Transaction<Database>;

/**
 * Published process versions never change, so a version once read is kept in memory for good
 * (per database: tests open many). Which version is active is read afresh at every start: an
 * activation must take effect on every node at once.
 */
const versions = new WeakMap<object, Map<string, ProcessDefinition>>();

function cacheOf(root: object): Map<string, ProcessDefinition> {
  let c = versions.get(root);
  if (!c) versions.set(root, (c = new Map()));
  return c;
}

/** A stored version; `root` is the database the cache belongs to, `q` what to read through (may be a transaction). */
export async function loadProcessVersion(root: object, q: Q, key: string, version: number): Promise<ProcessDefinition> {
  const cache = cacheOf(root);
  const id = `${key}@${version}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const row = await q.selectFrom('process_versions').select('definition').where('key', '=', key).where('version', '=', version).executeTakeFirst();
  if (!row) throw new AppError('PROCESS_NOT_FOUND', `No process ${key} version ${version}`, { key, version });
  const def = JSON.parse(row.definition) as ProcessDefinition;
  cache.set(id, def);
  return def;
}

export async function activeProcessVersion(q: Q, key: string): Promise<number | null> {
  const row = await q.selectFrom('processes').select('active_version').where('key', '=', key).executeTakeFirst();
  return row?.active_version ?? null;
}

/** The template kinds a definition may name (send_sms / notify_unit). */
export const PROCESS_TEMPLATE_KINDS: readonly string[] = Object.keys(DEFAULT_TEMPLATES);

/**
 * Validates a definition for `key` and throws 422 PROCESS_INVALID listing every problem; returns
 * it normalised (defaults filled, every node placed on the diagram).
 */
export function checkProcessDefinition(key: string, input: unknown): ProcessDefinition {
  const body = typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...(input as Record<string, unknown>), key } : input;
  const result = validateDefinition(body, { templates: PROCESS_TEMPLATE_KINDS });
  if (!result.ok) {
    throw new AppError('PROCESS_INVALID', `The process has ${result.problems.length} problem(s): ${result.problems.map((p) => p.message).join('; ')}`, {
      problems: result.problems,
    });
  }
  const { version: _ignored, ...def } = result.definition;
  return layoutDefinition(def);
}

export interface SavedVersion {
  key: string;
  version: number;
  activated: boolean;
}

/**
 * Saves a new version (the next number for the key) and, unless told otherwise, makes it the
 * active one. Running instances keep their version.
 */
export async function saveProcessVersion(
  trx: Transaction<Database>,
  input: { key: string; definition: ProcessDefinition; at: string; by: string | null; note?: string | null; activate?: boolean },
): Promise<SavedVersion> {
  const last = await trx
    .selectFrom('process_versions')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('key', '=', input.key)
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  const definition = { ...input.definition, key: input.key, version };
  await trx
    .insertInto('process_versions')
    .values({
      key: input.key,
      version,
      name_zh: definition.name.zh,
      name_en: definition.name.en,
      definition: JSON.stringify(definition),
      note: input.note ?? null,
      created_at: input.at,
      created_by: input.by,
    })
    .execute();
  const activate = input.activate ?? true;
  if (activate || version === 1) await activateProcessVersion(trx, { key: input.key, version, at: input.at, by: input.by });
  return { key: input.key, version, activated: activate || version === 1 };
}

export async function activateProcessVersion(trx: Transaction<Database>, input: { key: string; version: number; at: string; by: string | null }): Promise<void> {
  const exists = await trx.selectFrom('process_versions').select('version').where('key', '=', input.key).where('version', '=', input.version).executeTakeFirst();
  if (!exists) throw new AppError('PROCESS_NOT_FOUND', `No process ${input.key} version ${input.version}`, { key: input.key, version: input.version });
  await trx
    .insertInto('processes')
    .values({ key: input.key, active_version: input.version, updated_at: input.at, updated_by: input.by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ active_version: input.version, updated_at: input.at, updated_by: input.by }))
    .execute();
}

/**
 * Seeds the built-in processes as version 1 where a key has none yet (idempotent; an
 * administrator's later versions are left alone).
 */
export async function ensureBuiltinProcesses(db: Kysely<Database>, at: string): Promise<number> {
  let added = 0;
  await db.transaction().execute(async (trx) => {
    const present = new Set((await trx.selectFrom('processes').select('key').execute()).map((r) => r.key));
    for (const [key, builtin] of Object.entries(BUILTIN_DEFINITIONS) as Array<[string, ProcessDefinitionInput]>) {
      if (present.has(key)) continue;
      await saveProcessVersion(trx, { key, definition: checkProcessDefinition(key, builtin), at, by: null, note: 'built-in' });
      added++;
    }
  });
  return added;
}
