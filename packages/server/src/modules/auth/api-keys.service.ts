import type { ApiKeyScope } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import type { ApiKeysTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { writeAudit } from './audit.ts';
import { findApiKeyById, insertApiKey, listApiKeys, revokeApiKey } from './auth.repository.ts';
import type { RequestContext } from './auth.service.ts';
import { API_KEY_PREFIX, API_KEY_VISIBLE_CHARS, hashCredential } from './credentials.ts';
import { principalCacheOf } from './principal-cache.ts';
import type { Principal } from './principal.ts';
import { dataScopeOf, scopeCoversUnit } from './scope.ts';

export function toApiKeyView(r: ApiKeysTable) {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: JSON.parse(r.scopes) as ApiKeyScope[],
    orgUnitId: r.org_unit_id,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** Creates a key; the clear key is returned this once and only its hash is stored. */
export async function createApiKey(
  deps: AppDeps,
  principal: Principal,
  input: { name: string; scopes: ApiKeyScope[]; orgUnitId?: string; expiresAt?: string },
  ctx: RequestContext,
) {
  const now = deps.clock.now();
  if (input.orgUnitId) {
    const unit = deps.territory.getUnit(input.orgUnitId);
    if (!unit) throw new AppError('UNKNOWN_ORG_UNIT', `No organisation unit ${input.orgUnitId}`);
    if (!scopeCoversUnit(dataScopeOf(principal), unit.path)) throw new AppError('OUT_OF_SCOPE', 'The unit is outside your data scope');
  } else if (!dataScopeOf(principal).all) {
    throw new AppError('OUT_OF_SCOPE', 'Only county-level administrators create keys without a unit: give orgUnitId');
  }
  const expiresAt = input.expiresAt ? new Date(input.expiresAt).toISOString() : null;
  if (expiresAt && expiresAt <= now.toISOString())
    throw new AppError('VALIDATION_FAILED', 'expiresAt must be in the future', [{ path: 'body.expiresAt', message: 'must be in the future' }]);
  const key = `${API_KEY_PREFIX}${deps.ids.token(32)}`;
  const row: ApiKeysTable = {
    id: deps.ids.id(),
    name: input.name,
    prefix: key.slice(0, API_KEY_VISIBLE_CHARS),
    key_hash: hashCredential(key),
    scopes: JSON.stringify([...new Set(input.scopes)]),
    org_unit_id: input.orgUnitId ?? null,
    created_by: principal.userId,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
    last_used_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    await insertApiKey(trx, row);
    await writeAudit(trx, {
      at: row.created_at,
      actorUserId: principal.userId,
      actorName: principal.name,
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: row.id,
      ip: ctx.ip,
      details: { name: row.name, prefix: row.prefix, scopes: JSON.parse(row.scopes), orgUnitId: row.org_unit_id },
    });
  });
  return { ...toApiKeyView(row), key, expiresAt };
}

export async function listApiKeyViews(deps: AppDeps) {
  return (await listApiKeys(deps.db)).map(toApiKeyView);
}

/** Revokes a key; it stops working at once in this process. Revoking twice is harmless. */
export async function revokeApiKeyById(deps: AppDeps, principal: Principal, id: string, ctx: RequestContext) {
  const at = deps.clock.now().toISOString();
  const row = await deps.db.transaction().execute(async (trx) => {
    const existing = await findApiKeyById(trx, id);
    if (!existing) throw new AppError('API_KEY_NOT_FOUND', `No API key ${id}`);
    if (!existing.revoked_at) {
      await revokeApiKey(trx, id, at);
      await writeAudit(trx, {
        at,
        actorUserId: principal.userId,
        actorName: principal.name,
        action: 'api_key.revoke',
        targetType: 'api_key',
        targetId: id,
        ip: ctx.ip,
        details: { name: existing.name, prefix: existing.prefix },
      });
    }
    return (await findApiKeyById(trx, id))!;
  });
  principalCacheOf(deps).invalidateApiKey(id);
  return toApiKeyView(row);
}
