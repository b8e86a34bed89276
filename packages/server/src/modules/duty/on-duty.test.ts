import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../testing/databases.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { findOnDutyUsers, onDutyCacheOf } from './on-duty.ts';

const H = 3_600_000;

describe.each(TEST_DIALECTS)('findOnDutyUsers on %s', (dialect) => {
  let t: TestApp;
  const at = (hours: number) => new Date(t.clock.now().getTime() + hours * H);
  const onDuty = async (unitKey: string, when: Date) => {
    const unit = (await findOnDutyUsers(t.deps.db, [t.fixture.units[unitKey]], when, onDutyCacheOf(t.deps))).get(t.fixture.units[unitKey])!;
    return { source: unit.source, names: unit.users.map((u) => u.name).sort() };
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it('without a roster, the unit’s members with handling roles are on duty (not deputies)', async () => {
    expect(await onDuty('vA1', at(0))).toEqual({ source: 'members', names: ['南浦村干部'] });
    expect(await onDuty('tA', at(0))).toEqual({ source: 'members', names: ['东港镇调度员'] });
    expect(await onDuty('construction', at(0))).toEqual({ source: 'members', names: [] });
  });

  it('sees a new member at once (membership changes in this process invalidate the cache)', async () => {
    const added = await t.as('admin')('POST', `/api/v1/users/${t.fixture.users.gwA1a.id}/memberships`, { orgUnitId: t.fixture.units.vA1, role: 'grid_worker' });
    expect(added.statusCode).toBe(201);
    expect(await onDuty('vA1', at(0))).toEqual({ source: 'members', names: ['南浦村干部', '南浦网格员'] });
  });

  it('with roster entries covering the moment, only those rostered are on duty; outside them, the members again', async () => {
    const res = await t.as('admin')('POST', '/api/v1/duty-rosters', {
      orgUnitId: t.fixture.units.vA1,
      userId: t.fixture.users.gwA1a.id,
      startsAt: at(-1).toISOString(),
      endsAt: at(8).toISOString(),
    });
    expect(res.statusCode).toBe(201);
    expect(await onDuty('vA1', at(0))).toEqual({ source: 'roster', names: ['南浦网格员'] });
    expect(await onDuty('vA1', at(7.99))).toEqual({ source: 'roster', names: ['南浦网格员'] });
    // [startsAt, endsAt): at the end of the shift, nobody is rostered, so no urgent event goes unheard.
    expect(await onDuty('vA1', at(8))).toEqual({ source: 'members', names: ['南浦村干部', '南浦网格员'] });

    expect((await t.as('admin')('DELETE', `/api/v1/duty-rosters/${res.json().id}`)).statusCode).toBe(204);
    expect(await onDuty('vA1', at(0))).toEqual({ source: 'members', names: ['南浦村干部', '南浦网格员'] });
  });

  it('leaves deactivated accounts out, rostered or not', async () => {
    await t.as('admin')('POST', '/api/v1/duty-rosters', {
      orgUnitId: t.fixture.units.tA,
      userId: t.fixture.users.dispatcherA.id,
      startsAt: at(-1).toISOString(),
      endsAt: at(1).toISOString(),
    });
    expect(await onDuty('tA', at(0))).toEqual({ source: 'roster', names: ['东港镇调度员'] });
    expect((await t.as('admin')('PATCH', `/api/v1/users/${t.fixture.users.dispatcherA.id}`, { isActive: false })).statusCode).toBe(200);
    expect(await onDuty('tA', at(0))).toEqual({ source: 'members', names: [] });
  });
});
