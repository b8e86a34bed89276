import { describe, expect, it } from 'vitest';
import { defaultIds } from './ids.ts';

describe('defaultIds', () => {
  it('gives UUIDv7 ids that are unique and sort in the order they were made, across many pool refills', () => {
    const ids = Array.from({ length: 20_000 }, () => defaultIds.id());
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws the random part afresh: two ids of the same millisecond differ beyond the counter', () => {
    const a = defaultIds.id();
    const b = defaultIds.id();
    // Bytes 10–15 (the last group) are random in every id.
    expect(a.slice(-12)).not.toBe(b.slice(-12));
  });
});
