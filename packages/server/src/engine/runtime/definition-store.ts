import type { ProcessDefinition, ProcessDefinitionInput } from '@liandong/contracts';
import { sql, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from '../../db/raw-sql.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { ActionRegistry } from '../definitions/action-registry.ts';
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

/**
 * What a definition is checked against: the actions the host registered and the notification
 * template kinds send_sms / notify_unit may name (EngineHost has both). Without it, the
 * built-in actions and any template.
 */
export interface DefinitionCatalog {
  actions?: ActionRegistry;
  templates?: readonly string[];
}

/** The validator's view of the host's actions and templates. */
export function catalogOf(host: { actions: { actions: ActionRegistry }; templates: readonly string[] }): DefinitionCatalog {
  return { actions: host.actions.actions, templates: host.templates };
}

/**
 * Validates a definition for `key` and throws 422 PROCESS_INVALID listing every problem; returns
 * it normalised (defaults filled, every node placed on the diagram).
 */
export function checkProcessDefinition(key: string, input: unknown, catalog: DefinitionCatalog = {}): ProcessDefinition {
  const body = typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...(input as Record<string, unknown>), key } : input;
  const result = validateDefinition(body, catalog);
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

export async function activateProcessVersion(
  trx: Transaction<Database>,
  input: { key: string; version: number; at: string; by: string | null },
): Promise<void> {
  const exists = await trx
    .selectFrom('process_versions')
    .select('version')
    .where('key', '=', input.key)
    .where('version', '=', input.version)
    .executeTakeFirst();
  if (!exists) throw new AppError('PROCESS_NOT_FOUND', `No process ${input.key} version ${input.version}`, { key: input.key, version: input.version });
  await trx
    .insertInto('processes')
    .values({ key: input.key, active_version: input.version, updated_at: input.at, updated_by: input.by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ active_version: input.version, updated_at: input.at, updated_by: input.by }))
    .execute();
}

/**
 * Seeds the built-in processes as version 1 where a key has none yet (idempotent; an
 * administrator's later versions are left alone). A key still running its seeded built-in
 * version from before waits declared their signal senders gets the current built-in as a new
 * active version, so that e.g. cameras keep closing parking cases (without a declaration only
 * administrators may send a signal); running instances stay on their version.
 */
export async function ensureBuiltinProcesses(db: Kysely<Database>, at: string, catalog: DefinitionCatalog = {}): Promise<number> {
  let added = 0;
  await db.transaction().execute(async (trx) => {
    // Nodes starting at the same moment on one PostgreSQL database seed one after the other (the
    // second then finds the first's versions); SQLite's one writing connection already does.
    if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(hashtext('liandong:builtin-processes'))`.execute(trx);
    const present = new Map((await trx.selectFrom('processes').select(['key', 'active_version']).execute()).map((r) => [r.key, r.active_version]));
    for (const [key, builtin] of Object.entries(BUILTIN_DEFINITIONS) as Array<[string, ProcessDefinitionInput]>) {
      if (present.has(key)) {
        const active = present.get(key);
        if (active != null && (await seededWithoutSenders(trx, key, active, builtin))) {
          await saveProcessVersion(trx, {
            key,
            definition: checkProcessDefinition(key, builtin, catalog),
            at,
            by: null,
            note: 'built-in: who may send its signals',
          });
          added++;
        } else if (active != null && (await seededAndChanged(trx, key, active, builtin, catalog))) {
          await saveProcessVersion(trx, { key, definition: checkProcessDefinition(key, builtin, catalog), at, by: null, note: 'built-in: updated' });
          added++;
        }
        continue;
      }
      await saveProcessVersion(trx, { key, definition: checkProcessDefinition(key, builtin, catalog), at, by: null, note: 'built-in' });
      added++;
    }
  });
  return added;
}

/** The active version is the seeded built-in one, and it lacks signal senders the built-in now declares. */
async function seededWithoutSenders(trx: Transaction<Database>, key: string, version: number, builtin: ProcessDefinitionInput): Promise<boolean> {
  const declares = (nodes: ProcessDefinitionInput['nodes']) => new Set(nodes.flatMap((n) => (n.kind === 'wait' && n.signal?.senders ? [n.id] : [])));
  const wanted = declares(builtin.nodes);
  if (wanted.size === 0) return false;
  const row = await trx
    .selectFrom('process_versions')
    .select(['definition', 'created_by', 'note'])
    .where('key', '=', key)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row || row.created_by !== null || !row.note?.startsWith('built-in')) return false;
  const stored = declares((JSON.parse(row.definition) as ProcessDefinition).nodes);
  return [...wanted].some((id) => !stored.has(id));
}

/** JSON with sorted keys, to compare definitions whatever order their fields were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * The active version is the key's latest, seeded as a built-in (not saved by an administrator),
 * and the current built-in differs from it (e.g. natural-time limits for the duty room and for
 * urgent events): the installation gets the current built-in as its next version.
 */
async function seededAndChanged(
  trx: Transaction<Database>,
  key: string,
  version: number,
  builtin: ProcessDefinitionInput,
  catalog: DefinitionCatalog,
): Promise<boolean> {
  const latest = await trx
    .selectFrom('process_versions')
    .select(['version', 'definition', 'created_by', 'note'])
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest || latest.version !== version || latest.created_by !== null || !latest.note?.startsWith('built-in')) return false;
  const { version: _stored, ...stored } = JSON.parse(latest.definition) as ProcessDefinition;
  return canonical(stored) !== canonical({ ...checkProcessDefinition(key, builtin, catalog), key });
}
