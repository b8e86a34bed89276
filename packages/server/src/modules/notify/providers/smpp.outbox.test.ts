import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECTS } from '../../../testing/databases.ts';
import { SmscSimulator } from '../../../testing/smsc-simulator.ts';
import { createTestApp, type TestApp } from '../../../testing/test-app.ts';
import { startDispatcher } from '../dispatcher.ts';
import { enqueue, notificationRow, smsRequest } from '../notify.test-helpers.ts';
import { createSmsProvider } from './index.ts';

/** The outbox, the dispatcher and the SMPP provider together, against the simulator. */
describe.each(TEST_DIALECTS)('SMPP through the outbox on %s', (dialect) => {
  let t: TestApp;
  let sim: SmscSimulator;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    sim = await SmscSimulator.start();
  });
  afterAll(async () => {
    await sim?.stop();
    await t?.close();
  });

  it('delivers a long Chinese SMS as concatenated parts and records the combined receipt', async () => {
    const provider = createSmsProvider(sim.url('source=10690000'), { logger: t.deps.logger, clock: t.clock });
    const dispatcher = await startDispatcher(t.deps, provider, { pollMs: 20, workerId: 'smpp-test' });
    try {
      const text = '东门菜市场占道经营，请城管中队立即到场处置。'.repeat(5);
      const { created } = await enqueue(t, [smsRequest('long-1', { phone: '+86 139 0013 9000', vars: { text } })]);
      const id = created[0]!.id;
      let row = await notificationRow(t, id);
      for (let i = 0; i < 100 && row.status !== 'delivered'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        row = await notificationRow(t, id);
      }
      expect(row).toMatchObject({ status: 'delivered', provider: 'smpp', parts: sim.submits.length });
      expect(sim.submits.length).toBeGreaterThan(1);
      expect(sim.submits.every((s) => s.destinationAddr === '13900139000' && s.dataCoding === 8 && s.concat?.total === sim.submits.length)).toBe(true);
      expect(sim.submits.map((s) => s.text).join('')).toContain(text);
      expect(row.provider_message_id).toBe(sim.submits[0].messageId);
    } finally {
      await dispatcher.stop();
    }
  });
});
