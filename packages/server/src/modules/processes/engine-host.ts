import type { Transaction } from 'kysely';
import { marks, rawQuery } from '../../db/raw-sql.ts';
import type { Database } from '../../db/schema.ts';
import type { AppDeps } from '../../deps.ts';
import type { CategoryFacts, EngineHost, Member } from '../../engine/host.ts';
import { createEngineActions } from '../../engine/runtime/actions.ts';
import type { DefinitionCatalog } from '../../engine/runtime/definition-store.ts';
import { loadCalendar } from '../calendar/calendar.loader.ts';
import { onDutyCacheOf } from '../duty/on-duty.ts';
import { appendTimeline } from '../events/timeline.ts';
import { processKeyFor } from '../intake/process-choice.ts';
import { wakeDispatcher } from '../notify/dispatcher.ts';
import { enqueueNotifications } from '../notify/outbox.ts';
import { DEFAULT_TEMPLATES } from '../notify/templates.ts';
import { pushNotifications } from '../stream/stream.publish.ts';
import { maskName } from '../vehicles/vehicles.policy.ts';
import { VEHICLE_ACTIONS } from '../vehicles/vehicles.actions.ts';

type Trx = Transaction<Database>;

/** The actions processes may use: the engine's own and the modules' registrations (one line per module). */
const ACTIONS = createEngineActions(VEHICLE_ACTIONS);
const TEMPLATES: readonly string[] = Object.keys(DEFAULT_TEMPLATES);

/** What definitions are validated against (the same as the host's actions and templates), for seeding before the runtime exists. */
export const PROCESS_CATALOG: DefinitionCatalog = { actions: ACTIONS.actions, templates: TEMPLATES };

/** What the host is built from: every deps member but itself (runtime.ts adds it to the same object). */
export type EngineHostDeps = Omit<AppDeps, 'engineHost'>;

/**
 * The modules' side of the process engine (engine/host.ts): the timeline, the outbox and the
 * live push, who the members of a unit are (through the node's duty cache), the catalogue, the
 * calendar, and the actions modules register (vehicles: the owner lookup). Built once per
 * runtime from its deps; the engine reaches the modules only through it.
 */
export function createEngineHost(deps: EngineHostDeps): EngineHost {
  return {
    // The single timeline writer numbers the entries; the step has already written the event row (its lock on PostgreSQL).
    timeline: { append: (trx, entries, step) => appendTimeline(trx, step.ids, entries, { eventRowsWritten: true }).then(() => undefined) },
    notifications: {
      async enqueue(trx, requests, step) {
        const result = await enqueueNotifications(trx, { ...deps, clock: step.clock, ids: step.ids }, requests, { skipInvalid: true });
        const inApp = result.created.filter((n) => n.channel === 'in_app');
        const sms = result.created.some((n) => n.channel === 'sms');
        if (!inApp.length && !sms) return null;
        return () => {
          if (inApp.length) pushNotifications(deps, inApp);
          // A process's SMS due now (a parking reminder) goes out at once, not at the dispatcher's next poll.
          if (sms) wakeDispatcher(deps);
        };
      },
    },
    people: {
      unitMembers: (trx, unitId, roles, opts) => unitMembers(trx, unitId, roles, opts.cached ? deps : undefined),
      async user(trx, userId) {
        const u = await trx.selectFrom('users').select(['id', 'phone']).where('id', '=', userId).executeTakeFirst();
        return u ? { userId: u.id, phone: u.phone } : null;
      },
      async firstUnitOf(trx, userId) {
        const m = await trx.selectFrom('memberships').select('org_unit_id').where('user_id', '=', userId).orderBy('created_at').executeTakeFirst();
        return m?.org_unit_id ?? null;
      },
      async coUnits(trx, eventId) {
        const rows = await trx
          .selectFrom('event_units')
          .select('org_unit_id')
          .where('event_id', '=', eventId)
          .where('role', '=', 'co')
          .orderBy('org_unit_id')
          .execute();
        return rows.map((r) => r.org_unit_id);
      },
    },
    territory: () => deps.territory,
    lookups: { category: categoryFacts, processKeyFor: (trx, event) => processKeyFor(trx, event) },
    calendar: () => loadCalendar(deps),
    maskName,
    actions: ACTIONS,
    templates: TEMPLATES,
  };
}

/**
 * Active members of a unit with one of `roles` (any role when empty), each once. With `deps`,
 * what was read a moment ago is reused (the node's duty cache: membership and account changes
 * invalidate it); without, read afresh.
 */
export async function unitMembers(trx: Trx, unitId: string, roles: readonly string[], deps?: Pick<AppDeps, 'caches' | 'clock'>): Promise<Member[]> {
  const cache = deps ? onDutyCacheOf(deps) : null;
  const key = `${unitId}|${roles.join(',')}`;
  const atMs = deps?.clock.now().getTime() ?? 0;
  const hit = cache?.getMembers(key, atMs);
  if (hit) return hit;
  const generation = cache?.currentGeneration() ?? 0;
  const rows = await rawQuery<Member>(
    trx,
    'select u."id" as "userId", u."phone" as "phone" from "memberships" as m inner join "users" as u on u."id" = m."user_id" where m."org_unit_id" = ? and u."is_active" = 1' +
      (roles.length ? ` and m."role" in (${marks(roles.length)})` : ''),
    [unitId, ...roles],
  );
  const seen = new Set<string>();
  const users = rows.filter((r) => !seen.has(r.userId) && seen.add(r.userId));
  cache?.storeMembers(generation, key, atMs, users);
  return users;
}

async function categoryFacts(trx: Trx, code: string): Promise<CategoryFacts> {
  const [row] = await rawQuery<{
    name_zh: string | null;
    time_limit_minutes: number | null;
    time_limit_kind: string | null;
    requires_confirmation: number | null;
  }>(trx, 'select "name_zh", "time_limit_minutes", "time_limit_kind", "requires_confirmation" from "categories" where "code" = ?', [code]);
  return {
    name: row?.name_zh ?? code,
    timeLimitMinutes: row?.time_limit_minutes ?? null,
    timeLimitKind: row?.time_limit_kind ?? 'working',
    requiresConfirmation: row?.requires_confirmation === 1,
  };
}
