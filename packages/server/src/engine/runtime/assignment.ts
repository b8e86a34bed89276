import type { AssigneeUnit } from '@liandong/contracts';
import type { Transaction } from 'kysely';
import type { Database, EventsTable } from '../../db/schema.ts';
import type { EngineHost, EngineTerritory, Member } from '../host.ts';

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
export async function resolveAssigneeUnits(
  trx: Transaction<Database>,
  host: Pick<EngineHost, 'people'>,
  territory: EngineTerritory,
  event: EventsTable,
  rule: AssigneeUnit,
): Promise<AssignedUnit[]> {
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
    case 'co':
      return (await host.people.coUnits(trx, event.id)).map((unitId) => ({ unitId, userId: null }));
    case 'reporter': {
      if (!event.reporter_user_id) return [];
      const unitId = await host.people.firstUnitOf(trx, event.reporter_user_id);
      return unitId ? [{ unitId, userId: event.reporter_user_id }] : [];
    }
  }
}

/**
 * Active members of a unit with a role (one of several, or any role), for notifying them. What
 * was read a moment ago may be reused (`fresh: false`, the default for steps: the duty cache).
 */
export function unitMembers(
  trx: Transaction<Database>,
  host: Pick<EngineHost, 'people'>,
  unitId: string,
  role?: string | readonly string[] | null,
  opts: { fresh?: boolean } = {},
): Promise<Member[]> {
  const roles = typeof role === 'string' ? [role] : role?.length ? [...role] : [];
  return host.people.unitMembers(trx, unitId, roles, { cached: !opts.fresh });
}

/** The unit above for escalation: a station's department, a grid's village, …; null at the top. */
export function unitAbove(territory: EngineTerritory, unitId: string): string | null {
  return territory.getUnit(unitId)?.parentId ?? null;
}
