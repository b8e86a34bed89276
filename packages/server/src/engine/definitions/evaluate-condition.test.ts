import { Condition, type FieldCondition } from '@liandong/contracts';
import { describe, expect, it } from 'vitest';
import { conditionFields, evaluateCondition, readConditionField, type ConditionContext } from './evaluate-condition.ts';

/** One variable per type, plus null; `missing` is never set. */
const ctx: ConditionContext = {
  event: { category: '0101', urgency: 'urgent', urgeCount: 2, supervised: true },
  vars: {
    s: 'hello world',
    n: 5,
    zero: 0,
    t: true,
    f: false,
    arr: ['a', 'b', 1],
    empty: '',
    iso: '2024-05-01T08:00:00Z',
    nul: null,
    nan: Number.NaN,
  },
};

const ev = (field: string, op: FieldCondition['op'], value?: unknown) =>
  evaluateCondition({ field, op, ...(value !== undefined ? { value } : {}) } as FieldCondition, ctx);

describe('evaluateCondition: eq and ne', () => {
  const cases: [string, unknown, boolean][] = [
    ['vars.s', 'hello world', true],
    ['vars.s', 'hello', false],
    ['vars.empty', '', true],
    ['vars.n', 5, true],
    ['vars.n', 6, false],
    ['vars.n', '5', false], // no coercion
    ['vars.zero', false, false],
    ['vars.t', true, true],
    ['vars.t', 'true', false],
    ['vars.f', false, true],
    ['vars.f', 0, false],
    ['vars.arr', 'a', false], // an array equals no scalar
    ['vars.missing', 'x', false],
    ['vars.missing', false, false],
    ['vars.nul', 'x', false],
    ['event.urgency', 'urgent', true],
    ['event.category', '0101', true],
  ];
  it.each(cases)('%s eq %j → %s', (field, value, expected) => {
    expect(ev(field, 'eq', value)).toBe(expected);
  });
  it.each(cases)('%s ne %j is the exact negation of eq', (field, value, expected) => {
    expect(ev(field, 'ne', value)).toBe(!expected);
  });
});

describe('evaluateCondition: in and nin', () => {
  const cases: [string, unknown[], boolean][] = [
    ['vars.s', ['hello world', 'x'], true],
    ['vars.s', ['hello'], false],
    ['vars.n', [1, 5], true],
    ['vars.n', ['5'], false],
    ['vars.t', [true], true],
    ['vars.f', [true, 0], false],
    ['vars.arr', ['a'], false], // membership of the field, not overlap
    ['vars.missing', ['x'], false],
    ['vars.nul', ['x'], false],
    ['vars.s', [], false],
    ['event.source', ['video'], false],
  ];
  it.each(cases)('%s in %j → %s', (field, value, expected) => {
    expect(ev(field, 'in', value)).toBe(expected);
  });
  it.each(cases)('%s nin %j is the exact negation of in', (field, value, expected) => {
    expect(ev(field, 'nin', value)).toBe(!expected);
  });
});

describe('evaluateCondition: gt, gte, lt, lte', () => {
  const cases: [string, number | string, [boolean, boolean, boolean, boolean]][] = [
    // field, value, [gt, gte, lt, lte]
    ['vars.n', 3, [true, true, false, false]],
    ['vars.n', 5, [false, true, false, true]],
    ['vars.n', 7, [false, false, true, true]],
    ['vars.zero', 0, [false, true, false, true]],
    ['vars.iso', '2024-04-30T23:59:59Z', [true, true, false, false]],
    ['vars.iso', '2024-05-01T08:00:00Z', [false, true, false, true]],
    ['vars.iso', '2024-06-01T00:00:00Z', [false, false, true, true]],
    ['event.category', '0100', [true, true, false, false]],
    // Different types never compare.
    ['vars.n', '3', [false, false, false, false]],
    ['vars.s', 3, [false, false, false, false]],
    ['vars.t', 0, [false, false, false, false]],
    ['vars.arr', 0, [false, false, false, false]],
    ['vars.nan', 0, [false, false, false, false]],
    ['vars.missing', 0, [false, false, false, false]],
    ['vars.missing', '', [false, false, false, false]],
    ['vars.nul', 0, [false, false, false, false]],
  ];
  it.each(cases)('%s against %j', (field, value, [gt, gte, lt, lte]) => {
    expect([ev(field, 'gt', value), ev(field, 'gte', value), ev(field, 'lt', value), ev(field, 'lte', value)]).toEqual([gt, gte, lt, lte]);
  });
});

describe('evaluateCondition: exists', () => {
  it.each(['vars.s', 'vars.empty', 'vars.n', 'vars.zero', 'vars.t', 'vars.f', 'vars.arr', 'vars.nan', 'event.urgency'])(
    '%s exists (falsy values too)',
    (field) => {
      expect(ev(field, 'exists')).toBe(true);
      expect(ev(field, 'exists', true)).toBe(true);
      expect(ev(field, 'exists', false)).toBe(false);
    },
  );
  it.each(['vars.missing', 'vars.nul', 'event.plate'])('%s is missing (absent or null)', (field) => {
    expect(ev(field, 'exists')).toBe(false);
    expect(ev(field, 'exists', false)).toBe(true);
  });
});

describe('evaluateCondition: contains', () => {
  const cases: [string, unknown, boolean][] = [
    ['vars.s', 'world', true],
    ['vars.s', '', true],
    ['vars.s', 'planet', false],
    ['vars.s', 5, false],
    ['vars.arr', 'b', true],
    ['vars.arr', 1, true],
    ['vars.arr', '1', false],
    ['vars.arr', 'c', false],
    ['vars.n', 5, false], // a number contains nothing
    ['vars.t', true, false],
    ['vars.missing', 'x', false],
    ['vars.nul', 'x', false],
  ];
  it.each(cases)('%s contains %j → %s', (field, value, expected) => {
    expect(ev(field, 'contains', value)).toBe(expected);
  });
});

describe('evaluateCondition: all, any, not', () => {
  const yes: Condition = { field: 'vars.n', op: 'eq', value: 5 };
  const no: Condition = { field: 'vars.n', op: 'eq', value: 6 };
  it('combines like and, or, not', () => {
    expect(evaluateCondition({ all: [yes, yes] }, ctx)).toBe(true);
    expect(evaluateCondition({ all: [yes, no] }, ctx)).toBe(false);
    expect(evaluateCondition({ any: [no, yes] }, ctx)).toBe(true);
    expect(evaluateCondition({ any: [no, no] }, ctx)).toBe(false);
    expect(evaluateCondition({ not: yes }, ctx)).toBe(false);
    expect(evaluateCondition({ not: no }, ctx)).toBe(true);
    expect(evaluateCondition({ all: [{ any: [no, { not: no }] }, { not: { all: [yes, no] } }] }, ctx)).toBe(true);
  });
  it('an empty all holds and an empty any does not (the schema refuses both)', () => {
    expect(evaluateCondition({ all: [] }, ctx)).toBe(true);
    expect(evaluateCondition({ any: [] }, ctx)).toBe(false);
    expect(Condition.safeParse({ all: [] }).success).toBe(false);
    expect(Condition.safeParse({ any: [] }).success).toBe(false);
  });
  it('lists the fields a condition reads', () => {
    expect(conditionFields({ all: [yes, { not: { field: 'event.urgency', op: 'exists' } }, { any: [{ field: 'vars.t', op: 'eq', value: true }] }] })).toEqual([
      'vars.n',
      'event.urgency',
      'vars.t',
    ]);
  });
});

describe('readConditionField', () => {
  it('never reads through the prototype', () => {
    expect(readConditionField('vars.constructor', ctx)).toBeUndefined();
    expect(readConditionField('vars.toString', ctx)).toBeUndefined();
    expect(readConditionField('vars.__proto__', ctx)).toBeUndefined();
    expect(ev('vars.constructor', 'exists')).toBe(false);
  });
  it('treats a missing scope as missing fields', () => {
    expect(evaluateCondition({ field: 'event.urgency', op: 'eq', value: 'urgent' }, {})).toBe(false);
    expect(evaluateCondition({ field: 'vars.n', op: 'ne', value: 5 }, { event: {} })).toBe(true);
  });
  it('keeps event and vars apart', () => {
    expect(readConditionField('event.n', ctx)).toBeUndefined();
    expect(readConditionField('vars.urgency', ctx)).toBeUndefined();
    expect(readConditionField('event.urgeCount', ctx)).toBe(2);
  });
});

describe('Condition schema', () => {
  it('refuses scripts, unknown operators and mistyped values', () => {
    expect(Condition.safeParse({ field: 'event.urgency', op: 'eq', value: 'urgent' }).success).toBe(true);
    expect(Condition.safeParse({ field: 'event.urgency', op: 'matches', value: '.*' }).success).toBe(false);
    expect(Condition.safeParse({ field: 'event.urgency', op: 'in', value: 'urgent' }).success).toBe(false);
    expect(Condition.safeParse({ field: 'event.urgency', op: 'gt', value: true }).success).toBe(false);
    expect(Condition.safeParse({ field: 'event.urgency', op: 'eq', value: null }).success).toBe(false);
    expect(Condition.safeParse({ field: 'process.env', op: 'exists' }).success).toBe(false);
    expect(Condition.safeParse({ script: 'return true' }).success).toBe(false);
    expect(Condition.safeParse({ all: [{ field: 'vars.a', op: 'eq', value: 1 }], any: [] }).success).toBe(false);
  });
});
