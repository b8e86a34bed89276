import type { Db } from '../../db/database.ts';
import type { ApiKeysTable, SessionsTable } from '../../db/schema.ts';

export interface MembershipRow {
  id: string;
  user_id: string;
  org_unit_id: string;
  role: string;
  unit_kind: string;
  unit_name: string;
  unit_path: string;
}

export async function findUserByUsername(db: Db, username: string) {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function findUserById(db: Db, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The session of a token hash with the few user fields the principal needs. */
export async function findSessionByHash(db: Db, tokenHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id as session_id', 'sessions.expires_at', 'sessions.revoked_at', 'users.id as user_id', 'users.display_name', 'users.is_active'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function findMembershipsOfUsers(db: Db, userIds: string[]): Promise<MembershipRow[]> {
  if (userIds.length === 0) return [];
  return db
    .selectFrom('memberships')
    .innerJoin('org_units', 'org_units.id', 'memberships.org_unit_id')
    .select([
      'memberships.id',
      'memberships.user_id',
      'memberships.org_unit_id',
      'memberships.role',
      'org_units.kind as unit_kind',
      'org_units.name as unit_name',
      'org_units.path as unit_path',
    ])
    .where('memberships.user_id', 'in', userIds)
    .orderBy('org_units.depth')
    .orderBy('memberships.created_at')
    .orderBy('memberships.id')
    .execute();
}

export async function insertSession(db: Db, row: SessionsTable): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function revokeSession(db: Db, sessionId: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

export async function revokeSessionsOfUser(db: Db, userId: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

export async function findApiKeyByHash(db: Db, keyHash: string) {
  return db
    .selectFrom('api_keys')
    .leftJoin('org_units', 'org_units.id', 'api_keys.org_unit_id')
    .select([
      'api_keys.id',
      'api_keys.name',
      'api_keys.scopes',
      'api_keys.org_unit_id',
      'api_keys.created_by',
      'api_keys.expires_at',
      'api_keys.revoked_at',
      'org_units.kind as unit_kind',
      'org_units.name as unit_name',
      'org_units.path as unit_path',
    ])
    .where('api_keys.key_hash', '=', keyHash)
    .executeTakeFirst();
}

export async function insertApiKey(db: Db, row: ApiKeysTable): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function listApiKeys(db: Db) {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export async function findApiKeyById(db: Db, id: string) {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function revokeApiKey(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

export async function touchApiKey(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
