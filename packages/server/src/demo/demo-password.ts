import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { AppDeps } from '../deps.ts';
import { writeAudit } from '../modules/auth/audit.ts';
import { principalCacheOf } from '../modules/auth/principal-cache.ts';
import { DEMO_MARKER_ACTION, findCounties } from './demo.repository.ts';
import { generateOrg } from './org.generator.ts';
import { DEMO_COUNTY_CODE, generateTerritory } from './territory.generator.ts';

/** A new random demo password: 12 characters of base64url. */
export function randomDemoPassword(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * The ids of the demo's own accounts (not of users an administrator added later): the org
 * generator is deterministic in the seed and the county's creation time, so it names them again.
 */
async function demoAccounts(deps: AppDeps, fallbackSeed: number): Promise<Array<{ id: string; username: string }> | null> {
  const county = (await findCounties(deps.db)).find((c) => c.code === DEMO_COUNTY_CODE);
  if (!county) return null;
  // The seed the demo was made with (LIANDONG_DEMO_SEED may have changed since).
  const marker = await deps.db.selectFrom('audit_log').select('details').where('action', '=', DEMO_MARKER_ACTION).limit(1).executeTakeFirst();
  const recorded = marker?.details ? (JSON.parse(marker.details) as { seed?: unknown }).seed : undefined;
  const seed = typeof recorded === 'number' ? recorded : fallbackSeed;
  const org = generateOrg(generateTerritory(seed), seed, county.created_at, '');
  const ids = org.users.map((u) => u.id);
  const present = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await deps.db
      .selectFrom('users')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) present.add(r.id);
  }
  return org.users.filter((u) => present.has(u.id)).map((u) => ({ id: u.id, username: u.username }));
}

export interface DemoPasswordReset {
  password: string;
  /** True when no password was given and a random one was made. */
  generated: boolean;
  accounts: number;
}

/**
 * Sets the password of every demo account (`liandong demo --reset-password`): the one given
 * (LIANDONG_DEMO_PASSWORD) or a new random one. Their sessions end; the audit log records the
 * reset (never the password). Accounts added by an administrator are left alone.
 */
export async function resetDemoPassword(deps: AppDeps, opts: { seed: number; password?: string }): Promise<DemoPasswordReset> {
  const accounts = await demoAccounts(deps, opts.seed);
  if (!accounts) throw new Error('This database holds no demo county: `liandong demo` (or `serve --demo`) seeds one.');
  const password = opts.password ?? randomDemoPassword();
  const passwordHash = await hash(password);
  const ids = accounts.map((a) => a.id);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await trx.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', 'in', chunk).execute();
      await trx.updateTable('sessions').set({ revoked_at: now }).where('user_id', 'in', chunk).where('revoked_at', 'is', null).execute();
    }
    await writeAudit(trx, { at: now, actorUserId: null, actorName: 'demo', action: 'demo.password_reset', details: { accounts: ids.length } });
  });
  // A server in this process (tests) forgets the ended sessions at once; another process's cache
  // holds them for its few seconds at most.
  for (const id of ids) principalCacheOf(deps).invalidateUser(id);
  return { password, generated: opts.password === undefined, accounts: ids.length };
}

/** Whether the demo's administrator account (`admin`) takes this password. */
export async function isDemoPassword(deps: AppDeps, seed: number, password: string): Promise<boolean> {
  const admin = (await demoAccounts(deps, seed))?.find((a) => a.username === 'admin');
  if (!admin) return false;
  const row = await deps.db.selectFrom('users').select('password_hash').where('id', '=', admin.id).executeTakeFirst();
  return !!row && (await verify(row.password_hash, password));
}
