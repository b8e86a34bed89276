import type { RosterEntry } from '@liandong/contracts';
import type { DutyRostersTable } from '../../db/schema.ts';

/** A roster entry as the API shows it: the contract's RosterEntry (packages/contracts/src/duty.ts). */
export type DutyRosterEntryView = RosterEntry;

export function presentRosterEntry(row: DutyRostersTable, userName: string): DutyRosterEntryView {
  return {
    id: row.id,
    orgUnitId: row.org_unit_id,
    userId: row.user_id,
    userName,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    note: row.note,
    createdAt: row.created_at,
  };
}
