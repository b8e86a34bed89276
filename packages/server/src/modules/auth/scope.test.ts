import { describe, expect, it } from 'vitest';
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
  unitPaths,
  userPrincipal,
  type UnitKey,
} from './scope-matrix.fixture.ts';
import { canSeeEvent, canSeeUser, dataScopeOf } from './scope.ts';

const IDS = Object.fromEntries((['C', 'TA', 'VA', 'GA', 'TB', 'VB', 'GB', 'D', 'S', 'D2'] as UnitKey[]).map((k) => [k, `id-${k}`])) as Record<UnitKey, string>;
const PATHS = unitPaths(IDS);

describe('event visibility: every role × membership level × event', () => {
  const rows = ROLES.flatMap((role) => LEVELS.flatMap((level) => EVENT_CASES.map((e) => ({ role, level, e }))));
  it(`covers ${rows.length} combinations`, () => {
    expect(rows.length).toBe(9 * 6 * 24);
    const wrong = rows
      .map(({ role, level, e }) => ({
        role,
        level,
        ...e,
        expected: expectedForUser(role, level, e),
        actual: canSeeEvent(dataScopeOf(userPrincipal(IDS, role, level)), eventFacts(IDS, e)),
      }))
      .filter((r) => r.expected !== r.actual);
    expect(wrong).toEqual([]);
  });

  it('opens the whole county only to county-level admins, leaders, duty officers and dispatchers', () => {
    const wide = ROLES.filter((r) => dataScopeOf(userPrincipal(IDS, r, 'county')).all);
    expect(wide).toEqual(['admin', 'leader', 'duty_officer', 'dispatcher']);
    for (const level of LEVELS.filter((l) => l !== 'county')) expect(dataScopeOf(userPrincipal(IDS, 'admin', level)).all).toBe(false);
  });

  it('gives a deputy only their own submissions, unless they also hold a territorial role', () => {
    const deputy = userPrincipal(IDS, 'deputy', 'township');
    const seen = EVENT_CASES.filter((e) => canSeeEvent(dataScopeOf(deputy), eventFacts(IDS, e)));
    expect(seen.every((e) => e.own)).toBe(true);
    deputy.memberships.push({ ...deputy.memberships[0], role: 'handler' });
    expect(canSeeEvent(dataScopeOf(deputy), eventFacts(IDS, { location: 'A', dispatchedTo: 'none', own: false }))).toBe(true);
  });
});

describe('API key visibility: scopes × key unit × event', () => {
  const rows = API_KEY_SCOPE_SETS.flatMap((scopes) => API_KEY_LEVELS.flatMap((level) => EVENT_CASES.map((e) => ({ scopes, level, e }))));
  it(`covers ${rows.length} combinations`, () => {
    const wrong = rows
      .map(({ scopes, level, e }) => ({
        scopes,
        level,
        ...e,
        expected: expectedForApiKey(scopes, level, e),
        actual: canSeeEvent(dataScopeOf(apiKeyPrincipal(IDS, scopes, level)), eventFacts(IDS, e)),
      }))
      .filter((r) => r.expected !== r.actual);
    expect(wrong).toEqual([]);
  });

  it('does not treat the key creator’s submissions as the key’s', () => {
    const scope = dataScopeOf(apiKeyPrincipal(IDS, ['alarms:write'], 'county'));
    expect(canSeeEvent(scope, eventFacts(IDS, { location: 'A', dispatchedTo: 'none', own: true }))).toBe(false);
  });
});

describe('people visibility (phone masking)', () => {
  // Where the person works → who (role at level) may see their personal data.
  const PEOPLE: Array<[UnitKey, Record<string, boolean>]> = [
    ['GA', { county: true, township: true, village: true, grid: true, department: false, station: false }],
    ['GB', { county: true, township: false, village: false, grid: false, department: false, station: false }],
    ['TA', { county: true, township: true, village: false, grid: false, department: false, station: false }],
    ['D', { county: true, township: false, village: false, grid: false, department: true, station: false }],
    ['S', { county: true, township: false, village: false, grid: false, department: true, station: true }],
    ['D2', { county: true, township: false, village: false, grid: false, department: false, station: false }],
  ];
  it('shows people of the caller’s subtree or department, for working roles only', () => {
    const wrong: unknown[] = [];
    for (const role of ROLES) {
      for (const level of LEVELS) {
        for (const [unit, byLevel] of PEOPLE) {
          const expected = role !== 'deputy' && role !== 'integrator' && byLevel[level];
          const actual = canSeeUser(dataScopeOf(userPrincipal(IDS, role, level)), [PATHS[unit]]);
          if (expected !== actual) wrong.push({ role, level, unit, expected, actual });
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('hides people without any unit from everyone below the county-wide roles', () => {
    expect(canSeeUser(dataScopeOf(userPrincipal(IDS, 'admin', 'county')), [])).toBe(true);
    expect(canSeeUser(dataScopeOf(userPrincipal(IDS, 'handler', 'county')), [])).toBe(false);
  });
});
