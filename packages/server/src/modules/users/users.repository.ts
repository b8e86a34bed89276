import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { UsersTable } from '../../db/schema.ts';

export interface UserListFilter {
  /** Only users with a membership in one of these subtrees (by path prefix); null = no limit. */
  visiblePaths: string[] | null;
  unitPath?: string;
  role?: string;
  q?: string;
  afterUsername?: string;
  limit: number;
}

export async function findUsers(db: Db, f: UserListFilter): Promise<UsersTable[]> {
  let query = db.selectFrom('users').selectAll('users');
  const needsMembership = f.visiblePaths !== null || f.unitPath !== undefined || f.role !== undefined;
  if (needsMembership) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('memberships')
          .innerJoin('org_units', 'org_units.id', 'memberships.org_unit_id')
          .select('memberships.id')
          .whereRef('memberships.user_id', '=', 'users.id')
          .$if(f.visiblePaths !== null, (qb) => qb.where((eb) => eb.or((f.visiblePaths ?? []).map((p) => eb('org_units.path', 'like', `${p}%`)))))
          .$if(f.unitPath !== undefined, (qb) => qb.where('org_units.path', 'like', `${f.unitPath}%`))
          .$if(f.role !== undefined, (qb) => qb.where('memberships.role', '=', f.role!)),
      ),
    );
  }
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // An explicit ESCAPE: SQLite has no default escape character, PostgreSQL's is the backslash.
    query = query.where(sql<SqlBool>`(lower(users.username) like ${like} escape '\\' or lower(users.display_name) like ${like} escape '\\')`);
  }
  if (f.afterUsername !== undefined) query = query.where('users.username', '>', f.afterUsername);
  return query.orderBy('users.username').limit(f.limit).execute();
}

export async function insertUser(db: Db, row: UsersTable): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

export async function updateUser(db: Db, id: string, patch: Partial<Omit<UsersTable, 'id' | 'created_at'>>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export async function insertMembership(db: Db, row: { id: string; user_id: string; org_unit_id: string; role: string; created_at: string }): Promise<void> {
  await db.insertInto('memberships').values(row).execute();
}

export async function findMembership(db: Db, userId: string, membershipId: string) {
  return db.selectFrom('memberships').selectAll().where('id', '=', membershipId).where('user_id', '=', userId).executeTakeFirst();
}

export async function findMembershipByKey(db: Db, userId: string, orgUnitId: string, role: string) {
  return db
    .selectFrom('memberships')
    .select('id')
    .where('user_id', '=', userId)
    .where('org_unit_id', '=', orgUnitId)
    .where('role', '=', role)
    .executeTakeFirst();
}

export async function deleteMembership(db: Db, membershipId: string): Promise<void> {
  await db.deleteFrom('memberships').where('id', '=', membershipId).execute();
}
