import { describe, expect, it } from 'vitest';
import {
  BEHIND_BATCH,
  BEHIND_FULL_MS,
  BEHIND_MS,
  BatchPacer,
  FAR_BEHIND_BATCH,
  FAR_BEHIND_MS,
  IDLE_BATCH,
  LIVE_BATCH,
  MAX_SHARE,
  MIN_SHARE,
  backgroundBatchSize,
  yieldsToRequests,
} from './write-path.ts';

/** A pacer on a hand-driven clock and load, as the write path builds it (share grows as the queue falls behind). */
function pacerAt(load: number) {
  const clock = { ms: 0, load };
  const pacer = new BatchPacer(
    { minShare: MIN_SHARE, maxShare: MAX_SHARE, behindFullMs: BEHIND_FULL_MS, saturated: 0.75, windowMs: 250 },
    () => clock.load,
    () => clock.ms,
  );
  const batch = (ms: number) => pacer.time(async () => void (clock.ms += ms));
  return { clock, pacer, batch };
}

/** Runs batches of `ms` against a saturated thread for `windowMs`, waiting in 2 ms steps whenever the pacer says so. */
async function shareWhenBehind(behindMs: number): Promise<number> {
  const { clock, pacer, batch } = pacerAt(0.95);
  let busy = 0;
  while (clock.ms < 5000) {
    if (yieldsToRequests(0, pacer, behindMs)) {
      clock.ms += 2;
      continue;
    }
    await batch(3);
    busy += 3;
  }
  return busy / clock.ms;
}

describe('background pacing on the write path', () => {
  it('keeps background work to its minimum share of a saturated thread while it keeps up', async () => {
    expect(await shareWhenBehind(0)).toBeCloseTo(MIN_SHARE, 1);
  });

  it('gives background work more of a saturated thread the further it falls behind, up to its maximum', async () => {
    const half = await shareWhenBehind(BEHIND_FULL_MS / 2);
    const full = await shareWhenBehind(BEHIND_FULL_MS * 5);
    const middle = (MIN_SHARE + MAX_SHARE) / 2;
    expect(half).toBeGreaterThan(middle - 0.08);
    expect(half).toBeLessThan(middle + 0.08);
    expect(full).toBeCloseTo(MAX_SHARE, 1);
  });

  it('takes larger batches while behind, and the largest when no request waits', () => {
    expect(backgroundBatchSize(0, 0)).toBe(LIVE_BATCH);
    expect(backgroundBatchSize(0, BEHIND_MS)).toBe(LIVE_BATCH);
    expect(backgroundBatchSize(0, BEHIND_MS + 1)).toBe(BEHIND_BATCH);
    expect(backgroundBatchSize(0, FAR_BEHIND_MS)).toBe(BEHIND_BATCH);
    expect(backgroundBatchSize(0, FAR_BEHIND_MS + 1)).toBe(FAR_BEHIND_BATCH);
    expect(backgroundBatchSize(100, 0)).toBe(IDLE_BATCH);
    expect(backgroundBatchSize(Infinity, 10_000)).toBe(IDLE_BATCH);
  });
});
