import type { Condition, FieldCondition } from '@liandong/contracts';

/** What a condition reads: the event's fields and the instance's variables. */
export interface ConditionContext {
  event?: Readonly<Record<string, unknown>>;
  vars?: Readonly<Record<string, unknown>>;
}

/**
 * The value at `event.<name>` / `vars.<name>`, or undefined when it is missing. Only own
 * properties count, so `vars.constructor` or `vars.__proto__` never reach into the prototype;
 * null counts as missing.
 */
export function readConditionField(field: string, context: ConditionContext): unknown {
  const dot = field.indexOf('.');
  const scope = field.slice(0, dot);
  const name = field.slice(dot + 1);
  const source = scope === 'event' ? context.event : scope === 'vars' ? context.vars : undefined;
  if (!source || !Object.prototype.hasOwnProperty.call(source, name)) return undefined;
  const value = source[name];
  return value === null ? undefined : value;
}

function isComparable(a: unknown, b: unknown): a is number | string {
  if (typeof a === 'number' && typeof b === 'number') return !Number.isNaN(a) && !Number.isNaN(b);
  return typeof a === 'string' && typeof b === 'string';
}

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The positive form of each operator; `ne` and `nin` are exactly their negations. */
function holds(cond: FieldCondition, value: unknown): boolean {
  switch (cond.op) {
    case 'exists':
      return (value !== undefined) === (cond.value ?? true);
    case 'eq':
      return value !== undefined && value === cond.value;
    case 'ne':
      return !(value !== undefined && value === cond.value);
    case 'in':
      return value !== undefined && cond.value.some((v) => v === value);
    case 'nin':
      return !(value !== undefined && cond.value.some((v) => v === value));
    case 'contains':
      if (typeof value === 'string') return typeof cond.value === 'string' && value.includes(cond.value);
      if (Array.isArray(value)) return value.some((v) => v === cond.value);
      return false;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (!isComparable(value, cond.value)) return false;
      const c = compare(value, cond.value);
      return cond.op === 'gt' ? c > 0 : cond.op === 'gte' ? c >= 0 : cond.op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

/**
 * Whether `cond` holds in `context`. Pure, total, no coercion:
 * - a missing field (absent or null) is equal to nothing: `eq`, `in`, `contains` and the
 *   comparisons are false on it, while `ne` and `nin` — the exact negations of `eq` and `in` —
 *   are true; `exists` is true unless the field is missing (`exists` with `value: false` the reverse);
 * - equality is strict (`'1'` is not `1`);
 * - `gt/gte/lt/lte` compare two numbers, or two strings by code point (ISO times and category
 *   codes sort that way); any other pairing is false;
 * - `contains` is substring on a string field and membership on an array field;
 * - `all: []` holds and `any: []` does not (the schema refuses empty lists anyway).
 */
export function evaluateCondition(cond: Condition, context: ConditionContext): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluateCondition(c, context));
  if ('any' in cond) return cond.any.some((c) => evaluateCondition(c, context));
  if ('not' in cond) return !evaluateCondition(cond.not, context);
  return holds(cond, readConditionField(cond.field, context));
}

/** Every field a condition reads, in order of appearance. */
export function conditionFields(cond: Condition): string[] {
  if ('all' in cond) return cond.all.flatMap(conditionFields);
  if ('any' in cond) return cond.any.flatMap(conditionFields);
  if ('not' in cond) return conditionFields(cond.not);
  return [cond.field];
}
