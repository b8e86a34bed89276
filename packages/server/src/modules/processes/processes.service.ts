import type {
  ActivatedProcessVersion,
  ProcessCategoryRef,
  ProcessDetail,
  ProcessList,
  ProcessValidation,
  ProcessVersionDetail,
  SavedProcessVersion,
} from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { PROCESS_CATALOG } from './engine-host.ts';
import { describeDefinition, layoutDefinition, validateDefinition } from '../../engine/definitions/index.ts';
import { activateProcessVersion, checkProcessDefinition, loadProcessVersion, saveProcessVersion } from '../../engine/runtime/definition-store.ts';
import { AppError } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import { presentProcessSummary, presentVersionInfo } from './processes.presenter.ts';
import { countRunningInstances, findCategoriesByProcess, findProcessRows, findVersionRows } from './processes.repository.ts';

type ProcessDeps = Pick<AppDeps, 'db' | 'clock'>;

/** Who used a key, and how many instances run per version: keyed `key` and `key@version`. */
async function usageOf(deps: ProcessDeps, keys: string[]) {
  const categories = new Map<string, ProcessCategoryRef[]>();
  for (const c of await findCategoriesByProcess(deps.db, keys)) {
    const list = categories.get(c.process_key!) ?? [];
    list.push({ code: c.code, name: { zh: c.name_zh, en: c.name_en } });
    categories.set(c.process_key!, list);
  }
  const running = new Map<string, number>();
  for (const r of await countRunningInstances(deps.db, keys)) {
    running.set(r.key, (running.get(r.key) ?? 0) + r.n);
    running.set(`${r.key}@${r.version}`, r.n);
  }
  return { categories: (key: string) => categories.get(key) ?? [], running: (id: string) => running.get(id) ?? 0 };
}

export async function listProcesses(deps: ProcessDeps): Promise<ProcessList> {
  const rows = await findProcessRows(deps.db);
  const usage = await usageOf(
    deps,
    rows.map((r) => r.key),
  );
  return { items: rows.map((r) => presentProcessSummary(r, usage.categories(r.key), usage.running(r.key))) };
}

async function processRowOrThrow(deps: ProcessDeps, key: string) {
  const [row] = await findProcessRows(deps.db, key);
  if (!row) throw new AppError('PROCESS_NOT_FOUND', `No process ${key}`, { key });
  return row;
}

/** The active version's definition with the version history (newest first). */
export async function getProcess(deps: ProcessDeps, key: string): Promise<ProcessDetail> {
  const row = await processRowOrThrow(deps, key);
  const usage = await usageOf(deps, [key]);
  const versions = await findVersionRows(deps.db, key);
  const definition = await loadProcessVersion(deps.db, deps.db, key, row.active_version);
  return {
    ...presentProcessSummary(row, usage.categories(key), usage.running(key)),
    definition,
    versions: versions.map((v) => presentVersionInfo(v, row.active_version, usage.running(`${key}@${v.version}`))),
  };
}

export async function getProcessVersion(deps: ProcessDeps, key: string, version: number): Promise<ProcessVersionDetail> {
  const row = await processRowOrThrow(deps, key);
  const [v] = await findVersionRows(deps.db, key, version);
  if (!v) throw new AppError('PROCESS_NOT_FOUND', `No process ${key} version ${version}`, { key, version });
  const usage = await usageOf(deps, [key]);
  const definition = await loadProcessVersion(deps.db, deps.db, key, version);
  return { key, ...presentVersionInfo(v, row.active_version, usage.running(`${key}@${version}`)), definition };
}

/** The request body is the definition, with the author's `note` beside it (not part of the definition). */
function splitNote(body: unknown): { definition: unknown; note: string | null } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { definition: body, note: null };
  const { note, ...definition } = body as Record<string, unknown>;
  return { definition, note: typeof note === 'string' && note.trim() ? note.trim().slice(0, 500) : null };
}

/**
 * Saves a new version of `key` (a new key creates the process). Invalid → 422 PROCESS_INVALID
 * listing every problem, nothing written. Running instances keep their version.
 */
export async function saveProcess(
  deps: ProcessDeps,
  principal: Principal,
  key: string,
  body: unknown,
  opts: { activate: boolean },
): Promise<SavedProcessVersion> {
  const { definition: input, note } = splitNote(body);
  const definition = checkProcessDefinition(key, input, PROCESS_CATALOG);
  const at = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const saved = await saveProcessVersion(trx, { key, definition, at, by: principal.userId, note, activate: opts.activate });
    await writeAudit(trx, {
      at,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'process.save',
      targetType: 'process',
      targetId: key,
      details: { version: saved.version, activated: saved.activated, note },
    });
    return saved;
  });
}

/** Makes an existing version the one new instances start on. */
export async function activateProcess(deps: ProcessDeps, principal: Principal, key: string, version: number): Promise<ActivatedProcessVersion> {
  const row = await processRowOrThrow(deps, key);
  const at = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await activateProcessVersion(trx, { key, version, at, by: principal.userId });
    await writeAudit(trx, {
      at,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'process.activate',
      targetType: 'process',
      targetId: key,
      details: { version, previous: row.active_version },
    });
  });
  return { key, activeVersion: version };
}

/** Validates without saving, for the editor's live messages. */
export function validateProcess(body: unknown): ProcessValidation {
  const { definition: input } = splitNote(body);
  const result = validateDefinition(input, PROCESS_CATALOG);
  if (!result.ok) return { ok: false, problems: result.problems };
  const { version: _ignored, ...def } = result.definition;
  const definition = layoutDefinition(def);
  return { ok: true, problems: [], definition, described: { zh: describeDefinition(definition, 'zh'), en: describeDefinition(definition, 'en') } };
}
