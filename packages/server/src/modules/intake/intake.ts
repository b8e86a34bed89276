import { sourceProfile, type EventView } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import type { EventsTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { EventActor } from '../events/event-actor.ts';
import { loadEventView } from '../events/event-query.service.ts';
import { isUniqueViolation, writeReportedEvent, type WrittenEvent } from '../events/event-write.ts';
import { findEventByExternalId } from '../events/events.repository.ts';
import { assertKeyMayAnswer } from '../events/key-binding.ts';
import { enqueueLinkage, kickLinkage } from '../notify/linkage-queue.ts';
import { chooseProcessKey } from './process-choice.ts';
import { acceptReport, checkedVars, normalizedReport, type Report } from './report.ts';

export type IntakeDeps = Pick<AppDeps, 'db' | 'dialect' | 'writes' | 'clock' | 'ids' | 'territory' | 'logger' | 'caches' | 'stream' | 'bus'> &
  Partial<Pick<AppDeps, 'config' | 'engineHost'>>;

export interface SubmitOptions {
  /** The process the event runs instead of the one its source and category choose (process-choice.ts). It must have an active version. */
  processKey?: string;
  /** Variables the process starts with (e.g. the care rule's `familyFirst`): they travel with the report through the linkage queue. */
  vars?: Record<string, unknown>;
  /** Tell the on-duty staff and start the process (default). Off for history being imported or seeded. */
  linkage?: boolean;
}

export interface SubmitResult {
  /** created: a new event (201); existing: an externalId repeat (200); merged: folded into a nearby open event (200). */
  outcome: 'created' | 'existing' | 'merged';
  event: EventView;
}

/**
 * The one way a report becomes an event, whatever the channel (HTTP, plate reminders; later
 * meters, cameras, Open311, the deputies' app as thin adapters). The intake decides once
 * (report.ts: category, place, routing, time, key scope, first status) and applies the
 * source's profile (contracts' SOURCE_PROFILES): a repeat of (source, externalId) answers the
 * existing event, a report near an open one of its category is merged. The events module writes
 * the event; in the same transaction notify's queue takes its linkage with the process chosen
 * (process-choice.ts) and the variables, worked off right after the commit.
 */
export async function submitReport(deps: IntakeDeps, actor: EventActor, report: Report, opts: SubmitOptions = {}): Promise<SubmitResult> {
  const recorded = await recordReport(deps, actor, report, opts);
  if (recorded.linkageQueued) {
    if (!deps.engineHost) throw new Error('submitReport with linkage needs the runtime’s engine host');
    kickLinkage(deps as IntakeDeps & Pick<AppDeps, 'engineHost'>);
  }
  return { outcome: recorded.outcome, event: recorded.event };
}

export interface RecordedReport extends SubmitResult {
  /** The event's linkage is queued (committed with it) and waits for the linkage worker. */
  linkageQueued: boolean;
}

/**
 * submitReport up to its commit, without waking the linkage worker: for a channel that submits
 * a batch and wakes it once (`kickLinkage`), and what a node that died right after the commit
 * leaves behind (the queue is worked off at the next start).
 */
export async function recordReport(deps: IntakeDeps, actor: EventActor, submitted: Report, opts: SubmitOptions = {}): Promise<RecordedReport> {
  const report = normalizedReport(actor, submitted);
  const linkage = opts.linkage ?? true;
  const vars = checkedVars(opts.vars);
  const profile = sourceProfile(report.source);
  if (opts.processKey) await assertActiveProcess(deps, opts.processKey);
  const existing = () =>
    profile.dedup.externalId && report.externalId ? findEventByExternalId(deps.db, report.source, report.externalId) : Promise.resolve(undefined);

  const repeat = await existing();
  if (repeat) return answerExisting(deps, actor, repeat);
  const accepted = await acceptReport(deps, actor, report);
  const { input, category } = accepted;
  const processKey = chooseProcessKey({
    source: input.source,
    categoryProcess: category.processKey,
    requested: opts.processKey,
    selfHandled: input.selfHandled,
  });

  let written: WrittenEvent;
  try {
    written = await deps.writes.transaction(async (trx) => {
      const w = await writeReportedEvent(trx, deps, actor, accepted);
      if (w.outcome === 'created' && linkage) await enqueueLinkage(trx, [{ eventId: w.id, at: w.row.created_at, processKey, vars }]);
      return w;
    });
  } catch (err) {
    // A concurrent repeat of the same (source, externalId) lost the race on the unique constraint.
    if (input.externalId && isUniqueViolation(err)) {
      const row = await existing();
      if (row) return answerExisting(deps, actor, row);
    }
    throw err;
  }
  if (written.outcome === 'created') return { outcome: 'created', event: written.view, linkageQueued: linkage };
  const row = (await deps.db.selectFrom('events').selectAll().where('id', '=', written.id).executeTakeFirstOrThrow()) as EventsTable;
  return { outcome: 'merged', event: await loadEventView(deps, actor, row, { showTrackingToken: true }), linkageQueued: false };
}

async function answerExisting(deps: IntakeDeps, actor: EventActor, row: EventsTable): Promise<RecordedReport> {
  await assertKeyMayAnswer(deps, actor, row);
  return { outcome: 'existing', event: await loadEventView(deps, actor, row, { showTrackingToken: true }), linkageQueued: false };
}

async function assertActiveProcess(deps: Pick<AppDeps, 'db'>, key: string): Promise<void> {
  const row = await deps.db.selectFrom('processes').select('active_version').where('key', '=', key).executeTakeFirst();
  if (!row?.active_version)
    throw new AppError('VALIDATION_FAILED', `No active version of process ${key}`, [{ path: 'processKey', message: 'Unknown or inactive process' }]);
}
