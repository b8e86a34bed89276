import { hash } from '@node-rs/argon2';
import type { Role, User } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { writeAudit } from '../auth/audit.ts';
import { findMembershipsOfUsers, findUserById, findUserByUsername, revokeSessionsOfUser, type MembershipRow } from '../auth/auth.repository.ts';
import type { RequestContext } from '../auth/auth.service.ts';
import { principalCacheOf } from '../auth/principal-cache.ts';
import { invalidateOnDuty } from '../duty/on-duty.ts';
import type { Principal } from '../auth/principal.ts';
import { canSeeUser, dataScopeOf } from '../auth/scope.ts';
import { normalisePhone } from './phone.ts';
import { toUserView } from './users.presenter.ts';
import { canManageUnit, canManageUser, listableUnitPaths } from './users.policy.ts';
import { deleteMembership, findMembership, findMembershipByKey, findUsers, insertMembership, insertUser, updateUser } from './users.repository.ts';

const invalidPhone = () =>
  new AppError('VALIDATION_FAILED', 'phone must be a mainland mobile number (11 digits starting 13–19, +86 allowed)', [
    { path: 'body.phone', message: 'not a mainland mobile number' },
  ]);

function phoneOrThrow(input: string): string {
  const p = normalisePhone(input);
  if (!p) throw invalidPhone();
  return p;
}

function viewFor(principal: Principal, user: Parameters<typeof toUserView>[0], memberships: MembershipRow[]): User {
  const showPhone =
    user.id === principal.userId ||
    canSeeUser(
      dataScopeOf(principal),
      memberships.map((m) => m.unit_path),
    );
  return toUserView(user, memberships, showPhone);
}

function unitOrThrow(deps: AppDeps, principal: Principal, orgUnitId: string) {
  const unit = deps.territory.getUnit(orgUnitId);
  if (!unit) throw new AppError('UNKNOWN_ORG_UNIT', `No organisation unit ${orgUnitId}`);
  if (!canManageUnit(principal, unit.path)) throw new AppError('OUT_OF_SCOPE', `${unit.name} is outside the units you administer`);
  return unit;
}

export async function listUsers(deps: AppDeps, principal: Principal, q: { orgUnitId?: string; role?: Role; q?: string; cursor?: string; limit: number }) {
  const scope = dataScopeOf(principal);
  let unitPath: string | undefined;
  if (q.orgUnitId) {
    const unit = deps.territory.getUnit(q.orgUnitId);
    if (!unit) throw new AppError('UNKNOWN_ORG_UNIT', `No organisation unit ${q.orgUnitId}`);
    unitPath = unit.path;
  }
  let afterUsername: string | undefined;
  if (q.cursor) {
    afterUsername = Buffer.from(q.cursor, 'base64url').toString();
    if (!afterUsername || Buffer.from(afterUsername).toString('base64url') !== q.cursor)
      throw new AppError('INVALID_CURSOR', 'The cursor is not valid: use nextCursor from a previous page');
  }
  const rows = await findUsers(deps.db, {
    visiblePaths: scope.all ? null : listableUnitPaths(principal),
    unitPath,
    role: q.role,
    q: q.q,
    afterUsername,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const memberships = await findMembershipsOfUsers(
    deps.db,
    page.map((u) => u.id),
  );
  const byUser = new Map<string, MembershipRow[]>();
  for (const m of memberships) byUser.set(m.user_id, [...(byUser.get(m.user_id) ?? []), m]);
  return {
    items: page.map((u) => viewFor(principal, u, byUser.get(u.id) ?? [])),
    nextCursor: rows.length > q.limit ? Buffer.from(page[page.length - 1].username).toString('base64url') : null,
  };
}

export async function createUser(
  deps: AppDeps,
  principal: Principal,
  input: { username: string; displayName: string; phone?: string; password: string; memberships: Array<{ orgUnitId: string; role: Role }> },
  ctx: RequestContext,
): Promise<User> {
  const phone = input.phone ? phoneOrThrow(input.phone) : null;
  for (const m of input.memberships) unitOrThrow(deps, principal, m.orgUnitId);
  if (input.memberships.length === 0 && !canManageUser(principal, [])) {
    throw new AppError('OUT_OF_SCOPE', 'Give at least one membership within the units you administer');
  }
  if (await findUserByUsername(deps.db, input.username)) throw new AppError('USERNAME_TAKEN', `The username ${input.username} is taken`);
  const now = deps.clock.now().toISOString();
  const id = deps.ids.id();
  const passwordHash = await hash(input.password);
  const unique = [...new Map(input.memberships.map((m) => [`${m.orgUnitId}|${m.role}`, m])).values()];
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertUser(trx, {
        id,
        username: input.username,
        display_name: input.displayName,
        phone,
        password_hash: passwordHash,
        is_active: 1,
        created_at: now,
        updated_at: now,
      });
      for (const m of unique) await insertMembership(trx, { id: deps.ids.id(), user_id: id, org_unit_id: m.orgUnitId, role: m.role, created_at: now });
      await writeAudit(trx, {
        at: now,
        actorUserId: principal.userId,
        actorName: principal.name,
        action: 'user.create',
        targetType: 'user',
        targetId: id,
        ip: ctx.ip,
        details: { username: input.username, memberships: unique },
      });
    });
  } catch (err) {
    // Two admins creating the same username at once: the unique index decides.
    if (await findUserByUsername(deps.db, input.username)) throw new AppError('USERNAME_TAKEN', `The username ${input.username} is taken`);
    throw err;
  }
  invalidateOnDuty(deps);
  return getUserView(deps, principal, id);
}

async function loadManageable(deps: AppDeps, principal: Principal, userId: string) {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('USER_NOT_FOUND', `No user ${userId}`);
  const memberships = await findMembershipsOfUsers(deps.db, [userId]);
  if (
    !canManageUser(
      principal,
      memberships.map((m) => m.unit_path),
    )
  )
    throw new AppError('OUT_OF_SCOPE', 'This user is outside the units you administer');
  return { user, memberships };
}

export async function getUserView(deps: AppDeps, principal: Principal, userId: string): Promise<User> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('USER_NOT_FOUND', `No user ${userId}`);
  return viewFor(principal, user, await findMembershipsOfUsers(deps.db, [userId]));
}

export async function updateUserById(
  deps: AppDeps,
  principal: Principal,
  userId: string,
  input: { displayName?: string; phone?: string | null; isActive?: boolean; password?: string },
  ctx: RequestContext,
): Promise<User> {
  await loadManageable(deps, principal, userId);
  const now = deps.clock.now().toISOString();
  const patch: Parameters<typeof updateUser>[2] = { updated_at: now };
  if (input.displayName !== undefined) patch.display_name = input.displayName;
  if (input.phone !== undefined) patch.phone = input.phone === null || input.phone === '' ? null : phoneOrThrow(input.phone);
  if (input.isActive !== undefined) patch.is_active = input.isActive ? 1 : 0;
  if (input.password !== undefined) patch.password_hash = await hash(input.password);
  const endsSessions = input.isActive === false || input.password !== undefined;
  await deps.db.transaction().execute(async (trx) => {
    await updateUser(trx, userId, patch);
    if (endsSessions) await revokeSessionsOfUser(trx, userId, now);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'user.update',
      targetType: 'user',
      targetId: userId,
      ip: ctx.ip,
      // Field names only: the values may be a password or a phone number.
      details: {
        fields: Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined),
        ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
      },
    });
  });
  principalCacheOf(deps).invalidateUser(userId);
  invalidateOnDuty(deps);
  return getUserView(deps, principal, userId);
}

export async function addMembership(
  deps: AppDeps,
  principal: Principal,
  userId: string,
  input: { orgUnitId: string; role: Role },
  ctx: RequestContext,
): Promise<User> {
  await loadManageable(deps, principal, userId);
  unitOrThrow(deps, principal, input.orgUnitId);
  const now = deps.clock.now().toISOString();
  if (await findMembershipByKey(deps.db, userId, input.orgUnitId, input.role)) throw new AppError('CONFLICT', 'The user already has this role in this unit');
  const id = deps.ids.id();
  await deps.db.transaction().execute(async (trx) => {
    await insertMembership(trx, { id, user_id: userId, org_unit_id: input.orgUnitId, role: input.role, created_at: now });
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'membership.add',
      targetType: 'user',
      targetId: userId,
      ip: ctx.ip,
      details: { membershipId: id, ...input },
    });
  });
  principalCacheOf(deps).invalidateUser(userId);
  invalidateOnDuty(deps);
  return getUserView(deps, principal, userId);
}

export async function removeMembership(deps: AppDeps, principal: Principal, userId: string, membershipId: string, ctx: RequestContext): Promise<User> {
  await loadManageable(deps, principal, userId);
  const m = await findMembership(deps.db, userId, membershipId);
  if (!m) throw new AppError('NOT_FOUND', `The user has no membership ${membershipId}`);
  unitOrThrow(deps, principal, m.org_unit_id);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await deleteMembership(trx, membershipId);
    await writeAudit(trx, {
      at: now,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'membership.remove',
      targetType: 'user',
      targetId: userId,
      ip: ctx.ip,
      details: { membershipId, orgUnitId: m.org_unit_id, role: m.role },
    });
  });
  principalCacheOf(deps).invalidateUser(userId);
  invalidateOnDuty(deps);
  return getUserView(deps, principal, userId);
}
