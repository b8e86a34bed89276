import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../testing/databases.ts';
import { migrateToLatest, type DatabaseHandle } from '../../db/database.ts';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { FIXTURE_NOW, seedFixture } from '../../testing/fixtures.ts';
import {
  API_KEY_LEVELS,
  API_KEY_SCOPE_SETS,
  EVENT_CASES,
  LEVELS,
  ROLES,
  apiKeyPrincipal,
  eventFacts,
  expectedForApiKey,
  expectedForUser,
  userPrincipal,
  type EventCase,
  type UnitKey,
} from './scope-matrix.fixture.ts';
import { dataScopeOf } from './scope.ts';
import { whereEventInScope } from './scope.sql.ts';
import type { Principal } from './principal.ts';

describe.each(TEST_DIALECTS)('whereEventInScope on %s agrees with the truth table', (dialect) => {
  let h: DatabaseHandle;
  let ids: Record<UnitKey, string>;
  const eventIdOf = new Map<EventCase, string>();

  beforeAll(async () => {
    h = await openTestDatabase(dialect);
    await migrateToLatest(h.db);
    const f = await seedFixture(h.db);
    const u = f.units;
    // The fixture county matches the matrix shape: enforcement owns the station enforcementA.
    ids = { C: u.county, TA: u.tA, VA: u.vA1, GA: u.gA1a, TB: u.tB, VB: u.vB1, GB: u.gB1a, D: u.enforcement, S: u.enforcementA, D2: u.water };
    for (const [i, e] of EVENT_CASES.entries()) {
      const facts = eventFacts(ids, e);
      const id = `ev-${String(i).padStart(3, '0')}`;
      eventIdOf.set(e, id);
      await h.db
        .insertInto('events')
        .values({
          id,
          code: `C${i}`,
          category_code: '0101',
          title: 'matrix',
          description: null,
          status: 'dispatched',
          is_open: 1,
          closing_kind: null,
          urgency: 'normal',
          source: 'patrol',
          external_id: null,
          lng: 122,
          lat: 30,
          address: null,
          county_id: facts.countyId,
          township_id: facts.townshipId,
          village_id: facts.villageId,
          grid_id: facts.gridId,
          lead_unit_id: facts.unitIds[0] ?? null,
          reporter_user_id: facts.reporterUserId,
          reporter_name: null,
          reporter_phone: null,
          tracking_token: `t${i}`,
          occurred_at: FIXTURE_NOW,
          created_at: FIXTURE_NOW,
          updated_at: FIXTURE_NOW,
          closed_at: null,
          due_at: null,
          supervised: 0,
          urge_count: 0,
          duplicate_count: 0,
          rating_score: null,
          version: 1,
          plate: null,
          overdue: 0,
        })
        .execute();
      for (const unit of facts.unitIds)
        await h.db.insertInto('event_units').values({ event_id: id, org_unit_id: unit, role: 'lead', created_at: FIXTURE_NOW }).execute();
    }
  });
  afterAll(async () => h?.close());

  const visible = async (p: Principal) =>
    (
      await h.db
        .selectFrom('events')
        .select('id')
        .where((eb) => whereEventInScope(eb, dataScopeOf(p)))
        .orderBy('id')
        .execute()
    ).map((r) => r.id);

  it('for every role × membership level', async () => {
    const wrong: unknown[] = [];
    for (const role of ROLES) {
      for (const level of LEVELS) {
        const expected = EVENT_CASES.filter((e) => expectedForUser(role, level, e)).map((e) => eventIdOf.get(e)!);
        const actual = await visible(userPrincipal(ids, role, level));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push({ role, level, expected, actual });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('for every API key scope set × key unit', async () => {
    const wrong: unknown[] = [];
    for (const scopes of API_KEY_SCOPE_SETS) {
      for (const level of API_KEY_LEVELS) {
        const expected = EVENT_CASES.filter((e) => expectedForApiKey(scopes, level, e)).map((e) => eventIdOf.get(e)!);
        const actual = await visible(apiKeyPrincipal(ids, scopes, level));
        if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push({ scopes, level, expected, actual });
      }
    }
    expect(wrong).toEqual([]);
  });
});
