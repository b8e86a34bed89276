import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { EngineActor } from '../host.ts';
import type { Calendar } from '../time/calendar.ts';
import { continueFrom, openInstance } from './runner.ts';
import type { EngineDeps } from './step-context.ts';

export interface SignalResult {
  /** Tokens woken (0 when nothing was waiting for this signal: e.g. the car left after enforcement began). */
  delivered: number;
  afterCommit: Array<() => void>;
}

/**
 * Wakes every token of the event's running instances that waits for `name`, in the caller's
 * transaction: its wait timer is removed and it leaves the wait by the signal's path. Data is
 * recorded on the timeline (integrations send plain facts, e.g. {cameraId}).
 */
export async function deliverSignal(
  trx: Transaction<Database>,
  deps: EngineDeps,
  input: { eventId: string; name: string; data?: Record<string, unknown>; actor: EngineActor; cal: Calendar },
): Promise<SignalResult> {
  const waiting = await trx
    .selectFrom('process_tokens as k')
    .innerJoin('process_instances as i', 'i.id', 'k.instance_id')
    .select(['k.id as tokenId', 'i.id as instanceId'])
    .where('i.event_id', '=', input.eventId)
    .where('i.status', '=', 'running')
    .where('k.state', '=', 'waiting')
    .where('k.signal', '=', input.name)
    .execute();
  const result: SignalResult = { delivered: 0, afterCommit: [] };
  for (const instanceId of new Set(waiting.map((w) => w.instanceId))) {
    const ctx = await openInstance(trx, deps, instanceId, input.cal, input.actor);
    if (!ctx || ctx.instance.status !== 'running') continue;
    for (const w of waiting.filter((x) => x.instanceId === instanceId)) {
      const token = ctx.tokens.get(w.tokenId);
      const node = token ? ctx.nodes.get(token.row.node_id) : undefined;
      // Re-checked under the instance lock: another signal or the timer may have moved it meanwhile.
      if (!token || token.deleted || token.row.state !== 'waiting' || node?.kind !== 'wait' || node.signal?.name !== input.name) continue;
      await trx.deleteFrom('process_timers').where('token_id', '=', token.row.id).where('kind', '=', 'wait').execute();
      ctx.log('signal.received', { name: input.name, nodeId: node.id, title: node.title ?? null, data: input.data ?? {} });
      await continueFrom(ctx, token, node.signal.next);
      result.delivered++;
    }
    await ctx.flush();
    result.afterCommit.push(...ctx.afterCommit);
  }
  return result;
}
