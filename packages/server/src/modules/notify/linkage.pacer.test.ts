import { describe, expect, it } from 'vitest';
import { BatchPacer, linkageBatchSize, yieldsToRequests } from './linkage.worker.ts';

/** A pacer on a hand-driven clock and load: batches "take" whatever the test advances. */
function pacerAt(load: number) {
  const clock = { ms: 0, load };
  const pacer = new BatchPacer(
    { minShare: 0.2, saturated: 0.9, windowMs: 250 },
    () => clock.load,
    () => clock.ms,
  );
  const batch = (ms: number) => pacer.time(async () => void (clock.ms += ms));
  return { clock, pacer, batch };
}

describe('linkage pacing against intake', () => {
  it('never pauses while the thread has time to spare, however much linkage takes', async () => {
    const { pacer, batch } = pacerAt(0.6);
    for (let i = 0; i < 50; i++) {
      await batch(10);
      expect(pacer.shouldPause()).toBe(false);
    }
    expect(pacer.share()).toBe(1);
  });

  it('on a saturated thread keeps linkage to its minimum share, and never below it', async () => {
    const { clock, pacer, batch } = pacerAt(1);
    let busy = 0;
    // Ten seconds of a flood: linkage runs a 5 ms batch whenever the pacer lets it, otherwise
    // the thread takes in reports (the clock moves on 2 ms at a time, as the drainer's pauses do).
    while (clock.ms < 10_000) {
      if (pacer.shouldPause()) clock.ms += 2;
      else {
        await batch(5);
        busy += 5;
      }
    }
    const share = busy / clock.ms;
    expect(share).toBeGreaterThanOrEqual(0.19);
    expect(share).toBeLessThanOrEqual(0.23);
  });

  it('goes on at once when the flood ends', async () => {
    const { clock, pacer, batch } = pacerAt(1);
    for (let i = 0; i < 20; i++) await batch(10);
    expect(pacer.shouldPause()).toBe(true);
    clock.load = 0.5;
    expect(pacer.shouldPause()).toBe(false);
  });

  it('forgets batches older than its window', async () => {
    const { clock, pacer, batch } = pacerAt(1);
    await batch(100);
    expect(pacer.share()).toBeCloseTo(0.4);
    clock.ms += 250;
    expect(pacer.share()).toBe(0);
    expect(pacer.shouldPause()).toBe(false);
  });
});

describe('linkage batch size', () => {
  it('is small while requests come in, so that none waits long behind a batch, and larger once none has come for 100 ms', () => {
    expect(linkageBatchSize(0)).toBe(4);
    expect(linkageBatchSize(99)).toBe(4);
    expect(linkageBatchSize(100)).toBe(32);
    expect(linkageBatchSize(Infinity)).toBe(32);
  });

  it("gives way to requests only while they come in: without them the thread is linkage's, however busy", async () => {
    const { pacer, batch } = pacerAt(1);
    await batch(200); // linkage has had most of the last window, and the thread is fully busy
    expect(pacer.shouldPause()).toBe(true);
    expect(yieldsToRequests(0, pacer)).toBe(true);
    expect(yieldsToRequests(99, pacer)).toBe(true);
    expect(yieldsToRequests(100, pacer)).toBe(false);
    expect(yieldsToRequests(Infinity, pacer)).toBe(false);
  });
});
