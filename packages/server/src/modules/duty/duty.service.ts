import type { CreateRosterEntryRequest, RosterQuery } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import type { Principal } from '../auth/principal.ts';
import type { UnitInfo } from '../org/territory.ts';
import { canEditRoster, canViewRoster } from './duty.policy.ts';
import { presentRosterEntry, type DutyRosterEntryView } from './duty.presenter.ts';
import {
  deleteRosterEntry,
  findOverlappingEntries,
  findRosterEntries,
  findRosterEntry,
  insertRosterEntry,
  isMemberOfUnit,
  lockUserRow,
} from './duty.repository.ts';
import { invalidateOnDuty } from './on-duty.ts';

const DAY_MS = 86_400_000;
/** A listing spans at most a quarter; an entry at most a month (shifts are hours or days). */
const MAX_LIST_SPAN_MS = 92 * DAY_MS;
const MAX_ENTRY_MS = 31 * DAY_MS;

type DutyDeps = Pick<AppDeps, 'db' | 'dialect' | 'clock' | 'ids' | 'territory' | 'bus'>;

export type { RosterQuery };
export type CreateRosterEntryInput = CreateRosterEntryRequest;

function unitOrThrow(deps: DutyDeps, orgUnitId: string): UnitInfo {
  const unit = deps.territory.getUnit(orgUnitId);
  if (!unit) throw new AppError('ORG_UNIT_NOT_FOUND', `Unknown org unit ${orgUnitId}`, { orgUnitId });
  return unit;
}

/** Entries of one unit overlapping [from, to) — by default from a day ago to a week ahead. */
export async function listRosterEntries(
  deps: DutyDeps,
  principal: Principal,
  q: RosterQuery,
): Promise<{ items: DutyRosterEntryView[]; from: string; to: string }> {
  const unit = unitOrThrow(deps, q.orgUnitId);
  if (!canViewRoster(principal, unit.path)) throw new AppError('OUT_OF_SCOPE', 'This unit is outside your units', { orgUnitId: q.orgUnitId });
  const now = deps.clock.now().getTime();
  const fromMs = q.from ? Date.parse(q.from) : now - DAY_MS;
  const toMs = q.to ? Date.parse(q.to) : now + 7 * DAY_MS;
  if (toMs <= fromMs) throw new AppError('VALIDATION_FAILED', '`to` must be after `from`', [{ path: 'to', message: 'must be after from' }]);
  if (toMs - fromMs > MAX_LIST_SPAN_MS)
    throw new AppError('VALIDATION_FAILED', 'List at most 92 days at a time', [{ path: 'to', message: 'at most 92 days after from' }]);
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const rows = await findRosterEntries(deps.db, unit.id, from, to);
  return { items: rows.map((r) => presentRosterEntry(r, r.user_name)), from, to };
}

export async function createRosterEntry(deps: DutyDeps, principal: Principal, input: CreateRosterEntryInput): Promise<DutyRosterEntryView> {
  const unit = unitOrThrow(deps, input.orgUnitId);
  if (!canEditRoster(principal, unit.path)) {
    throw new AppError('FORBIDDEN', 'Only administrators, leaders and dispatchers of this unit or above keep its roster', { orgUnitId: unit.id });
  }
  const startsMs = Date.parse(input.startsAt);
  const endsMs = Date.parse(input.endsAt);
  if (endsMs <= startsMs) throw new AppError('SEMANTIC_ERROR', 'endsAt must be after startsAt', { startsAt: input.startsAt, endsAt: input.endsAt });
  if (endsMs - startsMs > MAX_ENTRY_MS)
    throw new AppError('SEMANTIC_ERROR', 'A roster entry spans at most 31 days', { startsAt: input.startsAt, endsAt: input.endsAt });
  const startsAt = new Date(startsMs).toISOString();
  const endsAt = new Date(endsMs).toISOString();
  const now = deps.clock.now().toISOString();
  const id = deps.ids.id();

  const { row, userName } = await deps.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['id', 'display_name']).where('id', '=', input.userId).executeTakeFirst();
    if (!user) throw new AppError('USER_NOT_FOUND', `Unknown user ${input.userId}`, { userId: input.userId });
    if (!(await isMemberOfUnit(trx, user.id, unit.id))) {
      throw new AppError('NOT_A_MEMBER', 'The user is not a member of this unit', { userId: user.id, orgUnitId: unit.id });
    }
    if (deps.dialect === 'postgres') await lockUserRow(trx, user.id);
    const overlapping = await findOverlappingEntries(trx, unit.id, user.id, startsAt, endsAt);
    if (overlapping.length) {
      throw new AppError('DUTY_ROSTER_OVERLAP', 'The user is already on duty in this unit for part of that time', {
        overlapping: overlapping.map((o) => ({ id: o.id, startsAt: o.starts_at, endsAt: o.ends_at })),
      });
    }
    const row = {
      id,
      org_unit_id: unit.id,
      user_id: user.id,
      starts_at: startsAt,
      ends_at: endsAt,
      note: input.note ?? null,
      created_by: principal.userId,
      created_at: now,
    };
    await insertRosterEntry(trx, row);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'duty_roster.add',
      targetType: 'duty_roster',
      targetId: id,
      details: { orgUnitId: unit.id, userId: user.id, startsAt, endsAt },
    });
    return { row, userName: user.display_name };
  });
  invalidateOnDuty(deps, [unit.id]);
  return presentRosterEntry(row, userName);
}

export async function deleteRosterEntryById(deps: DutyDeps, principal: Principal, id: string): Promise<void> {
  const row = await findRosterEntry(deps.db, id);
  const unit = row ? deps.territory.getUnit(row.org_unit_id) : undefined;
  if (!row || !unit || !canViewRoster(principal, unit.path)) throw new AppError('DUTY_ROSTER_NOT_FOUND', `No roster entry ${id}`, { id });
  if (!canEditRoster(principal, unit.path)) {
    throw new AppError('FORBIDDEN', 'Only administrators, leaders and dispatchers of this unit or above keep its roster', { orgUnitId: unit.id });
  }
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await deleteRosterEntry(trx, id);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'duty_roster.remove',
      targetType: 'duty_roster',
      targetId: id,
      details: { orgUnitId: unit.id, userId: row.user_id, startsAt: row.starts_at, endsAt: row.ends_at },
    });
  });
  invalidateOnDuty(deps, [unit.id]);
}
