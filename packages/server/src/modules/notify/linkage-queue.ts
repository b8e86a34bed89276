import type { Kysely, Transaction } from 'kysely';
import { insertRows } from '../../db/fast-insert.ts';
import type { Database } from '../../db/schema.ts';
import { linkageDrainerOf, type LinkageWorkerDeps } from './linkage.worker.ts';

/** An event to link: tell its units' on-duty staff and start its process (with these variables). */
export interface LinkageRequest {
  eventId: string;
  at: string;
  /** The process the event runs; null: decided at the start (the engine host's processKeyFor). */
  processKey: string | null;
  /** The process variables the report was submitted with. */
  vars?: Readonly<Record<string, unknown>> | null;
}

/**
 * Queues the linkage of new events in the transaction that writes them (so the intent is as
 * durable as the events); `kickLinkage` after the commit works it off. The only way into
 * notify's queue from outside notify.
 */
export async function enqueueLinkage(trx: Transaction<Database>, requests: readonly LinkageRequest[]): Promise<void> {
  if (!requests.length) return;
  await insertRows(
    trx,
    'linkage_queue',
    requests.map((r) => ({
      event_id: r.eventId,
      created_at: r.at,
      process_key: r.processKey,
      vars: r.vars && Object.keys(r.vars).length ? JSON.stringify(r.vars) : null,
    })),
  );
}

/** Wakes the linkage worker after a commit that queued linkage. */
export function kickLinkage(deps: LinkageWorkerDeps): void {
  linkageDrainerOf(deps).kick();
}

/** The process an event waiting for its linkage will start, when the intake chose one (null: not queued, or the engine chooses at the start). */
export async function queuedProcessKey(db: Kysely<Database>, eventId: string): Promise<string | null> {
  const row = await db.selectFrom('linkage_queue').select('process_key').where('event_id', '=', eventId).executeTakeFirst();
  return row?.process_key ?? null;
}
