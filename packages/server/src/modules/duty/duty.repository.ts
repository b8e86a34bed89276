import type { Kysely } from 'kysely';
import type { Database, DutyRostersTable } from '../../db/schema.ts';

type Executor = Kysely<Database>;

export interface RosterRowWithNames extends DutyRostersTable {
  user_name: string;
}

/** Entries of one unit overlapping [from, to). */
export async function findRosterEntries(db: Executor, orgUnitId: string, fromIso: string, toIso: string): Promise<RosterRowWithNames[]> {
  return db
    .selectFrom('duty_rosters as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .selectAll('r')
    .select('u.display_name as user_name')
    .where('r.org_unit_id', '=', orgUnitId)
    .where('r.ends_at', '>', fromIso)
    .where('r.starts_at', '<', toIso)
    .orderBy('r.starts_at')
    .orderBy('r.id')
    .execute();
}

export async function findRosterEntry(db: Executor, id: string): Promise<DutyRostersTable | undefined> {
  return db.selectFrom('duty_rosters').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The user's entries in the unit that overlap [starts, ends): at most a few, for the 409 message. */
export async function findOverlappingEntries(db: Executor, orgUnitId: string, userId: string, startsIso: string, endsIso: string): Promise<DutyRostersTable[]> {
  return db
    .selectFrom('duty_rosters')
    .selectAll()
    .where('org_unit_id', '=', orgUnitId)
    .where('user_id', '=', userId)
    .where('ends_at', '>', startsIso)
    .where('starts_at', '<', endsIso)
    .limit(5)
    .execute();
}

export async function insertRosterEntry(db: Executor, row: DutyRostersTable): Promise<void> {
  await db.insertInto('duty_rosters').values(row).execute();
}

export async function deleteRosterEntry(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('duty_rosters').where('id', '=', id).execute();
}

/** Whether the user holds any membership in exactly this unit. */
export async function isMemberOfUnit(db: Executor, userId: string, orgUnitId: string): Promise<boolean> {
  const row = await db.selectFrom('memberships').select('id').where('user_id', '=', userId).where('org_unit_id', '=', orgUnitId).executeTakeFirst();
  return row !== undefined;
}

/** Serialises roster writes of one user on PostgreSQL (SQLite has a single writer anyway). */
export async function lockUserRow(db: Executor, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).forUpdate().executeTakeFirst();
  return row !== undefined;
}

export interface DutyCandidateRow {
  org_unit_id: string;
  user_id: string;
  display_name: string;
  phone: string | null;
}

/**
 * Roster entries of the units overlapping [from, to), with the user's name and phone. Only
 * active accounts: a deactivated person is never on duty.
 */
export async function findRosterCandidates(
  db: Executor,
  unitIds: string[],
  fromIso: string,
  toIso: string,
): Promise<Array<DutyCandidateRow & { starts_at: string; ends_at: string }>> {
  if (unitIds.length === 0) return [];
  return db
    .selectFrom('duty_rosters as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.org_unit_id', 'r.user_id', 'r.starts_at', 'r.ends_at', 'u.display_name', 'u.phone'])
    .where('r.org_unit_id', 'in', unitIds)
    .where('r.ends_at', '>', fromIso)
    .where('r.starts_at', '<', toIso)
    .where('u.is_active', '=', 1)
    .execute();
}

/** Active members of the units holding one of the roles (one row per user and unit). */
export async function findMembersWithRoles(db: Executor, unitIds: string[], roles: readonly string[]): Promise<Array<DutyCandidateRow & { role: string }>> {
  if (unitIds.length === 0) return [];
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.org_unit_id', 'm.user_id', 'm.role', 'u.display_name', 'u.phone'])
    .where('m.org_unit_id', 'in', unitIds)
    .where('m.role', 'in', [...roles])
    .where('u.is_active', '=', 1)
    .orderBy('m.user_id')
    .execute();
}
