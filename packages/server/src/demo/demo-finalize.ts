import { isMachineSource } from '@liandong/contracts';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { defaultIds } from '../lib/ids.ts';
import { appendTimeline, type TimelineInput } from '../modules/events/timeline.ts';
import type { ActorResolver } from './demo.ts';
import type { DemoEventState, DemoPerson } from './demo.repository.ts';
import type { PlannedEvent } from './events.generator.ts';
import { uuidv7At } from './org.generator.ts';
import { createRng, hashString } from './prng.ts';

const HOUR_MS = 3_600_000;

interface Step {
  at: number;
  kind: string;
  person: DemoPerson | undefined | null;
  orgUnitId: string | null;
  data: Record<string, unknown>;
}

/**
 * Carries a batch of freshly created demo events through their planned handling in one
 * transaction: the steps that happened (accept, dispatch, urge, supervise, feedback, close,
 * rating) become timeline entries by the people who would have done them, and the event row
 * takes its final status. An event already in its planned status is never passed here, so a
 * resumed run does not repeat steps.
 */
export async function finalizeBatch(
  trx: Transaction<Database>,
  o: { events: PlannedEvent[]; states: Map<string, DemoEventState>; actors: ActorResolver; seed: number; anchorMs: number },
): Promise<void> {
  const timeline: TimelineInput[] = [];
  for (const e of o.events) {
    const s = o.states.get(e.externalId)!;
    const steps = stepsOf(e, s, o.actors, o.anchorMs);
    const rng = createRng((o.seed ^ hashString(`finalize:${e.seq}`)) >>> 0);
    for (const st of steps) {
      timeline.push({
        id: uuidv7At(st.at, rng),
        eventId: s.id,
        at: iso(st.at),
        kind: st.kind,
        actor: st.person ? { kind: 'user', userId: st.person.userId, name: st.person.displayName, memberships: [] } : null,
        orgUnitId: st.orgUnitId,
        data: st.data,
      });
    }
    const endMs = e.steps.closedMs ?? e.steps.rejectedMs ?? null;
    const final = e.status === 'closed' || e.status === 'rejected';
    const rated = steps.find((st) => st.kind === 'rated');
    await trx
      .updateTable('events')
      .set({
        status: e.status,
        is_open: final ? 0 : 1,
        closing_kind: e.closingKind,
        closed_at: endMs === null ? null : iso(endMs),
        due_at: s.dueAt ?? (e.dueMs === null || e.status === 'rejected' ? null : iso(e.dueMs)),
        supervised: steps.some((st) => st.kind === 'supervised') ? 1 : 0,
        urge_count: steps.filter((st) => st.kind === 'urged').length,
        rating_score: rated ? (rated.data.score as number) : null,
        updated_at: steps.length ? iso(Math.max(...steps.map((st) => st.at))) : iso(e.createdMs),
        version: sql<number>`version + ${steps.length}`,
      })
      .where('id', '=', s.id)
      .execute();
  }
  // Every entry carries its id (deterministic); every event's row was updated above, in this transaction.
  await appendTimeline(trx, defaultIds, timeline, { eventRowsWritten: true });
}

function stepsOf(e: PlannedEvent, s: DemoEventState, actors: ActorResolver, anchorMs: number): Step[] {
  const steps: Step[] = [];
  const duty = actors.withRole('duty_officer', e.seq);
  const lead = s.leadUnitId;
  const leadIsTerritorial = lead !== null && [s.gridId, s.villageId, s.townshipId].includes(lead);
  if (e.steps.rejectedMs) {
    steps.push({
      at: e.steps.rejectedMs,
      kind: 'rejected',
      person: duty,
      orgUnitId: null,
      data: { reason: isMachineSource(e.source) ? '智能识别误报' : '经核实情况不属实', status: 'rejected' },
    });
    return steps;
  }
  const selfHandled = e.steps.closedMs && !e.steps.acceptedMs;
  if (e.steps.acceptedMs) {
    const confirmed = isMachineSource(e.source);
    steps.push({ at: e.steps.acceptedMs, kind: confirmed ? 'confirmed' : 'accepted', person: duty, orgUnitId: null, data: { status: 'accepted' } });
  }
  if (e.steps.dispatchedMs) {
    const dispatcher = leadIsTerritorial ? actors.inUnit(s.townshipId, 'dispatcher', e.seq) : actors.withRole('dispatcher', e.seq);
    steps.push({ at: e.steps.dispatchedMs, kind: 'dispatched', person: dispatcher, orgUnitId: lead, data: { leadUnitId: lead, status: 'dispatched' } });
  }
  for (const u of e.urgesMs) {
    const deputy = s.reporterUserId ? actors.byUserId(s.reporterUserId) : undefined;
    steps.push({ at: u, kind: 'urged', person: deputy, orgUnitId: null, data: { note: '群众很关心，请加快办理' } });
  }
  if (e.supervisedMs) {
    steps.push({ at: e.supervisedMs, kind: 'supervised', person: actors.withRole('leader', e.seq), orgUnitId: null, data: { note: '请加快办理，按期办结' } });
  }
  if (e.steps.feedbackMs) {
    const handler = lead === s.gridId ? actors.inUnit(lead, 'grid_worker', e.seq) : actors.inUnit(lead, 'handler', e.seq);
    steps.push({ at: e.steps.feedbackMs, kind: 'feedback', person: handler, orgUnitId: lead, data: { outcome: 'complete', note: '已按要求处置完毕' } });
  }
  if (e.steps.closedMs) {
    const closer = selfHandled ? (s.reporterUserId ? actors.byUserId(s.reporterUserId) : undefined) : duty;
    steps.push({
      at: e.steps.closedMs,
      kind: 'closed',
      person: closer,
      orgUnitId: null,
      data: { closingKind: e.closingKind, status: 'closed', ...(selfHandled ? { note: '网格员现场自行处置' } : {}) },
    });
    if (e.rating !== null) {
      const ratedAt = e.steps.closedMs + HOUR_MS * (1 + (e.seq % 36));
      if (ratedAt < anchorMs) steps.push({ at: ratedAt, kind: 'rated', person: null, orgUnitId: null, data: { score: e.rating } });
    }
  }
  return steps.sort((a, b) => a.at - b.at);
}

const iso = (ms: number) => new Date(ms).toISOString();
