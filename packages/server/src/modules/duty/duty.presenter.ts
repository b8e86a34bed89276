import type { DutyRostersTable } from '../../db/schema.ts';

export interface DutyRosterEntryView {
  id: string;
  orgUnitId: string;
  userId: string;
  userName: string;
  startsAt: string;
  endsAt: string;
  note: string | null;
  createdAt: string;
}

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
