import type { AssigneeUnit } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { Database, EventsTable } from '../../db/schema.ts';
import type { Territory } from '../../modules/org/territory.ts';
import { marks, rawQuery } from '../../db/raw-sql.ts';
import type { Clock } from '../../lib/clock.ts';
import { onDutyCacheOf, type OnDutyCache } from '../../modules/duty/on-duty.ts';

export interface AssignedUnit {
  unitId: string;
  /** A person named by the rule (the reporter); otherwise anyone with the role in the unit. */
  userId: string | null;
}

/**
 * The units a task (or a unit notification) goes to, relative to the event: a territorial level
 * of its location, its lead or co-handling units, a department (its local station for the
 * event's township when it has one), or the reporter. Empty when the event lacks that unit
 * (e.g. no co-handling units): the caller skips the step.
 */
export async function resolveAssigneeUnits(trx: Transaction<Database>, territory: Territory, event: EventsTable, rule: AssigneeUnit): Promise<AssignedUnit[]> {
  const one = (id: string | null | undefined): AssignedUnit[] => (id ? [{ unitId: id, userId: null }] : []);
  if (typeof rule === 'object') {
    const department = territory.findByCode('department', rule.department);
    if (!department) return [];
    const station = territory.children(department.id).find((u) => u.kind === 'station' && u.areaUnitId === event.township_id);
    return one((station ?? department).id);
  }
  switch (rule) {
    case 'grid':
      return one(event.grid_id);
    case 'village':
      return one(event.village_id);
    case 'township':
      return one(event.township_id);
    case 'county':
      return one(event.county_id);
    case 'lead':
      return one(event.lead_unit_id ?? event.village_id);
    case 'co': {
      const rows = await trx.selectFrom('event_units').select('org_unit_id').where('event_id', '=', event.id).where('role', '=', 'co').orderBy('org_unit_id').execute();
      return rows.map((r) => ({ unitId: r.org_unit_id, userId: null }));
    }
    case 'reporter': {
      if (!event.reporter_user_id) return [];
      const m = await trx.selectFrom('memberships').select('org_unit_id').where('user_id', '=', event.reporter_user_id).orderBy('created_at').executeTakeFirst();
      return m ? [{ unitId: m.org_unit_id, userId: event.reporter_user_id }] : [];
    }
  }
}

/**
 * Active members of a unit with a role (one of several, or any role), for notifying them. With
 * `deps`, what was read a moment ago is reused (the duty cache: membership and account changes
 * invalidate it).
 */
export async function unitMembers(
  trx: Transaction<Database>,
  unitId: string,
  role?: string | readonly string[] | null,
  deps?: { caches: { onDuty: OnDutyCache }; clock: Clock },
): Promise<Array<{ userId: string; phone: string | null }>> {
  const roles = typeof role === 'string' ? [role] : role?.length ? [...role] : [];
  const cache = deps ? onDutyCacheOf(deps) : null;
  const key = `${unitId}|${roles.join(',')}`;
  const atMs = deps?.clock.now().getTime() ?? 0;
  const hit = cache?.getMembers(key, atMs);
  if (hit) return hit;
  const generation = cache?.currentGeneration() ?? 0;
  const rows = await rawQuery<{ userId: string; phone: string | null }>(
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

/** The unit above for escalation: a station's department, a grid's village, …; null at the top. */
export function unitAbove(territory: Territory, unitId: string): string | null {
  return territory.getUnit(unitId)?.parentId ?? null;
}
