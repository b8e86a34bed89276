import type { Kysely } from 'kysely';
import { HANDLING_ROLES } from '@liandong/contracts';
import type { Database } from '../../db/schema.ts';
import { BUS_TOPICS, type Bus } from '../../lib/bus.ts';
import { findMembersWithRoles, findRosterCandidates } from './duty.repository.ts';

/**
 * Roles whose members handle events: when a unit's roster has nobody on duty, these members are.
 * Deputies, integrators and admins are not dispatched work. Defined in contracts (the web app shows the stand-ins).
 */
export { HANDLING_ROLES };

/** How long a unit's duty data is reused (in terms of the `at` asked about) before it is read again. */
export const ON_DUTY_CACHE_MS = 15_000;
const MAX_CACHED_UNITS = 50_000;

export interface OnDutyUser {
  userId: string;
  name: string;
  /** As stored; callers validate before texting. */
  phone: string | null;
}

export interface OnDutyUnit {
  /** 'roster': entries cover the moment; 'members': nobody is rostered then, so the handling members are on duty. */
  source: 'roster' | 'members';
  users: OnDutyUser[];
}

interface CachedUnit {
  fromMs: number;
  toMs: number;
  roster: Array<OnDutyUser & { startsMs: number; endsMs: number }>;
  members: OnDutyUser[];
}

/**
 * Duty data and task candidates per unit, kept briefly: event creation (thousands a second) asks about the same few
 * units over and over. One per node, owned by the runtime; roster and membership changes
 * invalidate it on every node through the bus (invalidateOnDuty). A generation counter keeps a
 * read that started before an invalidation from storing what it read.
 */
export class OnDutyCache {
  private readonly units = new Map<string, CachedUnit>();
  /** Active members of a unit with given roles (task candidates), by `unit|roles`. */
  private readonly members = new Map<string, { fromMs: number; toMs: number; users: Array<{ userId: string; phone: string | null }> }>();
  private generation = 0;

  getMembers(key: string, atMs: number): Array<{ userId: string; phone: string | null }> | undefined {
    const c = this.members.get(key);
    return c && c.fromMs <= atMs && atMs < c.toMs ? c.users : undefined;
  }

  storeMembers(generation: number, key: string, atMs: number, users: Array<{ userId: string; phone: string | null }>): void {
    if (generation !== this.generation) return;
    if (this.members.size >= MAX_CACHED_UNITS) this.members.clear();
    this.members.set(key, { fromMs: atMs, toMs: atMs + ON_DUTY_CACHE_MS, users });
  }

  get(unitId: string, atMs: number): CachedUnit | undefined {
    const c = this.units.get(unitId);
    return c && c.fromMs <= atMs && atMs < c.toMs ? c : undefined;
  }

  currentGeneration(): number {
    return this.generation;
  }

  store(generation: number, unitId: string, value: CachedUnit): void {
    if (generation !== this.generation) return;
    if (this.units.size >= MAX_CACHED_UNITS) this.units.clear();
    this.units.set(unitId, value);
  }

  /** Forgets the named units, or every unit (membership and account changes touch many). */
  invalidate(unitIds?: string[]): void {
    this.generation++;
    this.members.clear();
    if (!unitIds) this.units.clear();
    else for (const id of unitIds) this.units.delete(id);
  }
}

/** This node's cache (a member of the runtime). */
export function onDutyCacheOf(deps: { caches: { onDuty: OnDutyCache } }): OnDutyCache {
  return deps.caches.onDuty;
}

/** Past this many units a message names none (= every unit): bus messages stay small. */
const MAX_UNITS_PER_MESSAGE = 100;

/** Call after roster, membership or account changes commit: every node forgets them. */
export function invalidateOnDuty(deps: { bus: Bus }, unitIds?: string[]): void {
  const units = unitIds && unitIds.length <= MAX_UNITS_PER_MESSAGE ? unitIds : undefined;
  deps.bus.publish(BUS_TOPICS.cache, units ? { cache: 'duty', units } : { cache: 'duty' });
}

/**
 * Who is on duty in each unit at `at`:
 * - the users whose roster entries cover `at` ([startsAt, endsAt)), when there are any;
 * - otherwise (the unit keeps no roster, its roster has lapsed, or has a gap at that moment) the
 *   unit's active members with a handling role (HANDLING_ROLES). A gap in a roster must not
 *   leave an urgent event unheard, so "nobody rostered" never means "nobody notified".
 *
 * `db` may be a transaction (event creation calls this inside its own; on SQLite a read outside
 * it would wait for it). Pass a cache to reuse what was read a moment ago.
 */
export async function findOnDutyUsers(db: Kysely<Database>, unitIds: string[], at: Date, cache?: OnDutyCache): Promise<Map<string, OnDutyUnit>> {
  const atMs = at.getTime();
  const distinct = [...new Set(unitIds)];
  const loaded = new Map<string, CachedUnit>();
  const missing: string[] = [];
  for (const id of distinct) {
    const hit = cache?.get(id, atMs);
    if (hit) loaded.set(id, hit);
    else missing.push(id);
  }
  if (missing.length) {
    const generation = cache?.currentGeneration() ?? 0;
    const toMs = atMs + ON_DUTY_CACHE_MS;
    const [roster, members] = await Promise.all([
      findRosterCandidates(db, missing, at.toISOString(), new Date(toMs).toISOString()),
      findMembersWithRoles(db, missing, HANDLING_ROLES),
    ]);
    for (const id of missing) loaded.set(id, { fromMs: atMs, toMs, roster: [], members: [] });
    for (const r of roster) {
      loaded
        .get(r.org_unit_id)!
        .roster.push({ userId: r.user_id, name: r.display_name, phone: r.phone, startsMs: Date.parse(r.starts_at), endsMs: Date.parse(r.ends_at) });
    }
    for (const m of members) {
      const unit = loaded.get(m.org_unit_id)!;
      if (!unit.members.some((u) => u.userId === m.user_id)) unit.members.push({ userId: m.user_id, name: m.display_name, phone: m.phone });
    }
    if (cache) for (const id of missing) cache.store(generation, id, loaded.get(id)!);
  }

  const result = new Map<string, OnDutyUnit>();
  for (const id of distinct) {
    const unit = loaded.get(id)!;
    const rostered: OnDutyUser[] = [];
    for (const r of unit.roster) {
      if (r.startsMs <= atMs && atMs < r.endsMs && !rostered.some((u) => u.userId === r.userId))
        rostered.push({ userId: r.userId, name: r.name, phone: r.phone });
    }
    result.set(id, rostered.length ? { source: 'roster', users: rostered } : { source: 'members', users: unit.members });
  }
  return result;
}
