import { sourceProfile } from '@liandong/contracts';
import type { Kysely } from 'kysely';
import { rawQuery } from '../../db/raw-sql.ts';
import type { Database, EventsTable } from '../../db/schema.ts';

/** Processes that begin with the duty room confirming a machine's alarm, and what a person's report of the same category runs instead. */
const WITHOUT_CONFIRMATION: Readonly<Record<string, string>> = { 'ai-alarm': 'standard' };

/** The process of last resort: the standard loop (受理 → 派遣 → 处置 → 核查 → 结案). */
export const DEFAULT_PROCESS = 'standard';

/** A grid worker's report of what they fixed on the spot runs this. */
export const SELF_HANDLED_PROCESS = 'self-handled';

export interface ProcessChoice {
  source: string;
  /** The process of the event's category (categories.process_key), if it has one. */
  categoryProcess: string | null;
  /** What the submitter asked for (a channel's adapter, an import), taken as it is. */
  requested?: string | null;
  /** A grid worker closed it on the spot. */
  selfHandled?: boolean;
}

/**
 * The one rule for which process a new event runs (issue 12.1): what the submitter asked for;
 * else a self-handled report's own process; else the source's own process (a deputy's concern
 * follows the deputy process, 民生小事时时督, whatever its category); else the category's, with
 * alarm confirmation only for sources that need it (a person's report of an AI category is
 * accepted as usual); else the standard loop.
 */
export function chooseProcessKey(c: ProcessChoice): string {
  if (c.requested) return c.requested;
  if (c.selfHandled) return SELF_HANDLED_PROCESS;
  const profile = sourceProfile(c.source);
  if (profile.defaultProcess) return profile.defaultProcess;
  const key = c.categoryProcess ?? DEFAULT_PROCESS;
  if (!profile.needsConfirmation && WITHOUT_CONFIRMATION[key]) return WITHOUT_CONFIRMATION[key];
  return key;
}

/** The process an event already written runs when no one chose one (the engine host's `lookups.processKeyFor`). */
export async function processKeyFor(db: Kysely<Database>, event: Pick<EventsTable, 'source' | 'category_code'>): Promise<string> {
  const profile = sourceProfile(event.source);
  if (profile.defaultProcess) return profile.defaultProcess;
  const [row] = await rawQuery<{ process_key: string | null }>(db, 'select "process_key" from "categories" where "code" = ?', [event.category_code]);
  return chooseProcessKey({ source: event.source, categoryProcess: row?.process_key ?? null });
}
