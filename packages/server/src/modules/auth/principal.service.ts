import type { ApiKeyScope, OrgUnitKind, Role } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import { findApiKeyByHash, findMembershipsOfUsers, findSessionByHash, touchApiKey, type MembershipRow } from './auth.repository.ts';
import { hashCredential } from './credentials.ts';
import { principalCacheOf } from './principal-cache.ts';
import type { Principal, PrincipalMembership } from './principal.ts';

/** Resolves a session token to its principal, or throws the precise reason it is not valid. */
export async function resolveSessionPrincipal(deps: AppDeps, token: string): Promise<Principal> {
  const hash = hashCredential(token);
  const cache = principalCacheOf(deps);
  const now = deps.clock.now();
  const hit = fromCache(cache, hash, now, () => new AppError('TOKEN_EXPIRED', 'The session has expired: sign in again'));
  if (hit) {
    return hit;
  }
  const row = await findSessionByHash(deps.db, hash);
  if (!row) throw new AppError('UNAUTHENTICATED', 'Unknown session token: sign in again');
  if (row.revoked_at) throw new AppError('TOKEN_REVOKED', 'The session was signed out: sign in again');
  if (row.is_active !== 1) throw new AppError('TOKEN_REVOKED', 'The account is deactivated');
  const expiresAtMs = Date.parse(row.expires_at);
  if (expiresAtMs <= now.getTime()) throw new AppError('TOKEN_EXPIRED', 'The session has expired: sign in again');
  const memberships = await findMembershipsOfUsers(deps.db, [row.user_id]);
  const principal: Principal = {
    kind: 'user',
    userId: row.user_id,
    name: row.display_name,
    roles: rolesOf(memberships),
    memberships: memberships.map((m) => toPrincipalMembership(deps, m)),
    sessionId: row.session_id,
  };
  cache.set(hash, principal, expiresAtMs, now.getTime());
  return principal;
}

/** Resolves an X-Api-Key value to its principal, or throws INVALID_API_KEY with the reason. */
export async function resolveApiKeyPrincipal(deps: AppDeps, key: string): Promise<Principal> {
  const hash = hashCredential(key);
  const cache = principalCacheOf(deps);
  const now = deps.clock.now();
  const hit = fromCache(cache, hash, now, () => new AppError('INVALID_API_KEY', 'The API key has expired', { reason: 'expired' }));
  if (hit) {
    return hit;
  }
  const row = await findApiKeyByHash(deps.db, hash);
  if (!row) throw new AppError('INVALID_API_KEY', 'Unknown API key', { reason: 'unknown' });
  if (row.revoked_at) throw new AppError('INVALID_API_KEY', 'The API key was revoked', { reason: 'revoked' });
  const expiresAtMs = row.expires_at ? Date.parse(row.expires_at) : null;
  if (expiresAtMs !== null && expiresAtMs <= now.getTime()) throw new AppError('INVALID_API_KEY', 'The API key has expired', { reason: 'expired' });
  const memberships: PrincipalMembership[] =
    row.org_unit_id && row.unit_kind
      ? [
          toPrincipalMembership(deps, {
            org_unit_id: row.org_unit_id,
            unit_kind: row.unit_kind,
            unit_name: row.unit_name ?? '',
            unit_path: row.unit_path ?? '',
            role: 'integrator',
          }),
        ]
      : [];
  const principal: Principal = {
    kind: 'api_key',
    userId: row.created_by,
    name: row.name,
    roles: ['integrator'],
    memberships,
    apiKeyScopes: JSON.parse(row.scopes) as ApiKeyScope[],
    apiKeyId: row.id,
  };
  // Written on cache misses only, so last use is accurate to the cache lifetime without a write per request.
  await touchApiKey(deps.db, row.id, now.toISOString());
  cache.set(hash, principal, expiresAtMs, now.getTime());
  return principal;
}

export function rolesOf(memberships: Array<{ role: string }>): Role[] {
  return [...new Set(memberships.map((m) => m.role as Role))];
}

function toPrincipalMembership(deps: AppDeps, m: Pick<MembershipRow, 'org_unit_id' | 'unit_kind' | 'unit_name' | 'unit_path' | 'role'>): PrincipalMembership {
  const kind = m.unit_kind as OrgUnitKind;
  const out: PrincipalMembership = { orgUnitId: m.org_unit_id, orgUnitKind: kind, orgUnitName: m.unit_name, orgUnitPath: m.unit_path, role: m.role as Role };
  if (kind === 'department')
    out.stationIds = deps.territory
      .children(m.org_unit_id)
      .filter((c) => c.kind === 'station')
      .map((c) => c.id);
  return out;
}

/** A cached principal, or null on a miss; a cached credential that has expired since throws `expired()`. */
function fromCache(cache: ReturnType<typeof principalCacheOf>, hash: string, now: Date, expired: () => AppError): Principal | null {
  const hit = cache.get(hash, now.getTime());
  if (!hit) return null;
  if (hit.expiresAtMs !== null && hit.expiresAtMs <= now.getTime()) {
    cache.delete(hash);
    throw expired();
  }
  return hit.principal;
}
