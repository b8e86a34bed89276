import { hash, verify } from '@node-rs/argon2';
import type { DataScope, User } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { toMembershipView, toUserView } from '../users/users.presenter.ts';
import { writeAudit } from './audit.ts';
import { findMembershipsOfUsers, findUserById, findUserByUsername, insertSession, revokeSession } from './auth.repository.ts';
import { hashCredential } from './credentials.ts';
import { loginRateLimiterOf } from './login-rate-limit.ts';
import { principalCacheOf } from './principal-cache.ts';
import type { Principal } from './principal.ts';
import { dataScopeOf, type DataScopeFilter } from './scope.ts';

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

// Verifying against a real hash for unknown usernames keeps the answer time the same,
// so response timing does not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;
const dummyHashOnce = () => (dummyHash ??= hash('liandong-no-such-user'));

/** Checks the password and opens a session. Unknown user and wrong password give the same answer. */
export async function login(deps: AppDeps, input: { username: string; password: string }, ctx: RequestContext) {
  const now = deps.clock.now();
  const limiter = loginRateLimiterOf(deps);
  const keys = [`u:${input.username.toLowerCase()}`, `ip:${ctx.ip ?? '-'}`];
  const wait = limiter.retryAfterSeconds(keys, now.getTime());
  if (wait > 0) {
    await writeAudit(deps.db, {
      at: now.toISOString(),
      actorUserId: null,
      actorName: null,
      action: 'auth.login_rate_limited',
      ip: ctx.ip,
      details: { username: input.username },
    });
    throw new AppError('RATE_LIMITED', `Too many failed sign-ins: try again in ${wait} s`, { retryAfterSeconds: wait });
  }
  const user = await findUserByUsername(deps.db, input.username);
  const ok = user ? await verify(user.password_hash, input.password) : (await verify(await dummyHashOnce(), input.password), false);
  if (!user || !ok) {
    limiter.recordFailure(keys, now.getTime());
    await writeAudit(deps.db, {
      at: now.toISOString(),
      actorUserId: user?.id ?? null,
      actorName: null,
      action: 'auth.login_failed',
      targetType: user ? 'user' : null,
      targetId: user?.id ?? null,
      ip: ctx.ip,
      details: { username: input.username, reason: user ? 'wrong_password' : 'unknown_user' },
    });
    throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password');
  }
  if (user.is_active !== 1) {
    await writeAudit(deps.db, {
      at: now.toISOString(),
      actorUserId: user.id,
      actorName: user.display_name,
      action: 'auth.login_failed',
      targetType: 'user',
      targetId: user.id,
      ip: ctx.ip,
      details: { username: input.username, reason: 'inactive' },
    });
    throw new AppError('ACCOUNT_DISABLED', 'This account is deactivated: ask an administrator');
  }
  limiter.clear(keys[0]);
  const token = deps.ids.token(32);
  const expiresAt = new Date(now.getTime() + deps.config.auth.sessionTtlHours * 3_600_000).toISOString();
  const sessionId = deps.ids.id();
  await deps.db.transaction().execute(async (trx) => {
    await insertSession(trx, {
      id: sessionId,
      token_hash: hashCredential(token),
      user_id: user.id,
      created_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      ip: ctx.ip,
      user_agent: ctx.userAgent?.slice(0, 300) ?? null,
    });
    await writeAudit(trx, {
      at: now.toISOString(),
      actorUserId: user.id,
      actorName: user.display_name,
      action: 'auth.login',
      targetType: 'session',
      targetId: sessionId,
      ip: ctx.ip,
      details: { username: user.username },
    });
  });
  const memberships = await findMembershipsOfUsers(deps.db, [user.id]);
  return { token, expiresAt, user: toUserView(user, memberships, true), sessionId };
}

/** Revokes the caller's session; it stops working at once in this process. */
export async function logout(deps: AppDeps, principal: Principal, token: string, ctx: RequestContext): Promise<void> {
  if (principal.kind !== 'user' || !principal.sessionId) throw new AppError('FORBIDDEN', 'Only a signed-in user can sign out');
  const at = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await revokeSession(trx, principal.sessionId!, at);
    await writeAudit(trx, {
      at,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'auth.logout',
      targetType: 'session',
      targetId: principal.sessionId,
      ip: ctx.ip,
    });
  });
  principalCacheOf(deps).delete(hashCredential(token));
}

/** The public form of a data scope (api.md `GET /me`). */
export function toDataScopeView(scope: DataScopeFilter): DataScope {
  return { all: scope.all, unitIds: scope.territorial.map((t) => t.id), departmentIds: scope.departmentUnitIds, ownSubmissions: scope.ownUserId !== null };
}

export async function getMe(
  deps: AppDeps,
  principal: Principal,
): Promise<{ user: User; roles: User['roles']; memberships: User['memberships']; dataScope: DataScope }> {
  if (principal.kind !== 'user' || !principal.userId) throw new AppError('FORBIDDEN', 'GET /me is for signed-in users');
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('UNAUTHENTICATED', 'The account no longer exists');
  const memberships = await findMembershipsOfUsers(deps.db, [user.id]);
  const view = toUserView(user, memberships, true);
  return { user: view, roles: view.roles, memberships: memberships.map(toMembershipView), dataScope: toDataScopeView(dataScopeOf(principal)) };
}
